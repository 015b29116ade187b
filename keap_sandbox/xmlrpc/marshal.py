"""Keap's XML-RPC wire form, written by hand (keap-xmlrpc.md §1.1, and the recorded exchanges in
wire-samples/xmlrpc-ruby-gem): one line, ``<?xml version="1.0" encoding="utf-8"?>``, strings as a bare
``<value>text</value>`` (empty: ``<value></value>``), integers ``<i4>``, doubles as Java prints them,
booleans ``<boolean>1</boolean>``, datetimes ``YYYYMMDDTHH:MM:SS`` without a zone (values are made
app-local by :func:`keap_sandbox.wire.xmlrpc_time` before they get here), served as
``text/xml;charset=UTF-8`` with status 200 (faults too).
"""

from __future__ import annotations

import base64
import xmlrpc.client
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

from starlette.responses import Response

#: Keap's (Tomcat's) exact header, not Starlette's ``text/xml; charset=utf-8``.
CONTENT_TYPE = "text/xml;charset=UTF-8"
XML_HEADER = '<?xml version="1.0" encoding="utf-8"?>'


def _escape(text: str) -> str:
    # Keap escapes only what XML requires in text (quotes stay bare, as in email_get_template.yml).
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def java_double(number: float) -> str:
    """``Double.toString``: plain between 1e-3 and 1e7, else ``d.dddE±n`` (Python's repr differs)."""
    if number != number or number in (float("inf"), float("-inf")):
        raise OverflowError(f"XML-RPC cannot carry {number!r}")
    if number == 0 or 1e-3 <= abs(number) < 1e7:
        return repr(float(number))
    sign, digits, exponent = Decimal(repr(number)).normalize().as_tuple()
    mantissa = "".join(map(str, digits))
    scale = exponent + len(mantissa) - 1
    return f"{'-' if sign else ''}{mantissa[0]}.{mantissa[1:] or '0'}E{scale}"


def _int(value: int) -> str:
    if -2**31 <= value < 2**31:
        return f"<value><i4>{value}</i4></value>"
    if -2**63 <= value < 2**63:  # a Java long (Long fields); xmlrpc.client reads <i8>
        return f"<value><i8>{value}</i8></value>"
    raise OverflowError("int exceeds XML-RPC limits")


def _datetime(value: datetime | date) -> str:
    return (f"<value><dateTime.iso8601>{value.year:04d}{value.month:02d}{value.day:02d}"
            f"T{getattr(value, 'hour', 0):02d}:{getattr(value, 'minute', 0):02d}:"
            f"{getattr(value, 'second', 0):02d}</dateTime.iso8601></value>")


def _struct(value: dict) -> str:
    members = []
    for name, item in value.items():
        if type(name) is not str:
            raise TypeError("dictionary key must be string")
        # Strings dominate query rows: write them inline rather than through the dispatch table.
        text = f"<value>{_escape(item)}</value>" if type(item) is str else _value(item)
        members.append(f"<member><name>{_escape(name)}</name>{text}</member>")
    return f"<value><struct>{''.join(members)}</struct></value>"


def _array(value: list | tuple) -> str:
    return f"<value><array><data>{''.join([_value(item) for item in value])}</data></array></value>"


_WRITERS: dict[type, Callable[[Any], str]] = {
    str: lambda v: f"<value>{_escape(v)}</value>",
    bool: lambda v: f"<value><boolean>{int(v)}</boolean></value>",
    int: _int,
    float: lambda v: f"<value><double>{java_double(v)}</double></value>",
    dict: _struct,
    list: _array,
    tuple: _array,
    datetime: _datetime,
    date: _datetime,
    xmlrpc.client.DateTime: lambda v: f"<value><dateTime.iso8601>{v.value}</dateTime.iso8601></value>",
    xmlrpc.client.Binary: lambda v: f"<value><base64>{base64.b64encode(v.data).decode('ascii')}</base64></value>",
    bytes: lambda v: f"<value><base64>{base64.b64encode(v).decode('ascii')}</base64></value>",
}


def _value(value: Any) -> str:
    writer = _WRITERS.get(type(value))
    if writer is None:
        writer = _writer_for_subclass(value)
    return writer(value)


def _writer_for_subclass(value: Any) -> Callable[[Any], str]:
    # Keap omits NULLs rather than sending <nil/>; a None here is a bug in a method, not data.
    for kind, writer in _WRITERS.items():
        if isinstance(value, kind) and kind is not bool:
            return writer
    raise TypeError(f"cannot marshal {type(value)} objects")


def dumps_response(result: Any) -> bytes:
    """A ``<methodResponse>`` carrying ``result``, byte for byte in Keap's layout."""
    return (f"{XML_HEADER}<methodResponse><params><param>{_value(result)}</param></params>"
            f"</methodResponse>").encode("utf-8")


def dumps_fault(code: int, message: str) -> bytes:
    return (f"{XML_HEADER}<methodResponse><fault><value><struct><member><name>faultCode</name>"
            f"{_int(code)}</member><member><name>faultString</name><value>{_escape(message)}</value>"
            f"</member></struct></value></fault></methodResponse>").encode("utf-8")


def xml_response(body: bytes) -> Response:
    """Keap answers every XML-RPC call, faults included, with 200 and Tomcat's content type."""
    return Response(body, status_code=200, headers={"content-type": CONTENT_TYPE})


def fault_response(code: int, message: str) -> Response:
    return xml_response(dumps_fault(code, message))

"""Keap's legacy XML-RPC API at ``/crm/xmlrpc/v1``: parse, dispatch by method name, answer or fault.

Methods live in domain modules, each exposing ``METHODS: dict[str, Callable[[Dataset, tuple], object]]``
keyed by the full method name (``"DataService.query"``). A method receives the call's parameters
*without* the leading API-key string that XML-RPC clients send first (Keap ignores its value when the
request carries a Bearer token or X-Keap-API-Key header; the key slot must still be present), and
returns a marshallable value or raises ``xmlrpc.client.Fault(code, "[Tag]message")``.

Responses are written by our own marshaller in Keap's wire form (keap-xmlrpc.md §1.1, and the recorded
exchanges in wire-samples/xmlrpc-ruby-gem): one line, ``<?xml version="1.0" encoding="utf-8"?>``,
strings as a bare ``<value>text</value>`` (empty: ``<value></value>``), integers ``<i4>``, doubles as
Java prints them, booleans ``<boolean>1</boolean>``, datetimes ``YYYYMMDDTHH:MM:SS`` without a zone,
served as ``text/xml;charset=UTF-8`` with status 200 (faults too).
"""

from __future__ import annotations

import base64
import xmlrpc.client
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import Response

from .dataset import Dataset

#: Keap's (Tomcat's) exact header, not Starlette's ``text/xml; charset=utf-8``.
CONTENT_TYPE = "text/xml;charset=UTF-8"
XML_HEADER = '<?xml version="1.0" encoding="utf-8"?>'
#: Methods Keap's servlet declares without the leading key slot (keap-xmlrpc.md §1.3).
KEYLESS_METHODS = frozenset({"DataService.getUserInfo"})
_JAVA_TYPES = {str: "java.lang.String", int: "java.lang.Integer", bool: "java.lang.Boolean",
               float: "java.lang.Double", dict: "java.util.HashMap", list: "java.lang.Object[]",
               datetime: "java.util.Date", xmlrpc.client.DateTime: "java.util.Date",
               xmlrpc.client.Binary: "[B"}


def load_methods() -> dict[str, Callable[[Dataset, tuple], Any]]:
    """Every method by full name, from the domain modules' ``METHODS``."""
    from . import xmlrpc_affiliates, xmlrpc_data, xmlrpc_ecommerce  # they may import helpers from here

    return {**xmlrpc_data.METHODS, **xmlrpc_ecommerce.METHODS, **xmlrpc_affiliates.METHODS}


# --------------------------------------------------------------------------- marshalling


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


# --------------------------------------------------------------------------- dispatch


def parse_fault_message(body: bytes) -> str:
    """The Java SAX parser's complaint Keap relays for a body that is not XML-RPC."""
    text = body.strip()
    if not text:
        return "Failed to parse XML-RPC request: Premature end of file."
    if not text.startswith(b"<"):
        return "Failed to parse XML-RPC request: Content is not allowed in prolog."
    return "Failed to parse XML-RPC request: XML document structures must start and end within the same entity."


def no_method_matching(params: tuple) -> xmlrpc.client.Fault:
    names = ", ".join(_JAVA_TYPES.get(type(p), "java.lang.Object") for p in params)
    return xmlrpc.client.Fault(0, f"No method matching arguments: {names}")


def method_arguments(method: str, params: tuple) -> tuple:
    """The arguments after the key slot. Java overloads need the slot to be a String: a call that
    omits it (or puts something else there) matches no method, whatever its other arguments."""
    if method in KEYLESS_METHODS:
        return params
    if not params or type(params[0]) is not str:
        raise no_method_matching(params)
    return params[1:]


class XmlRpcEndpoint:
    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.methods = load_methods()

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        try:
            params, method = xmlrpc.client.loads(body, use_datetime=True)
        except Exception:  # noqa: BLE001 - any unparsable body is a fault, as on Keap
            return fault_response(0, parse_fault_message(body))
        handler = self.methods.get(method or "")
        if handler is None:
            return fault_response(0, f"No such handler: {method}")
        try:
            result = handler(self.dataset, method_arguments(method, tuple(params)))
        except xmlrpc.client.Fault as fault:
            return fault_response(fault.faultCode, fault.faultString)
        return xml_response(dumps_response(result))

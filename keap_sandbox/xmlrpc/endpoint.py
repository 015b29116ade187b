"""Keap's legacy XML-RPC API at ``/crm/xmlrpc/v1``: parse, dispatch by method name, answer or fault.

Methods live in domain modules, each exposing ``METHODS: dict[str, Callable[[Dataset, tuple], object]]``
keyed by the full method name (``"DataService.query"``). A method receives the call's parameters
*without* the leading API-key string that XML-RPC clients send first (Keap ignores its value when the
request carries a Bearer token or X-Keap-API-Key header; the key slot must still be present), and
returns a marshallable value or raises ``xmlrpc.client.Fault(code, "[Tag]message")``. Answers are
written by :mod:`.marshal` in Keap's wire form.
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import Response

from ..data.dataset import Dataset
from . import affiliates, data_service, ecommerce
from .marshal import dumps_response, fault_response, xml_response
from .query import no_method

#: Methods Keap's servlet declares without the leading key slot (keap-xmlrpc.md §1.3).
KEYLESS_METHODS = frozenset({"DataService.getUserInfo"})


def load_methods() -> dict[str, Callable[[Dataset, tuple], Any]]:
    """Every method by full name, from the domain modules' ``METHODS``."""
    return {**data_service.METHODS, **ecommerce.METHODS, **affiliates.METHODS}


def parse_fault_message(body: bytes) -> str:
    """The Java SAX parser's complaint Keap relays for a body that is not XML-RPC."""
    text = body.strip()
    if not text:
        return "Failed to parse XML-RPC request: Premature end of file."
    if not text.startswith(b"<"):
        return "Failed to parse XML-RPC request: Content is not allowed in prolog."
    return "Failed to parse XML-RPC request: XML document structures must start and end within the same entity."


def method_arguments(method: str, params: tuple) -> tuple:
    """The arguments after the key slot. Java overloads need the slot to be a String: a call that
    omits it (or puts something else there) matches no method, whatever its other arguments."""
    if method in KEYLESS_METHODS:
        return params
    if not params or type(params[0]) is not str:
        raise no_method(params, key_slot=False)
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

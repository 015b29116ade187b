"""Keap's legacy XML-RPC API at ``/crm/xmlrpc/v1``: parse, dispatch by method name, answer or fault.

Methods live in domain modules, each exposing ``METHODS: dict[str, Callable[[Dataset, tuple], object]]``
keyed by the full method name (``"DataService.query"``). A method receives the call's parameters
*without* the leading API-key string that XML-RPC clients send first (Keap ignores its value when the
request carries a Bearer token or X-Keap-API-Key header; the key slot must still be present), and
returns a marshallable value or raises ``xmlrpc.client.Fault(code, "[Tag]message")``.
"""

from __future__ import annotations

import importlib
import xmlrpc.client
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import Response

from .dataset import Dataset

#: Domain modules with a ``METHODS`` dict, merged in this order.
DOMAIN_MODULES = ("xmlrpc_data", "xmlrpc_ecommerce", "xmlrpc_affiliates")


def load_methods() -> dict[str, Callable[[Dataset, tuple], Any]]:
    methods: dict[str, Callable[[Dataset, tuple], Any]] = {}
    for name in DOMAIN_MODULES:
        try:
            module = importlib.import_module(f".{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{name}":
                raise
            continue
        methods.update(module.METHODS)
    return methods


def fault_response(code: int, message: str) -> Response:
    body = xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True)
    return Response(body, media_type="text/xml")


class XmlRpcEndpoint:
    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.methods = load_methods()

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        try:
            params, method = xmlrpc.client.loads(body, use_datetime=True)
        except Exception:  # noqa: BLE001 - any unparsable body is a fault, as on Keap
            return fault_response(0, "Unable to parse the XML-RPC request")
        handler = self.methods.get(method or "")
        if handler is None:
            return fault_response(0, f"No such handler: {method}")
        try:
            result = handler(self.dataset, tuple(params[1:]))
        except xmlrpc.client.Fault as fault:
            return fault_response(fault.faultCode, fault.faultString)
        body = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False)
        return Response(body, media_type="text/xml")

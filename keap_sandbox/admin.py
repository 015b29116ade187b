"""Sandbox-only control endpoints under ``/sandbox/admin`` (unauthenticated; never under ``/crm``).

* ``GET /sandbox/admin/faults`` — installed rules, what each has matched and injected, totals by kind
* ``POST /sandbox/admin/faults`` — install rules: JSON ``{"rules": [...], "seed": n, "append": false}``
  or ``{"spec": "<spec string>"}`` (formats in :mod:`.faults`). Replaces the rules (and re-seeds the
  rate stream) unless ``append`` is true. A bad rule → 400 and nothing changes.
* ``DELETE /sandbox/admin/faults`` — remove every rule, zero the counters, release held requests
* ``GET /sandbox/admin/quotas`` — limits and current usage per credential and tenant
* ``POST /sandbox/admin/quotas`` — change limits, e.g. ``{"key_per_minute": 5, "enforce": true}``
  (fields of :class:`~.quotas.QuotaLimits`); counters restart
* ``DELETE /sandbox/admin/quotas`` — zero the counters, keep the limits
* ``GET /sandbox/admin/xmlrpc`` — ``{"shut_down": bool}``: whether XML-RPC is retired (410 Gone, see
  :mod:`.sunset`)
* ``POST /sandbox/admin/xmlrpc`` — switch it: ``{"shut_down": true}`` retires XML-RPC, ``false`` restores
  it (a non-boolean → 400 and nothing changes)
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .faults import FaultInjector, parse_spec
from .quotas import Quotas
from .sunset import XmlRpcSunset

ADMIN = "/sandbox/admin"


async def _json_object(request: Request) -> dict:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise ValueError(f"body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body


def _bad_request(exc: Exception) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=400)


def admin_routes(quotas: Quotas, faults: FaultInjector, sunset: XmlRpcSunset) -> list[Route]:
    async def show_faults(request: Request) -> Response:
        return JSONResponse(faults.snapshot())

    async def set_faults(request: Request) -> Response:
        try:
            body = await _json_object(request)
            rules = parse_spec(body["spec"]) if "spec" in body else body.get("rules", [])
            if not isinstance(rules, list):
                raise ValueError("rules must be a list")
            seed = body.get("seed")
            faults.install(rules, seed=None if seed is None else int(seed), append=bool(body.get("append")))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return _bad_request(exc)
        return JSONResponse(faults.snapshot())

    async def clear_faults(request: Request) -> Response:
        faults.clear()
        return JSONResponse(faults.snapshot())

    async def show_quotas(request: Request) -> Response:
        return JSONResponse(quotas.snapshot())

    async def set_quotas(request: Request) -> Response:
        try:
            quotas.configure(quotas.limits.with_overrides(await _json_object(request)))
        except (ValueError, TypeError) as exc:
            return _bad_request(exc)
        return JSONResponse(quotas.snapshot())

    async def reset_quotas(request: Request) -> Response:
        quotas.reset()
        return JSONResponse(quotas.snapshot())

    async def show_xmlrpc(request: Request) -> Response:
        return JSONResponse(sunset.snapshot())

    async def set_xmlrpc(request: Request) -> Response:
        try:
            body = await _json_object(request)
            if not isinstance(body.get("shut_down"), bool):
                raise ValueError('body must be {"shut_down": true|false}')
        except ValueError as exc:
            return _bad_request(exc)
        sunset.shut_down = body["shut_down"]
        return JSONResponse(sunset.snapshot())

    return [
        Route(f"{ADMIN}/faults", show_faults, methods=["GET"]),
        Route(f"{ADMIN}/faults", set_faults, methods=["POST"]),
        Route(f"{ADMIN}/faults", clear_faults, methods=["DELETE"]),
        Route(f"{ADMIN}/quotas", show_quotas, methods=["GET"]),
        Route(f"{ADMIN}/quotas", set_quotas, methods=["POST"]),
        Route(f"{ADMIN}/quotas", reset_quotas, methods=["DELETE"]),
        Route(f"{ADMIN}/xmlrpc", show_xmlrpc, methods=["GET"]),
        Route(f"{ADMIN}/xmlrpc", set_xmlrpc, methods=["POST"]),
    ]

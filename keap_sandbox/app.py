"""The sandbox's HTTP facade: one Starlette app on one port.

Layout (Keap spreads these over accounts./api. hosts; the sandbox serves all from one origin):

* ``GET|POST /app/oauth/authorize`` — consent page and its form post (see :mod:`.auth`)
* ``POST /token`` — code exchange and refresh-token rotation
* ``/crm/...`` — the API behind a gateway check (Bearer token or ``X-Keap-API-Key``);
  REST endpoints are registered in :mod:`.rest.routes`, XML-RPC is :mod:`.xmlrpc`
* ``GET /sandbox/health`` — readiness probe and identity (sandbox-only, unauthenticated)
* ``/sandbox/admin/faults``, ``/sandbox/admin/quotas`` and ``/sandbox/admin/xmlrpc`` — fault injection,
  quota state and the XML-RPC sunset switch (sandbox-only, unauthenticated; see :mod:`.admin`)

With ``xmlrpc_shut_down`` on, the XML-RPC paths answer ``410 Gone`` (HTML) to everything, ahead of the
gateway, as Keap's do after the API's retirement on 2026-12-31 (see :mod:`.sunset`).

Every response carries ``x-keap-sandbox: true`` so a client can tell it is not talking to Keap.
"""

from __future__ import annotations

import itertools
import time
from typing import Callable, Iterable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .auth import OAuthEndpoints, TokenStore, authenticate, gateway_fault
from .builds import parse_build
from .consent import RedirectUris
from .data.dataset import Dataset
from .admin import admin_routes
from .faults import FaultInjector, apply_fault, xmlrpc_method_of
from .quotas import QuotaLimits, Quotas
from .rest.routes import RestRouter, build_rest_router
from .rest.v2 import ApiError
from .sunset import SunsetGate, XmlRpcSunset
from .wire import iso_ms
from .xmlrpc.endpoint import XmlRpcEndpoint

# Keap documents /crm/xmlrpc/v1; its legacy-key migration pages use /crm/xmlrpc (keap-xmlrpc.md §1.2).
XMLRPC_PATHS = frozenset({"/xmlrpc/v1", "/xmlrpc"})

# A trimmed copy of the page Keap serves for unknown URLs (wire sample url-not-found.html).
NOT_FOUND_HTML = """<html>
<head>
    <title>
        Keap - Page Not Found</title>
</head>
<body bgcolor="#E4E4E4" class="loginPage">
<div id="content">
    <p>
        We're sorry to say this, but the page you're looking for can't be found. This usually
        happens if you click on a broken or incorrectly-formatted link, or enter the wrong web
        address.</p>
    <p>
        If you're the owner of this account, <a href="/">click here to login</a>.</p>
</div>
</body>
</html>
"""


def not_found() -> HTMLResponse:
    return HTMLResponse(NOT_FOUND_HTML, status_code=404)


class SandboxHeaders:
    """ASGI middleware stamping ``x-keap-sandbox`` and an ``x-request-id`` on every response.

    Plain ASGI rather than ``BaseHTTPMiddleware``: the latter adds a task and a body copy per
    request, which shows up when a bench pulls 100k contacts.
    """

    def __init__(self, app):
        self.app = app
        self._ids = itertools.count(1)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request_id = f"sandbox-{next(self._ids)}".encode()

        async def stamped(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-keap-sandbox", b"true"),
                                      (b"x-request-id", request_id)]
            await send(message)

        await self.app(scope, receive, stamped)


class CrmGateway:
    """Everything under ``/crm``, in Keap's order: auth, quota, then the API (by path and method).

    Injected faults act after the quota check (Keap's gateway counted the call) and before the
    handler. Each answered call carries the real ``x-keap-*`` quota headers and a ``server-timing``
    header with the handler's own time (benches compare it with the client's time).
    """

    def __init__(self, store: TokenStore, quotas: Quotas, faults: FaultInjector, rest: RestRouter,
                 xmlrpc: XmlRpcEndpoint):
        self.store = store
        self.quotas = quotas
        self.faults = faults
        self.rest = rest
        self.xmlrpc = xmlrpc

    async def handle(self, request: Request) -> Response:
        problem, principal = authenticate(self.store, request)
        if problem:
            return gateway_fault(problem)
        admission = self.quotas.admit(principal)
        if admission.rejection:
            return admission.response()
        # Keap tolerates a trailing slash (its own `next` URLs carry one: /contacts/?limit=...).
        path = "/" + request.path_params["path"].rstrip("/")
        is_xmlrpc = path in XMLRPC_PATHS and request.method == "POST"
        method = xmlrpc_method_of(await request.body()) if is_xmlrpc else None
        fault = self.faults.pick(path, method)
        if fault is None:
            response = await self._timed_route(request, path, is_xmlrpc)
        else:
            response = await apply_fault(fault, self.faults, request, is_xmlrpc,
                                         lambda: self._timed_route(request, path, is_xmlrpc))
        response.headers.update(admission.headers)
        return response

    async def _timed_route(self, request: Request, path: str, is_xmlrpc: bool) -> Response:
        started = time.perf_counter()
        response = await self._route(request, path, is_xmlrpc)
        response.headers["server-timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.3f}"
        return response

    async def _route(self, request: Request, path: str, is_xmlrpc: bool) -> Response:
        if is_xmlrpc:
            return await self.xmlrpc.handle(request)
        if path in XMLRPC_PATHS or (found := self.rest.match(path)) is None:
            return not_found()
        by_method, params = found
        if request.method not in by_method:
            return ApiError(405, f"Method {request.method} not allowed on {path}", domain="method",
                            resource=getattr(next(iter(by_method.values())), "resource", "")).response()
        return await self.rest.call(by_method[request.method], request, params)


class SandboxStarlette(Starlette):
    """Starlette that remembers the server's own ``send`` in the scope.

    Starlette's middleware wraps ``send``; uvicorn's original is a bound method of its request cycle,
    whose ``transport`` lets a fault close the socket without any response (see :mod:`.faults`).
    """

    async def __call__(self, scope, receive, send) -> None:
        scope["sandbox.raw_send"] = send
        await super().__call__(scope, receive, send)


def create_app(dataset: Dataset, *, access_token_ttl: int = 86_400, refresh_token_ttl: int = 45 * 86_400,
               clock: Callable[[], float] = time.time, quotas: QuotaLimits | None = None,
               faults: str = "", redirect_uris: Iterable[str] | None = None,
               keap_build: str | None = None, xmlrpc_shut_down: bool = False) -> Starlette:
    """The sandbox as an ASGI app.

    ``clock`` (epoch seconds) drives token expiry, consent-form expiry and quota windows; ``quotas``
    defaults to Keap's limits, enforced; ``faults`` is a spec string (see :mod:`.faults`), also
    settable at run time through ``/sandbox/admin/faults``. ``redirect_uris``: the OAuth client's
    registered redirect URIs (default: loopback ``/callback`` on any port; see :mod:`.consent`).
    ``keap_build``: ``YYYY-MM`` to imitate an older Keap build (default: current; see :mod:`.builds`).
    ``xmlrpc_shut_down``: answer the XML-RPC paths ``410 Gone`` as Keap does after 2026-12-31 (before auth,
    quotas and faults; see :mod:`.sunset`), also switchable at run time through ``/sandbox/admin/xmlrpc``.
    """
    build = parse_build(keap_build)
    store = TokenStore(dataset.credentials, access_token_ttl=access_token_ttl,
                       refresh_token_ttl=refresh_token_ttl, clock=clock)
    oauth = OAuthEndpoints(store, dataset.tenant_host, RedirectUris(redirect_uris))
    quota_state = Quotas(dataset.tenant_host, quotas or QuotaLimits(), clock)
    injector = FaultInjector(dataset.seed, faults)
    sunset = XmlRpcSunset(xmlrpc_shut_down)
    gateway = CrmGateway(store, quota_state, injector, build_rest_router(dataset, build),
                         XmlRpcEndpoint(dataset))

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "sandbox": True, "seed": dataset.seed, "scale": dataset.scale,
                             "now": iso_ms(dataset.now_ms), "tenant": dataset.tenant_host,
                             "keap_build": build or "current", "xmlrpc_shut_down": sunset.shut_down})

    async def unknown(request: Request, exc: Exception) -> Response:
        return not_found()

    routes = [
        Route("/sandbox/health", health, methods=["GET"]),
        *admin_routes(quota_state, injector, sunset),
        Route("/app/oauth/authorize", oauth.authorize_page, methods=["GET"]),
        Route("/app/oauth/authorize", oauth.authorize_submit, methods=["POST"]),
        Route("/token", oauth.token, methods=["POST"]),
        Route("/crm/{path:path}", gateway.handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]
    app = SandboxStarlette(routes=routes, exception_handlers={404: unknown})
    app.state.token_store = store  # exposed for tests and admin routes
    app.state.dataset = dataset
    app.state.quotas = quota_state
    app.state.faults = injector
    app.state.xmlrpc_sunset = sunset
    # Inside SandboxHeaders (added last, so outermost): a retired answer still says x-keap-sandbox.
    app.add_middleware(SunsetGate, sunset=sunset, paths={"/crm" + path for path in XMLRPC_PATHS})
    app.add_middleware(SandboxHeaders)
    return app

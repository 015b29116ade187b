"""The sandbox's HTTP facade: one Starlette app on one port.

Layout (Keap spreads these over accounts./api. hosts; the sandbox serves all from one origin):

* ``GET|POST /app/oauth/authorize`` — consent page and its form post (see :mod:`.auth`)
* ``POST /token`` — code exchange and refresh-token rotation
* ``/crm/...`` — the API behind a gateway check (Bearer token or ``X-Keap-API-Key``);
  REST endpoints are registered in :mod:`.rest_routes`, XML-RPC is :mod:`.xmlrpc`
* ``GET /sandbox/health`` — readiness probe and identity (sandbox-only, unauthenticated)

Every response carries ``x-keap-sandbox: true`` so a client can tell it is not talking to Keap.
"""

from __future__ import annotations

import itertools
import time
from typing import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .auth import OAuthEndpoints, TokenStore, authenticate, gateway_fault
from .dataset import Dataset, iso_ms
from .quotas import StaticQuotas
from .rest_routes import RestRouter, build_rest_router
from .rest_v2 import ApiError
from .xmlrpc import XmlRpcEndpoint

XMLRPC_PATH = "/xmlrpc/v1"

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
    """Everything under ``/crm``: auth first (as Keap's gateway does), then route by path+method."""

    def __init__(self, store: TokenStore, quotas: StaticQuotas, rest: RestRouter, xmlrpc: XmlRpcEndpoint):
        self.store = store
        self.quotas = quotas
        self.rest = rest
        self.xmlrpc = xmlrpc

    async def handle(self, request: Request) -> Response:
        problem, kind = authenticate(self.store, request)
        if problem:
            return gateway_fault(problem)
        # Keap tolerates a trailing slash (its own `next` URLs carry one: /contacts/?limit=...).
        path = "/" + request.path_params["path"].rstrip("/")
        if path == XMLRPC_PATH:
            response: Response = await self.xmlrpc.handle(request) if request.method == "POST" else not_found()
        elif (found := self.rest.match(path)) is None:
            response = not_found()
        elif request.method != "GET":
            response = ApiError(405, f"Method {request.method} not allowed on {path}", domain="method",
                                resource=getattr(found[0], "resource", "")).response()
        else:
            response = await self.rest.call(found[0], request, found[1])
        response.headers.update(self.quotas.headers(kind))
        return response


def create_app(dataset: Dataset, *, access_token_ttl: int = 86_400, refresh_token_ttl: int = 45 * 86_400,
               clock: Callable[[], float] = time.time) -> Starlette:
    """The sandbox as an ASGI app. ``clock`` (epoch seconds) drives token expiry and quota resets."""
    store = TokenStore(dataset.credentials, access_token_ttl=access_token_ttl,
                       refresh_token_ttl=refresh_token_ttl, clock=clock)
    oauth = OAuthEndpoints(store, dataset.tenant_host)
    gateway = CrmGateway(store, StaticQuotas(dataset.tenant_host, clock), build_rest_router(dataset),
                         XmlRpcEndpoint(dataset))

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "sandbox": True, "seed": dataset.seed, "scale": dataset.scale,
                             "now": iso_ms(dataset.now_ms), "tenant": dataset.tenant_host})

    async def unknown(request: Request, exc: Exception) -> Response:
        return not_found()

    routes = [
        Route("/sandbox/health", health, methods=["GET"]),
        Route("/app/oauth/authorize", oauth.authorize_page, methods=["GET"]),
        Route("/app/oauth/authorize", oauth.authorize_submit, methods=["POST"]),
        Route("/token", oauth.token, methods=["POST"]),
        Route("/crm/{path:path}", gateway.handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]
    app = Starlette(routes=routes, exception_handlers={404: unknown})
    app.state.token_store = store  # exposed for tests and future admin routes
    app.state.dataset = dataset
    app.add_middleware(SandboxHeaders)
    return app

"""Keap's XML-RPC sunset: after 2026-12-31 the legacy endpoint stops answering.

Keap switches its XML-RPC API off on :data:`XMLRPC_SUNSET`. From then on the API gateway no longer routes
``/crm/xmlrpc/v1`` (nor ``/crm/xmlrpc``): Keap's web front end answers any request there, whatever its
method or credentials, with ``410 Gone`` and an HTML page — no XML-RPC fault, no ``x-keap-*`` quota
headers, nothing counted against a quota, no injected fault.

:class:`XmlRpcSunset` is the switch (``create_app(xmlrpc_shut_down=True)``, ``--xmlrpc-shut-down``, or
``POST /sandbox/admin/xmlrpc`` at run time); :class:`SunsetGate` is the ASGI layer that answers for the
retired paths while it is on, ahead of routing, authentication, quotas and faults. REST, OAuth and the
sandbox's own routes are untouched.
"""

from __future__ import annotations

from typing import Iterable

from starlette.responses import HTMLResponse

XMLRPC_SUNSET = "2026-12-31"

# Keap's front-end page for URLs it does not serve (as app.NOT_FOUND_HTML), saying what happened.
RETIRED_HTML = f"""<html>
<head>
    <title>
        Keap - Page Not Found</title>
</head>
<body bgcolor="#E4E4E4" class="loginPage">
<div id="content">
    <p>
        We're sorry to say this, but the page you're looking for is no longer available. Keap's legacy
        XML-RPC API was retired on {XMLRPC_SUNSET} and no longer answers requests.</p>
    <p>
        Please use the Keap REST API instead: <a href="https://developer.keap.com/docs/restv2/">
        https://developer.keap.com/docs/restv2/</a></p>
</div>
</body>
</html>
"""


def retired() -> HTMLResponse:
    return HTMLResponse(RETIRED_HTML, status_code=410)


class XmlRpcSunset:
    """Whether the XML-RPC API is shut down (a plain flag; the admin route flips it at run time)."""

    def __init__(self, shut_down: bool = False):
        self.shut_down = bool(shut_down)

    def snapshot(self) -> dict:
        return {"shut_down": self.shut_down}


class SunsetGate:
    """ASGI middleware: while ``sunset.shut_down``, any request to one of ``paths`` (a trailing slash
    tolerated, as the gateway does) gets :func:`retired` — before routing, so for every method."""

    def __init__(self, app, sunset: XmlRpcSunset, paths: Iterable[str]):
        self.app = app
        self.sunset = sunset
        self.paths = frozenset(paths)

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or not self.sunset.shut_down
                or (scope["path"].rstrip("/") or "/") not in self.paths):
            return await self.app(scope, receive, send)
        await _drain(receive)  # read the request body so a keep-alive connection stays usable
        await retired()(scope, receive, send)


async def _drain(receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return

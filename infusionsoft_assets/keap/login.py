"""The OAuth2 authorization-code flow for `infusionsoft-assets auth login`.

Opens (or prints) Keap's consent page, catches the redirect on a loopback port, checks ``state``,
exchanges the code and stores the token pair. ``approve`` replaces the person: a callable given the
consent URL that approves it (the bundled sandbox's ``keap_sandbox.consent_robot.approve_sandbox_consent``,
which the demo and tests pass); a real Keap account always needs a person to approve in a browser.
"""

from __future__ import annotations

import hmac
import http.server
import secrets
import threading
import webbrowser
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from .auth import OAuthCredentials, TokenSet
from .errors import AuthError


@dataclass
class _Callback:
    code: str | None = None
    state: str | None = None
    error: str | None = None


def authorization_url(authorize_url: str, client_id: str, redirect_uri: str, state: str) -> str:
    """The consent URL to send the user to; the callback must echo ``state``."""
    query = urlencode({"client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code",
                       "scope": "full", "state": state})
    return f"{authorize_url}?{query}"


def _callback_server(port: int, got: _Callback, done: threading.Event, state: str) -> http.server.HTTPServer:
    """Answers ``/callback`` once: the first answer is kept, everything else (a browser's favicon, a
    reload) is ignored. The page says "authorised" only when the state matches this login."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = urlsplit(self.path)
            if url.path != "/callback" or done.is_set():
                self.send_response(404)
                self.end_headers()
                return
            query = parse_qs(url.query)
            got.code = (query.get("code") or [None])[0]
            got.state = (query.get("state") or [None])[0]
            got.error = (query.get("error") or [None])[0]
            ok = bool(got.code) and got.state is not None and hmac.compare_digest(got.state, state)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            message = ("Keap authorised this tool. You can close this tab." if ok else
                       "Keap did not authorise this tool; see the terminal.")
            self.wfile.write(f"<html><body><p>{message}</p></body></html>".encode())
            done.set()

        def log_message(self, *args: object) -> None:  # keep codes out of the terminal
            pass

    return http.server.HTTPServer(("127.0.0.1", port), Handler)


def login(credentials: OAuthCredentials, authorize_url: str, *, port: int = 8976, timeout_s: float = 300,
          approve: Callable[[str], None] | None = None, open_browser: bool = True,
          say: Callable[[str], None] = print) -> TokenSet:
    """Authorise through Keap's consent page and return the stored tokens. ``approve(consent_url)``, when
    given, approves the page instead of a person (its failure is this login's :class:`AuthError`)."""
    got, done = _Callback(), threading.Event()
    state = secrets.token_urlsafe(24)
    server = _callback_server(port, got, done, state)  # port 0: any free port, known before the URL
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/callback"
    url = authorization_url(authorize_url, credentials.client_id, redirect_uri, state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        if approve is not None:
            try:
                approve(url)
            except Exception as exc:  # noqa: BLE001 - whatever stopped the approval stops the login
                raise AuthError(str(exc)) from exc
        else:
            say(f"Open this URL, sign in to Keap and approve access:\n  {url}")
            if open_browser:
                webbrowser.open(url)
        if not done.wait(timeout_s):
            raise AuthError(f"No answer from Keap's consent page within {timeout_s:.0f} s")
    finally:
        server.shutdown()
        server.server_close()
    if got.error or not got.code:
        raise AuthError(f"Keap did not authorise: {got.error or 'no code in the callback'}")
    if not got.state or not hmac.compare_digest(got.state, state):
        raise AuthError("The callback's state does not match this login; refusing the code (possible CSRF)")
    return credentials.exchange_code(got.code, redirect_uri)

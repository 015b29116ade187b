"""Keap's authentication, imitated: the OAuth2 consent page, ``POST /token``, and the gateway check.

Behaviour copied from research/keap-rest.md §1 and §4:

* authorization-code grant via a consent page at ``/app/oauth/authorize`` (Keap hosts it on
  accounts.infusionsoft.com; the sandbox serves everything on one port). The page and its form post
  refuse (400 error page, never a redirect) a ``redirect_uri`` that is not registered, and the form
  post must bring back the page's one-time ``form_token`` (see :mod:`.consent`). Registered redirect
  URIs default to ``http://127.0.0.1/callback`` and ``http://localhost/callback`` on any port; set
  them with ``redirect_uris`` on ``create_app``/``SandboxServer`` or the repeatable CLI flag
  ``--redirect-uri URI``;
* ``POST /token`` takes form-encoded fields only; a JSON body gets Keap's odd
  ``"response_type or grant_type is required"`` 400;
* refresh tokens **rotate**: every refresh issues a new pair and kills the used refresh token at
  once, so a second worker refreshing with the same token gets 400 ``invalid_grant``;
* API calls are checked like Keap's Apigee gateway does it, before the API sees them: a bad or
  expired token gets a ``{"fault": ...}`` body, not the v2 ``Error`` shape.

All token state lives in :class:`TokenStore` behind one lock, so concurrent refreshes are
serialised exactly once each.
"""

from __future__ import annotations

import base64
import html
import secrets
import string
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from .consent import ConsentForms, RedirectUris
from .data.dataset import Credentials
from .quotas import Principal

CODE_TTL_SECONDS = 600  # authorization codes: single use, 10 minutes
_TOKEN_ALPHABET = string.ascii_letters + string.digits


def _same(given: str | None, expected: str) -> bool:
    """Constant-time comparison that also copes with non-ASCII header junk."""
    return secrets.compare_digest((given or "").encode("utf-8"), expected.encode("utf-8"))


def _opaque(length: int = 28) -> str:
    """Apigee-style opaque token (Keap's tokens look like 28 random alphanumerics)."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(length))


@dataclass
class _Grant:
    value: str
    expires_at: float
    client_id: str
    redirect_uri: str = ""


class TokenStore:
    """Authorization codes, access tokens and refresh tokens, with expiry read from ``clock``."""

    def __init__(self, credentials: Credentials, *, access_token_ttl: int, refresh_token_ttl: int,
                 clock: Callable[[], float] = time.time):
        self.credentials = credentials
        self.access_token_ttl = access_token_ttl
        self.refresh_token_ttl = refresh_token_ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._codes: dict[str, _Grant] = {}
        self._access: dict[str, _Grant] = {}
        self._refresh: dict[str, _Grant] = {}

    def client_ok(self, client_id: str | None, client_secret: str | None) -> bool:
        creds = self.credentials
        return _same(client_id, creds.client_id) and _same(client_secret, creds.client_secret)

    def issue_code(self, client_id: str, redirect_uri: str) -> str:
        code = _opaque(32)
        with self._lock:
            self._codes[code] = _Grant(code, self.clock() + CODE_TTL_SECONDS, client_id, redirect_uri)
        return code

    def redeem_code(self, code: str, client_id: str, redirect_uri: str) -> dict | None:
        """Token pair for a valid code, or None. The code is consumed even when the check fails."""
        with self._lock:
            grant = self._codes.pop(code, None)
            if (grant is None or grant.expires_at <= self.clock() or grant.client_id != client_id
                    or grant.redirect_uri != redirect_uri):
                return None
            return self._issue_pair_locked(client_id)

    def rotate(self, refresh_token: str, client_id: str) -> dict | None:
        """A new pair for a live refresh token, which dies immediately; None if unknown/used/expired."""
        with self._lock:
            grant = self._refresh.pop(refresh_token, None)
            if grant is None or grant.expires_at <= self.clock() or grant.client_id != client_id:
                return None
            return self._issue_pair_locked(client_id)

    def _issue_pair_locked(self, client_id: str) -> dict:
        now = self.clock()
        self._prune_locked(now)
        access, refresh = _opaque(), _opaque()
        self._access[access] = _Grant(access, now + self.access_token_ttl, client_id)
        self._refresh[refresh] = _Grant(refresh, now + self.refresh_token_ttl, client_id)
        return {"access_token": access, "token_type": "bearer", "expires_in": self.access_token_ttl,
                "refresh_token": refresh}

    def _prune_locked(self, now: float) -> None:
        """Drop long-dead grants so a long bench run does not grow memory without bound."""
        for table in (self._codes, self._access, self._refresh):
            if len(table) > 1000:
                for key in [k for k, g in table.items() if g.expires_at <= now]:
                    del table[key]

    def check_access(self, token: str) -> str | None:
        """None if usable, else ``"invalid"`` or ``"expired"`` (they get different gateway faults)."""
        if _same(token, self.credentials.api_key):
            return None  # a PAT/SAK sent as a Bearer token also works (keap-rest.md §1.2)
        return self.check_oauth_token(token)[0]

    def check_oauth_token(self, token: str) -> tuple[str | None, str]:
        """(problem, client_id): every token of one client shares that client's quota."""
        with self._lock:
            grant = self._access.get(token)
        if grant is None:
            return "invalid", ""
        return ("expired" if grant.expires_at <= self.clock() else None), grant.client_id

    def check_api_key(self, key: str) -> str | None:
        return None if _same(key, self.credentials.api_key) else "invalid"


# --------------------------------------------------------------------------- gateway check for /crm/...

_FAULTS = {
    "invalid": ("Invalid access token", "oauth.v2.InvalidAccessToken"),
    "expired": ("Access Token expired", "keymanagement.service.access_token_expired"),
}


def gateway_fault(kind: str) -> JSONResponse:
    faultstring, errorcode = _FAULTS[kind]
    return JSONResponse({"fault": {"faultstring": faultstring, "detail": {"errorcode": errorcode}}},
                        status_code=401)


def authenticate(store: TokenStore, request: Request) -> tuple[str | None, Principal]:
    """(problem or None, who to bill). Quotas are per OAuth *client* or per PAT/SAK key.

    Accepts ``Authorization: Bearer <token>`` (OAuth token or PAT/SAK), ``X-Keap-API-Key``, and the
    legacy ``?access_token=`` query parameter some old clients still send. On a problem the principal
    is a placeholder: rejected calls are not counted.
    """
    key = request.headers.get("x-keap-api-key")
    if key:
        key = key.strip()
        return store.check_api_key(key), Principal("key", key)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        token = token.strip()
    else:
        token = request.query_params.get("access_token", "")
    if not token:
        return "invalid", Principal("oauth", "")
    if _same(token, store.credentials.api_key):
        return None, Principal("key", token)
    problem, client_id = store.check_oauth_token(token)
    return problem, Principal("oauth", client_id)


# --------------------------------------------------------------------------- OAuth endpoints

_CONSENT_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Keap - Allow access</title></head>
<body>
<h1>Keap sandbox</h1>
<p>An application (client <code>{client_id}</code>) wants full access to the Keap app
<strong>{tenant}</strong>.</p>
<form method="post" action="/app/oauth/authorize">
  <input type="hidden" name="client_id" value="{client_id}">
  <input type="hidden" name="redirect_uri" value="{redirect_uri}">
  <input type="hidden" name="state" value="{state}">
  <input type="hidden" name="response_type" value="code">
  <input type="hidden" name="scope" value="full">
  <input type="hidden" name="form_token" value="{form_token}">
  <button type="submit" name="approve" value="allow">Allow</button>
  <button type="submit" name="deny" value="deny">Deny</button>
</form>
</body></html>
"""

_ERROR_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Keap - Error</title></head>
<body><h1>Keap sandbox</h1><p>{message}</p></body></html>
"""


def _error_page(message: str) -> HTMLResponse:
    return HTMLResponse(_ERROR_PAGE.format(message=html.escape(message)), status_code=400)


def _with_query(url: str, params: dict) -> str:
    """Append ``params`` to ``url``, keeping any query string it already has."""
    parts = urlsplit(url)
    query = "&".join(p for p in (parts.query, urlencode(params)) if p)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


async def read_form(request: Request) -> dict[str, str] | None:
    """A url-encoded form body as a flat dict, or None if the body is not one.

    Parsed by hand: starlette's ``request.form()`` needs python-multipart, which the project does
    not depend on.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return None
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


class OAuthEndpoints:
    """The consent page and the token endpoint, bound to one :class:`TokenStore`."""

    def __init__(self, store: TokenStore, tenant_host: str, redirect_uris: RedirectUris | None = None):
        self.store = store
        self.scope = f"full|{tenant_host}"
        self.tenant_host = tenant_host
        self.redirect_uris = redirect_uris or RedirectUris()
        self.forms = ConsentForms(store.clock)

    def _validate_authorize(self, params) -> str | None:
        if params.get("client_id") != self.store.credentials.client_id:
            return "Unknown client_id: this application is not registered."
        if not params.get("redirect_uri"):
            return "redirect_uri is required."
        if not self.redirect_uris.allows(params["redirect_uri"]):
            return f"redirect_uri {params['redirect_uri']} is not registered for this application."
        if params.get("response_type", "code") != "code":
            return "response_type must be 'code'."
        return None

    async def authorize_page(self, request: Request) -> Response:
        params = request.query_params
        problem = self._validate_authorize(params)
        if problem:
            return _error_page(problem)
        state = params.get("state", "")
        form_token = self.forms.issue(params["client_id"], params["redirect_uri"], state)
        esc = html.escape
        return HTMLResponse(_CONSENT_PAGE.format(
            client_id=esc(params["client_id"]), redirect_uri=esc(params["redirect_uri"]),
            state=esc(state), tenant=esc(self.tenant_host), form_token=esc(form_token)))

    async def authorize_submit(self, request: Request) -> Response:
        form = await read_form(request)
        if form is None:
            return _error_page("The consent form must be posted as application/x-www-form-urlencoded.")
        problem = self._validate_authorize(form)
        if problem:
            return _error_page(problem)
        if not self.forms.redeem(form.get("form_token", ""), form["client_id"], form["redirect_uri"],
                                 form.get("state", "")):
            return _error_page("This consent form was not issued by this page, was already used or has "
                               "expired. Start the sign-in again.")
        state = form.get("state") or None
        if "approve" not in form:
            params = {"error": "access_denied", **({"state": state} if state else {})}
            return RedirectResponse(_with_query(form["redirect_uri"], params), status_code=302)
        code = self.store.issue_code(form["client_id"], form["redirect_uri"])
        params = {"code": code, "scope": self.scope, **({"state": state} if state else {})}
        return RedirectResponse(_with_query(form["redirect_uri"], params), status_code=302)

    async def token(self, request: Request) -> Response:
        form = await read_form(request)
        if form is None or not form.get("grant_type"):
            return _token_error(400, "invalid_request", "response_type or grant_type is required")
        client_id, client_secret = _client_auth(request, form)
        if not self.store.client_ok(client_id, client_secret):
            return _token_error(401, "invalid_client", "Invalid client credentials")
        grant_type = form["grant_type"]
        if grant_type == "authorization_code":
            pair = self.store.redeem_code(form.get("code", ""), client_id, form.get("redirect_uri", ""))
            if pair is None:
                return _token_error(400, "invalid_grant", "Invalid authorization code")
        elif grant_type == "refresh_token":
            if not form.get("refresh_token"):
                return _token_error(400, "invalid_request", "refresh_token is required")
            pair = self.store.rotate(form["refresh_token"], client_id)
            if pair is None:
                return _token_error(400, "invalid_grant", "Invalid refresh token")
        else:
            return _token_error(400, "unsupported_grant_type", f"Unsupported grant_type {grant_type!r}")
        return JSONResponse({**pair, "scope": self.scope}, headers={"cache-control": "no-store"})


def _client_auth(request: Request, form: dict) -> tuple[str | None, str | None]:
    """Client id/secret from HTTP Basic (Keap's documented refresh style) or the form (code exchange)."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and encoded:
        try:
            user, _, password = base64.b64decode(encoded.strip()).decode("utf-8").partition(":")
            return user, password
        except (ValueError, UnicodeDecodeError):
            return None, None
    return form.get("client_id"), form.get("client_secret")


def _token_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)

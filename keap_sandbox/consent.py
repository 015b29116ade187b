"""The consent page's two guards: where a code may be sent, and proof that a consent came from the page.

* **Registered redirect URIs** (:class:`RedirectUris`). An authorize request (the page or its form
  post) whose ``redirect_uri`` is not registered gets the 400 error page; the sandbox never sends a
  browser, a code or an error to an unregistered address. A registered URI matches exactly (scheme,
  host, port, path, query), except that an ``http`` loopback one (host ``127.0.0.1``, ``localhost``
  or ``::1``) matches on **any port** (RFC 8252 §7.3): a native app's callback listens on whatever
  port is free. Default registration: ``http://127.0.0.1/callback`` and ``http://localhost/callback``,
  what ``infusionsoft-assets auth login`` uses. Configure with ``create_app(redirect_uris=...)``,
  ``SandboxServer(redirect_uris=...)`` or the repeatable CLI flag ``--redirect-uri URI``; a given list
  replaces the default.
* **Form tokens** (:class:`ConsentForms`). The rendered consent form carries a one-time, unguessable
  hidden ``form_token``, remembered with the ``client_id``, ``redirect_uri`` and ``state`` it was
  rendered for and valid for :data:`FORM_TOKEN_TTL_SECONDS`. A form post with a missing, unknown,
  reused, expired or re-bound token gets the 400 error page and no code: a page elsewhere cannot
  post a consent the user never saw (login CSRF).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_REDIRECT_URIS = ("http://127.0.0.1/callback", "http://localhost/callback")
FORM_TOKEN_TTL_SECONDS = 600
_DEFAULT_PORTS = {"http": 80, "https": 443}


class _Target(NamedTuple):
    scheme: str
    host: str
    port: int
    path: str
    query: str


def _target(uri: str) -> _Target:
    """The parts a redirect is compared on; ValueError for anything that cannot be a redirect URI."""
    parts = urlsplit(uri)
    port = parts.port  # raises ValueError on a malformed port
    if (parts.scheme not in _DEFAULT_PORTS or not parts.hostname or "#" in uri
            or parts.username is not None or parts.password is not None):
        raise ValueError(f"not an absolute http(s) redirect URI without user info or fragment: {uri!r}")
    return _Target(parts.scheme, parts.hostname,
                   _DEFAULT_PORTS[parts.scheme] if port is None else port, parts.path or "/",
                   parts.query)


class RedirectUris:
    """The redirect URIs registered for the sandbox's OAuth client."""

    def __init__(self, registered: Iterable[str] | None = None):
        self.uris = tuple(registered or DEFAULT_REDIRECT_URIS)
        self._targets = tuple(_target(uri) for uri in self.uris)  # a bad registration fails at start

    def allows(self, uri: str) -> bool:
        try:
            wanted = _target(uri)
        except ValueError:
            return False
        return any(_matches(wanted, registered) for registered in self._targets)


def _matches(wanted: _Target, registered: _Target) -> bool:
    any_port = registered.scheme == "http" and registered.host in LOOPBACK_HOSTS
    same_but_port = wanted._replace(port=0) == registered._replace(port=0)
    return same_but_port and (any_port or wanted.port == registered.port)


@dataclass(frozen=True)
class _Rendered:
    client_id: str
    redirect_uri: str
    state: str
    expires_at: float


class ConsentForms:
    """One-time tokens of rendered consent forms, with expiry read from ``clock``."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self._lock = threading.Lock()
        self._rendered: dict[str, _Rendered] = {}

    def issue(self, client_id: str, redirect_uri: str, state: str) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            if len(self._rendered) > 1000:  # pages opened and never posted must not pile up
                for stale in [t for t, r in self._rendered.items() if r.expires_at <= now]:
                    del self._rendered[stale]
            self._rendered[token] = _Rendered(client_id, redirect_uri, state, now + FORM_TOKEN_TTL_SECONDS)
        return token

    def redeem(self, token: str, client_id: str, redirect_uri: str, state: str) -> bool:
        """True once per token, for the form it was rendered as, before it expires. Any attempt spends
        the token, so a post that gets one detail wrong cannot be retried with the same token."""
        with self._lock:
            rendered = self._rendered.pop(token, None)
        if rendered is None or rendered.expires_at <= self.clock():
            return False
        return (rendered.client_id, rendered.redirect_uri, rendered.state) == (client_id, redirect_uri, state)

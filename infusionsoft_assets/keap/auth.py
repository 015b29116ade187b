"""Credentials for Keap: OAuth2 tokens that rotate, or a Personal Access Token / Service Account Key.

Keap's refresh tokens die the moment they are used, so several processes sharing one token file must
never refresh at once: refresh happens under a cross-process file lock, the store is re-read after
the lock is taken (another process may have refreshed meanwhile), the answer is validated before it
is saved, and the save is an atomic rename of a 0600 temp file. A crash at any point leaves either
the old pair or the new pair on disk, never half of one. (One window remains: a crash after Keap
rotated the pair but before the new one is saved leaves a dead refresh token; the next refresh then
fails with ``invalid_grant`` and asks for ``auth login``.)
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import filelock
import requests

from .errors import AuthError, TransientError, classify_exception

#: Refresh this long before the access token expires, so a page request never races the expiry.
DEFAULT_REFRESH_MARGIN_S = 300
LOCK_TIMEOUT_S = 120


class Credentials(Protocol):
    """What a client needs from any credential."""

    def headers(self) -> dict[str, str]: ...

    def after_unauthorized(self, failed_headers: dict[str, str]) -> bool:
        """Called once after a 401; True if fresh credentials are now available."""
        ...


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    scope: str = ""
    token_type: str = "bearer"

    @classmethod
    def from_token_response(cls, body: object, now: float) -> "TokenSet":
        """Validate Keap's token answer before anything is saved: a bad answer must not replace a good pair."""
        if not isinstance(body, dict):
            raise AuthError("Keap's token endpoint answered with something that is not a JSON object")
        missing = [k for k in ("access_token", "refresh_token", "expires_in") if not body.get(k)]
        if missing:
            raise AuthError(f"Keap's token answer lacks {', '.join(missing)}; the stored tokens were kept")
        try:
            lifetime = float(body["expires_in"])
        except (TypeError, ValueError):
            raise AuthError("Keap's token answer has a non-numeric expires_in; the stored tokens were kept")
        if not isinstance(body["access_token"], str) or not isinstance(body["refresh_token"], str):
            raise AuthError("Keap's token answer has non-string tokens; the stored tokens were kept")
        return cls(access_token=body["access_token"], refresh_token=body["refresh_token"],
                   expires_at=now + lifetime, scope=str(body.get("scope") or ""),
                   token_type=str(body.get("token_type") or "bearer"))

    @property
    def tenant(self) -> str:
        """Keap puts the app's host after the pipe of the scope: ``full|abc123.infusionsoft.com``."""
        return self.scope.split("|", 1)[1] if "|" in self.scope else ""


class TokenStore:
    """A JSON file holding one :class:`TokenSet`, plus its lock file beside it."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path).expanduser()
        self.lock = filelock.FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S)

    def read(self) -> TokenSet | None:
        try:
            raw = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise AuthError(f"The token file {self.path} cannot be read ({type(exc).__name__}); "
                            "run `infusionsoft-assets auth login` again") from None
        try:
            return TokenSet(**{k: raw[k] for k in ("access_token", "refresh_token", "expires_at")},
                            scope=raw.get("scope", ""), token_type=raw.get("token_type", "bearer"))
        except (KeyError, TypeError):
            raise AuthError(f"The token file {self.path} is incomplete; "
                            "run `infusionsoft-assets auth login` again") from None

    def write(self, tokens: TokenSet) -> None:
        """Atomic replace: write a 0600 temp file in the same folder, fsync, rename over the old one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tokens-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(asdict(tokens), fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class OAuthCredentials:
    """Bearer tokens from a :class:`TokenStore`, refreshed (and rotated) under the store's lock."""

    def __init__(self, *, token_url: str, client_id: str, client_secret: str, store: TokenStore,
                 refresh_margin_s: float = DEFAULT_REFRESH_MARGIN_S, session: requests.Session | None = None,
                 clock: Callable[[], float] = time.time, timeout: tuple[float, float] = (10, 30)):
        if not client_id or not client_secret:
            raise AuthError("OAuth needs INFUSIONSOFT_CLIENT_ID and INFUSIONSOFT_CLIENT_SECRET")
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.store = store
        self.refresh_margin_s = refresh_margin_s
        self.session = session or requests.Session()
        self.clock = clock
        self.timeout = timeout
        self._cached: TokenSet | None = None
        self.refreshes = 0

    def __repr__(self) -> str:  # never show the secret
        return f"OAuthCredentials(client_id={self.client_id!r}, store={str(self.store.path)!r})"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token()}"}

    def access_token(self) -> str:
        cached = self._cached
        if cached and cached.expires_at - self.clock() > self.refresh_margin_s:
            return cached.access_token
        return self._refresh_if_stale(stale_access_token=None).access_token

    def after_unauthorized(self, failed_headers: dict[str, str]) -> bool:
        failed = failed_headers.get("Authorization", "").removeprefix("Bearer ")
        self._refresh_if_stale(stale_access_token=failed)
        return True

    def _refresh_if_stale(self, stale_access_token: str | None) -> TokenSet:
        """Re-read under the lock; refresh only if the stored pair is still the stale one."""
        with self.store.lock:
            stored = self.store.read()
            if stored is None:
                raise AuthError(f"No Keap tokens in {self.store.path}; run `infusionsoft-assets auth login`")
            fresh_enough = stored.expires_at - self.clock() > self.refresh_margin_s
            someone_else_refreshed = stale_access_token is not None and stored.access_token != stale_access_token
            if (fresh_enough and stale_access_token is None) or someone_else_refreshed:
                self._cached = stored
                return stored
            tokens = self._refresh(stored)
            self.store.write(tokens)
            self._cached = tokens
            self.refreshes += 1
            return tokens

    def _refresh(self, stored: TokenSet) -> TokenSet:
        body = self._post_token({"grant_type": "refresh_token", "refresh_token": stored.refresh_token},
                                basic_auth=True)
        return TokenSet.from_token_response(body, self.clock())

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        """Authorization-code grant (form fields, as Keap documents), then save the pair."""
        body = self._post_token({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                 "client_id": self.client_id, "client_secret": self._client_secret},
                                basic_auth=False)
        tokens = TokenSet.from_token_response(body, self.clock())
        with self.store.lock:
            self.store.write(tokens)
        self._cached = tokens
        return tokens

    def _post_token(self, form: dict[str, str], *, basic_auth: bool) -> dict:
        path = "/token"
        try:
            response = self.session.post(self.token_url, data=form, timeout=self.timeout,
                                         auth=(self.client_id, self._client_secret) if basic_auth else None)
        except requests.RequestException as exc:
            raise classify_exception(exc, path) from None
        if response.status_code >= 500:
            raise TransientError(f"Keap's token endpoint answered {response.status_code}", path=path,
                                 status=response.status_code)
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            error = body.get("error", "") if isinstance(body, dict) else ""
            described = body.get("error_description", "") if isinstance(body, dict) else ""
            raise AuthError(
                f"Keap refused the token request ({response.status_code} {error}: {described}). "
                "The refresh token is no longer valid: run `infusionsoft-assets auth login` to re-authorise."
                if error == "invalid_grant" else
                f"Keap refused the token request ({response.status_code} {error}: {described}); "
                "check INFUSIONSOFT_CLIENT_ID / INFUSIONSOFT_CLIENT_SECRET",
                path=path, status=response.status_code)
        return body


class ApiKeyCredentials:
    """A Personal Access Token or Service Account Key, sent as ``X-Keap-API-Key``; nothing to refresh."""

    def __init__(self, api_key: str):
        if not api_key:
            raise AuthError("INFUSIONSOFT_API_KEY is empty")
        self._api_key = api_key

    def __repr__(self) -> str:
        return "ApiKeyCredentials(api_key=***)"

    def headers(self) -> dict[str, str]:
        return {"X-Keap-API-Key": self._api_key}

    def after_unauthorized(self, failed_headers: dict[str, str]) -> bool:
        return False

"""Credentials for Keap: OAuth2 tokens that rotate, or a Personal Access Token / Service Account Key.

Keap's refresh tokens die the moment they are used, so several processes sharing one token file must
never refresh at once: refresh happens under a cross-process file lock, the store is re-read after
the lock is taken (another process may have refreshed meanwhile), the answer is validated before it
is saved, and the save is an atomic rename of a 0600 temp file. A crash at any point leaves either
the old pair or the new pair on disk, never half of one. (One window remains: a crash after Keap
rotated the pair but before the new one is saved leaves a dead refresh token; the next refresh then
fails with ``invalid_grant`` and asks for ``auth login``.)

The token file is checked when read: a missing or mistyped field is an :class:`~.errors.AuthError` naming
the file and the field (never a value); a file other users may read or change is warned about once per
:class:`TokenStore`. A store writes only into an existing folder, unless it was made with
``create_folder=True`` (the default token folder, which is ours to create).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import stat
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

import filelock
import requests

from .errors import AuthError, TransientError, classify_exception

#: Refresh this long before the access token expires, so a page request never races the expiry.
DEFAULT_REFRESH_MARGIN_S = 300
LOCK_TIMEOUT_S = 120
#: An unused refresh token dies after 45 days (keap-rest.md §1.1): a keep-alive refreshes well before.
REFRESH_TOKEN_LIFETIME_S = 45 * 86400
RELOGIN = "run `infusionsoft-assets auth login` to store a fresh pair"

log = logging.getLogger("infusionsoft_assets.keap.auth")


class Credentials(Protocol):
    """What a client needs from any credential."""

    def headers(self) -> dict[str, str]: ...

    def after_unauthorized(self, failed_headers: dict[str, str]) -> bool:
        """Called once after a 401; True if fresh credentials are now available."""
        ...

    def describe(self) -> str:
        """What is sent, in words fit for an error message: never a secret."""
        ...


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    scope: str = ""
    token_type: str = "bearer"
    #: When Keap issued this pair (epoch seconds); None in files written before it was recorded.
    obtained_at: float | None = None

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
                   token_type=str(body.get("token_type") or "bearer"), obtained_at=now)

    @property
    def tenant(self) -> str:
        """Keap puts the app's host after the pipe of the scope: ``full|abc123.infusionsoft.com``."""
        return self.scope.split("|", 1)[1] if "|" in self.scope else ""


_NO_FILE = object()  # TokenStore._load's answer when there is no file (a file may hold JSON null)


class TokenStore:
    """A JSON file holding one :class:`TokenSet`, plus its lock file beside it.

    ``create_folder``: create the file's folder (mode 0700) when it is missing. Set it only for the
    default token folder, which is ours; a folder the user named must exist (a typo must not scatter
    token files).
    """

    def __init__(self, path: str | os.PathLike, *, create_folder: bool = False):
        self.path = Path(path).expanduser()
        self.create_folder = create_folder
        self.lock = filelock.FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S)
        self._mode_warned = False

    def __repr__(self) -> str:
        return f"TokenStore({str(self.path)!r})"

    def locked(self) -> filelock.FileLock:
        """The cross-process lock, once the folder it lives in is there (or refused: see ``create_folder``)."""
        self._ensure_folder()
        return self.lock

    def read(self) -> TokenSet | None:
        """The stored pair; None when there is no file. A file that is unreadable, not JSON, or has a
        missing or mistyped field is an :class:`AuthError` naming the file and the field."""
        raw = self._load()
        if raw is _NO_FILE:
            return None
        self._warn_if_open()
        return self._parse(raw)

    def write(self, tokens: TokenSet) -> None:
        """Atomic replace: write a 0600 temp file in the same folder, fsync, rename over the old one."""
        self._ensure_folder()
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

    def describe(self) -> dict[str, Any]:
        """What a person may see about the store, never a token: ``path``, ``exists``, ``mode`` (``"0600"``),
        ``private`` (no group/other access), ``tenant`` (from the scope), ``expires_at`` and ``obtained_at``
        (epoch seconds) and ``problem`` (why the file is unusable, or None)."""
        info: dict[str, Any] = {"path": str(self.path), "exists": self.path.exists(), "mode": None, "private": None,
                                "tenant": None, "expires_at": None, "obtained_at": None, "problem": None}
        try:
            mode = self._mode()
            if mode is not None:
                info.update(mode=f"{mode:04o}", private=not mode & 0o077)
            raw = self._load()
            if raw is not _NO_FILE:
                tokens = self._parse(raw)
                info.update(tenant=tokens.tenant or None, expires_at=tokens.expires_at,
                            obtained_at=tokens.obtained_at)
        except AuthError as exc:
            info["problem"] = str(exc)
        return info

    # -- internals ------------------------------------------------------------------------------------
    def _ensure_folder(self) -> None:
        folder = self.path.parent
        if folder.is_dir():
            return
        if folder.exists():
            raise AuthError(f"The token file's folder {folder} is not a folder; point INFUSIONSOFT_TOKEN_FILE "
                            "at a file in an existing folder")
        if not self.create_folder:
            raise AuthError(f"The token file's folder {folder} does not exist; create it (mkdir -p, then "
                            "chmod 700) or point INFUSIONSOFT_TOKEN_FILE at a file in an existing folder")
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _load(self) -> object:
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return _NO_FILE
        except (OSError, ValueError) as exc:
            raise AuthError(f"The token file {self.path} cannot be read ({type(exc).__name__}); "
                            f"{RELOGIN}") from None
        try:
            return json.loads(text)
        except ValueError:
            raise AuthError(f"The token file {self.path} is not valid JSON; {RELOGIN}") from None

    def _parse(self, raw: object) -> TokenSet:
        def bad(field_name: str, problem: str) -> AuthError:
            return AuthError(f"The token file {self.path} is unusable: '{field_name}' {problem}; {RELOGIN}")

        if not isinstance(raw, dict):
            raise AuthError(f"The token file {self.path} does not hold a JSON object; {RELOGIN}")
        for name in ("access_token", "refresh_token"):
            if name not in raw:
                raise bad(name, "is missing")
            if not isinstance(raw[name], str) or not raw[name]:
                raise bad(name, f"is {_kind(raw[name])}, not a token string")
        for name in ("scope", "token_type"):
            if raw.get(name) is not None and not isinstance(raw[name], str):
                raise bad(name, f"is {_kind(raw[name])}, not a string")
        if "expires_at" not in raw:
            raise bad("expires_at", "is missing")
        expires_at = _epoch(raw["expires_at"])
        if expires_at is None:
            raise bad("expires_at", f"is {_kind(raw['expires_at'])}, not a number of epoch seconds")
        obtained_at = _epoch(raw.get("obtained_at")) if raw.get("obtained_at") is not None else None
        if raw.get("obtained_at") is not None and obtained_at is None:
            raise bad("obtained_at", f"is {_kind(raw['obtained_at'])}, not a number of epoch seconds")
        return TokenSet(access_token=raw["access_token"], refresh_token=raw["refresh_token"], expires_at=expires_at,
                        scope=raw.get("scope") or "", token_type=raw.get("token_type") or "bearer",
                        obtained_at=obtained_at)

    def _mode(self) -> int | None:
        try:
            return stat.S_IMODE(self.path.stat().st_mode)
        except OSError:
            return None

    def _warn_if_open(self) -> None:
        """Tokens are as good as a password: warn (once per store) when group or others may use the file."""
        if self._mode_warned or os.name == "nt":
            return
        mode = self._mode()
        if mode is not None and mode & 0o077:
            self._mode_warned = True
            log.warning(f"The Keap token file {self.path} has mode {mode:04o}: other users of this machine may "
                        f"read or change it; run `chmod 600 {self.path}`")


def _kind(value: object) -> str:
    """A value's JSON type in words (never the value: it may be a token)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__)


def _epoch(value: object) -> float | None:
    """Epoch seconds from a JSON number (or a numeric string); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


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

    def describe(self) -> str:
        return f"the OAuth access token of client {self.client_id} (token file {self.store.path})"

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

    def refresh_now(self) -> TokenSet:
        """Refresh (and rotate) the pair under the lock even if the access token is still fresh: a
        keep-alive, since an unused refresh token dies after :data:`REFRESH_TOKEN_LIFETIME_S`."""
        with self.store.locked():
            stored = self.store.read()
            if stored is None:
                raise AuthError(f"No Keap tokens in {self.store.path}; run `infusionsoft-assets auth login`")
            tokens = self._refresh(stored)
            self.store.write(tokens)
            self._cached = tokens
            self.refreshes += 1
            return tokens

    def _refresh_if_stale(self, stale_access_token: str | None) -> TokenSet:
        """Re-read under the lock; refresh only if the stored pair is still the stale one."""
        with self.store.locked():
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
        with self.store.locked():
            self.store.write(tokens)
        self._cached = tokens
        return tokens

    def _post_token(self, form: dict[str, str], *, basic_auth: bool) -> dict:
        path = "/token"
        try:
            response = self.session.post(self.token_url, data=form, timeout=self.timeout,
                                         auth=(self.client_id, self._client_secret) if basic_auth else None)
        except requests.RequestException as exc:
            raise classify_exception(exc, path, url=self.token_url) from None
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
        return f"ApiKeyCredentials(api_key=sha256:{self.fingerprint})"

    @property
    def fingerprint(self) -> str:
        """The first 10 hex digits of the key's SHA-256: enough to tell keys apart, useless to an attacker."""
        return hashlib.sha256(self._api_key.encode()).hexdigest()[:10]

    def describe(self) -> str:
        return f"the API key sent as X-Keap-API-Key (sha256 fingerprint {self.fingerprint})"

    def headers(self) -> dict[str, str]:
        return {"X-Keap-API-Key": self._api_key}

    def after_unauthorized(self, failed_headers: dict[str, str]) -> bool:
        """Nothing to refresh: the client tries once more after a short wait, then fails."""
        return False

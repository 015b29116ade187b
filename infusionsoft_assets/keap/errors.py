"""The one place that turns a Keap failure into a typed exception.

Every transport (REST v1/v2, later XML-RPC) hands its raw outcome to :func:`classify_response` or
:func:`classify_exception`; callers then act by class (refresh, wait, back off, or fail) instead of
parsing messages themselves. Messages name the request *path* only: a URL or header could carry a
secret, so neither ever goes into an exception.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import orjson
import requests


class KeapError(Exception):
    """Base class. ``path`` is the API path (no host, no query string)."""

    retriable = False

    def __init__(self, message: str, *, path: str = "", status: int | None = None):
        super().__init__(message)
        self.path = path
        self.status = status


class AuthError(KeapError):
    """401 or a rejected token/refresh: refresh once, then tell the user to re-authorise."""


class FatalError(KeapError):
    """Bad field, bad filter, no access, unknown resource: retrying cannot help."""


class TransientError(KeapError):
    """Timeouts, dropped connections, 5xx, garbled bodies: back off and retry."""

    retriable = True


class Throttled(KeapError):
    """429 or an exhausted per-minute window: wait ``retry_after`` seconds, then retry."""

    retriable = True

    def __init__(self, message: str, *, retry_after: float, path: str = "", status: int | None = 429):
        super().__init__(message, path=path, status=status)
        self.retry_after = retry_after


class QuotaExhausted(KeapError):
    """The daily quota is spent: waiting inside a run is pointless; it resets at ``resets_at``."""

    def __init__(self, message: str, *, resets_at: datetime, path: str = "", status: int | None = 429):
        super().__init__(message, path=path, status=status)
        self.resets_at = resets_at


def _body_message(response: requests.Response) -> str:
    """A short, secret-free description of an error body (v2 Error, v1 message, gateway fault)."""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        text = (response.text or "").strip().replace("\n", " ")
        return text[:200] if text else "(empty body)"
    if isinstance(body, dict):
        fault = body.get("fault")
        if isinstance(fault, dict) and fault.get("faultstring"):
            return str(fault["faultstring"])
        for key in ("message", "error_description", "error"):
            if body.get(key):
                return str(body[key])
    return json.dumps(body)[:200]


def _next_utc_midnight(now: datetime | None = None) -> datetime:
    now = now or datetime.now(timezone.utc)
    return datetime.fromtimestamp((now.timestamp() // 86400 + 1) * 86400, tz=timezone.utc)


def _quota_reset(response: requests.Response) -> datetime:
    raw = response.headers.get("x-keap-product-quota-expiry-time")
    try:
        # Observed as epoch milliseconds (keap-rest.md §3).
        return datetime.fromtimestamp(int(raw) / 1000, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return _next_utc_midnight()


def _header_int(response: requests.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def _is_daily_quota_spent(response: requests.Response) -> bool:
    return _header_int(response, "x-keap-product-quota-available") == 0 or (
        _header_int(response, "x-keap-tenant-quota-available") == 0
    )


def classify_response(response: requests.Response, path: str) -> KeapError | None:
    """None for a success; otherwise the typed error this response stands for."""
    status = response.status_code
    if status < 400:
        return None
    detail = _body_message(response)
    where = f"{response.request.method if response.request else 'GET'} {path}"
    if status == 401:
        return AuthError(f"Keap rejected the credentials ({detail}) for {where}", path=path, status=status)
    if status == 429:
        if _is_daily_quota_spent(response):
            resets = _quota_reset(response)
            return QuotaExhausted(
                f"Keap's daily API quota is used up for {where}; it resets at "
                f"{resets:%Y-%m-%d %H:%M} UTC ({detail})",
                resets_at=resets, path=path, status=status,
            )
        retry_after = 1.0 if "spikearrest" in detail.lower().replace(" ", "") else _retry_after(response)
        return Throttled(f"Keap throttled {where} ({detail}); waiting {retry_after:.0f} s",
                         retry_after=retry_after, path=path, status=status)
    if status == 403 and ("over qps" in detail.lower() or "over rate" in detail.lower()):
        return Throttled(f"Keap throttled {where} ({detail})", retry_after=1.0, path=path, status=status)
    if status >= 500:
        return TransientError(f"Keap answered {status} for {where}: {detail}", path=path, status=status)
    return FatalError(f"Keap answered {status} for {where}: {detail}", path=path, status=status)


def _retry_after(response: requests.Response) -> float:
    """Retry-After if Keap sends one (undocumented), else the rest of the rolling minute window."""
    raw = response.headers.get("Retry-After")
    try:
        return max(1.0, float(raw))
    except (TypeError, ValueError):
        return 60.0


def classify_exception(exc: BaseException, path: str) -> KeapError:
    """Network-level failures are transient; the message keeps the path, never the URL."""
    kind = type(exc).__name__
    if isinstance(exc, (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)):
        return TransientError(f"{kind} talking to Keap for {path}", path=path)
    return FatalError(f"{kind} talking to Keap for {path}", path=path)


def decode_json(response: requests.Response, path: str) -> dict:
    """A 2xx body that is not a JSON object is a garbled answer: transient, retry it."""
    try:
        body = orjson.loads(response.content)  # pages are large: orjson decodes them several times faster
    except orjson.JSONDecodeError:
        raise TransientError(f"Keap sent a body that is not JSON for {path}", path=path,
                             status=response.status_code) from None
    if not isinstance(body, dict):
        raise TransientError(f"Keap sent JSON that is not an object for {path}", path=path,
                             status=response.status_code)
    return body


class QueryTooLong(TransientError):
    """``[DatabaseError] Query took too long and was cancelled`` (XML-RPC fault)."""


class SavedSearchBlocked(TransientError):
    """``[DatabaseError] Too many consecutive failures. This saved search is blocked temporarily``."""

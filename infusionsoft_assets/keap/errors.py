"""The one place that turns a Keap failure into a typed exception.

Every transport (REST v1/v2, XML-RPC) hands its raw outcome to :func:`classify_response` or
:func:`classify_exception`; callers then act by class (refresh, wait, back off, or fail) instead of
parsing messages themselves. Messages name the request *path* only: a URL or header could carry a
secret, so neither ever goes into an exception. The one exception is :class:`NotKeap`, which must say
*where* the client went: it names ``scheme://host:port/path`` (:func:`safe_url`), never a query string,
user info or header.

Until a client has heard Keap answer at all (:func:`speaks_keap`), an address that refuses
connections, does not resolve, or answers with something that is not Keap's API is a configuration
problem, not a hiccup: :func:`classify_unfamiliar` and :func:`unreachable` turn those into
:class:`NotKeap` / :class:`Unreachable`, which are fatal.
"""

from __future__ import annotations

import html
import json
import re
import xmlrpc.client
from typing import Any
from datetime import datetime, timezone
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

import orjson
import requests
import urllib3

from .pacing import PRODUCT_QUOTA, TENANT_THROTTLE, throttle_windows


class KeapError(Exception):
    """Base class. ``path`` is the API path (no host, no query string); ``detail`` is Keap's own short
    description of the failure (fault string, ``Error.message``), secret-free, "" when there is none."""

    def __init__(self, message: str, *, path: str = "", status: int | None = None, detail: str = ""):
        super().__init__(message)
        self.path = path
        self.status = status
        self.detail = detail


class AuthError(KeapError):
    """401 or a rejected token/refresh: refresh once, then tell the user to re-authorise."""


class FatalError(KeapError):
    """Bad field, bad filter, no access, unknown resource: retrying cannot help."""


class NotKeap(FatalError):
    """The API URL does not answer as Keap: an HTML page, a non-object JSON, nothing at all. Raised only
    before a client has heard Keap answer once; ``url`` is ``scheme://host:port/path`` (no query)."""

    def __init__(self, message: str, *, url: str, path: str = "", status: int | None = None):
        super().__init__(message, path=path, status=status)
        self.url = url


#: Keap switches its legacy XML-RPC API off on this day; after it, the endpoint stops answering.
XMLRPC_SUNSET = "2026-12-31"


class XmlRpcShutDown(FatalError):
    """Keap's XML-RPC endpoint answered 404/410: the API was switched off (2026-12-31). Retrying cannot
    help, and data only XML-RPC served can no longer be taken."""


def xmlrpc_shut_down(status: int, method: str) -> XmlRpcShutDown:
    return XmlRpcShutDown(
        f"Keap's XML-RPC API answered {status} for {method}: Keap switched XML-RPC off on {XMLRPC_SUNSET}, "
        "and this report has no other source. Data archived before then stays in the warehouse "
        "(the archive_xmlrpc_only job's tables).", path=method, status=status)


class Unreachable(NotKeap):
    """Nothing answers at the API URL: connection refused, name not resolved, connect timeout, TLS
    handshake refused. Raised only before a client has heard Keap answer once."""


class TransientError(KeapError):
    """Timeouts, dropped connections, 5xx, garbled bodies: back off and retry."""


class ConnectFailed(TransientError):
    """No connection could be made (refused, DNS, connect timeout, TLS). Transient once Keap has been
    reached; before that a client turns it into :class:`Unreachable` (:func:`unreachable`)."""

    def __init__(self, message: str, *, failure: str, url: str = "", path: str = ""):
        super().__init__(message, path=path)
        self.failure = failure
        self.url = url


class Throttled(KeapError):
    """429 or an exhausted per-minute window: wait ``retry_after`` seconds, then retry."""

    def __init__(self, message: str, *, retry_after: float, path: str = "", status: int | None = 429,
                 detail: str = ""):
        super().__init__(message, path=path, status=status, detail=detail)
        self.retry_after = retry_after


class QuotaExhausted(KeapError):
    """A daily quota is spent: waiting inside a run is pointless; it resets at ``resets_at``."""

    def __init__(self, message: str, *, resets_at: datetime, path: str = "", status: int | None = 429,
                 detail: str = ""):
        super().__init__(message, path=path, status=status, detail=detail)
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
                return str(body[key]) + _v2_details(body, str(body[key]))
    return json.dumps(body)[:200]


def _v2_details(body: dict, message: str) -> str:
    """A v2 ``Error``'s ``details`` (``[{"domain": "order_by", "resource": "contact"}]``): the domain
    names the offending parameter, which the message does not always say."""
    details = body.get("details")
    if not isinstance(details, list):
        return ""
    named = [str(d[k]) for d in details if isinstance(d, dict) for k in ("domain", "resource")
             if d.get(k) and str(d[k]) not in message]
    return f" [{', '.join(dict.fromkeys(named))}]" if named else ""


def _next_utc_midnight(now: datetime | None = None) -> datetime:
    now = now or datetime.now(timezone.utc)
    return datetime.fromtimestamp((now.timestamp() // 86400 + 1) * 86400, tz=timezone.utc)


def _product_quota_reset(response: requests.Response, now: datetime | None) -> datetime:
    raw = response.headers.get("x-keap-product-quota-expiry-time")
    try:
        # Observed as epoch milliseconds (keap-rest.md §3).
        return datetime.fromtimestamp(int(raw) / 1000, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return _next_utc_midnight(now)


def _spent_days(response: requests.Response) -> list[str]:
    """Which daily quotas this answer shows at 0: ``"credential"`` and/or ``"tenant"``."""
    spent = []
    product_day = throttle_windows(response.headers, PRODUCT_QUOTA).get("day")
    if product_day is not None and product_day.spent:
        spent.append("credential")
    tenant_day = throttle_windows(response.headers, TENANT_THROTTLE).get("day")
    if tenant_day is not None and tenant_day.spent:
        spent.append("tenant")
    return spent


def _quota_exhausted(response: requests.Response, spent: list[str], where: str, detail: str, path: str,
                     now: datetime | None) -> QuotaExhausted:
    resets = []
    if "credential" in spent:
        resets.append(_product_quota_reset(response, now))
    if "tenant" in spent:
        resets.append(_next_utc_midnight(now))  # Keap: the tenant day resets at 00:00 UTC
    at = max(resets)
    tenant = response.headers.get("x-keap-tenant-id") or ""
    whose = " and ".join(
        {"credential": "this credential", "tenant": f"the Keap app{f' {tenant}' if tenant else ''} (all its "
         "integrations together)"}[s] for s in spent)
    return QuotaExhausted(f"Keap's daily API quota for {whose} is used up for {where}; it resets at "
                          f"{at:%Y-%m-%d %H:%M} UTC ({detail})", resets_at=at, path=path, status=429, detail=detail)


def classify_response(response: requests.Response, path: str, *, now: datetime | None = None) -> KeapError | None:
    """None for a success; otherwise the typed error this response stands for. ``now`` (UTC) is for
    tests: a spent day resets at the next 00:00 UTC after it."""
    status = response.status_code
    if status < 400:
        return None
    detail = _body_message(response)
    where = f"{response.request.method if response.request else 'GET'} {path}"
    if status == 401:
        return AuthError(f"Keap rejected the credentials ({detail}) for {where}", path=path, status=status,
                         detail=detail)
    if status == 429:
        spent = _spent_days(response)
        if spent:
            return _quota_exhausted(response, spent, where, detail, path, now)
        retry_after = 1.0 if "spikearrest" in detail.lower().replace(" ", "") else _retry_after(response)
        return Throttled(f"Keap throttled {where} ({detail}); waiting {retry_after:.0f} s",
                         retry_after=retry_after, path=path, status=status, detail=detail)
    if status == 403 and ("over qps" in detail.lower() or "over rate" in detail.lower()):
        return Throttled(f"Keap throttled {where} ({detail})", retry_after=1.0, path=path, status=status,
                         detail=detail)
    if status >= 500:
        return TransientError(f"Keap answered {status} for {where}: {detail}", path=path, status=status,
                              detail=detail)
    return FatalError(f"Keap answered {status} for {where}: {detail}", path=path, status=status, detail=detail)


def rejects_parameter(error: KeapError, name: str) -> bool:
    """A 400 whose Keap text (message or v2 ``details``) names the query parameter ``name``."""
    return error.status == 400 and name in (error.detail or str(error))


def _retry_after(response: requests.Response) -> float:
    """Retry-After if Keap sends one (undocumented), else the rest of the rolling minute window."""
    raw = response.headers.get("Retry-After")
    try:
        return max(1.0, float(raw))
    except (TypeError, ValueError):
        return 60.0


def _connect_failure(exc: BaseException) -> str | None:
    """What kept a connection from being made, in words; None when one was made (or it is unknown)."""
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake failed (is the scheme right: https for Keap?)"
    if isinstance(exc, requests.ConnectTimeout):
        return "connect timeout"
    if not isinstance(exc, requests.ConnectionError) or not exc.args:
        return None
    reason = getattr(exc.args[0], "reason", None)  # urllib3's MaxRetryError carries the cause here
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return "host name not resolved (DNS)"
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        inner = reason.__cause__ or reason.__context__
        if isinstance(inner, ConnectionRefusedError):
            return "connection refused"
        return f"could not connect ({type(inner or reason).__name__})"
    if isinstance(reason, urllib3.exceptions.ConnectTimeoutError):
        return "connect timeout"
    return None


def classify_exception(exc: BaseException, path: str, *, url: str = "") -> KeapError:
    """Network-level failures are transient; the message keeps the path, never the URL (``url`` is kept
    on a :class:`ConnectFailed` only as :func:`safe_url`, for :func:`unreachable`)."""
    kind = type(exc).__name__
    failure = _connect_failure(exc)
    if failure is not None:
        return ConnectFailed(f"{kind} ({failure}) talking to Keap for {path}", failure=failure,
                             url=safe_url(url) if url else "", path=path)
    if isinstance(exc, (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)):
        return TransientError(f"{kind} talking to Keap for {path}", path=path)
    return FatalError(f"{kind} talking to Keap for {path}", path=path)


def decode_json(response: requests.Response, path: str, scalar: bool = False) -> Any:
    """A 2xx body that is not a JSON object is a garbled answer: transient, retry it. ``scalar``: the
    operation answers one JSON value (a file's bytes as a base64 string), which is then fine."""
    try:
        body = orjson.loads(response.content)  # pages are large: orjson decodes them several times faster
    except orjson.JSONDecodeError:
        raise TransientError(f"Keap sent a body that is not JSON for {path}", path=path,
                             status=response.status_code) from None
    if not scalar and not isinstance(body, dict):
        raise TransientError(f"Keap sent JSON that is not an object for {path}", path=path,
                             status=response.status_code)
    return body


# --------------------------------------------------------------------------- first contact

API_URL_HINT = "check INFUSIONSOFT_API_URL (Keap's is https://api.infusionsoft.com)"


def safe_url(url: str) -> str:
    """``scheme://host:port/path`` of ``url``: no user info, query string or fragment."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme.lower())
    except ValueError:
        port = None
    host = parts.hostname or "?"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme or '?'}://{host}{f':{port}' if port else ''}{parts.path}"


def speaks_keap(response: requests.Response, expect: str = "json") -> bool:
    """Does this answer come from Keap (or a faithful stand-in)? Yes if it carries ``x-keap-*`` headers
    or its body decodes as Keap's would: a JSON object (``expect="json"``, any status) or an XML-RPC
    response or fault (``expect="xmlrpc"``)."""
    if any(str(name).lower().startswith("x-keap-") for name in response.headers):
        return True
    content = response.content or b""
    if expect == "xmlrpc":
        try:
            xmlrpc.client.loads(content)
        except xmlrpc.client.Fault:
            return True
        except (ExpatError, xmlrpc.client.ResponseError, ValueError, TypeError, IndexError):
            return False
        return True
    try:
        return isinstance(orjson.loads(content), dict)
    except orjson.JSONDecodeError:
        return False


_TOKENISH = re.compile(r"[A-Za-z0-9_\-.~+/=%]{20,}")


def _secret_free(text: str, limit: int) -> str:
    """Collapse whitespace, blank out anything token-shaped, cut to ``limit`` characters."""
    text = _TOKENISH.sub("[…]", " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_answer(response: requests.Response) -> str:
    """Status, content type and a short secret-free excerpt (an HTML page's title, a JSON value's type)."""
    ctype = (response.headers.get("Content-Type") or "no content-type").split(";")[0].strip()
    content = response.content or b""
    head = f"{response.status_code} {response.reason or ''}".strip() + f", {ctype}"
    if not content.strip():
        return f"{head}, empty body"
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        pass
    else:
        kind = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value),
                                                                                                   "null")
        return f"{head}, a JSON {kind} where Keap sends an object"
    text = content[:65536].decode("utf-8", "replace")
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.S | re.I) or re.search(r"<h1[^>]*>(.*?)</h1>",
                                                                                      text, re.S | re.I)
    if title:
        return f'{head}, a page titled "{_secret_free(html.unescape(re.sub(r"<[^>]+>", "", title.group(1))), 80)}"'
    if "<html" in text[:1024].lower() or "<!doctype" in text[:1024].lower():
        return f"{head}, an HTML page without a title"
    first = next((line for line in text.splitlines() if line.strip()), "")
    return f'{head}, a body starting "{_secret_free(first, 60)}"'


def classify_unfamiliar(response: requests.Response, url: str, path: str) -> NotKeap | None:
    """For an answer that :func:`speaks_keap` did not recognise, before Keap has ever answered: a
    2xx/3xx/404 is not Keap (wrong URL, captive portal, another site); other statuses (401, 429, 5xx...)
    are left to :func:`classify_response`."""
    status = response.status_code
    if not (200 <= status < 400 or status == 404):
        return None
    where = safe_url(url)
    return NotKeap(f"{where} does not answer like Keap's API ({describe_answer(response)}); {API_URL_HINT}",
                   url=where, path=path, status=status)


def unreachable(error: ConnectFailed) -> Unreachable:
    """The fatal form of a connection failure before Keap has ever answered."""
    where = error.url or error.path
    return Unreachable(f"Nothing answers as Keap at {where}: {error.failure}; {API_URL_HINT} and that the host "
                       "is reachable from here", url=where, path=error.path)


class QueryTooLong(TransientError):
    """``[DatabaseError] Query took too long and was cancelled`` (XML-RPC fault)."""


class SavedSearchBlocked(TransientError):
    """``[DatabaseError] Too many consecutive failures. This saved search is blocked temporarily``."""

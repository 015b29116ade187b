"""A plain-Python Keap REST client: one pooled session, typed errors, short in-client retries, paging.

Long waits (minutes or hours) are not this module's business: once the in-client budget is spent the
typed error goes up to the caller, which can reschedule the whole step without holding a worker.

Until the client has heard Keap answer once (``spoke_to_keap``), an API URL that refuses connections or
answers with something that is not Keap is a configuration mistake, not a hiccup: with
``fail_fast_until_contact`` (the default) it is tried once more after a second and then raised as
:class:`~.errors.Unreachable` / :class:`~.errors.NotKeap` (fatal), instead of minutes of retries.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator
from urllib.parse import parse_qsl, urlsplit

import requests
import tenacity

from .account import DEFAULT_API_URL
from .auth import Credentials
from .errors import (AuthError, ConnectFailed, FatalError, KeapError, NotKeap, QueryTooLong, SavedSearchBlocked,
                     Throttled, TransientError, classify_exception, classify_response, classify_unfamiliar,
                     decode_json, rejects_parameter, speaks_keap, unreachable, xmlrpc_shut_down)
from .pacing import Pacer
from .xmlrpc import MAX_QUERY_LIMIT, XMLRPC_PATH, request_body
from .xmlrpc import decode_response as decode_xmlrpc

REST_V2 = "/crm/rest/v2"
REST_V1 = "/crm/rest/v1"
MAX_V2_PAGE_SIZE = 1000
#: v1 documents no maximum; 1,000 is what it answers when no limit is sent (keap-rest.md §2.2).
V1_PAGE_LIMIT = 1000
#: REST v2 lists whose page_size ceiling is below :data:`MAX_V2_PAGE_SIZE` (keap-rest.md §2.3; Keap's v2
#: spec: users 1..100, automations and automations/ids 0..25). A key covers its sub-paths.
V2_PAGE_SIZE_LIMITS: dict[str, int] = {"/users": 100, "/automations": 25}
#: Before first contact, a connection failure or a non-Keap answer is tried once more after this wait.
FIRST_CONTACT_RETRIES = 1
FIRST_CONTACT_WAIT_S = 1.0
#: An API key rejected with 401 is tried once more after this wait (Keap's gateway sends spurious 401s).
API_KEY_401_WAIT_S = 2.0

log = logging.getLogger("infusionsoft_assets.keap")


def json_body(response: requests.Response, path: str, scalar: bool = False) -> Any:
    """The decoded JSON body (:func:`~.errors.decode_json`), decoded with Python's cycle collector paused.

    A 1,000-record page is some 60,000 new dicts and lists: the collector would otherwise run once per 700
    of them while the page is decoded, its older generations every tenth time, and in a process the size
    of a Dagster run a full pass over every object the process holds every page or two, all to find no
    cycle (a decoded body has none). Paused, it runs once afterwards. On contacts pages in such a process
    that halves the decode or better (bench/row_path.py: bare orjson.loads with and without the pause)."""
    if not gc.isenabled():
        return decode_json(response, path, scalar=scalar)
    gc.disable()
    try:
        return decode_json(response, path, scalar=scalar)
    finally:
        gc.enable()


def v2_page_size(resource: str, requested: int | None = None) -> int:
    """The page size to send for a v2 list: the caller's, capped at the endpoint's maximum; the maximum
    when the caller gives none."""
    resource = "/" + resource.strip("/")
    ceiling = next((limit for prefix, limit in V2_PAGE_SIZE_LIMITS.items()
                    if resource == prefix or resource.startswith(prefix + "/")), MAX_V2_PAGE_SIZE)
    return ceiling if requested is None else min(requested, ceiling)


@dataclass
class CallStats:
    """What a materialization reports: calls made, retries, time waited, quota left."""

    calls: int = 0
    retries: int = 0
    waited_s: float = 0.0
    quota: dict[str, str] = field(default_factory=dict)
    sandbox: bool = False

    def record(self, response: requests.Response) -> None:
        self.calls += 1
        self.quota = {k: v for k, v in response.headers.items() if k.lower().startswith("x-keap-")
                      and ("available" in k.lower() or "limit" in k.lower())}
        self.sandbox = self.sandbox or response.headers.get("x-keap-sandbox") == "true"


@dataclass(frozen=True)
class RetrySettings:
    """In-client budget for transient errors and short throttles; beyond it the error is raised."""

    attempts: int = 5
    initial_backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    max_inline_throttle_wait_s: float = 90.0


class KeapClient:
    """``fail_fast_until_contact``: until one answer has come from Keap, fail at once (after one retry)
    when the API URL is unreachable or answers as something else. A caller that knows this run already
    reached Keap (a step retry) passes False, so a flaky start is retried as any transient failure.
    ``api_key_401_wait_s``: an API key's 401 is tried once more after this wait before it is final."""

    def __init__(self, base_url: str, credentials: Credentials, *, session: requests.Session | None = None,
                 timeout: tuple[float, float] = (10, 120), retry: RetrySettings = RetrySettings(),
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 logger: Any = None, fail_fast_until_contact: bool = True,
                 api_key_401_wait_s: float = API_KEY_401_WAIT_S):
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retry = retry
        self.sleep = sleep
        self.log = logger or log
        self.stats = CallStats()
        self.pacer = Pacer(clock)
        self.fail_fast_until_contact = fail_fast_until_contact
        self.api_key_401_wait_s = api_key_401_wait_s
        #: True once any answer has come from Keap (x-keap-* headers, or a body shaped as Keap's).
        self.spoke_to_keap = False
        self._order_by_refused: set[str] = set()  # v2 paths this tenant answered 400 for order_by

    # -- one request -------------------------------------------------------------------------------
    def get_json(self, path: str, params: dict[str, Any] | None = None) -> dict:
        """GET ``path`` (relative to the base URL), retrying transient errors and short throttles."""
        return self._request("GET", path, path, lambda response: json_body(response, path), "json",
                             params=params or {})

    def get_value(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET an operation that answers one JSON value rather than an object (``/files/{id}:data``: the
        file's bytes as a base64 string)."""
        return self._request("GET", path, path, lambda response: json_body(response, path, scalar=True),
                             "json", params=params or {})

    def post_json(self, path: str, params: dict[str, Any] | None = None) -> dict:
        """POST ``path`` with query parameters and no body: Keap's read-only POST operations (a saved
        search's ``:run``), retried like a GET since they change nothing."""
        return self._request("POST", path, path, lambda response: json_body(response, path), "json",
                             params=params or {})

    def call_xmlrpc(self, method: str, *params: Any) -> Any:
        """One legacy XML-RPC call (``DataService.query``, ...), with the same retries and pacing as REST."""
        return self._request("POST", XMLRPC_PATH, method, lambda response: decode_xmlrpc(response, method),
                             "xmlrpc", data=request_body(method, params), headers={"Content-Type": "text/xml"},
                             rpc=method)

    def _fail_fast(self) -> bool:
        return self.fail_fast_until_contact and not self.spoke_to_keap

    def _request(self, verb: str, path: str, what: str, decode: Callable[[requests.Response], Any], expect: str,
                 **send: Any) -> Any:
        first_contact_retries = 0

        def worth_retrying(state: tenacity.RetryCallState) -> bool:
            nonlocal first_contact_retries
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, NotKeap):  # only raised before first contact: one more try, then final
                first_contact_retries += 1
                return first_contact_retries <= FIRST_CONTACT_RETRIES
            return exc is not None and self._worth_retrying_inline(exc)

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retry.attempts),
            retry=worth_retrying,
            wait=self._wait_for,
            sleep=self._sleep_logged,
            before_sleep=self._log_retry,
            reraise=True,
        )
        return retrying(self._attempt, verb, path, what, decode, expect, send)

    def _attempt(self, verb: str, path: str, what: str, decode: Callable[[requests.Response], Any], expect: str,
                 send: dict[str, Any]) -> Any:
        try:
            return self._send_with_auth(verb, path, what, decode, expect, send)
        except ConnectFailed as exc:  # the API request or a token refresh on the same host
            if self._fail_fast():
                raise unreachable(exc) from None
            raise

    def _send_with_auth(self, verb: str, path: str, what: str, decode: Callable[[requests.Response], Any],
                        expect: str, send: dict[str, Any]) -> Any:
        headers = self.credentials.headers()
        request = f"{verb} {path}" + (f" ({what})" if what != path else "")
        try:
            return self._send(verb, path, decode, expect, send, headers)
        except AuthError as first:
            if self.credentials.after_unauthorized(headers):
                self.log.info(f"Keap answered 401 for {request}; access token refreshed, trying once more")
                try:
                    return self._send(verb, path, decode, expect, send, self.credentials.headers())
                except AuthError as again:
                    raise AuthError(f"{again} — still rejected after a token refresh; run "
                                    "`infusionsoft-assets auth login` to re-authorise", path=path, status=401,
                                    detail=again.detail) from None
            # Nothing to refresh (an API key), but Keap's gateway sends expired-token faults spuriously.
            wait = self.api_key_401_wait_s
            self.log.warning(f"Keap answered 401 for {request} ({first.detail or first}) with "
                             f"{self._describe_credentials()}; trying once more in {wait:g} s")
            self.stats.retries += 1
            self._sleep_logged(wait)
            try:
                return self._send(verb, path, decode, expect, send, headers)
            except AuthError as again:
                raise AuthError(
                    f"Keap rejected {self._describe_credentials()} for {request} twice, {wait:g} s apart "
                    f"(Keap: {again.detail or again}); check INFUSIONSOFT_API_KEY (a deleted key can take "
                    "minutes to stop working; a new one to start)", path=path, status=401,
                    detail=again.detail) from None

    def _describe_credentials(self) -> str:
        describe = getattr(self.credentials, "describe", None)
        return describe() if callable(describe) else "the credentials"

    def _send(self, verb: str, path: str, decode: Callable[[requests.Response], Any], expect: str,
              send: dict[str, Any], headers: dict[str, str]) -> Any:
        self._pace(verb, path)
        url = self.base_url + path
        try:
            response = self.session.request(verb, url, params=send.get("params"),
                                            data=send.get("data"), headers={**headers, **send.get("headers", {})},
                                            timeout=self.timeout)
        except requests.RequestException as exc:
            raise classify_exception(exc, path, url=url) from None
        self.pacer.after_response(response.headers)
        self.stats.record(response)
        if path == XMLRPC_PATH and response.status_code in (404, 410):
            raise xmlrpc_shut_down(response.status_code, send.get("rpc", "XML-RPC"))
        if not self.spoke_to_keap:
            if speaks_keap(response, expect):
                self.spoke_to_keap = True
            elif self.fail_fast_until_contact and (stranger := classify_unfamiliar(response, url, path)):
                raise stranger
        error = classify_response(response, path)
        if error is not None:
            raise error
        return decode(response)

    def _pace(self, verb: str, path: str) -> None:
        """Wait what Keap's throttle headers ask for, so the limits are met instead of hit."""
        wait, why = self.pacer.wait_before_request()
        if wait > 0:
            if wait >= 1:
                self.log.info(f"Pacing before {verb} {path}: {why}; waiting {wait:.1f} s")
            self._sleep_logged(wait)
        self.pacer.record_call()

    def _worth_retrying_inline(self, exc: BaseException) -> bool:
        if isinstance(exc, Throttled):
            return exc.retry_after <= self.retry.max_inline_throttle_wait_s
        # Keap's two DatabaseError faults have their own (step-level) schedules from the first failure.
        return isinstance(exc, TransientError) and not isinstance(exc, (QueryTooLong, SavedSearchBlocked))

    def _wait_for(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Throttled):
            return exc.retry_after
        if isinstance(exc, NotKeap):
            return FIRST_CONTACT_WAIT_S
        backoff = tenacity.wait_exponential_jitter(initial=self.retry.initial_backoff_s,
                                                   max=self.retry.max_backoff_s)
        return backoff(state)

    def _sleep_logged(self, seconds: float) -> None:
        self.stats.waited_s += seconds
        self.sleep(seconds)
        self.pacer.waited()  # whatever the wait was for, the next response says afresh what is left

    def _log_retry(self, state: tenacity.RetryCallState) -> None:
        self.stats.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0
        self.log.warning(f"{exc} — retry {state.attempt_number}/{self.retry.attempts - 1} in {wait:.1f} s")

    # -- paging --------------------------------------------------------------------------------------
    def iter_v2_pages(self, resource: str, items_key: str, params: dict[str, Any] | None = None,
                      page_size: int | None = None, *, on_page: Callable[[dict], None] | None = None,
                      method: str = "GET", token_key: str = "next_page_token",
                      ahead: bool = False) -> Iterator[list[dict]]:
        """Yield each page's items of a REST v2 list; stop when ``next_page_token`` is empty or missing.

        ``on_page`` sees each whole page body (totals Keap states beside the rows). ``method="POST"`` with
        ``token_key="page_token"`` pages a saved search's ``:run``, which answers its cursor so.

        ``page_size`` defaults to the endpoint's maximum (:data:`V2_PAGE_SIZE_LIMITS`) and is capped at it.
        A page without ``items_key`` is an empty page (v2 is gRPC-transcoded: proto3 JSON omits empty
        repeated fields). Keap has been seen to put a whole URL in ``next_page_token``; then that URL's
        query is used. A tenant on a Keap build that does not know the ``order_by`` sent (``update_time``
        on contacts came in May 2026) answers the first page 400: that page is asked once more without
        ``order_by`` (logged as a warning), and this client leaves it out for that list from then on.

        ``ahead``: each next page is requested (:class:`_NextPage`) before this one is handed over, so Keap
        works on it while the caller uses this one. Only for a caller that makes no other request with
        this client between pages: requests stay one at a time.
        """
        path = REST_V2 + resource
        query = {**(params or {}), "page_size": v2_page_size(resource, page_size)}
        if query.get("order_by") and path in self._order_by_refused:
            self.log.warning(f"Leaving out order_by={query['order_by']!r} for GET {path}: this Keap app refused it "
                             "earlier in this run; pages come in Keap's default order")
            query.pop("order_by")
        seen_tokens: set[str] = set()
        fetch = self.get_json if method == "GET" else self.post_json
        body = self._first_v2_page(path, query, fetch)
        if path in self._order_by_refused:
            query.pop("order_by", None)
        while True:
            items = body.get(items_key, [])
            if not isinstance(items, list):
                raise FatalError(f"Keap's '{items_key}' for {method} {path} is not a list "
                                 f"(a {type(items).__name__}; keys: {sorted(body)[:8]})", path=path)
            if on_page is not None:
                on_page(body)
            token = body.get(token_key) or ""
            follows = bool(token and items) and token not in seen_tokens
            next_page = None
            if follows:
                seen_tokens.add(token)
                query = _next_query(token, query)
                next_page = _NextPage(self, method, path, query) if ahead else None
            if items:
                yield items
            if not token or not items:
                return
            if not follows:
                raise FatalError(f"Keap repeated a page token for GET {path}; stopping to avoid a loop",
                                 path=path)
            body = next_page.body(fetch) if next_page is not None else fetch(path, query)

    def _first_v2_page(self, path: str, query: dict[str, Any], fetch: Callable[..., dict]) -> dict:
        try:
            return fetch(path, query)
        except FatalError as exc:
            if not (query.get("order_by") and rejects_parameter(exc, "order_by")):
                raise
            self.log.warning(f"Keap refused order_by={query['order_by']!r} for GET {path} ({exc.detail}); this "
                             "Keap app's build predates it. Asking again without order_by: pages come in Keap's "
                             "default order")
            self._order_by_refused.add(path)
            return fetch(path, {k: v for k, v in query.items() if k != "order_by"})

    def iter_v1_pages(self, resource: str, items_key: str, params: dict[str, Any] | None = None,
                      limit: int = V1_PAGE_LIMIT, *, ahead: bool = False) -> Iterator[list[dict]]:
        """Yield each page's items of a REST v1 list (``limit``/``offset``). v1 sends ``next`` even on the
        last page, so a short page is the last one (keap-rest.md §2.2). ``ahead``: as for
        :meth:`iter_v2_pages`."""
        path = REST_V1 + resource
        query = {**(params or {}), "limit": limit, "offset": 0}
        body = self.get_json(path, query)
        while True:
            items = body.get(items_key, [])
            if not isinstance(items, list):
                raise FatalError(f"Keap's '{items_key}' for GET {path} is not a list "
                                 f"(a {type(items).__name__}; keys: {sorted(body)[:8]})", path=path)
            follows = len(items) >= limit
            next_page = None
            if follows:
                query = {**query, "offset": query["offset"] + len(items)}
                next_page = _NextPage(self, "GET", path, query) if ahead else None
            if items:
                yield items
            if not follows:
                return
            body = next_page.body(self.get_json) if next_page is not None else self.get_json(path, query)

    def iter_xmlrpc_query(self, table: str, query: dict[str, Any], fields: list[str],
                          order_by: str | None = None, ascending: bool = True,
                          page_size: int = MAX_QUERY_LIMIT) -> Iterator[list[dict]]:
        """Yield each page of ``DataService.query`` (0-based pages); a short page is the last."""
        order = (order_by, ascending) if order_by else ()
        page = 0
        while True:
            rows = self.call_xmlrpc("DataService.query", table, page_size, page, query, fields, *order)
            if not isinstance(rows, list):
                raise FatalError(f"DataService.query on {table} answered {type(rows).__name__}, not a list",
                                 path="DataService.query")
            if rows:
                yield rows
            if len(rows) < page_size:
                return
            page += 1


class _NextPage:
    """A list's next page, requested in a thread of its own while the caller works on the page before.

    The request is the client's usual one (pacing, retries, the error classes), only its body is left
    undecoded there: the caller decodes it in its own thread, where the page's objects are then used (a
    contacts page decoded in one thread and converted in another took about a quarter more CPU). A body
    that does not decode is asked for once more the usual way, retries and all."""

    def __init__(self, client: "KeapClient", verb: str, path: str, query: dict[str, Any]):
        self.client, self.path, self.query = client, path, query
        self.response: requests.Response | None = None
        self.error: BaseException | None = None
        self._done = threading.Event()
        threading.Thread(target=self._request, args=(verb,), name="keap-next-page", daemon=True).start()

    def _request(self, verb: str) -> None:
        try:
            self.response = self.client._request(verb, self.path, self.path, lambda response: response, "json",
                                            params=self.query)
        except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread by body()
            self.error = exc
        finally:
            self._done.set()

    def body(self, fetch: Callable[[str, dict[str, Any]], dict]) -> dict:
        """The page's decoded body (raising what the request raised); ``fetch`` asks again if it is garbled."""
        self._done.wait()
        if self.error is not None:
            raise self.error
        assert self.response is not None
        try:
            return json_body(self.response, self.path)
        except TransientError as exc:
            self.client.stats.retries += 1
            self.client.log.warning(f"{exc}; asking for that page again")
            return fetch(self.path, self.query)


def _next_query(token: str, query: dict[str, Any]) -> dict[str, Any]:
    """The next page's query. A URL-form token (seen from Keap: ``...?page_size=1&page_token=91``) may
    omit the filter, fields and order: those are kept from the first request, the URL's values win."""
    if token.startswith(("http://", "https://")):
        return {**query, **dict(parse_qsl(urlsplit(token).query))}
    return {**query, "page_token": token}


__all__ = ["KeapClient", "CallStats", "RetrySettings", "KeapError", "DEFAULT_API_URL", "REST_V1", "REST_V2",
           "MAX_V2_PAGE_SIZE", "V2_PAGE_SIZE_LIMITS", "v2_page_size"]

"""A plain-Python Keap REST client: one pooled session, typed errors, short in-client retries, paging.

Long waits (minutes or hours) are not this module's business: once the in-client budget is spent the
typed error goes up to the caller, which can reschedule the whole step without holding a worker.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator
from urllib.parse import parse_qsl, urlsplit

import requests
import tenacity

from .auth import Credentials
from .errors import (AuthError, FatalError, KeapError, QueryTooLong, SavedSearchBlocked, Throttled, TransientError,
                     classify_exception, classify_response, decode_json)
from .pacing import Pacer
from .xmlrpc import MAX_QUERY_LIMIT, XMLRPC_PATH, request_body
from .xmlrpc import decode_response as decode_xmlrpc

DEFAULT_API_URL = "https://api.infusionsoft.com"
REST_V2 = "/crm/rest/v2"
REST_V1 = "/crm/rest/v1"
MAX_V2_PAGE_SIZE = 1000

log = logging.getLogger("infusionsoft_assets.keap")


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
    def __init__(self, base_url: str, credentials: Credentials, *, session: requests.Session | None = None,
                 timeout: tuple[float, float] = (10, 120), retry: RetrySettings = RetrySettings(),
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 logger: Any = None):
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retry = retry
        self.sleep = sleep
        self.log = logger or log
        self.stats = CallStats()
        self.pacer = Pacer(clock)

    # -- one request -------------------------------------------------------------------------------
    def get_json(self, path: str, params: dict[str, Any] | None = None) -> dict:
        """GET ``path`` (relative to the base URL), retrying transient errors and short throttles."""
        return self._request("GET", path, path, lambda response: decode_json(response, path),
                             params=params or {})

    def call_xmlrpc(self, method: str, *params: Any) -> Any:
        """One legacy XML-RPC call (``DataService.query``, ...), with the same retries and pacing as REST."""
        return self._request("POST", XMLRPC_PATH, method, lambda response: decode_xmlrpc(response, method),
                             data=request_body(method, params), headers={"Content-Type": "text/xml"})

    def _request(self, verb: str, path: str, what: str, decode: Callable[[requests.Response], Any],
                 **send: Any) -> Any:
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retry.attempts),
            retry=tenacity.retry_if_exception(self._worth_retrying_inline),
            wait=self._wait_for,
            sleep=self._sleep_logged,
            before_sleep=self._log_retry,
            reraise=True,
        )
        return retrying(self._send_with_auth, verb, path, what, decode, send)

    def _send_with_auth(self, verb: str, path: str, what: str, decode: Callable[[requests.Response], Any],
                        send: dict[str, Any]) -> Any:
        headers = self.credentials.headers()
        try:
            return self._send(verb, path, decode, send, headers)
        except AuthError:
            if not self.credentials.after_unauthorized(headers):
                raise AuthError(f"Keap rejected the API key for {verb} {what}: check INFUSIONSOFT_API_KEY "
                                "(a deleted key can take minutes to stop working; a new one to start)",
                                path=path, status=401) from None
            self.log.info(f"Keap answered 401 for {verb} {what}; access token refreshed, trying once more")
            try:
                return self._send(verb, path, decode, send, self.credentials.headers())
            except AuthError as again:
                raise AuthError(f"{again} — still rejected after a token refresh; run "
                                "`infusionsoft-assets auth login` to re-authorise", path=path, status=401) from None

    def _send(self, verb: str, path: str, decode: Callable[[requests.Response], Any], send: dict[str, Any],
              headers: dict[str, str]) -> Any:
        self._pace(path)
        try:
            response = self.session.request(verb, self.base_url + path, params=send.get("params"),
                                            data=send.get("data"), headers={**headers, **send.get("headers", {})},
                                            timeout=self.timeout)
        except requests.RequestException as exc:
            raise classify_exception(exc, path) from None
        self.pacer.after_response(response.headers)
        self.stats.record(response)
        error = classify_response(response, path)
        if error is not None:
            raise error
        return decode(response)

    def _pace(self, path: str) -> None:
        """Wait what Keap's throttle headers ask for, so the limits are met instead of hit."""
        wait, why = self.pacer.wait_before_request()
        if wait > 0:
            if wait >= 1:
                self.log.info(f"Pacing before GET {path}: {why}; waiting {wait:.1f} s")
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
                      page_size: int = MAX_V2_PAGE_SIZE) -> Iterator[list[dict]]:
        """Yield each page's items of a REST v2 list; stop when ``next_page_token`` is empty or missing.

        Keap has been seen to put a whole URL in ``next_page_token``; then that URL's query is used.
        """
        path = REST_V2 + resource
        query = {**(params or {}), "page_size": page_size}
        seen_tokens: set[str] = set()
        while True:
            body = self.get_json(path, query)
            items = body.get(items_key)
            if items is None:
                raise FatalError(f"Keap's answer for GET {path} has no '{items_key}' list "
                                 f"(keys: {sorted(body)[:8]})", path=path)
            if not isinstance(items, list):
                raise FatalError(f"Keap's '{items_key}' for GET {path} is not a list", path=path)
            if items:
                yield items
            token = body.get("next_page_token") or ""
            if not token or not items:
                return
            if token in seen_tokens:
                raise FatalError(f"Keap repeated a page token for GET {path}; stopping to avoid a loop",
                                 path=path)
            seen_tokens.add(token)
            query = _next_query(token, query)

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


def _next_query(token: str, query: dict[str, Any]) -> dict[str, Any]:
    """The next page's query. A URL-form token (seen from Keap: ``...?page_size=1&page_token=91``) may
    omit the filter, fields and order: those are kept from the first request, the URL's values win."""
    if token.startswith(("http://", "https://")):
        return {**query, **dict(parse_qsl(urlsplit(token).query))}
    return {**query, "page_token": token}


__all__ = ["KeapClient", "CallStats", "RetrySettings", "KeapError", "DEFAULT_API_URL", "REST_V1", "REST_V2"]

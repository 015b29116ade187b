"""The REST client: paging against the sandbox, error classification, in-client retries (fake clock)."""

from __future__ import annotations

import socket

import pytest
import requests

from infusionsoft_assets.keap import (ApiKeyCredentials, FatalError, KeapClient, QuotaExhausted, RetrySettings,
                                      Throttled, TransientError)
from infusionsoft_assets.keap.errors import AuthError, classify_response


def api_key_client(sandbox, **kw) -> KeapClient:
    return KeapClient(sandbox.base_url, ApiKeyCredentials(sandbox.credentials.api_key), **kw)


@pytest.mark.parametrize("page_size", [1, 37, 1000])
def test_paging_returns_every_contact_once(sandbox, page_size):
    client = api_key_client(sandbox)
    ids = [c["id"] for page in client.iter_v2_pages("/contacts", "contacts", {"fields": "id"}, page_size)
           for c in page]
    assert sorted(ids) == sorted(c["id"] for c in sandbox.dataset.contacts)
    assert len(ids) == len(set(ids))
    pages = -(-len(ids) // page_size)
    assert client.stats.calls in (pages, pages + 1)  # +1 if an exact last page still carries a token


def test_a_bad_filter_is_fatal_and_names_the_path(sandbox):
    client = api_key_client(sandbox)
    with pytest.raises(FatalError) as info:
        next(client.iter_v2_pages("/contacts", "contacts", {"filter": "no_such_field==1"}))
    assert info.value.status == 400 and "/crm/rest/v2/contacts" in str(info.value)
    assert sandbox.credentials.api_key not in str(info.value)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_failures_back_off_then_raise_transient():
    """Once Keap is known to be there (a step retry turns the first-contact check off), a refused
    connection is a hiccup: exponential backoff, then a transient error for the step's schedule."""
    waits: list[float] = []
    client = KeapClient(f"http://127.0.0.1:{_closed_port()}", ApiKeyCredentials("k"), sleep=waits.append,
                        retry=RetrySettings(attempts=4, initial_backoff_s=1, max_backoff_s=8),
                        fail_fast_until_contact=False)
    with pytest.raises(TransientError):
        client.get_json("/crm/rest/v2/contacts")
    assert len(waits) == 3
    assert all(0 < w <= 8 + 1 for w in waits)  # exponential with jitter, capped
    assert client.stats.retries == 3 and client.stats.waited_s == pytest.approx(sum(waits))


def response(status: int, body: bytes = b"{}", headers: dict | None = None) -> requests.Response:
    r = requests.Response()
    r.status_code = status
    r._content = body
    r.headers.update(headers or {})
    r.request = requests.Request("GET", "http://x/crm/rest/v2/contacts").prepare()
    return r


def test_classification_by_status_and_headers():
    assert classify_response(response(200), "/p") is None
    assert isinstance(classify_response(response(401), "/p"), AuthError)
    assert isinstance(classify_response(response(503, b"<html>"), "/p"), TransientError)
    assert isinstance(classify_response(response(400, b'{"code":400,"message":"bad filter"}'), "/p"), FatalError)
    throttled = classify_response(response(429, b'{"code":"429","message":"Quota Exceeded"}',
                                           {"Retry-After": "7"}), "/p")
    assert isinstance(throttled, Throttled) and throttled.retry_after == 7
    spent = classify_response(response(429, b'{"fault":{"faultstring":"Rate limit quota violation"}}',
                                       {"x-keap-product-quota-available": "0",
                                        "x-keap-product-quota-expiry-time": "1796083200000"}), "/p")
    assert isinstance(spent, QuotaExhausted)
    assert spent.resets_at.isoformat() == "2026-12-01T00:00:00+00:00"
    assert "2026-12-01 00:00 UTC" in str(spent)


def test_a_url_form_page_token_keeps_the_filter_fields_and_order():
    from infusionsoft_assets.keap.client import _next_query

    first = {"filter": "start_update_time==2026-11-27T00:00:00.000Z", "fields": "id,update_time",
             "order_by": "update_time asc", "page_size": 1000}
    url = "https://api.infusionsoft.com/crm/rest/v2/contacts/?page_size=1000&page_token=91"
    assert _next_query(url, first) == {**first, "page_size": "1000", "page_token": "91"}
    assert _next_query("opaque", first) == {**first, "page_token": "opaque"}


def test_a_spike_arrest_429_waits_a_second_not_a_minute():
    body = (b'{"fault":{"faultstring":"Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=10}",'
            b'"detail":{"errorcode":"policies.ratelimit.SpikeArrestViolation"}}}')
    minute = classify_response(response(429, b'{"code":"429","message":"Quota Exceeded"}'), "/p")
    assert classify_response(response(429, body), "/p").retry_after == 1.0 and minute.retry_after == 60.0


def test_the_pacer_does_not_wait_a_window_it_has_no_call_in():
    from infusionsoft_assets.keap.pacing import Pacer

    now = [1000.0]
    pacer = Pacer(clock=lambda: now[0])
    pacer.record_call()
    pacer.after_response({"x-keap-product-throttle-available": "0"})
    assert pacer.wait_before_request()[0] == 60.0  # our call must age out of the rolling minute
    now[0] += 61  # e.g. a 429's own 60 s wait has passed meanwhile
    pacer.after_response({"x-keap-product-throttle-available": "0"})
    assert pacer.wait_before_request()[0] == 0.0  # nothing of ours left in the window: no second wait

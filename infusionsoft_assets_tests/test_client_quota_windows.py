"""Keap's tenant limits: one ``x-keap-tenant-throttle-*`` header set carrying a minute and a day window
(``10000|250000``, ``minute|day``). Parsed by time-unit, paced on the minute like the credential's,
a spent day is final (next 00:00 UTC); the old single-integer form still works.

Parsing and pacing on header dicts with a fake clock; the 429 classification on built responses; and,
when the sandbox sends the two-window headers, the whole path over HTTP.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

from infusionsoft_assets.keap import ApiKeyCredentials, KeapClient, QuotaExhausted, RetrySettings, Throttled
from infusionsoft_assets.keap.errors import classify_response
from infusionsoft_assets.keap.pacing import TENANT_THROTTLE, Pacer, Window, throttle_windows

from .sandbox_kit import FakeClock


def tenant(limit="10000|250000", unit="minute|day", interval="1|1", available="9876|249000",
           used="124|1000") -> dict[str, str]:
    values = {"limit": limit, "time-unit": unit, "interval": interval, "available": available, "used": used}
    return {f"x-keap-tenant-throttle-{k}": v for k, v in values.items() if v is not None}


# --------------------------------------------------------------------------- parsing


def test_both_tenant_windows_are_read():
    windows = throttle_windows(tenant(), TENANT_THROTTLE)
    assert windows == {"minute": Window("minute", 1, 10000, 9876, 124),
                       "day": Window("day", 1, 250000, 249000, 1000)}
    assert windows["minute"].seconds == 60 and windows["day"].seconds == 86400


def test_windows_are_matched_by_time_unit_not_position():
    flipped = tenant(limit="250000|10000", unit="day|minute", available="249000|9876", used="1000|124")
    assert throttle_windows(flipped, TENANT_THROTTLE) == throttle_windows(tenant(), TENANT_THROTTLE)


def test_the_old_single_integer_form_is_the_minute_window():
    old = tenant(limit="5000", unit="minute", interval="1", available="42", used="4958")
    assert throttle_windows(old, TENANT_THROTTLE) == {"minute": Window("minute", 1, 5000, 42, 4958)}
    bare = {"x-keap-tenant-throttle-available": "0"}  # no unit at all: Keap's documented minute
    assert throttle_windows(bare, TENANT_THROTTLE)["minute"].spent


def test_header_names_in_any_case_and_junk_values():
    mixed = {k.upper(): v for k, v in tenant(available="n/a|0").items()}
    windows = throttle_windows(mixed, TENANT_THROTTLE)
    assert windows["minute"].available is None and windows["day"].spent and not windows["minute"].spent
    assert throttle_windows({}, TENANT_THROTTLE) == {}


# --------------------------------------------------------------------------- pacing (fake clock)


def test_a_spent_tenant_minute_is_waited_out_like_the_credentials():
    clock = FakeClock(1_000_000)
    pacer = Pacer(clock)
    pacer.record_call()
    pacer.after_response(tenant(available="0|249000"))
    wait, why = pacer.wait_before_request()
    assert wait == 60 and "tenant" in why
    clock.advance(20)
    assert pacer.wait_before_request()[0] == 40


def test_a_spent_tenant_day_is_not_waited_for_by_the_pacer():
    pacer = Pacer(FakeClock(1_000_000))
    pacer.record_call()
    pacer.after_response(tenant(available="10|0"))
    assert pacer.wait_before_request() == (0.0, "")  # the 429 that follows is QuotaExhausted, not a wait


def test_the_old_form_still_paces():
    pacer = Pacer(FakeClock(1_000_000))
    pacer.record_call()
    pacer.after_response(tenant(limit="5000", unit="minute", interval="1", available="0", used="5000"))
    assert pacer.wait_before_request()[0] == 60


def test_a_longer_minute_interval_is_a_longer_window():
    pacer = Pacer(FakeClock(1_000_000))
    pacer.record_call()
    pacer.after_response(tenant(interval="2|1", available="0|249000"))
    assert pacer.wait_before_request()[0] == 120


# --------------------------------------------------------------------------- 429 classification


def response(status: int, headers: dict[str, str], body: bytes = b'{"code":"429","message":"Quota Exceeded"}'):
    r = requests.Response()
    r.status_code = status
    r._content = body
    r.headers.update(headers)
    r.request = requests.Request("GET", "http://x/crm/rest/v2/contacts").prepare()
    return r


NOW = datetime(2026, 11, 30, 17, 45, tzinfo=timezone.utc)


def test_a_429_with_the_tenant_day_at_zero_is_quota_exhausted_until_midnight_utc():
    headers = {**tenant(available="9000|0", used="1000|250000"), "x-keap-tenant-id": "ab123.infusionsoft.com",
               "x-keap-product-quota-available": "120000"}
    error = classify_response(response(429, headers), "/crm/rest/v2/contacts", now=NOW)
    assert isinstance(error, QuotaExhausted)
    assert error.resets_at == datetime(2026, 12, 1, tzinfo=timezone.utc)
    message = str(error)
    assert "2026-12-01 00:00 UTC" in message and "ab123.infusionsoft.com" in message and "Keap app" in message


def test_flipped_windows_classify_the_same():
    headers = tenant(limit="250000|10000", unit="day|minute", available="0|9000", used="250000|1000")
    assert isinstance(classify_response(response(429, headers), "/p", now=NOW), QuotaExhausted)


def test_a_429_with_only_the_tenant_minute_spent_is_a_throttle():
    error = classify_response(response(429, tenant(available="0|200000")), "/p", now=NOW)
    assert isinstance(error, Throttled) and error.retry_after == 60


def test_the_old_integer_form_at_zero_is_a_minute_throttle_not_a_spent_day():
    old = tenant(limit="5000", unit="minute", interval="1", available="0", used="5000")
    assert isinstance(classify_response(response(429, old), "/p", now=NOW), Throttled)


def test_both_days_spent_reset_at_the_later_time():
    headers = {**tenant(available="9000|0"), "x-keap-product-quota-available": "0",
               "x-keap-product-quota-expiry-time": str(int(datetime(2026, 12, 1, tzinfo=timezone.utc).timestamp()
                                                           * 1000))}
    error = classify_response(response(429, headers), "/p", now=NOW)
    assert isinstance(error, QuotaExhausted) and "this credential and the Keap app" in str(error)


def test_the_undocumented_tenant_quota_header_is_no_longer_read():
    error = classify_response(response(429, {"x-keap-tenant-quota-available": "0"}), "/p", now=NOW)
    assert isinstance(error, Throttled)


# --------------------------------------------------------------------------- over HTTP (sandbox)


def _two_window_sandbox(**limits):
    from keap_sandbox.quotas import QuotaLimits
    from keap_sandbox.server import SandboxServer

    clock = FakeClock(time.time())
    server = SandboxServer(seed=5, scale=60, clock=clock, quotas=QuotaLimits(**limits))
    return server, clock


def _require_two_windows(server) -> None:
    unit = requests.get(server.base_url + "/crm/rest/v2/contacts", params={"page_size": 1},
                        headers={"X-Keap-API-Key": server.credentials.api_key},
                        timeout=10).headers.get("x-keap-tenant-throttle-time-unit", "")
    if "|" not in unit:
        pytest.skip("this sandbox still sends the single-window tenant headers")
    requests.delete(server.base_url + "/sandbox/admin/quotas", timeout=10)  # that probe does not count


def test_the_client_paces_under_the_tenant_minute_over_http():
    server, clock = _two_window_sandbox(tenant_per_minute=4)
    with server:
        _require_two_windows(server)
        client = KeapClient(server.base_url, ApiKeyCredentials(server.credentials.api_key), sleep=clock.sleep,
                            clock=clock, retry=RetrySettings(attempts=1))  # one attempt: a 429 fails the test
        ids = [r["id"] for page in client.iter_v2_pages("/contacts", "contacts", {"fields": "id"}, 10)
               for r in page]
    assert len(ids) == 60 and client.stats.calls == 6 and sum(clock.slept) >= 60


def test_a_spent_tenant_day_over_http_is_final_until_midnight_utc():
    server, clock = _two_window_sandbox(tenant_per_day=2)
    with server:
        _require_two_windows(server)
        client = KeapClient(server.base_url, ApiKeyCredentials(server.credentials.api_key), sleep=clock.sleep,
                            clock=clock)
        client.get_json("/crm/rest/v2/contacts", {"page_size": 1})
        client.get_json("/crm/rest/v2/contacts", {"page_size": 1})
        with pytest.raises(QuotaExhausted) as info:
            client.get_json("/crm/rest/v2/contacts", {"page_size": 1})
    assert client.stats.retries == 0 and all(w < 1 for w in clock.slept)  # only the 10/s spacing: no retry
    tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
    assert info.value.resets_at == datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=timezone.utc)
    assert "Keap app" in str(info.value)

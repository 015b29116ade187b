"""The client against the sandbox's injected faults over real HTTP; waits go to a fake clock."""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg
import pytest
import requests

from infusionsoft_assets.assets import build_report_asset, daily_partitions
from infusionsoft_assets.catalog import instance as report_instance
from infusionsoft_assets.dates import utc_today
from infusionsoft_assets.keap import (ApiKeyCredentials, AuthError, KeapClient, QuotaExhausted, RetrySettings,
                                      TokenStore, TransientError)

from .conftest import oauth_credentials
from .sandbox_kit import FakeClock


@pytest.fixture
def faults(sandbox):
    """Install a fault spec on the shared sandbox for one test; always cleared afterwards."""
    admin = sandbox.base_url + "/sandbox/admin"
    limits = requests.get(admin + "/quotas", timeout=10).json()["limits"]

    def install(spec: str) -> None:
        r = requests.post(admin + "/faults", json={"spec": spec, "seed": 3}, timeout=10)
        assert r.status_code == 200, r.text

    yield install
    requests.delete(admin + "/faults", timeout=10)
    requests.post(admin + "/quotas", json=limits, timeout=10)  # the session's limits again
    requests.delete(admin + "/quotas", timeout=10)  # and fresh counters


def client(sandbox, waits: list[float], attempts: int = 4) -> KeapClient:
    return KeapClient(sandbox.base_url, ApiKeyCredentials(sandbox.credentials.api_key), sleep=waits.append,
                      retry=RetrySettings(attempts=attempts, initial_backoff_s=1, max_backoff_s=4),
                      timeout=(5, 3))


def first_page(c: KeapClient) -> list[dict]:
    return next(c.iter_v2_pages("/contacts", "contacts", {"fields": "id"}, page_size=10))


@pytest.mark.parametrize("kind", ["http_503", "http_502:html", "http_500", "drop", "reset", "truncated",
                                  "garbled", "html", "empty"])
def test_transient_faults_are_retried_then_succeed(sandbox, faults, kind):
    faults(f"/rest/v2/contacts={kind}*2,ok")
    waits: list[float] = []
    c = client(sandbox, waits)
    assert len(first_page(c)) == 10
    assert len(waits) == 2 and c.stats.retries == 2


def test_a_held_request_times_out_and_is_retried(sandbox, faults):
    faults("/rest/v2/contacts=timeout:30*1,ok")
    waits: list[float] = []
    assert len(first_page(client(sandbox, waits))) == 10
    assert len(waits) == 1


def test_persistent_5xx_gives_up_with_a_transient_error_naming_the_path(sandbox, faults):
    faults("/rest/v2/contacts=http_503*9")
    waits: list[float] = []
    with pytest.raises(TransientError) as info:
        first_page(client(sandbox, waits, attempts=3))
    assert "/crm/rest/v2/contacts" in str(info.value) and len(waits) == 2


def test_429_waits_for_retry_after(sandbox, faults):
    faults("/rest/v2/contacts=http_429:quota:7*1,ok")
    waits: list[float] = []
    assert len(first_page(client(sandbox, waits))) == 10
    assert waits == [7.0]


def test_an_expired_access_token_is_refreshed_once(sandbox, faults, token_file):
    faults("/rest/v2/contacts=expired_token*1,ok")
    creds = oauth_credentials(sandbox, token_file)
    before = TokenStore(token_file).read().refresh_token
    c = KeapClient(sandbox.base_url, creds)
    assert next(c.iter_v2_pages("/contacts", "contacts", page_size=5))
    assert creds.refreshes == 1 and TokenStore(token_file).read().refresh_token != before


def test_a_spent_daily_quota_is_final_and_names_the_reset(sandbox, faults):
    requests.post(sandbox.base_url + "/sandbox/admin/quotas", json={"enforce": True, "key_per_day": 1}, timeout=10)
    waits: list[float] = []
    c = client(sandbox, waits)
    first_page(c)  # the one call of the day
    with pytest.raises(QuotaExhausted) as info:
        first_page(c)
    assert waits == []  # no hammering: an exhausted day is not retried in the client
    tomorrow = utc_today() + timedelta(days=1)
    assert info.value.resets_at.date() == tomorrow and f"{tomorrow} 00:00 UTC" in str(info.value)


def test_the_asset_fails_at_once_when_the_quota_is_spent(sandbox, faults, keap_resource, warehouse_resource):
    requests.post(sandbox.base_url + "/sandbox/admin/quotas", json={"enforce": True, "oauth_per_day": 0},
                  timeout=10)
    asset = build_report_asset(report_instance("contacts"), daily_partitions(date(2015, 1, 1)), "keap_test")
    day = (utc_today() - timedelta(days=1)).isoformat()
    with dg.instance_for_test() as instance:
        result = dg.materialize([asset], instance=instance, partition_key=day, raise_on_error=False,
                                resources={"keap": keap_resource, "warehouse": warehouse_resource})
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.step_failure_data.error.message
    assert "report contacts" in message and day in message and "00:00 UTC" in message
    assert not any(e.event_type_value == "STEP_UP_FOR_RETRY" for e in result.all_events)


def test_the_client_paces_itself_under_a_keys_limits_without_a_single_429():
    import time as _time

    from keap_sandbox.quotas import QuotaLimits
    from keap_sandbox.server import SandboxServer

    clock = FakeClock(_time.time())
    limits = QuotaLimits(key_per_second=2, key_per_minute=5)  # enforced: a 6th call in a minute is a 429
    with SandboxServer(seed=5, scale=60, clock=clock, quotas=limits) as server:
        c = KeapClient(server.base_url, ApiKeyCredentials(server.credentials.api_key), sleep=clock.sleep,
                       clock=clock, retry=RetrySettings(attempts=1))  # one attempt: a 429 would fail the test
        ids = [r["id"] for page in c.iter_v2_pages("/contacts", "contacts", {"fields": "id"}, page_size=5)
               for r in page]
    assert len(ids) == 60 and c.stats.calls == 12  # 12 pages, none refused
    assert sum(clock.slept) >= 60  # 12 calls at 5 a minute need two minute windows to pass
    assert all(s >= 0.5 - 1e-9 for s in clock.slept)  # never closer than the 2/s cap allows


def test_an_api_keys_spurious_expired_token_fault_is_retried_once_after_a_short_wait(sandbox, faults):
    faults("/rest/v2/contacts=expired_token*1,ok")
    waits: list[float] = []
    c = client(sandbox, waits)
    assert len(first_page(c)) == 10
    assert waits == [2.0] and c.stats.calls == 2


def test_an_api_key_rejected_twice_fails_naming_its_fingerprint_the_request_and_keaps_words(sandbox, faults):
    import hashlib

    faults("/rest/v2/contacts=expired_token*9")
    waits: list[float] = []
    c = client(sandbox, waits)
    with pytest.raises(AuthError) as info:
        first_page(c)
    key = sandbox.credentials.api_key
    message = str(info.value)
    assert waits == [2.0] and c.stats.calls == 2  # one more try, not the transient budget
    assert hashlib.sha256(key.encode()).hexdigest()[:10] in message and "X-Keap-API-Key" in message
    assert "GET /crm/rest/v2/contacts" in message and "Access Token expired" in message
    assert "INFUSIONSOFT_API_KEY" in message and key not in message and key not in repr(info.value)


def test_oauth_keeps_refreshing_once_without_the_api_key_wait(sandbox, faults, token_file):
    faults("/rest/v2/contacts=expired_token*9")
    creds = oauth_credentials(sandbox, token_file)
    waits: list[float] = []
    c = KeapClient(sandbox.base_url, creds, sleep=waits.append)
    with pytest.raises(AuthError, match="auth login"):
        first_page(c)
    assert creds.refreshes == 1 and waits == []


def test_xmlrpc_pacing_is_logged_with_its_real_verb(caplog):
    import logging
    import time as _time

    from keap_sandbox.quotas import QuotaLimits
    from keap_sandbox.server import SandboxServer

    clock = FakeClock(_time.time())
    with SandboxServer(seed=5, scale=30, clock=clock, quotas=QuotaLimits(key_per_minute=1)) as server, \
            caplog.at_level(logging.INFO, "infusionsoft_assets.keap"):
        c = KeapClient(server.base_url, ApiKeyCredentials(server.credentials.api_key), sleep=clock.sleep,
                       clock=clock, retry=RetrySettings(attempts=1))
        c.call_xmlrpc("DataService.count", "Contact", {"Id": "%"})
        c.call_xmlrpc("DataService.count", "Contact", {"Id": "%"})  # the minute is spent: the pacer waits
    pacing = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Pacing")]
    assert pacing and all(m.startswith("Pacing before POST /crm/xmlrpc/v1") for m in pacing)

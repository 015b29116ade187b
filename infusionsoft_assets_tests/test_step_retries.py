"""Step-level retries through Dagster: per-class schedules and budgets, against injected faults.

The schedules' waits are set to zero for the test (the in-process executor would otherwise really
wait); the budgets, the counting per error class and the final message are the real ones.
"""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg
import pytest
import requests

from infusionsoft_assets.assets import build_report_asset, daily_partitions
from infusionsoft_assets.catalog import instance
from infusionsoft_assets.dates import utc_today
from infusionsoft_assets.keap import retry
from infusionsoft_assets.keap.errors import TransientError
from infusionsoft_assets.resources import KeapResource

ASSET = build_report_asset(instance("contacts"), daily_partitions(date(2015, 1, 1)), "keap_test")


@pytest.fixture
def inject(sandbox, monkeypatch):
    monkeypatch.setitem(retry.SCHEDULES, TransientError, (0, 0, 0))  # same budget, no real waiting

    def install(spec: str) -> None:
        assert requests.post(sandbox.base_url + "/sandbox/admin/faults", json={"spec": spec}, timeout=10).ok

    yield install
    requests.delete(sandbox.base_url + "/sandbox/admin/faults", timeout=10)


def materialize(sandbox, token_file, warehouse_resource, day: str):
    # One in-client attempt: a fault reaches the step at once, so the step schedule is what is tested.
    creds = sandbox.credentials
    keap = KeapResource(api_url=sandbox.base_url, client_id=creds.client_id, client_secret=creds.client_secret,
                        token_file=str(token_file), retry_attempts=1)
    with dg.instance_for_test() as instance:
        result = dg.materialize([ASSET], instance=instance, partition_key=day, raise_on_error=False,
                                resources={"keap": keap, "warehouse": warehouse_resource})
        retries = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY)
    return result, retries


def test_a_transient_failure_is_retried_as_a_step_then_succeeds(sandbox, inject, token_file, warehouse_resource):
    inject("/rest/v2/contacts=http_503*2,ok")
    day = (utc_today() - timedelta(days=1)).isoformat()
    result, retries = materialize(sandbox, token_file, warehouse_resource, day)
    assert result.success and len(retries) == 2
    assert all(r.dagster_event.step_retry_data.error.cause.cls_name == "TransientError" for r in retries)


def test_the_retry_budget_ends_in_a_clear_failure(sandbox, inject, token_file, warehouse_resource):
    inject("/rest/v2/contacts=http_503*20")
    day = (utc_today() - timedelta(days=1)).isoformat()
    result, retries = materialize(sandbox, token_file, warehouse_resource, day)
    assert not result.success and len(retries) == len(retry.SCHEDULES[TransientError]) == 3
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.step_failure_data.error.message
    assert f"report contacts, partition {day}" in message and "after 3 retries" in message


def test_a_wrong_api_url_fails_at_once_naming_it_without_step_retries(warehouse_resource):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    keap = KeapResource(api_url=f"http://127.0.0.1:{port}", api_key="any-key")
    day = (utc_today() - timedelta(days=1)).isoformat()
    with dg.instance_for_test() as instance:
        result = dg.materialize([ASSET], instance=instance, partition_key=day, raise_on_error=False,
                                resources={"keap": keap, "warehouse": warehouse_resource})
        retries = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY)
    assert not result.success and retries == []
    message = next(e for e in result.all_events if e.is_step_failure).step_failure_data.error.message
    assert f"http://127.0.0.1:{port}" in message and "INFUSIONSOFT_API_URL" in message

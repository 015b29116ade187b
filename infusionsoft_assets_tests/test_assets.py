"""Report assets end to end: sandbox over HTTP -> Dagster (test instance) -> a real DuckDB file.

Expected rows come from the sandbox's dataset (the ground truth), never from what the code returned.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from infusionsoft_assets.assets import build_report_asset, daily_partitions
from infusionsoft_assets.catalog import instance
from infusionsoft_assets.dates import utc_today

PARTITIONS = daily_partitions(date(2015, 1, 1))
CONTACTS = build_report_asset(instance("contacts"), PARTITIONS, pool="keap_test")
PROGRAMS = build_report_asset(instance("affiliate_programs"), PARTITIONS, pool="keap_test")


def day_start(d: date) -> datetime:
    return datetime.combine(d, time(), tzinfo=timezone.utc)


def expected_ids(sandbox, first: date, last: date) -> dict[date, set[int]]:
    """Contacts per UTC update day, from the sandbox's own dataset."""
    out: dict[date, set[int]] = {}
    for c in sandbox.dataset.contacts_updated_between(day_start(first), day_start(last + timedelta(days=1))):
        day = datetime.fromisoformat(c["update_time"].replace("Z", "+00:00")).date()
        out.setdefault(day, set()).add(int(c["id"]))
    return out


def stored(warehouse_resource, sql: str):
    with duckdb.connect(warehouse_resource.path, read_only=True) as conn:
        return conn.execute(sql).fetchall()


def run(assets, instance, resources, first: str, last: str | None = None, raise_on_error=True):
    return dg.materialize(assets, instance=instance, resources=resources, raise_on_error=raise_on_error,
                          tags={"dagster/asset_partition_range_start": first,
                                "dagster/asset_partition_range_end": last or first})


@pytest.fixture
def resources(keap_resource, warehouse_resource):
    return {"keap": keap_resource, "warehouse": warehouse_resource}


def busiest_recent_day(sandbox) -> date:
    today = utc_today()
    counts = {d: len(ids) for d, ids in expected_ids(sandbox, today - timedelta(days=6), today - timedelta(days=1)).items()}
    return max(counts, key=counts.get)


def test_one_day_writes_exactly_the_sandbox_contacts_of_that_day(sandbox, dagster_instance, resources,
                                                                 warehouse_resource):
    day = busiest_recent_day(sandbox)
    result = run([CONTACTS], dagster_instance, resources, day.isoformat())
    rows = stored(warehouse_resource, "SELECT contact_id, _partition_date, email, update_time FROM keap.contacts")
    want = expected_ids(sandbox, day, day)[day]
    assert len(want) > 0
    assert {r[0] for r in rows} == want and len(rows) == len(want)
    assert {r[1] for r in rows} == {day}
    truth = {int(c["id"]): c for c in sandbox.dataset.contacts}
    for contact_id, _, email, update_time in rows:
        c = truth[contact_id]
        first_email = next((e["email"] for e in c["email_addresses"] or [] if e["field"] == "EMAIL1"), None)
        assert email == first_email
        assert update_time == datetime.fromisoformat(c["update_time"].replace("Z", "+00:00"))
    meta = result.get_asset_materialization_events()[0].materialization.metadata
    assert meta["rows_written"].value == len(want)
    assert meta["api_calls"].value >= 1 and meta["sandbox"].value is True


def test_materializing_twice_leaves_no_duplicates(sandbox, dagster_instance, resources, warehouse_resource):
    day = busiest_recent_day(sandbox)
    run([CONTACTS], dagster_instance, resources, day.isoformat())
    run([CONTACTS], dagster_instance, resources, day.isoformat())
    (total, distinct), = stored(warehouse_resource, "SELECT count(*), count(DISTINCT contact_id) FROM keap.contacts")
    assert total == distinct == len(expected_ids(sandbox, day, day)[day])


def test_five_day_single_run_backfill(sandbox, dagster_instance, resources, warehouse_resource):
    last = utc_today() - timedelta(days=1)
    first = last - timedelta(days=4)
    result = run([CONTACTS], dagster_instance, resources, first.isoformat(), last.isoformat())
    events = result.get_asset_materialization_events()
    assert sorted(e.partition for e in events) == [(first + timedelta(days=i)).isoformat() for i in range(5)]
    want = expected_ids(sandbox, first, last)
    got: dict[date, set[int]] = {}
    for contact_id, day in stored(warehouse_resource, "SELECT contact_id, _partition_date FROM keap.contacts"):
        got.setdefault(day, set()).add(contact_id)
    assert got == want
    # One window fetched once: the calls follow the rows (1,000 a page), not the number of days.
    n = sum(len(v) for v in want.values())
    assert events[-1].materialization.metadata["api_calls"].value <= n // 1000 + 2


def test_snapshot_today_stores_every_program(sandbox, dagster_instance, resources, warehouse_resource):
    today = utc_today().isoformat()
    run([PROGRAMS], dagster_instance, resources, today)
    rows = stored(warehouse_resource, "SELECT program_id, name, _partition_date FROM keap.affiliate_programs")
    assert {(r[0], r[1]) for r in rows} == {(int(p["id"]), p["name"]) for p in sandbox.dataset.commission_programs}
    assert {r[2].isoformat() for r in rows} == {today}


def test_a_past_snapshot_partition_fails_clearly_and_writes_nothing(sandbox, dagster_instance, resources,
                                                                    warehouse_resource):
    past = (utc_today() - timedelta(days=2)).isoformat()
    result = run([PROGRAMS], dagster_instance, resources, past, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.step_failure_data.error.message
    assert "affiliate_programs" in message and past in message and "snapshot" in message
    assert not Path(warehouse_resource.path).exists()  # refused before any fetch or write


def test_a_credential_outside_the_assets_pool_is_warned_about(sandbox, dagster_instance, resources,
                                                              keap_resource):
    day = (utc_today() - timedelta(days=1)).isoformat()

    def warnings_of(asset) -> list[str]:
        result = run([asset], dagster_instance, resources, day)
        return [r.user_message for r in dagster_instance.all_logs(result.run_id)
                if r.level >= 30 and "pool" in r.user_message]

    assert any(keap_resource.pool in w for w in warnings_of(CONTACTS))  # defined in pool keap_test
    matching = build_report_asset(instance("contacts"), PARTITIONS, pool=keap_resource.pool)
    assert warnings_of(matching) == []


def test_a_warehouse_held_by_another_program_fails_naming_report_and_what_to_do(sandbox, dagster_instance,
                                                                               resources, warehouse_resource):
    import multiprocessing

    day = (utc_today() - timedelta(days=1)).isoformat()
    run([CONTACTS], dagster_instance, resources, day)  # the file exists
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_duckdb, args=(warehouse_resource.path, ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        result = run([CONTACTS], dagster_instance, resources, day, raise_on_error=False)
    finally:
        release.set()
        holder.join(60)
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.step_failure_data.error.message
    assert f"report contacts, partition {day}" in message and "DuckDB allows one writer" in message


def _hold_duckdb(path: str, ready, release) -> None:
    """Another program with the warehouse open for writing (DuckDB CLI, a BI tool), without our lock."""
    conn = duckdb.connect(path)
    ready.set()
    release.wait(120)
    conn.close()

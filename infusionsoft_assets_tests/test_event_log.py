"""The instance the CLI writes (issue 10): its event log stores a run's per-partition events in batches,
plans a run's partitions as one subset event, still shows a failed run's partitions as failed, and keeps
one partition's event O(1) however long the run.

Real parts: the sandbox over HTTP, a DAGSTER_HOME with the project's dagster.yaml (the same config
`materialize`, `dev` and `demo` use), a real DuckDB file. Expected rows come from the sandbox's dataset.
"""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.event_log import SqliteEventLogStorage

from infusionsoft_assets.dates import utc_today
from infusionsoft_assets.event_log import EVENT_BATCH_SIZE, BatchedSqliteEventLogStorage
from infusionsoft_assets.instance import EARLIER_CONFIGS, dagster_yaml, open_instance
from infusionsoft_assets.resources import KeapResource

from .test_assets import CONTACTS, PARTITIONS, expected_ids, run

KEY = dg.AssetKey("contacts")


@pytest.fixture
def batching(monkeypatch):
    """What `export_environment` sets for the CLI, scoped to the test."""
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)


@pytest.fixture
def instance(tmp_path, batching):
    with open_instance(tmp_path / "home") as inst:
        yield inst


@pytest.fixture
def resources(keap_resource, warehouse_resource):
    return {"keap": keap_resource, "warehouse": warehouse_resource}


def days_back(n: int, last_back: int = 1) -> list[str]:
    last = utc_today() - timedelta(days=last_back)
    return [(last - timedelta(days=i)).isoformat() for i in reversed(range(n))]


def statuses(instance, keys: list[str]) -> dict[str, str]:
    from dagster._core.storage.partition_status_cache import get_and_update_asset_status_cache_value

    # the cache the UI's partition bar reads, rebuilt from the event log as the webserver does
    instance.wipe_asset_cached_status([KEY])
    get_and_update_asset_status_cache_value(instance, KEY, PARTITIONS)
    by_partition = instance.get_status_by_partition(KEY, keys, PARTITIONS)
    return {k: by_partition[k].value if by_partition.get(k) else "MISSING" for k in keys}


def test_the_cli_instance_uses_the_batched_event_log(instance):
    assert isinstance(instance.event_log_storage, BatchedSqliteEventLogStorage)
    assert instance.event_log_storage.supports_partition_subset_in_asset_materialization_planned_events


def test_a_range_run_is_one_planned_event_and_its_materializations_land_in_a_batch(
        sandbox, instance, resources, warehouse_resource):
    keys = days_back(40)
    result = run([CONTACTS], instance, resources, keys[0], keys[-1])
    run_id = result.run_id

    planned = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED).records
    assert len(planned) == 1  # not one per partition
    subset = planned[0].event_log_entry.dagster_event.asset_materialization_planned_data.partitions_subset
    assert sorted(subset.get_partition_keys()) == keys

    # every partition materialized once, in the run's shard and in the cross-run index alike
    in_run = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    assert sorted(r.event_log_entry.dagster_event.partition for r in in_run) == keys
    assert instance.get_materialized_partitions(KEY) == set(keys)
    indexed = instance.fetch_materializations(KEY, limit=1000).records
    assert sorted(r.partition_key for r in indexed) == keys

    # the asset's "latest materialization" is the batch's last event, carrying the run's totals
    latest = instance.get_latest_materialization_event(KEY)
    assert latest.dagster_event.partition == keys[-1]
    assert instance.get_asset_records([KEY])[0].asset_entry.last_materialization_record.storage_id == max(
        r.storage_id for r in indexed)
    meta = latest.asset_materialization.metadata
    want = expected_ids(sandbox, utc_today() - timedelta(days=40), utc_today() - timedelta(days=1))
    assert meta["rows_written"].value == sum(len(ids) for ids in want.values())
    per_partition = {r.partition_key: r.asset_materialization.metadata["dagster/partition_row_count"].value
                     for r in indexed}
    assert per_partition == {k: len(want.get(date.fromisoformat(k), ())) for k in keys}
    with duckdb.connect(warehouse_resource.path, read_only=True) as conn:
        rows = conn.execute("SELECT _partition_date, list(contact_id) FROM keap.contacts GROUP BY 1").fetchall()
    assert {day: set(ids) for day, ids in rows} == want
    assert set(statuses(instance, keys).values()) == {"MATERIALIZED"}


def test_a_failed_range_run_shows_its_partitions_failed(sandbox, instance, resources, token_file):
    keys = days_back(15)
    run([CONTACTS], instance, resources, keys[0], keys[9])  # days 1-10 land
    broken = {**resources, "keap": KeapResource(api_url=sandbox.base_url, api_key="not-a-key")}
    failed = run([CONTACTS], instance, broken, keys[5], keys[14], raise_on_error=False)  # days 6-15: 401
    assert not failed.success
    shown = statuses(instance, keys)
    assert {k: shown[k] for k in keys[:5]} == dict.fromkeys(keys[:5], "MATERIALIZED")
    assert {k: shown[k] for k in keys[5:]} == dict.fromkeys(keys[5:], "FAILED"), shown


def test_with_dagsters_own_event_log_a_subset_planned_run_loses_its_failed_partitions(
        sandbox, tmp_path, resources, monkeypatch):
    """Why the storage reads subset events itself: Dagster's own flag hides failures (its source warns)."""
    monkeypatch.setenv("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "1")
    broken = {**resources, "keap": KeapResource(api_url=sandbox.base_url, api_key="not-a-key")}
    keys = days_back(5)
    with dg.instance_for_test() as stock:
        assert type(stock.event_log_storage) is SqliteEventLogStorage
        assert not run([CONTACTS], stock, broken, keys[0], keys[-1], raise_on_error=False).success
        assert set(statuses(stock, keys).values()) == {"MISSING"}


def test_one_partitions_event_stays_small_and_the_log_grows_linearly_with_days(
        sandbox, instance, resources):
    """4,000 daily partitions in one run: each partition's event holds its own row count (the run's totals
    only on the last), so the event log grows with days, not days squared."""
    def event_bytes(n: int) -> list[int]:
        keys = days_back(n)
        result = run([CONTACTS], instance, resources, keys[0], keys[-1])
        records = instance.get_records_for_run(
            result.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=n + 1).records
        assert len(records) == n
        return [len(dg.serialize_value(r.event_log_entry)) for r in records]

    short, long = event_bytes(400), event_bytes(4000)
    assert max(long[:-1]) <= 2_000  # one partition's event: its row count, Dagster's tags, the run id
    assert max(long) <= 4_000  # the last one also carries the run totals, a fixed handful of values
    per_day_short, per_day_long = sum(short) / len(short), sum(long) / len(long)
    assert per_day_long <= per_day_short * 1.05  # 10x the days, the same bytes per day: linear


def test_a_home_written_by_an_earlier_version_gets_the_new_event_log_but_a_users_own_is_kept(tmp_path, batching):
    old, own = tmp_path / "old", tmp_path / "own"
    old.mkdir(), own.mkdir()
    (old / "dagster.yaml").write_text(EARLIER_CONFIGS[0])
    mine = EARLIER_CONFIGS[0] + "code_servers:\n  local_startup_timeout: 120\n"
    (own / "dagster.yaml").write_text(mine)
    with open_instance(old) as inst:
        assert isinstance(inst.event_log_storage, BatchedSqliteEventLogStorage)
    assert (old / "dagster.yaml").read_text() == dagster_yaml(old)
    with open_instance(own) as inst:
        assert not isinstance(inst.event_log_storage, BatchedSqliteEventLogStorage)
    assert (own / "dagster.yaml").read_text() == mine

"""The Dagster instance on a real PostgreSQL server (dagster-postgres), as a deployment beyond one machine uses:
a range of daily partitions materialized in one run against the sandbox, every partition recorded in
Postgres and every row in DuckDB; and pools enforced through Postgres across two instances (two "hosts").

The server is a throw-away one started here (postgres_kit); CI installs Debian's postgresql for it (.ci/run).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import dagster as dg
import duckdb
import psutil
import pytest
import yaml

from infusionsoft_assets.dates import utc_today
from infusionsoft_assets.instance import ENVIRONMENT, postgres_storage

from . import truth
from .postgres_kit import PASSWORD_ENV, find_server_bin, postgres_server

pytestmark = pytest.mark.skipif(
    find_server_bin() is None,
    reason="no PostgreSQL server binaries (initdb, pg_ctl, postgres) on PATH or in /usr/lib/postgresql/*/bin; "
           "CI installs Debian's postgresql package (.ci/run)")

DAYS = 20
#: the pools part of the dagster.yaml the CLI writes (infusionsoft_assets/instance.py)
POOLS = {"pools": {"default_limit": 2}}
WAIT_S = 120


@pytest.fixture(scope="module")
def pg():
    with postgres_server() as server:
        yield server


@pytest.fixture
def pg_home(pg, tmp_path, monkeypatch, request):
    """A DAGSTER_HOME whose dagster.yaml keeps runs, events and schedules in a fresh database of the server,
    with the project's pool settings; the password comes from the environment, as in a deployment."""
    import psycopg2

    db_name = "t_" + request.node.name.lower()[:40].replace("[", "_").replace("]", "_").replace("-", "_")
    conn = psycopg2.connect(pg.url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{db_name}"')
    conn.close()
    postgres_db = pg.dagster_storage()["postgres"]["postgres_db"]
    # the storage the README recommends: Dagster's Postgres storages, the project's event log
    config = {**postgres_storage({**postgres_db, "db_name": db_name}), "concurrency": POOLS,
              "telemetry": {"enabled": False}}
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    monkeypatch.setenv(PASSWORD_ENV, pg.password)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name, value in ENVIRONMENT.items():  # what the CLI exports, and the README asks deployments to set
        monkeypatch.setenv(name, value)
    return home


@pytest.fixture
def keap_env(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("INFUSIONSOFT_API_URL", sandbox.base_url)
    monkeypatch.setenv("INFUSIONSOFT_API_KEY", sandbox.credentials.api_key)
    monkeypatch.setenv("INFUSIONSOFT_DUCKDB_PATH", str(tmp_path / "w.duckdb"))
    return tmp_path / "w.duckdb"


def contacts_asset():
    from infusionsoft_assets.definitions import build_definitions

    return build_definitions().resolve_assets_def("contacts")


def range_tags(first, last) -> dict:
    return {"dagster/asset_partition_range_start": first.isoformat(),
            "dagster/asset_partition_range_end": last.isoformat()}


def test_the_instance_is_on_postgres_with_the_projects_pools(pg_home):
    from dagster_postgres import PostgresRunStorage, PostgresScheduleStorage

    from infusionsoft_assets.event_log_postgres import PostgresEventLogStorage

    with dg.DagsterInstance.from_config(str(pg_home)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert instance.event_log_storage.supports_partition_subset_in_asset_materialization_planned_events
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        assert instance.event_log_storage.supports_global_concurrency_limits
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 2


def test_twenty_days_in_one_run_are_all_recorded_in_postgres_and_stored_in_duckdb(sandbox, pg_home, keap_env):
    last = utc_today() - timedelta(days=1)
    first = last - timedelta(days=DAYS - 1)
    days = [first + timedelta(days=i) for i in range(DAYS)]
    asset = contacts_asset()
    pool = asset.op.pool
    with dg.DagsterInstance.from_config(str(pg_home)) as instance:
        result = dg.materialize([asset], instance=instance, tags=range_tags(first, last))
        assert result.success
        assert sorted(e.partition for e in result.get_asset_materialization_events()) == [d.isoformat() for d in days]
        info = instance.event_log_storage.get_concurrency_info(pool)
        assert info.limit == 2 and info.active_slot_count == 0 and info.pending_step_count == 0

    # A second instance (new connections, as another host would open) reads it all back from Postgres.
    with dg.DagsterInstance.from_config(str(pg_home)) as instance:
        assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.SUCCESS
        assert instance.get_materialized_partitions(dg.AssetKey("contacts")) == {d.isoformat() for d in days}
        records = instance.fetch_materializations(dg.AssetKey("contacts"), limit=100).records
        assert len(records) == DAYS and {r.run_id for r in records} == {result.run_id}

    # DuckDB holds exactly the sandbox's contacts of those days, each under its update day.
    want = {(key[0], cols["update_time"].date()) for key, cols in truth.contacts(sandbox.dataset, {}, set(days)).items()}
    assert len(want) > 0
    with duckdb.connect(str(keap_env), read_only=True) as conn:
        got = conn.execute("SELECT contact_id, _partition_date FROM keap.contacts").fetchall()
    assert len(got) == len(want) and set(got) == want


def test_a_failed_range_run_shows_its_days_failed_on_postgres(sandbox, pg_home, keap_env, monkeypatch):
    """One planned event for the run's partitions (not one per day), and still each day of a failed run
    shows as failed where the UI's partition bar reads it (the status cache)."""
    from dagster._core.storage.partition_status_cache import get_and_update_asset_status_cache_value

    key = dg.AssetKey("contacts")
    last = utc_today() - timedelta(days=1)
    days = [last - timedelta(days=i) for i in reversed(range(6))]
    asset = contacts_asset()
    with dg.DagsterInstance.from_config(str(pg_home)) as instance:
        assert dg.materialize([asset], instance=instance, tags=range_tags(days[0], days[2])).success
        monkeypatch.setenv("INFUSIONSOFT_API_KEY", "not-a-key")  # Keap answers 401: the step fails, no retries
        failed = dg.materialize([contacts_asset()], instance=instance, tags=range_tags(days[3], days[5]),
                                raise_on_error=False)
        assert not failed.success
        planned = instance.get_records_for_run(
            failed.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED).records
        assert len(planned) == 1
        instance.wipe_asset_cached_status([key])
        get_and_update_asset_status_cache_value(instance, key, asset.partitions_def)
        shown = instance.get_status_by_partition(key, [d.isoformat() for d in days], asset.partitions_def)
        assert [shown[d.isoformat()].value for d in days] == ["MATERIALIZED"] * 3 + ["FAILED"] * 3, shown


def test_a_pool_slot_held_through_postgres_holds_back_a_run_on_another_instance(pg_home, keap_env):
    """Two instances on one database stand for two hosts: a slot one of them holds keeps the other's step
    waiting until it is freed. This is what makes pools per credential hold across machines."""
    asset = contacts_asset()
    pool = asset.op.pool
    day = utc_today() - timedelta(days=1)
    seen: dict = {}

    with dg.DagsterInstance.from_config(str(pg_home)) as here, dg.DagsterInstance.from_config(str(pg_home)) as there:
        assert here.event_log_storage.supports_global_concurrency_limits
        there.event_log_storage.set_concurrency_slots(pool, 1)
        assert there.event_log_storage.claim_concurrency_slot(pool, "run-on-another-host", "contacts").is_claimed

        def other_host() -> None:
            """Wait until the run's step queues for the pool, then give the slot back (always, so no hang)."""
            deadline = time.monotonic() + WAIT_S
            try:
                while time.monotonic() < deadline:
                    info = there.event_log_storage.get_concurrency_info(pool)
                    if info.pending_step_count == 1:
                        seen["waiting"] = (info.active_run_ids, info.pending_run_ids)
                        seen["materialized_while_waiting"] = here.get_materialized_partitions(dg.AssetKey("contacts"))
                        return
                    time.sleep(0.1)  # polling a condition, with a deadline
            finally:
                there.event_log_storage.free_concurrency_slot_for_step("run-on-another-host", "contacts")

        releaser = threading.Thread(target=other_host, daemon=True)
        releaser.start()
        started = datetime.now()
        result = dg.materialize([asset], instance=here, tags=range_tags(day, day))
        releaser.join(WAIT_S)
        assert result.success, f"run failed after {datetime.now() - started}"
        assert "waiting" in seen, "the run's step never queued behind the slot held on the other instance"
        active, pending = seen["waiting"]
        assert active == {"run-on-another-host"} and pending == {result.run_id}
        assert seen["materialized_while_waiting"] == set()
        assert here.get_materialized_partitions(dg.AssetKey("contacts")) == {day.isoformat()}
        info = here.event_log_storage.get_concurrency_info(pool)
        assert info.slot_count == 1 and info.active_slot_count == 0 and info.pending_step_count == 0


def test_the_server_is_stopped_even_when_the_body_fails():
    pids: list[int] = []
    with pytest.raises(RuntimeError, match="boom"):
        with postgres_server(db_name="gone") as server:
            pids.append(int((server.data_dir / "postmaster.pid").read_text().split()[0]))
            assert psutil.pid_exists(pids[0])
            raise RuntimeError("boom")
    assert not psutil.pid_exists(pids[0]) or psutil.Process(pids[0]).status() == psutil.STATUS_ZOMBIE
    assert not server.data_dir.exists()

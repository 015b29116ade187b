"""Every report instance, end to end against the sandbox's ground truth.

Parametrised over every report of the catalog and two reports files: the shipped default and the file the
sandbox writes for its own dataset (every report at least once, with targets that exist). Each instance
is materialized through Dagster into a real DuckDB file; the partition must hold exactly the rows the
dataset says (keys, and named values: ``truth.py``), the table must have the spec's columns and types, the
checks must pass, the metadata must count the rows, and a second run must change nothing.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from infusionsoft_assets.catalog import DEFAULT_FILE, REPORTS_BY_NAME, Dates, ReportInstance, load_instances
from infusionsoft_assets.dates import utc_today
from infusionsoft_assets.definitions import RANGE_JOB, SNAPSHOT_JOB, build_definitions
from infusionsoft_assets.settings import Settings
from keap_sandbox import SandboxServer
from keap_sandbox.reports_file import write_reports_file

from .truth import NEEDS_SPEC, TRUTH, busiest_days

FILES = ("default", "sandbox")
DUCKDB_NAMES = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}  # how information_schema spells our types


@pytest.fixture(scope="module")
def server():
    with SandboxServer(seed=11, scale=2000, mode="thread") as srv:
        yield srv


@pytest.fixture(scope="module")
def files(server, tmp_path_factory):
    path = tmp_path_factory.mktemp("reports") / "sandbox_reports.yaml"
    write_reports_file(server.dataset, path)
    return {"default": DEFAULT_FILE, "sandbox": path}


@pytest.fixture(scope="module")
def instance():
    with dg.instance_for_test() as dagster_instance:
        yield dagster_instance


def settings_for(server, tmp_path, reports_file) -> Settings:
    return Settings(api_url=server.base_url, api_key=server.credentials.api_key,
                    duckdb_path=str(tmp_path / "w.duckdb"), reports_file=str(reports_file))


def expected_of(instance: ReportInstance, ds, days: list[date]):
    truth = TRUTH[instance.spec.name]
    if instance.spec.name in NEEDS_SPEC:
        return truth(ds, dict(instance.params), days, spec=instance.spec)
    return truth(ds, dict(instance.params), days)


def days_for(instance: ReportInstance, ds) -> list[date]:
    today = utc_today()
    if instance.dates is not Dates.RANGE:
        return [today]
    candidates = [today - timedelta(days=n) for n in range(400, 0, -1)]
    return busiest_days(lambda days: expected_of(instance, ds, days), candidates)


def materialize(defs, instance: ReportInstance, days: list[date], dagster_instance) -> dg.ExecuteInProcessResult:
    """Through the location's own job, as the CLI and the UI run it."""
    job = defs.resolve_job_def(RANGE_JOB if instance.dates is Dates.RANGE else SNAPSHOT_JOB)
    return job.execute_in_process(instance=dagster_instance, asset_selection=[dg.AssetKey(instance.asset)],
                                  raise_on_error=False,
                                  tags={"dagster/asset_partition_range_start": days[0].isoformat(),
                                        "dagster/asset_partition_range_end": days[-1].isoformat()})


def same(expected, actual) -> bool:
    if isinstance(expected, float) or isinstance(actual, float):
        return actual is not None and expected is not None and math.isclose(float(expected), float(actual),
                                                                             abs_tol=0.005)
    if isinstance(expected, Decimal) and actual is not None:
        return Decimal(actual) == expected
    return expected == actual


def stored(db: str, table: str) -> list[tuple]:
    with duckdb.connect(db, read_only=True) as conn:
        return conn.execute(f"SELECT * EXCLUDE (_loaded_at, _fetched_at) FROM keap.{table} ORDER BY ALL").fetchall()


@pytest.mark.parametrize("which", FILES)
@pytest.mark.parametrize("report", sorted(REPORTS_BY_NAME))
def test_report_instance_matches_the_sandbox_ground_truth(report, which, server, files, instance, tmp_path):
    settings = settings_for(server, tmp_path, files[which])
    instances = [i for i in load_instances(files[which], REPORTS_BY_NAME) if i.spec.name == report]
    if not instances:
        assert which == "default", f"the sandbox's reports file must hold every report, {report} is missing"
        pytest.skip(f"{report} needs ids: not in the default file")
    defs = build_definitions(settings, instances=tuple(instances))
    db = settings.duckdb_path
    ds = server.dataset
    for item in instances:
        spec = item.spec
        if spec.query:
            continue  # a query's rows are checked against Keap's own evaluation in test_data_tables.py
        days = days_for(item, ds)
        expected = expected_of(item, ds, days)
        result = materialize(defs, item, days, instance)
        failure = next((e for e in result.all_events if e.is_step_failure), None)
        assert result.success, failure.step_failure_data.error.message if failure else "run failed"

        # the rows: exactly the dataset's keys, with the values it says
        key = ", ".join(spec.primary_key)
        with duckdb.connect(db, read_only=True) as conn:
            rows = conn.execute(f"SELECT {key}, * FROM keap.{item.asset}").fetchall()
            names = [d[0] for d in conn.description][len(spec.primary_key):]
            types = dict(conn.execute(f"SELECT column_name, data_type FROM information_schema.columns "
                                      f"WHERE table_schema = 'keap' AND table_name = '{item.asset}'").fetchall())
        got = {tuple(r[:len(spec.primary_key)]): dict(zip(names, r[len(spec.primary_key):])) for r in rows}
        assert len(got) == len(rows), f"{item.asset}: a key is stored twice"
        assert set(got) == set(expected), (
            f"{item.asset} over {days[0]}..{days[-1]}: missing {sorted(set(expected) - set(got))[:5]}, "
            f"unexpected {sorted(set(got) - set(expected))[:5]}")
        for pk, values in expected.items():
            for column, value in values.items():
                stored_value = got[pk][column]
                if isinstance(stored_value, datetime) and spec.table:
                    stored_value = stored_value.replace(microsecond=0)  # compared to the second
                assert same(value, stored_value), f"{item.asset} {pk} {column}: {stored_value!r} != {value!r}"

        # the schema: every spec column with its type, and the bookkeeping columns
        for column in spec.columns:
            assert types.get(column.name) == DUCKDB_NAMES.get(column.duckdb_type, column.duckdb_type), \
                (item.asset, column.name, types.get(column.name))
        assert {"_partition_date", "_loaded_at", "_fetched_at", "_source"} <= set(types)

        # the checks and the metadata
        checks = result.get_asset_check_evaluations()
        assert checks and all(c.passed for c in checks), [(c.check_name, c.metadata) for c in checks if not c.passed]
        events = result.get_asset_materialization_events()
        assert {e.partition for e in events} == {d.isoformat() for d in days}
        assert events[-1].materialization.metadata["rows_written"].value == len(expected)
        per_day = {e.partition: e.materialization.metadata["dagster/partition_row_count"].value for e in events}
        assert sum(per_day.values()) == len(expected)

        # a second run changes nothing
        before = stored(db, item.asset)
        again = materialize(defs, item, days, instance)
        assert again.success and stored(db, item.asset) == before

"""The command line as a user runs it: a subprocess against the sandbox, a real DuckDB file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import dagster as dg
import duckdb

from infusionsoft_assets.dates import utc_today


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "infusionsoft_assets.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=180)


def test_bad_dates_are_refused_naming_the_field_before_anything_runs(tmp_path):
    result = run_cli("materialize", "contacts", "--start", "3", "--end", "5",
                     env={"DAGSTER_HOME": str(tmp_path)})
    assert result.returncode != 0 and "end:" in result.stderr and "before start" in result.stderr
    assert not any(tmp_path.iterdir())  # no run was created


def test_unknown_report_is_named(tmp_path):
    result = run_cli("materialize", "no_such_report", "--date", utc_today().isoformat(),
                     env={"DAGSTER_HOME": str(tmp_path)})
    assert result.returncode != 0 and "no_such_report" in result.stderr and "contacts" in result.stderr


def test_materialize_days_back_through_dagster_with_an_api_key(sandbox, tmp_path):
    db = tmp_path / "w.duckdb"
    env = {"DAGSTER_HOME": str(tmp_path / "home"), "INFUSIONSOFT_API_URL": sandbox.base_url,
           "INFUSIONSOFT_API_KEY": sandbox.credentials.api_key, "INFUSIONSOFT_DUCKDB_PATH": str(db)}
    result = run_cli("materialize", "contacts", "affiliate_programs", "--start", "0", "--end", "0", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    today = utc_today()
    result = run_cli("materialize", "contacts", "--days-back", "2", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect(str(db), read_only=True) as conn:
        days = {r[0] for r in conn.execute("SELECT DISTINCT _partition_date FROM keap.contacts").fetchall()}
        programs = conn.execute("SELECT count(*) FROM keap.affiliate_programs").fetchone()[0]
    assert days <= {today - timedelta(days=2), today - timedelta(days=1), today} and days
    assert programs == len(sandbox.dataset.commission_programs)
    # The runs live in the persistent instance, tagged as sandbox runs, one per report and call.
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        runs = instance.get_runs()
    assert len(runs) == 3 and all(r.tags.get("infusionsoft/sandbox") == "true" for r in runs)
    assert {r.job_name for r in runs} == {"range_reports_job", "snapshot_reports_job"}

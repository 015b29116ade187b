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


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The command refused with exit 2 and one line on stderr: no traceback, nothing else."""
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_bad_settings_and_options_are_one_line_naming_them(sandbox, tmp_path):
    base = {"DAGSTER_HOME": str(tmp_path / "home"), "INFUSIONSOFT_API_URL": sandbox.base_url,
            "INFUSIONSOFT_API_KEY": sandbox.credentials.api_key,
            "INFUSIONSOFT_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    today = utc_today().isoformat()
    cases = [
        (("--days-back", "999999"), {}, "--days-back: 999999 days back"),
        (("--start", "20261101", "--end", "0"), {}, "write a date as 2026-11-01"),
        (("--date", today), {"INFUSIONSOFT_START_DATE": "2015-13-01"}, "INFUSIONSOFT_START_DATE: '2015-13-01'"),
        (("--date", today), {"INFUSIONSOFT_API_URL": "api.infusionsoft.com"}, "INFUSIONSOFT_API_URL:"),
        (("--date", today), {"INFUSIONSOFT_DUCKDB_PATH": "/proc/no/such/w.duckdb"}, "INFUSIONSOFT_DUCKDB_PATH"),
    ]
    for args, env, says in cases:
        line = one_line_error(run_cli("materialize", "contacts", *args, env={**base, **env}))
        assert says in line, (args, env, line)
    assert not (tmp_path / "home").exists()  # refused before any run or instance existed


def test_a_snapshot_report_for_a_past_day_is_one_line(sandbox, tmp_path):
    env = {"DAGSTER_HOME": str(tmp_path / "home"), "INFUSIONSOFT_API_URL": sandbox.base_url,
           "INFUSIONSOFT_API_KEY": sandbox.credentials.api_key}
    yesterday = (utc_today() - timedelta(days=1)).isoformat()
    line = one_line_error(run_cli("materialize", "affiliate_programs", "--date", yesterday, env=env))
    assert "affiliate_programs is a snapshot report" in line and yesterday in line


def test_token_file_problems_are_one_line(sandbox, tmp_path):
    env = {"DAGSTER_HOME": str(tmp_path / "home"), "INFUSIONSOFT_API_URL": sandbox.base_url,
           "INFUSIONSOFT_CLIENT_ID": sandbox.credentials.client_id,
           "INFUSIONSOFT_CLIENT_SECRET": sandbox.credentials.client_secret,
           "INFUSIONSOFT_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    day = utc_today().isoformat()
    broken = tmp_path / "tokens.json"
    broken.write_text('{"access_token": "a", "refresh_token": "r", "expires_at": "soon"}')
    broken.chmod(0o600)
    line = one_line_error(run_cli("materialize", "contacts", "--date", day,
                                  env={**env, "INFUSIONSOFT_TOKEN_FILE": str(broken)}))
    assert str(broken) in line and "expires_at" in line and "auth login" in line
    missing_folder = tmp_path / "nowhere" / "tokens.json"
    line = one_line_error(run_cli("auth", "login", "--approve-sandbox", "--port", "0",
                                  env={**env, "INFUSIONSOFT_TOKEN_FILE": str(missing_folder)}))
    assert str(missing_folder.parent) in line and not missing_folder.parent.exists()


def test_a_bad_lookback_only_breaks_the_schedule_not_materialize(sandbox, tmp_path):
    env = {"DAGSTER_HOME": str(tmp_path / "home"), "INFUSIONSOFT_API_URL": sandbox.base_url,
           "INFUSIONSOFT_API_KEY": sandbox.credentials.api_key, "INFUSIONSOFT_DUCKDB_PATH": str(tmp_path / "w.duckdb"),
           "INFUSIONSOFT_LOOKBACK_DAYS": "three"}
    result = run_cli("materialize", "contacts", "--date", (utc_today() - timedelta(days=1)).isoformat(), env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_auth_status_names_credential_app_and_expiry_never_a_secret(sandbox, token_file, tmp_path):
    creds = sandbox.credentials
    env = {"INFUSIONSOFT_API_URL": sandbox.base_url, "INFUSIONSOFT_CLIENT_ID": creds.client_id,
           "INFUSIONSOFT_CLIENT_SECRET": creds.client_secret, "INFUSIONSOFT_TOKEN_FILE": str(token_file)}
    result = run_cli("auth", "status", env=env)
    assert result.returncode == 0, result.stderr
    import json

    stored = json.loads(token_file.read_text())
    for secret in (creds.client_secret, stored["access_token"], stored["refresh_token"], creds.client_id):
        assert secret not in result.stdout + result.stderr
    assert f"App:        {sandbox.dataset.tenant_host}" in result.stdout
    assert "Access:     expires" in result.stdout and "Refreshed:" in result.stdout and "(mode 0600)" in result.stdout
    keyed = run_cli("auth", "status", env={"INFUSIONSOFT_API_URL": sandbox.base_url,
                                           "INFUSIONSOFT_API_KEY": creds.api_key})
    assert keyed.returncode == 0 and "API key" in keyed.stdout and creds.api_key not in keyed.stdout

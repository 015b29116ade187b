"""End to end as a user drives it: `dagster dev` (webserver + daemon) on the sandbox, a 5-day backfill
launched through the UI's GraphQL API, run by the daemon as ONE run, rows checked against the dataset.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import duckdb
import pytest
import requests

from infusionsoft_assets.cli import DAGSTER_YAML
from infusionsoft_assets.dates import utc_today

from .test_assets import expected_ids

LAUNCH = """mutation($p: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $p) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }"""
STATUS = """query($id: String!) { partitionBackfillOrError(backfillId: $id) {
  __typename ... on PartitionBackfill { status } } }"""
RUNS = """query($v: String!) { runsOrError(filter: {tags: [{key: "dagster/backfill", value: $v}]}) {
  ... on Runs { results { runId status tags { key value } } } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def poll(check, timeout: float, what: str):
    """Readiness polling with a deadline (not a sleep standing in for synchronisation)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def dagster_dev(sandbox, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "INFUSIONSOFT_API_URL": sandbox.base_url,
           "INFUSIONSOFT_API_KEY": sandbox.credentials.api_key,
           "INFUSIONSOFT_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    log = open(tmp_path / "dev.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "dagster", "dev", "-m", "infusionsoft_assets.definitions",
                             "-h", "127.0.0.1", "-p", str(port)], env=env, cwd=tmp_path, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(url + "/server_info", timeout=2).ok
        except requests.ConnectionError:
            assert proc.poll() is None, (tmp_path / "dev.log").read_text()[-3000:]
            return False

    try:
        poll(up, 120, "dagster dev to answer")
        yield url, tmp_path / "w.duckdb"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def graphql(url: str, query: str, variables: dict) -> dict:
    answer = requests.post(url + "/graphql", json={"query": query, "variables": variables}, timeout=30)
    answer.raise_for_status()
    return answer.json()["data"]


def test_a_ui_backfill_of_five_days_runs_once_and_writes_each_day(sandbox, dagster_dev):
    url, db = dagster_dev
    last = utc_today() - timedelta(days=1)
    first = last - timedelta(days=4)
    params = {"partitionsByAssets": [{"assetKey": {"path": ["contacts"]},
                                      "partitions": {"range": {"start": first.isoformat(),
                                                               "end": last.isoformat()}}}]}
    launched = graphql(url, LAUNCH, {"p": params})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    backfill = launched["backfillId"]

    def finished():
        status = graphql(url, STATUS, {"id": backfill})["partitionBackfillOrError"]["status"]
        return status if status in ("COMPLETED", "COMPLETED_SUCCESS", "FAILED", "COMPLETED_FAILED",
                                    "CANCELED") else None

    status = poll(finished, 240, "the backfill to finish")
    runs = graphql(url, RUNS, {"v": backfill})["runsOrError"]["results"]
    assert status in ("COMPLETED", "COMPLETED_SUCCESS") and len(runs) == 1, (status, runs)
    tags = {t["key"]: t["value"] for t in runs[0]["tags"]}
    assert (tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]) == (
        first.isoformat(), last.isoformat())
    with duckdb.connect(str(db), read_only=True) as conn:
        got = conn.execute("SELECT _partition_date, list(contact_id) FROM keap.contacts GROUP BY 1").fetchall()
    assert {day: set(ids) for day, ids in got} == expected_ids(sandbox, first, last)

"""How the tool lives with Dagster's instance: kills, parallel first use, pool waits, signals, staging.

Every test drives the real command (``python -m infusionsoft_assets.cli``) in its own processes against
the sandbox over loopback HTTP, with a fresh DAGSTER_HOME, and reads the instance the way Dagster does.
Held requests (the sandbox's ``timeout`` fault) keep a run inside its step for as long as a test needs.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest
import requests

from infusionsoft_assets.dates import utc_today
from infusionsoft_assets.keap.account import credential_pool
from infusionsoft_assets.storage.staging import StagedRows, remove_stale_staging

from .dev_server import until as poll_until

DEADLINE_S = 120


@pytest.fixture
def faults(sandbox):
    def install(spec: str) -> None:
        assert requests.post(sandbox.base_url + "/sandbox/admin/faults", json={"spec": spec}, timeout=10).ok

    yield install
    requests.delete(sandbox.base_url + "/sandbox/admin/faults", timeout=10)  # also releases held requests


@pytest.fixture
def env(sandbox, tmp_path) -> dict[str, str]:
    return {"DAGSTER_HOME": str(tmp_path / "home"), "INFUSIONSOFT_API_URL": sandbox.base_url,
            "INFUSIONSOFT_API_KEY": sandbox.credentials.api_key,
            "INFUSIONSOFT_DUCKDB_PATH": str(tmp_path / "w.duckdb")}


class Cli:
    """One `infusionsoft-assets` process, its output in files the test can read while it runs."""

    def __init__(self, tmp_path: Path, env: dict[str, str], *args: str, name: str):
        self.out, self.err = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
        self.proc = subprocess.Popen([sys.executable, "-m", "infusionsoft_assets.cli", *args],
                                     env={**os.environ, **env}, stdout=open(self.out, "w"),
                                     stderr=open(self.err, "w"), stdin=subprocess.DEVNULL)

    def output(self) -> str:
        return self.out.read_text() + self.err.read_text()

    def wait(self, timeout: float = DEADLINE_S) -> int:
        return self.proc.wait(timeout=timeout)


def until(check, what: str, timeout: float = DEADLINE_S):
    return poll_until(check, what, timeout)


def instance_of(env) -> dg.DagsterInstance:
    """The CLI's own way in: under the home's lock, so the test never races a CLI creating it."""
    from infusionsoft_assets.instance import open_instance

    return open_instance(env["DAGSTER_HOME"])


def slots(env, pool: str):
    with instance_of(env) as instance:
        return instance.event_log_storage.get_concurrency_info(pool)


def day(n: int) -> str:
    return (utc_today() - timedelta(days=n)).isoformat()


# ------------------------------------------------------------------------------ a fresh home, three at once

def _open(home: str, barrier, results) -> None:
    barrier.wait()
    try:
        from infusionsoft_assets.instance import open_instance

        instance = open_instance(home)
        instance.get_runs(limit=1)
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(f"{type(exc).__name__}: {exc}")


def test_first_use_of_a_fresh_home_is_safe_when_processes_start_at_once(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    for attempt in range(3):  # without the lock, 4 processes broke the home in most attempts
        home = tmp_path / f"home{attempt}"
        barrier, results = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_open, args=(str(home), barrier, results)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=DEADLINE_S)
        assert [results.get(timeout=5) for _ in procs] == ["ok"] * 4
        heads = sqlite3.connect(home / "schedules" / "schedules.db").execute(
            "SELECT version_num FROM alembic_version").fetchall()
        assert len(heads) == 1


# ------------------------------------------------------------------------------ kill -9 leaves no wedge

def test_runs_killed_with_sigkill_give_their_pool_slots_back(sandbox, faults, env, tmp_path):
    pool = credential_pool(None, sandbox.credentials.api_key)
    faults("/rest/v2/contacts=timeout:300")  # every contacts page hangs: the runs sit in their step
    killed = [Cli(tmp_path, env, "materialize", "contacts", "--date", day(n), name=f"killed{n}") for n in (1, 2)]
    until(lambda: len(slots(env, pool).claimed_slots) == 2, "both runs to hold a slot of the pool (limit 2)")
    for cli in killed:
        cli.proc.send_signal(signal.SIGKILL)
        cli.wait()
    with instance_of(env) as instance:
        stuck = [r for r in instance.get_runs() if r.status is dg.DagsterRunStatus.STARTED]
    assert len(stuck) == 2  # what kill -9 leaves: STARTED runs that still hold both slots

    listing = Cli(tmp_path, env, "runs", name="list")
    assert listing.wait() == 0 and listing.output().count(" dead ") == 2

    requests.delete(sandbox.base_url + "/sandbox/admin/faults", timeout=10)
    later = Cli(tmp_path, env, "materialize", "contacts", "--date", day(3), name="later")
    assert later.wait() == 0, later.output()
    assert later.output().count("marked failed and its pool slots freed") == 2
    with instance_of(env) as instance:
        statuses = {r.run_id: r.status for r in instance.get_runs()}
        assert sorted(s.value for s in statuses.values()) == ["FAILURE", "FAILURE", "SUCCESS"]
        assert instance.event_log_storage.get_concurrency_info(pool).claimed_slots == []


# ------------------------------------------------------------------------------ a pool wait is visible

def test_a_run_waiting_for_a_pool_slot_says_which_pool_and_who_holds_it(sandbox, faults, env, tmp_path):
    pool = credential_pool(None, sandbox.credentials.api_key)
    with instance_of(env) as instance:
        instance.event_log_storage.set_concurrency_slots(pool, 1)
    faults("/rest/v2/contacts=timeout:300")
    holder = Cli(tmp_path, env, "materialize", "contacts", "--date", day(1), name="holder")
    until(lambda: slots(env, pool).claimed_slots, "the first run to hold the only slot")
    holder_run = slots(env, pool).claimed_slots[0].run_id
    waiter = Cli(tmp_path, env, "materialize", "contacts", "--date", day(2), name="waiter")
    until(lambda: "waiting for a slot in pool" in waiter.output(), "the waiting run to say so")
    said = waiter.output()
    assert f"pool {pool} (limit 1): held by run {holder_run[:8]} (contacts {day(1)}" in said
    assert "INFO" in said.split("waiting for a slot")[0].splitlines()[-1]

    def in_event_log() -> bool:  # the UI's event log says it too (stored a moment after it is printed)
        with instance_of(env) as instance:
            waiting = next(r for r in instance.get_runs() if r.run_id != holder_run)
            logged = instance.all_logs(waiting.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
        return any(f"held by run {holder_run[:8]}" in e.message for e in logged)

    until(in_event_log, "the waiting run's event log to name the holder")

    requests.delete(sandbox.base_url + "/sandbox/admin/faults", timeout=10)
    assert waiter.wait() == 0 and holder.wait() == 0, waiter.output() + holder.output()


# ------------------------------------------------------------------------------ signals during a retry wait

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_step_retry_wait_cancels_the_run_at_once(sandbox, faults, env, tmp_path, sig):
    pool = credential_pool(None, sandbox.credentials.api_key)
    faults("/rest/v2/contacts=http_429:quota:900*50")  # Keap says: come back in 15 minutes
    cli = Cli(tmp_path, env, "materialize", "contacts", "--date", day(1), name="waiting")
    until(lambda: "retrying the step in 900 s" in cli.output(), "the step retry wait to begin")
    started = time.monotonic()
    cli.proc.send_signal(sig)
    assert cli.wait(timeout=30) == 128 + sig
    assert time.monotonic() - started < 15
    with instance_of(env) as instance:
        (run,) = instance.get_runs()
        assert run.status is dg.DagsterRunStatus.CANCELED
        assert instance.event_log_storage.get_concurrency_info(pool).claimed_slots == []


# ------------------------------------------------------------------------------ staging leftovers

_HOLD = """
import sys, time
from infusionsoft_assets.storage.staging import StagedRows
staged = StagedRows([("id", "BIGINT")], folder=sys.argv[1]).__enter__()
print(staged.path.parent, flush=True)
sys.stdin.read()
"""


def test_staging_left_by_a_killed_process_is_removed_and_a_live_one_is_kept(tmp_path):
    def hold():
        proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(tmp_path)], stdout=subprocess.PIPE,
                                stdin=subprocess.PIPE, text=True)
        return proc, Path(proc.stdout.readline().strip())

    dead, dead_dir = hold()
    live, live_dir = hold()
    dead.kill()
    dead.wait()
    with StagedRows([("id", "BIGINT")], folder=tmp_path) as mine:
        removed = remove_stale_staging(tmp_path)
        assert removed == [dead_dir] and not dead_dir.exists()
        assert live_dir.exists() and mine.path.parent.exists()
    live.stdin.close()
    live.wait()
    assert remove_stale_staging(tmp_path) == [live_dir]  # its process ended without cleaning up


# ------------------------------------------------------------------------------ `dev` stops what it started

def test_dev_stopped_with_sigterm_stops_the_sandbox_and_every_dagster_process(tmp_path):
    import psutil

    from .dev_server import WORKSPACE, free_port  # noqa: I001

    port = free_port()
    log = open(tmp_path / "dev.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "infusionsoft_assets.cli", "dev", "--scale", "200",
                             "--port", str(port)], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env={**os.environ, "DAGSTER_HOME": str(tmp_path / "home")},
                            start_new_session=True)
    try:
        def loaded():
            try:
                answer = requests.post(f"http://127.0.0.1:{port}/graphql", json={"query": WORKSPACE}, timeout=5)
                entries = answer.json()["data"]["workspaceOrError"]["locationEntries"]
                return entries and all(e["loadStatus"] == "LOADED" for e in entries)
            except (requests.RequestException, KeyError, TypeError, ValueError):
                return False

        until(loaded, "the Dagster UI to load the code location")
        children = psutil.Process(proc.pid).children(recursive=True)
        names = " ".join(" ".join(c.cmdline()) for c in children)
        assert "keap_sandbox" in names or "infusionsoft_assets.sandbox" in names
        assert "dagster" in names and len(children) >= 4  # sandbox, dagster dev, webserver, daemon, code server
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=90)
        until(lambda: not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE],
              "every child of `dev` to be gone", timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()

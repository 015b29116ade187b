"""Runs whose process is gone: find them, mark them failed and give their pool slots back.

A run killed with ``kill -9`` (or a crashed machine) stays STARTED in Dagster's storage and keeps its
pool slots; CLI runs have no daemon watching them, and Dagster's default run launcher has no health
check either. With a pool limit of 2, two such runs wedge every later run of that credential.

A run's processes are known from what Dagster and this project record: the CLI tags its runs with
host and pid; Dagster's executors log an engine event with the pid of every process that runs steps.
A run whose every known process is gone (or was replaced by another process reusing the pid) is dead.
Only runs of this machine are judged: runs tagged with another host are left alone, and untagged runs
only when the instance's storage is a local SQLite folder (which no other machine can use).
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from typing import Callable, Iterable

import dagster as dg

HOST_TAG = "infusionsoft/host"
PID_TAG = "infusionsoft/pid"
ACTIVE = (dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING)
#: A process recorded at time T must have started before T; this much clock slack is allowed.
START_SLACK_S = 2.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_tags() -> dict[str, str]:
    """Tags for a run executed by this process (the CLI's in-process runs)."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())}


@dataclass(frozen=True)
class RunProcess:
    pid: int
    recorded_at: float  # when the run said this process was its own (epoch seconds)


@dataclass(frozen=True)
class RunHealth:
    run: dg.DagsterRun
    state: str           # "alive", "dead", "unknown" (no process known), "elsewhere" (another machine)
    processes: tuple[RunProcess, ...]

    @property
    def dead(self) -> bool:
        return self.state == "dead"


def _boot_time() -> float | None:
    try:
        with open("/proc/stat") as fh:
            for line in fh:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def _proc_stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            text = fh.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    return text[text.rfind(")") + 2:].split()


def pid_alive(pid: int, recorded_at: float | None = None) -> bool:
    """True if ``pid`` runs and is not a zombie, and (where /proc says) started before ``recorded_at``."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    fields = _proc_stat(pid)
    if fields is None:
        return True  # no /proc (macOS): existence is all we can tell
    if fields[0] in ("Z", "X"):
        return False  # killed, not yet reaped by its parent
    boot = _boot_time()
    if recorded_at is not None and boot is not None:
        started = boot + int(fields[19]) / _CLOCK_TICKS
        if started > recorded_at + START_SLACK_S:
            return False  # the pid was reused by a later process
    return True


def _is_local_storage(instance: dg.DagsterInstance) -> bool:
    return type(instance.run_storage).__name__.startswith("Sqlite")


def run_processes(instance: dg.DagsterInstance, run: dg.DagsterRun) -> list[RunProcess]:
    found: list[RunProcess] = []
    record = instance.get_run_record_by_id(run.run_id)
    created = record.create_timestamp.timestamp() if record and record.create_timestamp else None
    if run.tags.get(PID_TAG, "").isdigit():
        found.append(RunProcess(int(run.tags[PID_TAG]), created or time.time()))
    for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        data = event.engine_event_data if event else None
        pid = data.metadata.get("pid") if data and data.metadata else None
        text = str(getattr(pid, "value", pid) or "")
        if text.isdigit():
            found.append(RunProcess(int(text), entry.timestamp))
    unique = {p.pid: p for p in sorted(found, key=lambda p: p.recorded_at)}  # earliest record wins
    return list(unique.values())


def health(instance: dg.DagsterInstance, run: dg.DagsterRun) -> RunHealth:
    host = run.tags.get(HOST_TAG)
    if (host and host != socket.gethostname()) or (not host and not _is_local_storage(instance)):
        return RunHealth(run, "elsewhere", ())
    processes = tuple(run_processes(instance, run))
    if not processes:
        return RunHealth(run, "unknown", ())
    alive = any(pid_alive(p.pid, p.recorded_at) for p in processes)
    return RunHealth(run, "alive" if alive else "dead", processes)


def active_runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    return list(instance.get_runs(filters=dg.RunsFilter(statuses=list(ACTIVE))))


def release(instance: dg.DagsterInstance, run: dg.DagsterRun, why: str) -> None:
    """Mark ``run`` finished (failed; cancelled if it was being cancelled) and free its pool slots."""
    current = instance.get_run_by_id(run.run_id)
    if current is not None and current.status in ACTIVE:
        message = f"infusionsoft-assets: {why}; marked {'cancelled' if current.status is dg.DagsterRunStatus.CANCELING else 'failed'} and its pool slots freed"
        if current.status is dg.DagsterRunStatus.CANCELING:
            instance.report_run_canceled(current, message=message)
        else:
            instance.report_run_failed(current, message=message)
    instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)


def dead_reason(h: RunHealth) -> str:
    pids = ", ".join(str(p.pid) for p in h.processes)
    return f"the run's process{'es' if len(h.processes) > 1 else ''} ({pids} on {socket.gethostname()}) are gone"


def reap_dead_runs(instance: dg.DagsterInstance, say: Callable[[str], None] = lambda _: None) -> list[str]:
    """Release every active run of this machine whose processes are all gone; returns their run ids."""
    reaped = []
    for run in active_runs(instance):
        h = health(instance, run)
        if h.dead:
            release(instance, run, dead_reason(h))
            say(f"Run {run.run_id[:8]} ({describe(run)}) was left {run.status.value} by a process that is "
                "gone; marked failed and its pool slots freed")
            reaped.append(run.run_id)
    return reaped


def describe(run: dg.DagsterRun) -> str:
    """``contacts 2026-11-01..2026-11-03`` — what a run is about, from its tags and selection."""
    assets = ", ".join(k.to_user_string() for k in sorted(run.asset_selection or ())) or run.job_name
    tags = run.tags
    first, last = tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")
    days = (first if first == last else f"{first}..{last}") if first else tags.get("dagster/partition", "")
    return f"{assets} {days}".strip()


@dataclass(frozen=True)
class PoolState:
    pool: str
    limit: int | None
    holders: tuple[str, ...]   # run ids holding a slot
    waiting: tuple[str, ...]   # run ids with a step waiting for one


def pool_state(instance: dg.DagsterInstance, pool: str) -> PoolState:
    info = instance.event_log_storage.get_concurrency_info(pool)
    holders = tuple(dict.fromkeys(s.run_id for s in info.claimed_slots if s.run_id))
    waiting = tuple(dict.fromkeys(p.run_id for p in info.pending_steps if p.assigned_timestamp is None))
    return PoolState(pool, info.limit, holders, waiting)


def describe_holders(instance: dg.DagsterInstance, run_ids: Iterable[str]) -> str:
    parts = []
    for run_id in run_ids:
        run = instance.get_run_by_id(run_id)
        if run is None:
            parts.append(f"run {run_id[:8]} (gone from storage)")
            continue
        h = health(instance, run)
        record = instance.get_run_record_by_id(run_id)
        since = f", since {record.start_time and time.strftime('%H:%M:%S', time.gmtime(record.start_time))} UTC" \
            if record and record.start_time else ""
        where = {"alive": f"pid {', '.join(str(p.pid) for p in h.processes)}", "dead": "its process is gone",
                 "unknown": "process unknown", "elsewhere": f"on {run.tags.get(HOST_TAG, 'another machine')}"}
        parts.append(f"run {run_id[:8]} ({describe(run)}, {run.status.value}{since}, {where[h.state]})")
    return "; ".join(parts) or "nobody"

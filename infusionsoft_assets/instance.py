"""The Dagster instance the CLI uses: its home folder, and first use made safe under concurrency.

Pools per credential need a persistent ``DAGSTER_HOME``. Creating one is not safe when several
processes do it at once: each creates the SQLite schemas and stamps Alembic, and two at once leave
``schedules.db`` with two heads, breaking every later command. So the home is prepared and the
instance opened under a file lock in the home itself; after that, instances open as usual.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import dagster as dg
import filelock

from .event_log import EVENT_BATCH_SIZE

#: Written into a new DAGSTER_HOME: pools per credential need a persistent instance; slots held by a
#: run that ended badly must come back (dagster-notes §3.1); run retries only for crashed run workers;
#: the event log that stores a run's per-partition events in batches and plans a run's partitions as
#: one subset (``event_log.py``; runs and schedules stay in Dagster's default SQLite files).
CONFIG_TEMPLATE = """\
concurrency:
  pools:
    default_limit: 2
run_monitoring:
  enabled: true
  free_slots_after_run_end_seconds: 300
run_retries:
  enabled: true
  max_retries: 1
  retry_on_asset_or_op_failure: false
event_log_storage:
  module: infusionsoft_assets.event_log
  class: BatchedSqliteEventLogStorage
  config:
    base_dir: {event_log_dir}
telemetry:
  enabled: false
nux:
  enabled: false
"""
#: What earlier versions wrote; a home holding exactly this (never edited by hand) is brought up to date.
EARLIER_CONFIGS = (CONFIG_TEMPLATE.replace(
    "event_log_storage:\n  module: infusionsoft_assets.event_log\n  class: BatchedSqliteEventLogStorage\n"
    "  config:\n    base_dir: {event_log_dir}\n", ""),)
#: Read by Dagster from the environment of the process that stores events (instance/event_methods.py).
ENVIRONMENT = {"DAGSTER_EVENT_BATCH_SIZE": EVENT_BATCH_SIZE}


def dagster_yaml(home: Path) -> str:
    """The dagster.yaml for ``home``: Dagster's own SQLite layout, event logs in ``history/runs``."""
    return CONFIG_TEMPLATE.format(event_log_dir=json.dumps(str(home.resolve() / "history" / "runs")))


def postgres_storage(postgres_db: dict) -> dict:
    """The storage part of a dagster.yaml on PostgreSQL (README: Deploying beyond one machine): Dagster's
    run and schedule storage, and its event log with a run's partitions planned as one subset."""
    def one(module: str, cls: str) -> dict:
        return {"module": module, "class": cls, "config": {"postgres_db": postgres_db}}
    return {"run_storage": one("dagster_postgres.run_storage", "PostgresRunStorage"),
            "event_log_storage": one("infusionsoft_assets.event_log_postgres", "PostgresEventLogStorage"),
            "schedule_storage": one("dagster_postgres.schedule_storage", "PostgresScheduleStorage")}


def export_environment() -> None:
    """Set what Dagster reads from the environment (event batch size), unless the user already has."""
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)


LOCK_NAME = ".infusionsoft-instance.lock"
LOCK_TIMEOUT_S = 300


def home_path(home: str | os.PathLike | None = None) -> Path:
    """``home``, else ``$DAGSTER_HOME``, else ``.dagster_home`` here (git-ignored)."""
    return Path(home or os.environ.get("DAGSTER_HOME") or ".dagster_home").expanduser().resolve()


def home_lock(home: Path) -> filelock.FileLock:
    return filelock.FileLock(str(home / LOCK_NAME), timeout=LOCK_TIMEOUT_S)


def prepare_home(home: str | os.PathLike | None = None) -> Path:
    """Create the home and its dagster.yaml (if it has none) under the home's lock; export DAGSTER_HOME."""
    path = home_path(home)
    path.mkdir(parents=True, exist_ok=True)
    with home_lock(path):
        _write_config_once(path)
    os.environ["DAGSTER_HOME"] = str(path)
    export_environment()  # inherited by `dagster dev` and the runs it launches
    return path


def open_instance(home: str | os.PathLike | None = None) -> dg.DagsterInstance:
    """The instance in ``home``; its storages are created (or migrated) by one process at a time."""
    path = home_path(home)
    path.mkdir(parents=True, exist_ok=True)
    export_environment()
    with home_lock(path):
        _write_config_once(path)
        return dg.DagsterInstance.from_config(str(path))


def _write_config_once(home: Path) -> None:
    config = home / "dagster.yaml"
    if config.exists() and config.read_text() not in EARLIER_CONFIGS:
        return  # ours and current, or the user's own: never overwritten
    fd, tmp = tempfile.mkstemp(prefix=".dagster-yaml-", dir=home)
    with os.fdopen(fd, "w") as fh:
        fh.write(dagster_yaml(home))
    os.replace(tmp, config)  # never a half-written dagster.yaml, even if we are killed here

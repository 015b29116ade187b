"""The Dagster instance the CLI uses: its home folder, and first use made safe under concurrency.

Pools per credential need a persistent ``DAGSTER_HOME``. Creating one is not safe when several
processes do it at once: each creates the SQLite schemas and stamps Alembic, and two at once leave
``schedules.db`` with two heads, breaking every later command. So the home is prepared and the
instance opened under a file lock in the home itself; after that, instances open as usual.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dagster as dg
import filelock

#: Written into a new DAGSTER_HOME: pools per credential need a persistent instance; slots held by a
#: run that ended badly must come back (dagster-notes §3.1); run retries only for crashed run workers.
DAGSTER_YAML = """\
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
telemetry:
  enabled: false
nux:
  enabled: false
"""
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
    return path


def open_instance(home: str | os.PathLike | None = None) -> dg.DagsterInstance:
    """The instance in ``home``; its storages are created (or migrated) by one process at a time."""
    path = home_path(home)
    path.mkdir(parents=True, exist_ok=True)
    with home_lock(path):
        _write_config_once(path)
        return dg.DagsterInstance.from_config(str(path))


def _write_config_once(home: Path) -> None:
    config = home / "dagster.yaml"
    if config.exists():
        return
    fd, tmp = tempfile.mkstemp(prefix=".dagster-yaml-", dir=home)
    with os.fdopen(fd, "w") as fh:
        fh.write(DAGSTER_YAML)
    os.replace(tmp, config)  # never a half-written dagster.yaml, even if we are killed here

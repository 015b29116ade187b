"""Pages go to a Parquet file on disk as they arrive, so a report never sits whole in memory.

The warehouse then loads the file in one short transaction; fetching (minutes) never holds the
DuckDB lock, which other processes need too.

Pages wait in memory until :data:`FLUSH_ROWS` rows or :data:`FLUSH_BYTES` bytes of Arrow data have come,
whichever is first, and are then written as one row group: a row group per 1,000-row page pays a row
group's fixed costs a thousand rows at a time, and memory stays bounded by those two numbers, not by the
report. Only the warehouse's load reads the file, whole: it carries no column statistics and no
dictionary pages, which cost time to write and save nothing there.

Each staging folder holds an ``owner.lock`` that its process keeps locked (``flock``) for as long as it
lives; the kernel drops the lock when the process dies, however it dies. A folder whose lock can be
taken therefore belongs to a dead run and is removed (:func:`remove_stale_staging`). The lock file is
locked under a temporary name and then renamed into place, so no one ever sees it unlocked.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "JSON": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DECIMAL(19,4)": pa.decimal128(19, 4),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "DATE": pa.date32(),
    "BLOB": pa.binary(),
}
PARTITION_COLUMN = "_partition_date"
_EPOCH = date(1970, 1, 1).toordinal()  # Arrow's date32 counts days from it
PREFIX = "keap-stage-"
OWNER_LOCK = "owner.lock"
#: A folder with no owner lock is being created right now, or its creator died within microseconds of
#: creating it: only the latter is still lock-less after this long.
UNOWNED_GRACE_S = 3600
#: A row group is written once this many rows, or this many bytes of Arrow data, are waiting.
#: Smaller than speed alone would pick: what waits here adds to the run's peak RSS (bench/ingest_contacts.py).
FLUSH_ROWS = 10_000
FLUSH_BYTES = 8 * 1024 * 1024

# Arrow's own allocator (mimalloc) keeps the pages' freed buffers for reuse: ~35 MB more peak RSS over a
# full history than the C library's, at no measurable cost in speed (bench/ingest_contacts.py).
pa.set_memory_pool(pa.system_memory_pool())


def _lock_as_owner(folder: Path) -> int:
    fd = os.open(folder / f".{OWNER_LOCK}.tmp", os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.rename(folder / f".{OWNER_LOCK}.tmp", folder / OWNER_LOCK)
    return fd


def _owner_is_gone(folder: Path) -> bool:
    try:
        fd = os.open(folder / OWNER_LOCK, os.O_RDWR)
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime > UNOWNED_GRACE_S
        except FileNotFoundError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def remove_stale_staging(folder: str | Path) -> list[Path]:
    """Remove the staging folders under ``folder`` whose process is gone; returns what was removed."""
    removed = []
    for candidate in Path(folder).glob(PREFIX + "*"):
        if candidate.is_dir() and _owner_is_gone(candidate):
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


class StagedRows:
    """A Parquet file of typed rows plus the per-day counts; use as a context manager."""

    def __init__(self, columns: Iterable[tuple[str, str]], folder: str | Path | None = None):
        self.columns = [*columns, (PARTITION_COLUMN, "DATE")]
        self.schema = pa.schema([(name, ARROW_TYPES[type_]) for name, type_ in self.columns])
        self._dir = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=folder))
        self._owner_fd: int | None = _lock_as_owner(self._dir)
        self.path = self._dir / "rows.parquet"
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(
            self.path, self.schema, use_dictionary=False, write_statistics=False)
        self._pending: list[pa.Table] = []
        self._pending_rows = self._pending_bytes = 0
        #: rows per partition day, the day as Arrow's date32 value (days since 1970-01-01; None: no day)
        self._day_counts: dict[int | None, int] = {}
        self.total_rows = 0

    def add(self, rows: list[dict], day: date | list[date]) -> None:
        """Append one page of rows (dicts); ``day`` is one partition day for all rows, or one per row."""
        self.add_columns({name: [row[name] for row in rows] for name, _ in self.columns[:-1]}, day)

    def add_columns(self, columns: dict[str, list], day: date | list[date]) -> None:
        """Append one page given as typed columns (name -> values, all of one length)."""
        size = len(next(iter(columns.values()), []))
        if not size:
            return
        days = day if isinstance(day, list) else [day] * size
        assert self._writer is not None, "staging is closed"
        table = pa.table({**columns, PARTITION_COLUMN: days}, schema=self.schema)
        self._append(table)
        self._count_days(table.column(PARTITION_COLUMN))

    def add_arrays(self, arrays: dict[str, "pa.Array"], days: "pa.Array") -> None:
        """Append one page given as typed Arrow arrays and the partition day of each row."""
        if not len(days):
            return
        assert self._writer is not None, "staging is closed"
        names = [name for name, _ in self.columns[:-1]]
        self._append(pa.Table.from_arrays([*(arrays[n] for n in names), days], schema=self.schema))
        self._count_days(days)

    def _count_days(self, days: "pa.Array | pa.ChunkedArray") -> None:
        # As whole numbers: a page's days as Python dates would cost about a microsecond each.
        counts = pc.value_counts(days.cast(pa.int32()))
        found = self._day_counts
        for day, rows in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist()):
            found[day] = found.get(day, 0) + rows
        self.total_rows += len(days)

    @property
    def rows_by_day(self) -> dict[date | None, int]:
        """Rows staged per partition day."""
        return {None if day is None else date.fromordinal(_EPOCH + day): rows
                for day, rows in self._day_counts.items()}

    def _append(self, table: pa.Table) -> None:
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self._pending_bytes += table.nbytes
        if self._pending_rows >= FLUSH_ROWS or self._pending_bytes >= FLUSH_BYTES:
            self._flush()

    def _flush(self) -> None:
        """Write the waiting pages as one row group."""
        if self._pending:
            assert self._writer is not None, "staging is closed"
            self._writer.write_table(pa.concat_tables(self._pending), row_group_size=self._pending_rows)
            self._pending, self._pending_rows, self._pending_bytes = [], 0, 0

    def close(self) -> Path:
        if self._writer is not None:
            self._flush()
            self._writer.close()
            self._writer = None
        return self.path

    def __enter__(self) -> "StagedRows":
        return self

    def __exit__(self, *exc: object) -> None:
        self._pending, self._pending_rows, self._pending_bytes = [], 0, 0  # the file goes: nothing to write
        self.close()
        shutil.rmtree(self._dir, ignore_errors=True)
        if self._owner_fd is not None:
            os.close(self._owner_fd)
            self._owner_fd = None

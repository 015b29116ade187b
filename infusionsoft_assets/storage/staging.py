"""Pages go to a Parquet file on disk as they arrive, so a report never sits whole in memory.

The warehouse then loads the file in one short transaction; fetching (minutes) never holds the
DuckDB lock, which other processes need too.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "JSON": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "DATE": pa.date32(),
}
PARTITION_COLUMN = "_partition_date"


class StagedRows:
    """A Parquet file of typed rows plus the per-day counts; use as a context manager."""

    def __init__(self, columns: Iterable[tuple[str, str]], folder: str | Path | None = None):
        self.columns = [*columns, (PARTITION_COLUMN, "DATE")]
        self.schema = pa.schema([(name, ARROW_TYPES[type_]) for name, type_ in self.columns])
        self._dir = Path(tempfile.mkdtemp(prefix="keap-stage-", dir=folder))
        self.path = self._dir / "rows.parquet"
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(self.path, self.schema)
        self.rows_by_day: dict[date, int] = {}

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
        self._writer.write_table(pa.table({**columns, PARTITION_COLUMN: days}, schema=self.schema))
        for d in days:
            self.rows_by_day[d] = self.rows_by_day.get(d, 0) + 1

    @property
    def total_rows(self) -> int:
        return sum(self.rows_by_day.values())

    def close(self) -> Path:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        return self.path

    def __enter__(self) -> "StagedRows":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        shutil.rmtree(self._dir, ignore_errors=True)

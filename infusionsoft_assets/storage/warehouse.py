"""DuckDB writes: one table per report in schema ``keap``; a partition is replaced atomically.

Replacing is ``BEGIN; DELETE the run's days; INSERT ... BY NAME from the staged file; COMMIT`` under a
cross-process file lock, on a connection opened for that write alone: the old rows or the new rows,
never a mix and never duplicates, whatever crashes, and concurrent runs queue on the lock instead of
failing on DuckDB's single-writer rule.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

import duckdb
import filelock

from .staging import PARTITION_COLUMN, StagedRows, remove_stale_staging

STAGING_FOLDER = ".staging"
#: The XML-RPC archive's assets and tables are named so (archive_xmlrpc_only).
ARCHIVE_PREFIX = "xmlrpc_archive_"

META_COLUMNS = ((PARTITION_COLUMN, "DATE"), ("_loaded_at", "TIMESTAMPTZ"), ("_fetched_at", "TIMESTAMPTZ"),
                ("_source", "VARCHAR"))


class WarehouseError(RuntimeError):
    pass


@dataclass(frozen=True)
class Replaced:
    rows_by_day: dict[date, int]      # rows each day holds after the write
    superseded: list[date]            # days kept as they were: a later fetch had written them


def _ident(name: str) -> str:
    """A quoted identifier. Letters, digits and ``_``; a ``.`` inside a name is kept (ContactGroupAssign's
    ``Contact.FirstName``, as users know it from XML-RPC) — quoted, it is one name."""
    if not name.replace("_", "").replace(".", "").isalnum() or name.startswith(".") or name.endswith("."):
        raise WarehouseError(f"{name!r} is not a safe identifier")
    return f'"{name}"'


class Warehouse:
    def __init__(self, path: str | Path, schema: str = "keap", lock_timeout_s: float = 900,
                 memory_limit: str = "64MB"):
        self.path = Path(path).expanduser()
        self.schema = schema
        # Bounded memory whatever the report's size: DuckDB spills past the limit instead of growing.
        self.config = {"memory_limit": memory_limit, "preserve_insertion_order": False}
        if self.path.stem == schema:
            # DuckDB cannot tell the catalog from the schema then (dagster-notes §5.2 #5).
            raise WarehouseError(f"the DuckDB file may not be named like its schema ({self.path.name})")
        self.lock = filelock.FileLock(str(self.path) + ".lock", timeout=lock_timeout_s)

    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection under the file lock; always closed, even on error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock:
            conn = duckdb.connect(str(self.path), read_only=read_only, config=self.config)
            try:
                yield conn
            finally:
                conn.close()

    def check_writable(self) -> None:
        """Fail now, naming the path, if the file could not be created or written; fetching comes after."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(f"INFUSIONSOFT_DUCKDB_PATH {self.path}: its folder cannot be created "
                                 f"({exc.strerror or type(exc).__name__})") from None
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            raise WarehouseError(f"INFUSIONSOFT_DUCKDB_PATH {self.path}: the folder {folder} is not writable")
        if self.path.exists() and (self.path.is_dir() or not os.access(self.path, os.R_OK | os.W_OK)):
            raise WarehouseError(f"INFUSIONSOFT_DUCKDB_PATH {self.path}: exists but cannot be read and written")

    def staging_folder(self) -> Path:
        """Where runs stage pages: beside the warehouse (same disk, same permissions), never the system
        temp folder; leftovers of runs that died are removed on the way."""
        folder = self.path.parent / STAGING_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(folder)
        return folder

    def table(self, name: str) -> str:
        return f"{_ident(self.schema)}.{_ident(name)}"

    def replace_partitions(self, table: str, columns: Iterable[tuple[str, str]], days: Iterable[date],
                           staged: StagedRows, source: str, primary_key: Iterable[str] = (),
                           fetched_at: datetime | None = None, loaded_at: datetime | None = None,
                           merge: bool = False) -> Replaced:
        """Replace the rows of ``days`` by the staged rows in one transaction.

        ``merge``: only the rows whose key was fetched again are replaced; the others stay (a query asking
        for what changed since the last successful run fetches a part of each day, not all of it).

        If the API sent a record twice (paging over data that changed meanwhile), the later copy wins:
        rows are unique on ``primary_key`` within the run. A day already holding rows fetched *after*
        ``fetched_at`` (a run that started later but finished first) is left alone: older data never
        replaces newer.
        """
        columns = list(columns)
        days = sorted(set(days))
        if not days:
            raise WarehouseError(f"{table}: no partition days to replace")
        outside = set(staged.rows_by_day) - set(days)
        if outside:
            raise WarehouseError(f"{table}: staged rows for days outside the run: {sorted(outside)[:3]}")
        parquet = staged.close()
        loaded_at = loaded_at or datetime.now(timezone.utc)
        fetched_at = fetched_at or loaded_at
        target = self.table(table)
        with self.connect() as conn:
            # One thread: a load is one stream of staged rows, and each further thread holds buffers of its
            # own outside memory_limit (~60 MB more peak RSS on a full history, and no faster).
            conn.execute("SET threads = 1")
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(self.schema)}")
            self._ensure_table(conn, table, columns)
            conn.execute("BEGIN TRANSACTION")
            try:
                superseded = sorted(r[0] for r in conn.execute(
                    f"SELECT DISTINCT {PARTITION_COLUMN} FROM {target} "
                    f"WHERE list_contains(?::DATE[], {PARTITION_COLUMN}) AND _fetched_at > ?",
                    [days, fetched_at]).fetchall())
                writing = [d for d in days if d not in set(superseded)]
                in_run = f"list_contains(?::DATE[], {PARTITION_COLUMN})"
                if writing and merge:
                    keys = list(primary_key)
                    if not keys:
                        raise WarehouseError(f"{table}: merging needs a primary key")
                    match = " AND ".join(f"t.{_ident(k)} = s.{_ident(k)}" for k in keys)
                    conn.execute(f"DELETE FROM {target} t USING (SELECT DISTINCT {', '.join(map(_ident, keys))} "
                                 f"FROM read_parquet(?)) s WHERE list_contains(?::DATE[], t.{PARTITION_COLUMN}) "
                                 f"AND {match}", [str(parquet), writing])
                elif writing:
                    conn.execute(f"DELETE FROM {target} WHERE {in_run}", [writing])
                if writing and staged.total_rows:
                    select = self._staged_select(conn, str(parquet), list(primary_key))
                    conn.execute(f"INSERT INTO {target} BY NAME SELECT *, ?::TIMESTAMPTZ AS _loaded_at, "
                                 f"?::TIMESTAMPTZ AS _fetched_at, ?::VARCHAR AS _source FROM ({select}) "
                                 f"WHERE {in_run}", [loaded_at, fetched_at, source, str(parquet), writing])
                counts = dict(conn.execute(f"SELECT {PARTITION_COLUMN}, count(*) FROM {target} WHERE {in_run} "
                                           "GROUP BY 1", [days]).fetchall())
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return Replaced(rows_by_day={d: counts.get(d, 0) for d in days}, superseded=superseded)

    @staticmethod
    def _staged_select(conn: duckdb.DuckDBPyConnection, parquet: str, primary_key: list[str]) -> str:
        """Plain scan, unless the staged rows repeat a key: then keep each key's last copy.

        Checking first keeps the common case (no repeats) a streaming insert instead of a window
        over the whole report.
        """
        key = ", ".join(_ident(k) for k in primary_key)
        plain = "SELECT * FROM read_parquet(?)"
        if not key:
            return plain
        (repeats,) = conn.execute(f"SELECT count(*) - count(DISTINCT ({key})) FROM read_parquet(?)",
                                  [parquet]).fetchone()
        if not repeats:
            return plain
        return ("SELECT * EXCLUDE (file_row_number) FROM read_parquet(?, file_row_number = true) "
                f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY file_row_number DESC) = 1")

    def _ensure_table(self, conn: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]]) -> None:
        """Create the table, or add columns a newer spec declares (schema evolution, additive only)."""
        wanted = [*columns, *META_COLUMNS]
        target = self.table(table)
        ddl = ", ".join(f"{_ident(n)} {t}" for n, t in wanted)
        conn.execute(f"CREATE TABLE IF NOT EXISTS {target} ({ddl})")
        have = {row[0] for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
            [self.schema, table]).fetchall()}
        for name, type_ in wanted:
            if name not in have:
                conn.execute(f"ALTER TABLE {target} ADD COLUMN {_ident(name)} {type_}")

    # -- reading back what a run wrote (checks, views, previews) ---------------------------------------
    def primary_key_problems(self, table: str, key: Iterable[str], days: list[date]) -> tuple[int, int]:
        """(rows repeating a key within their partition, rows with a null key part) over ``days``."""
        key = list(key)
        if not days or not key:
            return 0, 0
        cols = ", ".join(_ident(k) for k in key)
        nulls = " OR ".join(f"{_ident(k)} IS NULL" for k in key)
        with self.connect(read_only=True) as conn:
            row = conn.execute(
                f"SELECT count(*) - count(DISTINCT ({PARTITION_COLUMN}, {cols})), count(*) FILTER (WHERE {nulls}) "
                f"FROM {self.table(table)} WHERE list_contains(?::DATE[], {PARTITION_COLUMN})", [days]).fetchone()
        return int(row[0]), int(row[1])

    def reconcile(self, table: str, value: str, other: str, other_value: str, keys: Iterable[tuple[str, str]],
                  days: list[date]) -> list[str]:
        """Rows of ``table`` whose ``value`` differs from the sum of ``other.other_value`` per key, on ``days``."""
        keys = list(keys)
        ours = ", ".join(_ident(a) for a, _ in keys)
        theirs = ", ".join(f"{_ident(b)} AS {_ident(a)}" for a, b in keys)
        join = " AND ".join(f"s.{_ident(a)} = o.{_ident(a)}" for a, _ in keys)
        sql = (f"WITH o AS (SELECT {theirs}, sum({_ident(other_value)}) AS total FROM {self.table(other)} "
               f"WHERE list_contains(?::DATE[], {PARTITION_COLUMN}) GROUP BY ALL) "
               f"SELECT {', '.join(f's.{_ident(a)}' for a, _ in keys)}, s.{_ident(value)}, coalesce(o.total, 0) "
               f"FROM {self.table(table)} s LEFT JOIN o ON {join} "
               f"WHERE list_contains(?::DATE[], s.{PARTITION_COLUMN}) "
               f"AND abs(coalesce(s.{_ident(value)}, 0) - coalesce(o.total, 0)) > 0.005 ORDER BY {ours}")
        with self.connect(read_only=True) as conn:
            rows = conn.execute(sql, [days, days]).fetchall()
        return [f"{dict(zip([a for a, _ in keys], r[:len(keys)]))}: {value} {r[-2]} vs {other}.{other_value} "
                f"summed {r[-1]}" for r in rows]

    def preview(self, table: str, days: list[date], rows: int) -> str:
        """A short Markdown table of written rows (a few columns), for the materialization's metadata."""
        if not days:
            return ""
        with self.connect(read_only=True) as conn:
            frame = conn.execute(f"SELECT * EXCLUDE (_loaded_at, _fetched_at, _source) FROM {self.table(table)} "
                                 f"WHERE list_contains(?::DATE[], {PARTITION_COLUMN}) LIMIT {int(rows)}",
                                 [days]).df()
        frame = frame.iloc[:, :8].astype(str).apply(lambda col: col.str.slice(0, 40))
        return frame.to_markdown(index=False)

    def create_latest_view(self, table: str, key: Iterable[str], newest_by: str) -> None:
        """``<table>_latest``: each key's newest version (a record updated later sits in a later partition,
        and an older day still holds its older version)."""
        cols = ", ".join(_ident(k) for k in key)
        with self.connect() as conn:
            conn.execute(f"CREATE OR REPLACE VIEW {self.table(table + '_latest')} AS SELECT * FROM "
                         f"{self.table(table)} QUALIFY row_number() OVER (PARTITION BY {cols} ORDER BY "
                         f"{_ident(newest_by)} DESC NULLS LAST, _fetched_at DESC) = 1")

    def read(self, table: str, first: date | None = None, last: date | None = None):
        """A table (or view) as a pandas DataFrame, optionally only partition days first..last."""
        if not self.path.exists():
            raise WarehouseError(f"no warehouse at {self.path}: materialize a report first")
        clauses, params = [], []
        if first:
            clauses.append(f"{PARTITION_COLUMN} >= ?")
            params.append(first)
        if last:
            clauses.append(f"{PARTITION_COLUMN} <= ?")
            params.append(last)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self.connect(read_only=True) as conn:
            known = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                                "WHERE table_schema = ?", [self.schema]).fetchall()}
            if table not in known:
                raise WarehouseError(f"keap.{table} does not exist in {self.path} (there are: "
                                     f"{', '.join(sorted(known)) or 'none'})")
            return conn.execute(f"SELECT * FROM {self.table(table)}{where} ORDER BY {PARTITION_COLUMN}",
                                params).df()

    def archive(self, prefix: str = ARCHIVE_PREFIX) -> list[tuple[str, int, datetime | None]]:
        """The XML-RPC archive's tables: (table, rows, when last written)."""
        if not self.path.exists():
            return []
        with self.connect(read_only=True) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = "
                "'BASE TABLE' AND starts_with(table_name, ?) ORDER BY 1", [self.schema, prefix]).fetchall()]
            return [(t, *conn.execute(f"SELECT count(*), max(_loaded_at) FROM {self.table(t)}").fetchone())
                    for t in tables]

    def describe_archive(self) -> str:
        """One line naming what the archive holds, for messages after XML-RPC is gone."""
        try:
            found = self.archive()
        except (duckdb.Error, filelock.Timeout):
            return "(the warehouse could not be read)"
        if not found:
            return f"nothing (no keap.{ARCHIVE_PREFIX}* table in {self.path})"
        return ", ".join(f"keap.{t} ({n} rows, {at:%Y-%m-%d})" if at else f"keap.{t} ({n} rows)" for t, n, at in found)

    def rows_per_day(self) -> dict[str, dict[date, int]]:
        """Rows per table and partition day in the schema (the demo's summary)."""
        if not self.path.exists():
            return {}
        with self.connect(read_only=True) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                "AND table_type = 'BASE TABLE' ORDER BY 1", [self.schema]).fetchall()]
            return {t: dict(conn.execute(f"SELECT {PARTITION_COLUMN}, count(*) FROM {self.table(t)} "
                                         "GROUP BY 1 ORDER BY 1").fetchall()) for t in tables}

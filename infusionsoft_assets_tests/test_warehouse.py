"""DuckDB partition replace on a real file: atomic, idempotent, deduplicated, safe across processes."""

from __future__ import annotations

import multiprocessing
from datetime import date, datetime, timezone

import duckdb
import pytest

from infusionsoft_assets.storage import StagedRows, Warehouse, WarehouseError

COLUMNS = [("id", "BIGINT"), ("name", "VARCHAR"), ("t", "TIMESTAMPTZ")]
D1, D2 = date(2026, 11, 1), date(2026, 11, 2)
T = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)


def stage(rows_by_day: dict[date, list[tuple[int, str]]], columns=COLUMNS) -> StagedRows:
    staged = StagedRows(columns)
    for day, rows in rows_by_day.items():
        staged.add([{"id": i, "name": n, "t": T} for i, n in rows], day)
    return staged


def read(path, sql):
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_replace_is_idempotent_and_keeps_other_days(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    with stage({D1: [(1, "a"), (2, "b")], D2: [(3, "c")]}) as s:
        wh.replace_partitions("t1", COLUMNS, [D1, D2], s, source="test", primary_key=["id"])
    with stage({D1: [(1, "a2")]}) as s:
        counts = wh.replace_partitions("t1", COLUMNS, [D1], s, source="test", primary_key=["id"]).rows_by_day
    assert counts == {D1: 1}
    rows = read(wh.path, "SELECT id, name, _partition_date, _source FROM keap.t1 ORDER BY id")
    assert rows == [(1, "a2", D1, "test"), (3, "c", D2, "test")]


def test_empty_day_is_written_as_empty(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    with stage({D1: [(1, "a")]}) as s:
        wh.replace_partitions("t1", COLUMNS, [D1], s, source="test")
    with stage({}) as s:
        assert wh.replace_partitions("t1", COLUMNS, [D1], s, source="test").rows_by_day == {D1: 0}
    assert read(wh.path, "SELECT count(*) FROM keap.t1") == [(0,)]


def test_a_record_sent_twice_is_stored_once_latest_wins(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    with stage({D1: [(1, "old"), (2, "x")], D2: [(1, "new")]}) as s:
        counts = wh.replace_partitions("t1", COLUMNS, [D1, D2], s, source="test", primary_key=["id"]).rows_by_day
    assert counts == {D1: 1, D2: 1}
    assert read(wh.path, "SELECT id, name FROM keap.t1 ORDER BY id") == [(1, "new"), (2, "x")]


def test_failed_insert_rolls_back_to_the_old_rows(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    with stage({D1: [(1, "a")]}) as s:
        wh.replace_partitions("t1", COLUMNS, [D1], s, source="test")
    # A staged file whose 'id' cannot become BIGINT makes the INSERT fail after the DELETE ran.
    bad_columns = [("id", "VARCHAR"), ("name", "VARCHAR"), ("t", "TIMESTAMPTZ")]
    bad = StagedRows(bad_columns)
    bad.add([{"id": "not-a-number", "name": "z", "t": T}], D1)
    with bad, pytest.raises(duckdb.Error):
        wh.replace_partitions("t1", COLUMNS, [D1], bad, source="test")
    assert read(wh.path, "SELECT id, name FROM keap.t1") == [(1, "a")]


def test_rows_for_days_outside_the_run_are_refused(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    with stage({D2: [(1, "a")]}) as s, pytest.raises(WarehouseError, match="outside the run"):
        wh.replace_partitions("t1", COLUMNS, [D1], s, source="test")


def test_new_spec_columns_are_added(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    with stage({D1: [(1, "a")]}) as s:
        wh.replace_partitions("t1", COLUMNS, [D1], s, source="test")
    wider = [*COLUMNS, ("extra", "DOUBLE")]
    staged = StagedRows(wider)
    staged.add([{"id": 2, "name": "b", "t": T, "extra": 1.5}], D2)
    with staged:
        wh.replace_partitions("t1", wider, [D2], staged, source="test")
    assert read(wh.path, "SELECT id, extra FROM keap.t1 ORDER BY id") == [(1, None), (2, 1.5)]


def test_file_named_like_schema_is_refused(tmp_path):
    with pytest.raises(WarehouseError):
        Warehouse(tmp_path / "keap.duckdb")


def _writer(path: str, day_offset: int, n: int) -> None:
    wh = Warehouse(path)
    for k in range(n):
        day = date(2026, 10, 1 + day_offset)
        with stage({day: [(day_offset * 1000 + k, f"w{day_offset}")]}) as s:
            wh.replace_partitions("t1", COLUMNS, [day], s, source="test", primary_key=["id"])


def test_concurrent_writer_processes_do_not_fail_on_the_duckdb_lock(tmp_path):
    path = str(tmp_path / "w.duckdb")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, i, 5)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    # Each writer replaced its day five times: the last row of each survives, nothing else.
    assert read(path, "SELECT _partition_date, count(*) FROM keap.t1 GROUP BY 1 ORDER BY 1") == [
        (date(2026, 10, 1), 1), (date(2026, 10, 2), 1), (date(2026, 10, 3), 1)]


def test_an_earlier_fetch_never_replaces_a_later_one(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    early, late = T, T.replace(hour=13)
    with stage({D1: [(1, "late")]}) as s:  # the run that fetched later finished first
        wh.replace_partitions("t1", COLUMNS, [D1], s, source="test", fetched_at=late)
    with stage({D1: [(1, "early")], D2: [(2, "early")]}) as s:
        result = wh.replace_partitions("t1", COLUMNS, [D1, D2], s, source="test", fetched_at=early)
    assert result.superseded == [D1] and result.rows_by_day == {D1: 1, D2: 1}
    assert read(wh.path, "SELECT id, name FROM keap.t1 ORDER BY id") == [(1, "late"), (2, "early")]
    with stage({D1: [(1, "newest")]}) as s:  # a later fetch replaces as usual
        assert wh.replace_partitions("t1", COLUMNS, [D1], s, source="test", fetched_at=late.replace(hour=14)
                                     ).superseded == []
    assert read(wh.path, "SELECT name FROM keap.t1 WHERE id = 1") == [("newest",)]


def _crash_inside_the_transaction(path: str) -> None:
    """Replace D1, but the process dies right after the DELETE, before INSERT and COMMIT."""
    import os
    import signal

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    Warehouse._staged_select = staticmethod(die)  # called between the DELETE and the INSERT
    with stage({D1: [(9, "new")]}) as s:
        Warehouse(path).replace_partitions("t1", COLUMNS, [D1], s, source="test", primary_key=["id"])


def test_a_crash_mid_replace_leaves_the_old_rows(tmp_path):
    path = str(tmp_path / "w.duckdb")
    with stage({D1: [(1, "old"), (2, "old")]}) as s:
        Warehouse(path).replace_partitions("t1", COLUMNS, [D1], s, source="test")
    proc = multiprocessing.get_context("spawn").Process(target=_crash_inside_the_transaction, args=(path,))
    proc.start()
    proc.join(60)
    assert proc.exitcode == -9  # it really died inside the transaction
    assert read(path, "SELECT id, name FROM keap.t1 ORDER BY id") == [(1, "old"), (2, "old")]

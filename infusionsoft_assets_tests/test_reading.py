"""Reading back what was written: the <report>_latest views, read_report() for notebooks, the checks'
queries and the metadata preview, on a real DuckDB file."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from infusionsoft_assets import read_report
from infusionsoft_assets.storage import StagedRows, Warehouse, WarehouseError

COLUMNS = [("contact_id", "BIGINT"), ("email", "VARCHAR"), ("update_time", "TIMESTAMPTZ")]
D1, D2, D3 = date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def write(wh: Warehouse, rows_by_day: dict[date, list[tuple]], primary_key=("contact_id",)) -> None:
    with StagedRows(COLUMNS) as staged:
        for day, rows in rows_by_day.items():
            staged.add([dict(zip(("contact_id", "email", "update_time"), r)) for r in rows], day)
        wh.replace_partitions("contacts", COLUMNS, list(rows_by_day), staged, source="test", primary_key=primary_key)


@pytest.fixture
def warehouse(tmp_path) -> Warehouse:
    wh = Warehouse(tmp_path / "w.duckdb")
    # contact 1 changed on D1 and again on D3, loaded by two runs: the older day keeps the older version
    write(wh, {D1: [(1, "old@x.io", at(D1)), (2, "b@x.io", at(D1, 9))], D2: []})
    write(wh, {D3: [(1, "new@x.io", at(D3))]})
    wh.create_latest_view("contacts", ["contact_id"], "update_time")
    return wh


def test_the_latest_view_holds_each_record_once_in_its_newest_version(warehouse):
    latest = warehouse.read("contacts_latest").set_index("contact_id")["email"].to_dict()
    assert latest == {1: "new@x.io", 2: "b@x.io"}
    assert len(warehouse.read("contacts")) == 3  # the table keeps every version, per day


def test_read_report_returns_a_dataframe_of_the_chosen_days(warehouse, monkeypatch):
    monkeypatch.setenv("INFUSIONSOFT_DUCKDB_PATH", str(warehouse.path))
    frame = read_report("contacts", "2026-11-01", "2026-11-02")
    assert sorted(frame["email"]) == ["b@x.io", "old@x.io"] and {d.date() for d in frame["_partition_date"]} == {D1}
    assert list(read_report("contacts", start="2026-11-03")["email"]) == ["new@x.io"]
    assert sorted(read_report("contacts", latest=True)["email"]) == ["b@x.io", "new@x.io"]
    with pytest.raises(WarehouseError, match="keap.orders does not exist"):
        read_report("orders")
    with pytest.raises(ValueError, match="end: 2026-11-01 is before start 2026-11-03"):
        read_report("contacts", "2026-11-03", "2026-11-01")


def test_the_key_check_finds_repeated_and_missing_keys(tmp_path):
    wh = Warehouse(tmp_path / "w.duckdb")
    write(wh, {D1: [(1, "a", at(D1)), (1, "b", at(D1)), (None, "c", at(D1))], D2: [(1, "d", at(D2))]},
          primary_key=())  # no de-duplication on the way in: what a broken spec would store
    assert wh.primary_key_problems("contacts", ["contact_id"], [D1, D2]) == (1, 1)
    assert wh.primary_key_problems("contacts", ["contact_id"], [D2]) == (0, 0)  # unique within its day


def test_the_preview_is_a_short_markdown_table(warehouse):
    preview = warehouse.preview("contacts", [D1], 5)
    lines = preview.splitlines()
    assert lines[0].split("|")[1].strip() == "contact_id" and len(lines) == 2 + 2  # header, rule, two rows
    assert "old@x.io" in preview and "new@x.io" not in preview

"""A page of raw records -> typed Arrow columns (catalog.columnar), the partition days taken from them, the
staging file they go to, and the client's decoding of a page: no server, no Dagster.

The vectorised paths (one gather per page, keyed lists in one pass, Arrow casts) must give exactly what the
columns' own Python converters give record by record, and fail the same way for a record that does not fit.
"""

from __future__ import annotations

import gc
import random
from decimal import Decimal
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import duckdb
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from infusionsoft_assets.catalog.columnar import (ARROW_TYPES, Keyed, days_of, in_days, page_arrays, raw_days,
                                                  same_day)
from infusionsoft_assets.catalog.spec import Column, RecordError, dig
from infusionsoft_assets.keap.client import json_body
from infusionsoft_assets.keap.errors import TransientError
from infusionsoft_assets.storage import StagedRows, staging

UTC = timezone.utc


def arrays(records, *columns, report="r"):
    return page_arrays(records, columns, report)


def values(records, column, report="r"):
    return page_arrays(records, (column,), report)[column.name].to_pylist()


# ------------------------------------------------------------------------------ types and nulls

def test_each_kind_gets_its_arrow_type_and_none_is_null():
    cols = (Column("id", "BIGINT", "id"), Column("name", "VARCHAR", "name"), Column("amount", "DOUBLE", "amount"),
            Column("ok", "BOOLEAN", "ok"), Column("at", "TIMESTAMPTZ", "at"), Column("born", "DATE", "born"),
            Column("raw", "JSON", "raw"), Column("price", "DECIMAL", "price"))
    records = [{"id": "7", "name": "Ann", "amount": 1.5, "ok": True, "at": "2024-05-21T23:00:00.123Z",
                "born": "1984-05-30", "raw": {"b": 1, "a": [None, "x"]},
                "price": {"amount": 1999, "currency_code": "USD"}},
               {"id": None, "name": None, "amount": None, "ok": None, "at": None, "born": None, "raw": None,
                "price": None}]
    got = page_arrays(records, cols, "r")
    assert [got[c.name].type for c in cols] == [ARROW_TYPES[c.duckdb_type] for c in cols]
    assert list(got) == [c.name for c in cols]
    first = {name: array[0].as_py() for name, array in got.items()}
    assert first == {"id": 7, "name": "Ann", "amount": 1.5, "ok": True,
                     "at": datetime(2024, 5, 21, 23, 0, 0, 123000, tzinfo=UTC), "born": date(1984, 5, 30),
                     "raw": '{"a":[null,"x"],"b":1}', "price": Decimal("19.9900")}
    assert all(array[1].as_py() is None for array in got.values())


def test_an_empty_string_is_null_for_ids_times_and_dates_but_text_for_varchar():
    cols = (Column("id", "BIGINT", "id"), Column("at", "TIMESTAMPTZ", "at"), Column("born", "DATE", "born"),
            Column("name", "VARCHAR", "name"))
    got = arrays([{"id": "", "at": "", "born": "", "name": ""}, {"id": "3", "at": "2024-01-01T00:00:00Z",
                                                              "born": "2024-01-02", "name": "x"}], *cols)
    assert got["id"].to_pylist() == [None, 3]
    assert got["at"].to_pylist() == [None, datetime(2024, 1, 1, tzinfo=UTC)]
    assert got["born"].to_pylist() == [None, date(2024, 1, 2)]
    assert got["name"].to_pylist() == ["", "x"]


def test_a_page_of_nothing_but_nulls_and_an_empty_page():
    cols = (Column("id", "BIGINT", "id"), Column("e", "VARCHAR", Keyed("emails", "field", "EMAIL1", "email")))
    got = arrays([{"id": None}, {}], *cols)
    assert got["id"].type == pa.int64() and got["id"].null_count == 2
    assert got["e"].type == pa.string() and got["e"].null_count == 2
    empty = arrays([], *cols)
    assert [len(a) for a in empty.values()] == [0, 0]


def test_records_that_leave_fields_out_read_them_as_null():
    cols = (Column("id", "BIGINT", "id"), Column("name", "VARCHAR", "name"), Column("co", "BIGINT", "company.id"))
    got = arrays([{"id": "1", "name": "a", "company": {"id": "9"}}, {"id": "2"}, {"name": "c"}], *cols)
    assert got["id"].to_pylist() == [1, 2, None]
    assert got["name"].to_pylist() == ["a", None, "c"]
    assert got["co"].to_pylist() == [9, None, None]


def test_whole_numbers_in_a_text_column_read_as_python_writes_them():
    col = Column("age", "VARCHAR", "age")
    assert values([{"age": 41}, {"age": None}, {"age": -3}], col) == ["41", None, "-3"]
    # mixed kinds go value by value, through the column's converter
    assert values([{"age": 41}, {"age": "x"}, {"age": True}, {"age": 2.0}, {"age": [1]}], col) == \
        ["41", "x", "True", "2.0", "[1]"]
    assert values([{"age": 41}, {"age": 2.0}, {"age": 1e16}], col) == ["41", "2.0", "1e+16"]  # str(), not Arrow's


def test_mixed_kinds_in_a_number_column_go_through_the_converter():
    col = Column("n", "BIGINT", "n")
    assert values([{"n": "5"}, {"n": 6}, {"n": 7.0}, {"n": " 8 "}], col) == [5, 6, 7, 8]
    assert values([{"n": 1}, {"n": "2"}], Column("d", "DOUBLE", "n")) == [1.0, 2.0]


# ------------------------------------------------------------------------------ timestamps

@pytest.mark.parametrize("text, utc", [
    ("2024-05-21T23:00:00Z", datetime(2024, 5, 21, 23, tzinfo=UTC)),
    ("2024-05-21T23:00:00.5+0200", datetime(2024, 5, 21, 21, 0, 0, 500000, tzinfo=UTC)),  # v1's offset
    ("2024-05-21T23:30:00-05:00", datetime(2024, 5, 22, 4, 30, tzinfo=UTC)),
    ("2024-05-21T23:00:00", datetime(2024, 5, 21, 23, tzinfo=UTC)),   # naive is UTC (Python converter)
    ("2024-05-21", datetime(2024, 5, 21, tzinfo=UTC)),                # a date is its midnight, UTC
    ("2024-05-21T23:00:00.1234567Z", datetime(2024, 5, 21, 23, 0, 0, 123456, tzinfo=UTC)),
])
def test_timestamps_with_their_offsets_land_in_utc(text, utc):
    col = Column("at", "TIMESTAMPTZ", "at")
    assert values([{"at": text}, {"at": "2024-01-01T00:00:00Z"}], col)[0] == utc
    assert values([{"at": "2024-01-01T00:00:00Z"}, {"at": text}], col)[1] == utc


def test_a_bad_timestamp_names_the_report_column_value_and_record():
    col = Column("update_time", "TIMESTAMPTZ", "update_time")
    records = [{"id": "1", "update_time": "2024-05-21T23:00:00Z"}, {"id": "2", "update_time": "yesterday"}]
    with pytest.raises(RecordError) as caught:
        page_arrays(records, (col,), "contacts")
    message = str(caught.value)
    assert "report contacts" in message and "update_time (TIMESTAMPTZ)" in message
    assert "'yesterday'" in message and "record id '2'" in message


def test_a_bad_id_and_a_bad_date_fail_the_same_way():
    with pytest.raises(RecordError, match=r"column owner_id \(BIGINT\) cannot take 'abc'.*record id '5'"):
        page_arrays([{"id": "4", "owner_id": "1"}, {"id": "5", "owner_id": "abc"}],
                    (Column("owner_id", "BIGINT", "owner_id"),), "r")
    with pytest.raises(RecordError, match=r"column born \(DATE\) cannot take '2023-02-29'.*record id 9"):
        page_arrays([{"id": 9, "born": "2023-02-29"}], (Column("born", "DATE", "born"),), "r")


# ------------------------------------------------------------------------------ nested fields

def test_dotted_paths_walk_down_and_a_key_holding_the_dot_wins():
    col = Column("co", "VARCHAR", "company.name")
    assert values([{"company": {"name": "A"}}, {"company": None}, {"company": "flat"}, {}], col) == \
        ["A", None, None, None]
    assert values([{"company": {"name": "A"}}, {"company.name": "B", "company": {"name": "C"}}], col) == ["A", "B"]
    deep = Column("x", "BIGINT", "a.b.c")
    assert values([{"a": {"b": {"c": "1"}}}, {"a": {"b": None}}, {"a": {"b.c": "2"}}], deep) == [1, None, None]


def test_keyed_items_pick_their_attribute_by_key_and_the_last_repeat_wins():
    email = Column("email", "VARCHAR", Keyed("email_addresses", "field", "EMAIL1", "email"))
    status = Column("status", "VARCHAR", Keyed("email_addresses", "field", "EMAIL1", "email_opt_status"))
    email2 = Column("email_2", "VARCHAR", Keyed("email_addresses", "field", "EMAIL2", "email"))
    records = [
        {"email_addresses": [{"field": "EMAIL2", "email": "b@x"}, {"field": "EMAIL1", "email": "a@x",
                                                                    "email_opt_status": "OK"}]},
        {"email_addresses": []}, {"email_addresses": None}, {},
        {"email_addresses": [{"field": "EMAIL1", "email": "first"}, {"field": "EMAIL1", "email": "last"}]},
        {"email_addresses": ["junk", 3, None, {"field": "EMAIL1", "email": "kept"}]},  # non-objects skipped
    ]
    got = arrays(records, email, status, email2)
    assert got["email"].to_pylist() == ["a@x", None, None, None, "last", "kept"]
    assert got["status"].to_pylist() == ["OK", None, None, None, None, None]
    assert got["email_2"].to_pylist() == ["b@x", None, None, None, None, None]


def test_custom_fields_match_their_id_as_text_and_keep_numbers_as_text():
    fav = Column("custom_color", "VARCHAR", Keyed("custom_fields", "id", "6", "content"))
    age = Column("custom_age", "VARCHAR", Keyed("custom_fields", "id", 14, "content"))
    records = [{"custom_fields": [{"id": "6", "content": "red"}, {"id": "14", "content": 41}]},
               {"custom_fields": [{"id": 6, "content": "blue"}, {"id": 14, "content": None}]},
               {"custom_fields": [{"id": "14", "content": {"a": 1}}]}]
    got = arrays(records, fav, age)
    assert got["custom_color"].to_pylist() == ["red", "blue", None]
    assert got["custom_age"].to_pylist() == ["41", None, '{"a":1}']


def test_a_list_kept_whole_as_json_and_read_by_key_gives_both():
    whole = Column("phones", "JSON", "phone_numbers")
    first = Column("phone_1", "VARCHAR", Keyed("phone_numbers", "field", "PHONE1", "number"))
    records = [{"phone_numbers": [{"number": "1", "field": "PHONE1", "type": "Work"}]},
               {"phone_numbers": []}, {"phone_numbers": None}, {"phone_numbers": ["odd", {"field": "PHONE1"}]}]
    got = arrays(records, whole, first)
    assert got["phones"].to_pylist() == ['[{"field":"PHONE1","number":"1","type":"Work"}]', "[]", None,
                                         '["odd",{"field":"PHONE1"}]']
    assert got["phone_1"].to_pylist() == ["1", None, None, None]


def test_json_text_has_sorted_keys_and_a_value_json_cannot_hold_names_its_record():
    col = Column("raw", "JSON", "raw")
    assert values([{"raw": {"z": 1, "a": {"y": 2, "b": 3}}}, {"raw": "s"}, {"raw": float("nan")}], col) == \
        ['{"a":{"b":3,"y":2},"z":1}', '"s"', "null"]  # NaN is JSON's null as text, not a NULL
    with pytest.raises(RecordError, match=r"column raw \(JSON\).*record id 'b'"):
        page_arrays([{"id": "a", "raw": 1}, {"id": "b", "raw": 2 ** 70}], (col,), "r")
    listed = (Column("cf", "JSON", "custom_fields"),
              Column("c6", "VARCHAR", Keyed("custom_fields", "id", "6", "content")))
    records = [{"id": "a", "custom_fields": []}, {"id": "b", "custom_fields": [{"id": "6", "content": 2 ** 70}]}]
    with pytest.raises(RecordError, match=r"column cf \(JSON\).*record id 'b'"):
        page_arrays(records, listed, "r")


def test_columns_computed_by_a_function_still_work():
    col = Column("joined", "VARCHAR", lambda record: ",".join(record.get("tags") or []) or None)
    assert values([{"tags": ["a", "b"]}, {"tags": []}], col) == ["a,b", None]


def _reference(records, column, report):
    """What a column holds, record by record, by the documented rules: dig the path, the last keyed item
    whose key reads as the column's key value, the column's own Python converter."""
    out = []
    for record in records:
        source = column.source
        if isinstance(source, Keyed):
            raw = None
            for item in dig(record, source.list_path) or ():
                if isinstance(item, dict) and str(item.get(source.key)) == str(source.value):
                    raw = item.get(source.attribute)
        else:
            raw = dig(record, source)
        try:
            out.append(None if raw is None else column._convert(raw))
        except (TypeError, ValueError, ArithmeticError):
            return "error", record.get("id")
    return "ok", pa.array(out, ARROW_TYPES[column.duckdb_type]).to_pylist()


def test_random_pages_match_the_record_by_record_rules():
    rng = random.Random(20261202)
    cols = (Column("id", "BIGINT", "id"), Column("name", "VARCHAR", "name"), Column("co", "BIGINT", "company.id"),
            Column("at", "TIMESTAMPTZ", "at"), Column("born", "DATE", "born"), Column("amount", "DOUBLE", "amount"),
            Column("ok", "BOOLEAN", "ok"), Column("raw", "JSON", "raw"), Column("emails", "JSON", "emails"),
            Column("e1", "VARCHAR", Keyed("emails", "field", "EMAIL1", "email")),
            Column("e1n", "BIGINT", Keyed("emails", "field", "EMAIL1", "n")),
            Column("c6", "VARCHAR", Keyed("cf", "id", "6", "content")))
    pool = [None, "", "x", "12", 12, 1.5, True, [], {"k": 1}, "2024-05-21T23:00:00+0200", "2024-05-21", "nope",
            datetime(2024, 1, 1, tzinfo=UTC), date(2024, 1, 2)]

    def record(i):
        r = {"id": str(i)}
        for name in ("name", "at", "born", "amount", "ok", "raw"):
            if rng.random() < 0.8:
                r[name] = rng.choice(pool) if rng.random() < 0.3 else {
                    "name": "n", "at": "2024-05-21T23:00:00Z", "born": "2024-05-21", "amount": 2.5, "ok": False,
                    "raw": {"b": [1, None]}}[name]
        if rng.random() < 0.7:
            r["company"] = rng.choice([None, {"id": rng.choice(["5", 5, None, "x"])}, "flat"])
        if rng.random() < 0.8:
            r["emails"] = [rng.choice([{"field": rng.choice(["EMAIL1", "EMAIL2", 1]), "email": rng.choice(pool),
                                        "n": rng.choice(["1", 2, None])}, "junk"])
                           for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.8:
            r["cf"] = [{"id": rng.choice(["6", 6, "7"]), "content": rng.choice(pool)}
                       for _ in range(rng.randint(0, 3))]
        return r

    checked = 0
    for _ in range(400):
        records = [record(i) for i in range(rng.randint(1, 10))]
        chosen = tuple(c for c in cols if rng.random() < 0.6) or cols
        expected = {c.name: _reference(records, c, "r") for c in chosen}
        failing = [c.name for c in chosen if expected[c.name][0] == "error"]
        if failing:
            with pytest.raises(RecordError) as caught:
                page_arrays(records, chosen, "r")
            first = failing[0]  # columns are converted in order: the first failing column is named
            assert f"column {first} " in str(caught.value)
            assert f"record id {expected[first][1]!r}" in str(caught.value)
        else:
            got = page_arrays(records, chosen, "r")
            assert {name: array.to_pylist() for name, array in got.items()} == \
                {name: value for name, (_, value) in expected.items()}
            checked += 1
    assert checked > 50  # the comparison ran, not just the error path


def test_the_cycle_collector_is_paused_while_a_page_converts_and_restored_after(monkeypatch):
    seen = []
    col = Column("n", "VARCHAR", lambda record: seen.append(gc.isenabled()) or "x")
    page_arrays([{}], (col,), "r")
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        page_arrays([{}], (col,), "r")
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
    failing = Column("n", "BIGINT", lambda record: "not a number")
    with pytest.raises(RecordError):
        page_arrays([{"id": 1}], (failing,), "r")
    assert gc.isenabled()


# ------------------------------------------------------------------------------ partition days

def test_days_of_typed_times_are_their_utc_days():
    times = pa.array([datetime(2024, 5, 21, 23, 59, 59, tzinfo=UTC), datetime(2024, 5, 22, tzinfo=UTC), None],
                     pa.timestamp("us", tz="UTC"))
    assert days_of(times).to_pylist() == [date(2024, 5, 21), date(2024, 5, 22), None]
    assert days_of(pa.array([date(2024, 1, 1)])).to_pylist() == [date(2024, 1, 1)]
    with pytest.raises(TypeError):
        days_of(pa.array(["2024-01-01"]))


def test_days_across_time_zones_follow_utc_from_columns_and_raw_fields():
    texts = ["2024-05-21T23:30:00-0200",      # 01:30 UTC the next day
             "2024-05-22T00:30:00+05:00",     # 19:30 UTC the day before
             "2024-05-21T23:59:59.999999Z", "2024-05-22T00:00:00Z"]
    want = [date(2024, 5, 22), date(2024, 5, 21), date(2024, 5, 21), date(2024, 5, 22)]
    col = Column("t", "TIMESTAMPTZ", "t")
    assert days_of(page_arrays([{"t": t} for t in texts], (col,), "r")["t"]).to_pylist() == want
    assert raw_days([{"t": t} for t in texts], "t").to_pylist() == want
    assert raw_days([{"x": {"t": t}} for t in texts], "x.t").to_pylist() == want


def test_raw_days_of_bare_dates_empty_values_and_what_arrow_leaves_to_python():
    assert raw_days([{"d": "2024-05-21"}, {"d": "2024-05-22"}], "d").to_pylist() == [date(2024, 5, 21),
                                                                                      date(2024, 5, 22)]
    assert raw_days([{"d": "2024-05-21T10:00:00Z"}, {"d": ""}, {"d": None}, {}], "d").to_pylist() == \
        [date(2024, 5, 21), None, None, None]  # no value: the caller names the record (spec.partition_day)
    # not text, or text Arrow does not read as Python would: None, and the caller goes record by record
    assert raw_days([{"d": datetime(2024, 1, 1, tzinfo=UTC)}], "d") is None
    assert raw_days([{"d": "2024-05-21"}, {"d": "2024-05-21T10:00:00Z"}], "d") is None
    assert raw_days([{"d": " 2024-05-21T10:00:00Z"}], "d") is None
    assert raw_days([{"d": "yesterday"}], "d") is None


def test_in_days_for_a_range_and_for_scattered_days():
    rows = pa.array([date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 4), None, date(2023, 12, 31)], pa.date32())
    span = in_days([date(2024, 1, 2), date(2024, 1, 1), date(2024, 1, 3), date(2024, 1, 4)])
    assert span(rows).to_pylist() == [True, True, True, False, False]
    scattered = in_days([date(2024, 1, 1), date(2024, 1, 4)])
    assert scattered(rows).to_pylist() == [True, False, True, False, False]
    assert in_days([])(rows).to_pylist() == [False] * 5


def test_same_day_repeats_one_day():
    assert same_day(date(2024, 2, 29), 3).to_pylist() == [date(2024, 2, 29)] * 3
    assert same_day(date(2024, 2, 29), 0).type == pa.date32()


# ------------------------------------------------------------------------------ staging

def _page(start, size, day):
    return ({"id": pa.array(range(start, start + size), pa.int64()),
             "name": pa.array([f"n{i}" for i in range(start, start + size)], pa.string())},
            same_day(day, size))


def test_pages_are_staged_in_row_groups_in_order_with_their_day_counts(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "FLUSH_ROWS", 250)
    d1, d2 = date(2024, 1, 1), date(2024, 1, 2)
    with StagedRows([("id", "BIGINT"), ("name", "VARCHAR")], folder=tmp_path) as staged:
        for n in range(7):
            staged.add_arrays(*_page(n * 100, 100, d1 if n < 4 else d2))
        assert staged.total_rows == 700 and staged.rows_by_day == {d1: 400, d2: 300}
        path = staged.close()
        meta = pq.ParquetFile(path).metadata
        assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [300, 300, 100]
        table = pq.read_table(path)
        assert table.column("id").to_pylist() == list(range(700))
        assert table.column("_partition_date").to_pylist() == [d1] * 400 + [d2] * 300
        with duckdb.connect() as conn:
            assert conn.execute("SELECT count(*), max(id) FROM read_parquet(?)", [str(path)]).fetchone() == (700, 699)


def test_a_flush_also_comes_at_the_byte_limit_and_empty_pages_add_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "FLUSH_BYTES", 1)
    with StagedRows([("id", "BIGINT"), ("name", "VARCHAR")], folder=tmp_path) as staged:
        staged.add_arrays(*_page(0, 10, date(2024, 1, 1)))
        staged.add_arrays(*_page(10, 0, date(2024, 1, 1)))
        staged.add_arrays(*_page(10, 10, date(2024, 1, 1)))
        meta = pq.ParquetFile(staged.close()).metadata
        assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [10, 10]


def test_row_dicts_and_arrays_mix_in_order(tmp_path):
    day = date(2024, 1, 1)
    with StagedRows([("id", "BIGINT"), ("name", "VARCHAR")], folder=tmp_path) as staged:
        staged.add([{"id": 1, "name": "a"}], day)
        staged.add_arrays(*_page(2, 2, day))
        staged.add_columns({"id": [4], "name": ["d"]}, [day])
        assert pq.read_table(staged.close()).column("id").to_pylist() == [1, 2, 3, 4]


def test_a_run_that_fails_leaves_no_staging_and_writes_nothing_more(tmp_path):
    with pytest.raises(RuntimeError):
        with StagedRows([("id", "BIGINT"), ("name", "VARCHAR")], folder=tmp_path) as staged:
            staged.add_arrays(*_page(0, 10, date(2024, 1, 1)))
            folder = staged.path.parent
            raise RuntimeError("a record did not fit")
    assert not folder.exists()


# ------------------------------------------------------------------------------ the client's decoding

def _response(content: bytes):
    return SimpleNamespace(content=content, status_code=200)


def test_json_body_decodes_with_the_collector_paused_and_restores_it(monkeypatch):
    from infusionsoft_assets.keap import client as client_module

    seen = []
    real = client_module.decode_json
    monkeypatch.setattr(client_module, "decode_json",
                        lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    assert json_body(_response(b'{"contacts": [{"id": "1"}]}'), "/contacts") == {"contacts": [{"id": "1"}]}
    assert seen == [False] and gc.isenabled()
    with pytest.raises(TransientError, match="not JSON"):
        json_body(_response(b"<html>"), "/contacts")
    assert gc.isenabled()
    assert json_body(_response(orjson.dumps("YWJj")), "/files/1:data", scalar=True) == "YWJj"
    gc.disable()
    try:
        json_body(_response(b"{}"), "/x")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_timezones_of_a_page_spanning_midnight_reach_the_right_days_end_to_end():
    """A page straddling midnight UTC in several offsets: the column, the day, and the window agree."""
    base = datetime(2024, 5, 21, 22, tzinfo=UTC)
    records = []
    for i in range(48):
        moment = base + timedelta(minutes=5 * i)
        zone = timezone(timedelta(hours=(i % 5) - 2))
        records.append({"id": str(i), "t": moment.astimezone(zone).isoformat()})
    got = page_arrays(records, (Column("t", "TIMESTAMPTZ", "t"),), "r")["t"]
    assert got.to_pylist() == [base + timedelta(minutes=5 * i) for i in range(48)]
    days = days_of(got).to_pylist()
    assert days == [(base + timedelta(minutes=5 * i)).date() for i in range(48)]
    assert in_days([date(2024, 5, 22)])(days_of(got)).to_pylist() == [d == date(2024, 5, 22) for d in days]

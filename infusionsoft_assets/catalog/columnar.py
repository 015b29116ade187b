"""A page of raw records -> typed Arrow columns, with the per-value work done in C++ where it can be.

Column by column: raw values are gathered in Python with the cheapest access each source allows (a
plain key, a dotted path, or a *keyed item* of a list — ``email_addresses[field=EMAIL1].email`` — for
which one index per record and list serves every column that reads the list), then converted by Arrow's
casts (ids from strings, ISO-8601 times with their offsets, dates). A value Arrow cannot take goes
through the column's Python converter instead, which names the column and the record when it fails.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

import pyarrow as pa
import pyarrow.compute as pc

from .spec import Column, RecordError, dig

ARROW_TYPES = {
    "VARCHAR": pa.string(), "JSON": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
    "DECIMAL(19,4)": pa.decimal128(19, 4), "BOOLEAN": pa.bool_(), "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "DATE": pa.date32(), "BLOB": pa.binary(),
}
_CASTABLE = {"BIGINT", "DOUBLE", "TIMESTAMPTZ", "DATE"}


class Keyed:
    """``attribute`` of the item of the list at ``list_path`` whose ``key`` is ``value``: Keap's v2 keeps
    emails, phones, addresses and custom fields so (``{"field": "EMAIL1", "email": ...}``)."""

    __slots__ = ("list_path", "key", "value", "attribute", "field", "__name__")

    def __init__(self, list_path: str, key: str, value: Any, attribute: str):
        self.list_path, self.key, self.value, self.attribute = list_path, key, value, attribute
        self.field = list_path.split(".", 1)[0]  # the v2 field it reads, for fields=
        self.__name__ = f"{list_path}[{key}={value}].{attribute}"

    def __call__(self, record: dict) -> Any:
        for item in dig(record, self.list_path) or ():
            if isinstance(item, dict) and _same_key(item.get(self.key), self.value):
                return item.get(self.attribute)
        return None


def _same_key(a: Any, b: Any) -> bool:
    return a == b or (a is not None and str(a) == str(b))


def _raw(records: list[dict], column: Column, indexes: dict) -> list:
    source = column.source
    if isinstance(source, Keyed):
        index = indexes.get((source.list_path, source.key))
        if index is None:
            index = indexes[(source.list_path, source.key)] = [
                {str(item.get(source.key)): item for item in (dig(r, source.list_path) or ()) if isinstance(item, dict)}
                for r in records]
        wanted, attribute = str(source.value), source.attribute
        return [None if (item := found.get(wanted)) is None else item.get(attribute) for found in index]
    if isinstance(source, str):
        if "." not in source:
            return [r.get(source) for r in records]
        return [dig(r, source) for r in records]
    return [source(r) for r in records]


def _fast(raw: list, column: Column) -> pa.Array | None:
    """The Arrow array of ``raw`` without Python conversions, or None when Arrow cannot take the values as
    they are (mixed kinds, text in a number column it cannot parse, a JSON column): then Python converts."""
    kind = column.type
    target = ARROW_TYPES[column.duckdb_type]
    sample = next((v for v in raw if v is not None), None)
    if sample is None:
        return pa.nulls(len(raw), target)
    try:
        if isinstance(sample, str) and kind == "VARCHAR":
            return pa.array(raw, pa.string())
        if isinstance(sample, str) and kind in _CASTABLE:
            text = pa.array(raw, pa.string())
            if kind != "TIMESTAMPTZ":
                text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
            return pc.cast(text, target)
        if kind == "BOOLEAN" and isinstance(sample, bool):
            return pa.array(raw, target)
        if kind == "BIGINT" and type(sample) is int:
            return pa.array(raw, target)
        if kind == "DOUBLE" and type(sample) in (int, float):
            return pa.array(raw, target)
        if kind == "TIMESTAMPTZ" and isinstance(sample, datetime) and sample.tzinfo is not None:
            return pa.array(raw, target)
        if kind == "DATE" and type(sample) is date:
            return pa.array(raw, target)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return None
    return None


def to_arrow(raw: list, column: Column, records: list[dict], report: str) -> pa.Array:
    fast = _fast(raw, column)
    if fast is not None:
        return fast
    convert: Callable[[Any], Any] = column._convert  # type: ignore[attr-defined]
    values = []
    for value, record in zip(raw, records):
        if value is None:
            values.append(None)
            continue
        try:
            values.append(convert(value))
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise RecordError(f"report {report}: column {column.name} ({column.type}) cannot take {value!r}: "
                              f"{exc} (record id {record.get('id')!r})") from None
    try:
        return pa.array(values, ARROW_TYPES[column.duckdb_type])
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise RecordError(f"report {report}: column {column.name} ({column.type}): {exc}") from None


def page_arrays(records: list[dict], columns: tuple[Column, ...], report: str) -> dict[str, pa.Array]:
    """Typed Arrow arrays (column name -> array) for one page."""
    indexes: dict = {}
    return {c.name: to_arrow(_raw(records, c, indexes), c, records, report) for c in columns}


def days_of(array: pa.Array) -> pa.Array:
    """The UTC day of each value of a TIMESTAMPTZ or DATE array."""
    if pa.types.is_timestamp(array.type):
        return pc.cast(array, pa.date32())
    if pa.types.is_date32(array.type):
        return array
    raise TypeError(f"a {array.type} column gives no day")


def keep(arrays: dict[str, pa.Array], mask: pa.Array) -> dict[str, pa.Array]:
    return {name: pc.filter(array, mask) for name, array in arrays.items()}


def as_days(values: list[date]) -> pa.Array:
    return pa.array(values, pa.date32())

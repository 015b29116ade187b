"""A page of raw records -> typed Arrow columns, with the per-value work done in C where it can be.

Reading a page's values (:func:`page_arrays`) costs most where it touches Python objects the decoder left
scattered in memory, so each object is read as few times as possible:

* every top-level field any column reads is gathered in **one pass over the records** (one C-level
  ``itemgetter`` call per record, by the key objects the page itself uses; ``dict.get`` when a record
  leaves a field out), then turned into columns by one transposition;
* a dotted path (``company.id``) walks down from its gathered top-level field, unless some record of the
  page holds the dotted name as one key (XML-RPC's ``Contact.Email``), which then wins as in :func:`dig`;
* *keyed items* of a list (``email_addresses[field=EMAIL1].email``, :class:`Keyed`): one pass over each
  list's items fills every column that reads that list, the last item with a key winning; a JSON column
  keeping the same list whole gets its text (``orjson``) in that same pass, while the items are in cache;
* the values are then converted by Arrow: text to ids, ISO times with their offsets, dates; whole numbers
  to text. A value Arrow cannot take sends its column through the column's Python converter instead,
  which names the column and the record when it fails. The results are the same either way.

A page's thousands of new lists and tuples hold no reference cycle, so Python's cycle collector is paused
while a page is converted (it runs once afterwards instead of every 700 allocations). Partition days are
taken from the typed columns in C++ (:func:`days_of`), or parsed by Arrow from the raw field
(:func:`raw_days`) when no column holds it.
"""

from __future__ import annotations

import gc
import operator
from datetime import date, datetime
from functools import lru_cache
from itertools import repeat
from typing import Any, Callable, Sequence

import orjson
# pyarrow imports pandas the first time it converts a Python sequence (its pandas shim looks for pandas
# objects), ~0.3 s: imported with this module, that is paid once when the code location loads, not inside
# the first page of a run.
import pandas  # noqa: F401
import pyarrow as pa
import pyarrow.compute as pc

from .spec import Column, RecordError, dig

ARROW_TYPES = {
    "VARCHAR": pa.string(), "JSON": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
    "DECIMAL(19,4)": pa.decimal128(19, 4), "BOOLEAN": pa.bool_(), "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "DATE": pa.date32(), "BLOB": pa.binary(),
}
_CASTABLE = {"BIGINT", "DOUBLE", "TIMESTAMPTZ", "DATE"}
_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError)
_EMPTY = orjson.dumps([])  # a list without items, often Keap's answer: its JSON without a call
_NULL_TEXT = pa.nulls(1, pa.string())[0]


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


# -- reading a page's raw values ------------------------------------------------------------------------
class _Plan:
    """How a set of columns reads a page, worked out once per set of columns."""

    def __init__(self, columns: tuple[Column, ...]):
        heads: dict[str, None] = {}  # the top-level fields read, in column order
        #: per list (path, key): per key value (as text): [(attribute, column name)]
        self.keyed: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = {}
        self.readers: list[tuple[str, Column]] = []
        for column in columns:
            source = column.source
            if isinstance(source, Keyed):
                heads.setdefault(source.list_path.split(".", 1)[0])
                slots = self.keyed.setdefault((source.list_path, source.key), {})
                slots.setdefault(str(source.value), []).append((source.attribute, column.name))
                self.readers.append(("keyed", column))
            elif isinstance(source, str):
                heads.setdefault(source.split(".", 1)[0])
                self.readers.append(("path", column))
            else:
                self.readers.append(("call", column))
        #: a list kept whole as JSON that keyed columns also read (Keap's emails, phones, addresses, custom
        #: fields): its text is written in the same pass over its items -> the list (path, key) read then
        whole = {c.source for kind, c in self.readers if kind == "path" and c.type == "JSON"}
        self.texts_with = {path: (path, key) for path, key in self.keyed if path in whole}
        self.readers = [("json_list", c) if kind == "path" and c.type == "JSON" and c.source in self.texts_with
                        else (kind, c) for kind, c in self.readers]
        self.heads = tuple(heads)


@lru_cache(maxsize=64)
def _cached_plan(columns: tuple[Column, ...]) -> _Plan:
    return _Plan(columns)


def _plan(columns: tuple[Column, ...]) -> _Plan:
    """The plan for ``columns``, worked out once per run's columns (a column whose source cannot be hashed:
    every page)."""
    try:
        return _cached_plan(columns)
    except TypeError:
        return _Plan(columns)


def _gather(records: list[dict], heads: tuple[str, ...]) -> dict[str, Sequence]:
    """``{field: [record.get(field) for record in records]}`` for every field, in one pass over the records."""
    if len(heads) < 2:
        return {head: [r.get(head) for r in records] for head in heads}
    if not records:
        return {head: () for head in heads}
    # The names as the page spells them: orjson hands every record the same key objects, and a lookup by
    # the very object skips comparing the text.
    own = _own_keys(records[0])
    getter = operator.itemgetter(*(own.get(head, head) for head in heads))
    try:
        rows = list(map(getter, records))  # one C call per record; a record without one of them raises
    except (KeyError, TypeError):
        rows = [tuple(map(r.get, heads)) for r in records]
    return dict(zip(heads, zip(*rows)))


def _own_keys(record: Any) -> dict:
    return {k: k for k in record} if isinstance(record, dict) else {}


class _Page:
    """One page's raw values, each read once however many columns use it."""

    def __init__(self, records: list[dict], plan: _Plan):
        self.records, self.plan = records, plan
        self.fields = _gather(records, plan.heads)
        self.keyed: dict[str, Sequence] = {}  # column name -> its keyed values
        self.texts: dict[str, list | None] = {}  # list path -> each record's JSON of it (None: not taken)

    def path(self, path: str) -> Sequence:
        """``[dig(record, path) for record in records]``."""
        if "." not in path:
            return self.fields[path]
        records = self.records
        if any(map(dict.__contains__, records, repeat(path))):  # a key holding the dot itself wins
            return [dig(r, path) for r in records]
        head, *rest = path.split(".")
        values: Sequence = self.fields[head]
        for part in rest:
            values = [v.get(part) if isinstance(v, dict) else None for v in values]
        return values

    def keyed_values(self, column: Column) -> Sequence:
        found = self.keyed.get(column.name)
        if found is None:
            source: Keyed = column.source  # type: ignore[assignment]
            self._fill_keyed(source.list_path, source.key)
            found = self.keyed[column.name]
        return found

    def list_texts(self, path: str) -> list | None:
        """Each record's JSON of the list at ``path`` (bytes; None for None), written while its keyed columns
        are read; None if a value could not be encoded (the column is then encoded value by value)."""
        if path not in self.texts:
            self._fill_keyed(*self.plan.texts_with[path])
        return self.texts[path]

    def _fill_keyed(self, list_path: str, key: str) -> None:
        """Every column reading the list at ``list_path`` by ``key``, in one pass over the lists' items (each
        item is read once, while it is in the CPU's cache); an item whose key repeats in a record overrides
        the earlier one. The JSON of the lists, if a column keeps them whole, is written in the same pass."""
        lists = self.path(list_path)
        slots = self.plan.keyed[(list_path, key)]
        take_texts = self.plan.texts_with.get(list_path) == (list_path, key)
        try:
            out, texts = _keyed_objects(lists, key, slots, take_texts)
        except (AttributeError, TypeError):  # an item that is not an object, a value orjson cannot encode
            out, texts = _keyed_anything(lists, key, slots, take_texts)
        self.keyed.update(out)
        if take_texts:
            self.texts[list_path] = texts


def _keyed_targets(lists: Sequence, key: str, slots: dict[str, list[tuple[str, str]]]):
    """(key, {key value: ((attribute, values), ...)}, {column name: values}) with the names as the page's
    items spell them (orjson's key objects: a lookup by the very object skips comparing the text)."""
    own = _own_keys(next((items[0] for items in lists if items and isinstance(items, list)), None))
    out = {name: [None] * len(lists) for pairs in slots.values() for _, name in pairs}
    targets = {wanted: tuple((own.get(attribute, attribute), out[name]) for attribute, name in pairs)
               for wanted, pairs in slots.items()}
    return own.get(key, key), targets, out


def _keyed_objects(lists: Sequence, key: str, slots: dict[str, list[tuple[str, str]]],
                   take_texts: bool) -> tuple[dict[str, list], list | None]:
    """:func:`_keyed_anything` for lists of objects only: AttributeError for an item that is not one,
    TypeError for a value that cannot be iterated or encoded."""
    key, targets, out = _keyed_targets(lists, key, slots)
    find, text = targets.get, str
    texts: list | None = [] if take_texts else None
    dumps, sort = orjson.dumps, orjson.OPT_SORT_KEYS
    for i, items in enumerate(lists):
        if texts is not None:  # once per record; the items below are what costs
            texts.append(None if items is None else _EMPTY if items.__class__ is list and not items
                         else dumps(items, option=sort))
        if items:
            for item in items:
                value = item.get(key)
                into = find(value)  # the wanted key values are text: a text value is looked up as it is
                if into is None and value.__class__ is not str:
                    into = find(text(value))
                if into is not None:
                    for attribute, values in into:
                        values[i] = item.get(attribute)
    return out, texts


def _keyed_anything(lists: Sequence, key: str, slots: dict[str, list[tuple[str, str]]],
                    take_texts: bool) -> tuple[dict[str, list], list | None]:
    """Per column, the ``attribute`` of the last item of each record's list whose ``key`` reads as the
    column's key value (``str()``), items that are not objects skipped; and, if ``take_texts``, each list's
    JSON (None when one cannot be encoded: the column is then encoded value by value)."""
    key, targets, out = _keyed_targets(lists, key, slots)
    texts: list | None = [] if take_texts else None
    for i, items in enumerate(lists):
        if texts is not None:
            try:
                texts.append(None if items is None else orjson.dumps(items, option=orjson.OPT_SORT_KEYS))
            except orjson.JSONEncodeError:
                texts = None
        if not items:
            continue
        for item in items:
            if isinstance(item, dict):
                into = targets.get(str(item.get(key)))
                if into is not None:
                    for attribute, values in into:
                        values[i] = item.get(attribute)
    return out, texts


def _raw(page: _Page, kind: str, column: Column) -> Sequence:
    if kind == "path" or kind == "json_list":
        return page.path(column.source)  # type: ignore[arg-type]
    if kind == "keyed":
        return page.keyed_values(column)
    source = column.source
    return [source(r) for r in page.records]  # type: ignore[operator]


# -- converting them ------------------------------------------------------------------------------------
def _first_value(raw: Sequence) -> Any:
    if raw and raw[0] is not None:
        return raw[0]
    return next((v for v in raw if v is not None), None)


def _fast(raw: Sequence, column: Column) -> pa.Array | None:
    """The Arrow array of ``raw`` without Python conversions, or None when Arrow cannot take the values as
    they are (mixed kinds, text in a number column it cannot parse, a JSON value it cannot encode): then
    Python converts, value by value, and names the record a value fails for."""
    kind = column.type
    target = ARROW_TYPES[column.duckdb_type]
    sample = _first_value(raw)
    if sample is None:
        return pa.nulls(len(raw), target)
    try:
        if kind == "JSON":
            return _json_array(raw)
        if isinstance(sample, str) and kind == "VARCHAR":
            return pa.array(raw, pa.string())
        if isinstance(sample, str) and kind in _CASTABLE:
            text = pa.array(raw, pa.string())
            # "" is NULL for every castable kind (the converters' _empty_is_null)
            text = pc.if_else(pc.equal(text, ""), _NULL_TEXT, text)
            return pc.cast(text, target)
        if kind == "VARCHAR" and type(sample) is int:
            whole = pa.array(raw)  # every value a whole number (no bool, no text): Arrow's text of it is str()'s
            return pc.cast(whole, pa.string()) if pa.types.is_int64(whole.type) else None
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
    except _ARROW_ERRORS:
        return None
    return None


def _json_array(raw: Sequence) -> pa.Array | None:
    """The JSON text of each value (``orjson``, keys sorted, as the JSON converter writes it), NULL for None;
    None if a value cannot be encoded (the converter then names it)."""
    dumps, sort = orjson.dumps, orjson.OPT_SORT_KEYS
    try:
        texts = [None if value is None else _EMPTY if value.__class__ is list and not value
                 else dumps(value, option=sort) for value in raw]
    except orjson.JSONEncodeError:
        return None
    return _utf8(texts)


def _utf8(texts: list) -> pa.Array:
    """Text from orjson's bytes, taken as they are: orjson writes UTF-8 only."""
    return pa.array(texts, pa.binary()).view(pa.string())


def to_arrow(raw: Sequence, column: Column, records: list[dict], report: str) -> pa.Array:
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


def page_arrays(records: list[dict], columns: Sequence[Column], report: str) -> dict[str, pa.Array]:
    """Typed Arrow arrays (column name -> array) for one page."""
    if not gc.isenabled():
        return _page_arrays(records, columns, report)
    gc.disable()  # thousands of new lists and tuples, none in a cycle: the collector runs once, afterwards
    try:
        return _page_arrays(records, columns, report)
    finally:
        gc.enable()


def _page_arrays(records: list[dict], columns: Sequence[Column], report: str) -> dict[str, pa.Array]:
    plan = _plan(tuple(columns))
    page = _Page(records, plan)
    arrays = {}
    for kind, column in plan.readers:
        texts = page.list_texts(column.source) if kind == "json_list" else None  # type: ignore[arg-type]
        if texts is not None:
            arrays[column.name] = _utf8(texts)
        else:
            arrays[column.name] = to_arrow(_raw(page, kind, column), column, records, report)
    return arrays


# -- partition days -------------------------------------------------------------------------------------
def days_of(array: pa.Array) -> pa.Array:
    """The UTC day of each value of a TIMESTAMPTZ or DATE array."""
    if pa.types.is_timestamp(array.type):
        return pc.cast(array, pa.date32())
    if pa.types.is_date32(array.type):
        return array
    raise TypeError(f"a {array.type} column gives no day")


_TIMESTAMP = ARROW_TYPES["TIMESTAMPTZ"]
_TEXT_OR_NONE = {str, type(None)}


def raw_days(records: list[dict], path: str) -> pa.Array | None:
    """The UTC day of the raw value at ``path`` of each record, as :func:`.spec.day_of` gives it, parsed by
    Arrow: ISO times with their offsets, or bare dates. NULL where a record has no value (None or "").
    None when Arrow cannot parse them all: the caller then takes them record by record."""
    raw = [dig(r, path) for r in records] if "." in path else [r.get(path) for r in records]
    if not set(map(type, raw)) <= _TEXT_OR_NONE:
        return None  # datetimes, dates, numbers: Python's day_of
    text = pa.array(raw, pa.string())
    text = pc.if_else(pc.equal(text, ""), _NULL_TEXT, text)
    for target in (_TIMESTAMP, pa.date32()):  # an ISO time with its offset; a bare date is that day
        try:
            return days_of(pc.cast(text, target))
        except _ARROW_ERRORS:
            pass
    return None


def in_days(days: Sequence[date]) -> Callable[[pa.Array], pa.Array]:
    """A test of each row's day against ``days``: True where it is one of them, False where not or NULL. A run
    of consecutive days (a partition range) is two compares; other sets a hash lookup."""
    wanted = sorted(set(days))
    if wanted and (wanted[-1] - wanted[0]).days == len(wanted) - 1:
        first, last = pa.scalar(wanted[0], pa.date32()), pa.scalar(wanted[-1], pa.date32())
        return lambda row_days: pc.fill_null(
            pc.and_(pc.greater_equal(row_days, first), pc.less_equal(row_days, last)), False)
    value_set = as_days(wanted)
    return lambda row_days: pc.fill_null(pc.is_in(row_days, value_set=value_set), False)


def keep(arrays: dict[str, pa.Array], mask: pa.Array) -> dict[str, pa.Array]:
    return {name: pc.filter(array, mask) for name, array in arrays.items()}


def as_days(values: list[date]) -> pa.Array:
    return pa.array(values, pa.date32())


def same_day(day: date, size: int) -> pa.Array:
    """``size`` rows of one day."""
    return pa.repeat(pa.scalar(day, pa.date32()), size)

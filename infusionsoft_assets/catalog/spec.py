"""What a report is, as data. The asset factory turns each report *instance* into a Dagster asset.

A :class:`ReportSpec` names its Domo report; says where its records come from (a *source* shape from
:mod:`.sources`: a REST v2 or v1 list, one GET per id, a single object, a saved-search run), how the
instance's parameters drive the requests (:class:`FanOut`: one request per target, or all targets in
one filter), how records are derived (exploding a list field, looking up related objects, summing
another list), how dates apply (:class:`Dates`), and its output columns with DuckDB types and where each
comes from in a raw record. Custom fields become columns by name, from the ``/model`` endpoints.

Raw records may carry what the fetch added: ``__target__`` (the id a fan-out request was made for),
``__item__`` (the element of an exploded list), and one key per lookup (``__<name>__``).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Callable

import orjson

from .params import Option
from .sources import FanOut, Lookup, Source, Sum, top_level_field

#: DuckDB types a column may take; the staging layer maps each to an Arrow type.
COLUMN_TYPES = ("VARCHAR", "BIGINT", "DOUBLE", "DECIMAL", "BOOLEAN", "TIMESTAMPTZ", "DATE", "JSON", "BLOB")
#: Money in major units: 19 digits, 4 after the point (three-decimal currencies such as BHD fit).
DECIMAL_TYPE = "DECIMAL(19,4)"


class Dates(enum.Enum):
    RANGE = "range"        # the source filters by a time window: partition day = records whose time falls in it
    SNAPSHOT = "snapshot"  # current state only: only today's partition can be taken
    LOOKUP = "lookup"      # current state of parameterised targets (ids, emails): snapshot semantics


class RecordError(ValueError):
    """A record from Keap that does not fit the spec (missing key, wrong type)."""


@dataclass(frozen=True)
class Column:
    """An output column. ``source`` is a dotted path into the raw record, or a function of the record."""

    name: str
    type: str
    source: str | Callable[[dict], Any]
    description: str = ""

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"column {self.name}: type {self.type} is not one of {COLUMN_TYPES}")
        # Resolved once: normalising runs per record and column, millions of times per report.
        object.__setattr__(self, "_get", self.source if callable(self.source) else _getter(self.source))
        object.__setattr__(self, "_convert", CONVERTERS[self.type])

    @property
    def duckdb_type(self) -> str:
        return DECIMAL_TYPE if self.type == "DECIMAL" else self.type

    def extract(self, record: dict) -> Any:
        raw = self._get(record)  # type: ignore[attr-defined]
        if raw is None:
            return None
        try:
            return self._convert(raw)  # type: ignore[attr-defined]
        except (TypeError, ValueError, ArithmeticError, orjson.JSONEncodeError) as exc:
            raise RecordError(f"column {self.name} ({self.type}) cannot take {raw!r}: {exc}") from None


@dataclass(frozen=True)
class CustomFields:
    """Custom fields as columns by name: ``model`` (a v2 ``/model`` endpoint, read once per run) gives each
    field's id, name and type; values are read from ``path`` (``[{id, content}]``) of each record."""

    model: str
    path: str = "custom_fields"
    prefix: str = "custom_"
    label: str = "custom field"
    exact: bool = False         # keep the field's own name after the prefix (a legacy table's _Name)


@dataclass(frozen=True)
class Reconcile:
    """This report's ``value`` must equal the sum of another report's ``other_value`` over the same keys
    (``keys``: our column -> theirs), for the days both hold (Keap's affiliate summary against its
    commission rows)."""

    report: str
    value: str
    other_value: str
    keys: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReportSpec:
    name: str                   # the report's id in the catalog and the default asset name, snake_case
    domo_report: str            # the Domo report this reproduces, word for word
    group: str
    description: str            # what it is and, for derived reports, how it is derived
    source: Source
    dates: Dates
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    fan_out: FanOut | None = None               # how the instance's target parameter drives requests
    explode: str | None = None                  # a list (or delimited string) field: one row per element
    explode_split: str | None = None            # the delimiter when the exploded field is a string
    lookups: tuple[Lookup, ...] = ()            # related objects fetched per record (cached by key)
    sums: tuple[Sum, ...] = ()                  # another list summed per record (running totals)
    custom_fields: tuple[CustomFields, ...] = ()
    # Range reports: the raw field whose UTC day picks the partition; per_day: one window per day
    # (a report of totals over its window must be asked day by day to give daily rows).
    partition_field: str | None = None
    per_day: bool = False
    # Records that change over time (a contact is updated): the table gets a <name>_latest view.
    latest_by: str | None = None
    # Page totals Keap states beside the rows: (total key on the page, column whose sum must equal it).
    page_totals: tuple[tuple[str, str], ...] = ()
    # Keap's own count for the same request (``/tags/{tag_id}/contacts/count``), checked against the rows.
    count_endpoint: str | None = None
    reconcile: Reconcile | None = None
    options: tuple[Option, ...] = ()            # parameters that are not the fan-out's target
    legacy: bool = False        # served only by XML-RPC, which Keap switches off on 2026-12-31
    # A report whose shape depends on its parameters (a data table's columns): the instance's own spec
    # is ``derive(params)``, built and checked when the reports file loads.
    derive: Callable[[dict], "ReportSpec"] | None = None
    default_asset: str | None = None            # the asset name when the instance gives none
    table: str | None = None                    # the legacy table a data-table report reads
    custom_field_names: tuple[str, ...] | None = None   # its custom fields (_Name) to read; None: all
    query: tuple = ()                           # its criteria (catalog.query), applied as Keap would

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"report {self.name}: duplicate column names")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise ValueError(f"report {self.name}: names are snake_case")
        if missing := set(self.primary_key) - set(names):
            raise ValueError(f"report {self.name}: primary key columns {sorted(missing)} are not columns")
        if self.dates is Dates.RANGE:
            # A source without a window is read whole and the run keeps the rows of its days (a small
            # legacy table whose REST home has no date filter).
            if not self.partition_field:
                raise ValueError(f"report {self.name}: a range report needs a partition_field")
        elif self.source.window:
            raise ValueError(f"report {self.name}: only range reports take a window")
        if self.explode_split and not self.explode:
            raise ValueError(f"report {self.name}: explode_split needs explode")
        # The partition's day comes from the typed column of that name when there is one (a legacy
        # table's date read over REST or XML-RPC), else from the raw record.
        object.__setattr__(self, "_partition_column",
                           next((c for c in self.columns if c.name == self.partition_field), None))

    @property
    def params(self) -> tuple[str, ...]:
        """The parameters an instance of this report may set."""
        return ((self.fan_out.param,) if self.fan_out else ()) + tuple(o.name for o in self.options)

    def fields_param(self) -> str:
        """The v2 ``fields`` value: every top-level field the columns read, in column order."""
        wanted: list[str] = []
        for column in self.columns:
            top = top_level_field(column.source)
            if top and not top.startswith("__") and top not in wanted:
                wanted.append(top)
        for custom in self.custom_fields:
            if "." not in custom.path and custom.path not in wanted:
                wanted.append(custom.path)
        return ",".join(wanted)

    def normalise(self, record: dict, columns: tuple[Column, ...] | None = None) -> dict:
        """One raw record -> one output row (column name -> typed value)."""
        try:
            return {c.name: c.extract(record) for c in (columns or self.columns)}
        except RecordError as exc:
            raise RecordError(f"report {self.name}: {exc} (record id {record.get('id')!r})") from None

    def normalise_page(self, records: list[dict], columns: tuple[Column, ...] | None = None) -> dict[str, list]:
        """A page of raw records -> typed columns (column name -> values), the shape staging writes.

        Column by column, because that is several times faster than a dict per record; a value that
        does not fit is found again record by record for a precise message.
        """
        out: dict[str, list] = {}
        for column in columns or self.columns:
            get, convert = column._get, column._convert  # type: ignore[attr-defined]
            try:
                out[column.name] = [None if (raw := get(r)) is None else convert(raw) for r in records]
            except (TypeError, ValueError, ArithmeticError, orjson.JSONEncodeError):
                for record in records:
                    self.normalise(record, columns)  # raises the RecordError naming the column and record
                raise
        return out

    def partition_day(self, record: dict) -> date:
        column = self._partition_column  # type: ignore[attr-defined]
        raw = column.extract(record) if column is not None else dig(record, self.partition_field or "")
        if not raw:
            raise RecordError(f"report {self.name}: record id {record.get('id')!r} has no "
                              f"{self.partition_field}, so it belongs to no day")
        return day_of(raw)


def _getter(path: str) -> Callable[[dict], Any]:
    if "." not in path:
        return lambda record: record.get(path)
    return lambda record: dig(record, path)


def dig(record: Any, path: str) -> Any:
    """``record[a][b]`` for ``a.b``; a key that holds the dot itself wins (XML-RPC's joined ``Contact.Email``)."""
    if isinstance(record, dict) and path in record:
        return record[path]
    for part in path.split("."):
        if not isinstance(record, dict):
            return None
        record = record.get(part)
    return record


def parse_timestamp(value: Any) -> datetime:
    """Keap's timestamps: v2 ``2024-05-21T23:00:00Z``/``.123Z``; v1 ``…+0000``; dates ``2024-05-21``.
    Naive ones are UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        parsed = datetime.fromisoformat(str(value).strip())  # 3.11+: takes Z, +0000 and +00:00
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def day_of(value: Any) -> date:
    """The UTC day of a timestamp, or the day itself."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return parse_timestamp(value).astimezone(timezone.utc).date()


def _bigint(raw: Any) -> int:
    if isinstance(raw, bool):
        raise TypeError("a boolean is not an integer")
    if isinstance(raw, float) and not raw.is_integer():
        raise ValueError("not a whole number")
    return int(raw)


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ValueError("not a boolean")


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.astimezone(timezone.utc).date() if raw.tzinfo else raw.date()
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])


#: ISO 4217 minor units where they are not 2 (Keap's v2 CurrencyValue amounts are in minor units).
CURRENCY_EXPONENTS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
                     "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    "CLF": 4, "UYW": 4,
}


def money(raw: Any) -> Decimal:
    """Major units. A v2 ``CurrencyValue`` ``{amount: minor units, currency_code}`` is scaled by the
    currency's exponent; a plain number (v1, XML-RPC, v2 doubles) is taken as it is."""
    if isinstance(raw, dict):
        if raw.get("amount") is None:
            raise ValueError("a CurrencyValue without amount")
        exponent = CURRENCY_EXPONENTS.get(str(raw.get("currency_code") or "USD").upper(), 2)
        return Decimal(int(raw["amount"])).scaleb(-exponent)
    if isinstance(raw, bool):
        raise TypeError("a boolean is not money")
    return Decimal(str(raw))


def _blob(raw: Any) -> bytes:
    if isinstance(raw, (bytes, bytearray)):
        return bytes(raw)
    import base64

    return base64.b64decode(str(raw), validate=True)


def _empty_is_null(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda raw: None if raw == "" else convert(raw)


def _json(raw: Any) -> str:
    return orjson.dumps(raw, option=orjson.OPT_SORT_KEYS).decode()


def _text(raw: Any) -> str:
    return raw if isinstance(raw, str) else _json(raw) if isinstance(raw, (dict, list)) else str(raw)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "VARCHAR": _text,
    "BIGINT": _empty_is_null(_bigint),
    "DOUBLE": _empty_is_null(float),
    "DECIMAL": _empty_is_null(money),
    "BOOLEAN": _empty_is_null(_boolean),
    "TIMESTAMPTZ": _empty_is_null(parse_timestamp),
    "DATE": _empty_is_null(_date),
    "JSON": _json,
    "BLOB": _blob,
}


def snake(text: str) -> str:
    """A stable snake_case column name from a label or field name (``First Name`` -> ``first_name``)."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(text))
    text = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()
    return text if text and not text[0].isdigit() else f"f_{text}"


__all__ = ["COLUMN_TYPES", "Column", "CustomFields", "Dates", "RecordError", "ReportSpec", "dig", "money",
           "parse_timestamp", "snake"]

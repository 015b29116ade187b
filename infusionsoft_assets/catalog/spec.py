"""What a report is, as data. The asset factory turns each :class:`ReportSpec` into a Dagster asset.

A spec names its Domo report, the transport and endpoint that feed it, how dates apply (a *range*
report is windowed by the API's own filters; a *snapshot* report is current state only), its output
columns with DuckDB types and where each comes from in a raw record, and its primary key.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable

import orjson

#: DuckDB types a column may take; the staging layer maps each to an Arrow type.
COLUMN_TYPES = ("VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "TIMESTAMPTZ", "DATE", "JSON")


class Dates(enum.Enum):
    RANGE = "range"        # the endpoint filters by a time window: partition day = records whose time falls in it
    SNAPSHOT = "snapshot"  # current state only: only today's partition can be taken


class Transport(enum.Enum):
    REST_V2 = "rest_v2"
    REST_V1 = "rest_v1"
    XMLRPC = "xmlrpc"


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

    def extract(self, record: dict) -> Any:
        raw = self._get(record)  # type: ignore[attr-defined]
        if raw is None:
            return None
        try:
            return self._convert(raw)  # type: ignore[attr-defined]
        except (TypeError, ValueError, orjson.JSONEncodeError) as exc:
            raise RecordError(f"column {self.name} ({self.type}) cannot take {raw!r}: {exc}") from None


@dataclass(frozen=True)
class ReportSpec:
    name: str                   # asset and table name, snake_case
    domo_report: str            # the Domo report this reproduces, word for word
    group: str
    description: str
    transport: Transport
    endpoint: str               # relative to the transport's base, e.g. "/contacts"
    items_key: str              # the list's key in the response envelope
    dates: Dates
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    params: dict[str, str] = field(default_factory=dict)   # fixed query parameters
    # Range reports: the filter clauses for a window, and the raw field whose UTC day picks the partition.
    window_filter: tuple[str, str] | None = None           # (start clause, end clause), e.g. "start_update_time=={}"
    partition_field: str | None = None

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"report {self.name}: duplicate column names")
        if missing := set(self.primary_key) - set(names):
            raise ValueError(f"report {self.name}: primary key columns {sorted(missing)} are not columns")
        if self.dates is Dates.RANGE and not (self.window_filter and self.partition_field):
            raise ValueError(f"report {self.name}: a range report needs window_filter and partition_field")

    def normalise(self, record: dict) -> dict:
        """One raw record -> one output row (column name -> typed value)."""
        try:
            return {c.name: c.extract(record) for c in self.columns}
        except RecordError as exc:
            raise RecordError(f"report {self.name}: {exc} (record id {record.get('id')!r})") from None

    def normalise_page(self, records: list[dict]) -> dict[str, list]:
        """A page of raw records -> typed columns (column name -> values), the shape staging writes.

        Column by column, because that is several times faster than a dict per record; a value that
        does not fit is found again record by record for a precise message.
        """
        out: dict[str, list] = {}
        for column in self.columns:
            get, convert = column._get, column._convert  # type: ignore[attr-defined]
            try:
                out[column.name] = [None if (raw := get(r)) is None else convert(raw) for r in records]
            except (TypeError, ValueError, orjson.JSONEncodeError):
                for record in records:
                    self.normalise(record)  # raises the RecordError naming the column and record
                raise
        return out

    def partition_day(self, record: dict) -> date:
        raw = _dig(record, self.partition_field or "")
        if not raw:
            raise RecordError(f"report {self.name}: record id {record.get('id')!r} has no "
                              f"{self.partition_field}, so it belongs to no day")
        return parse_timestamp(raw).astimezone(timezone.utc).date()


def _getter(path: str) -> Callable[[dict], Any]:
    if "." not in path:
        return lambda record: record.get(path)
    return lambda record: _dig(record, path)


def _dig(record: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(record, dict):
            return None
        record = record.get(part)
    return record


def parse_timestamp(value: Any) -> datetime:
    """Keap's timestamps: v2 ``2024-05-21T23:00:00Z``/``.123Z``; v1 ``…+0000``. Naive ones are UTC."""
    if isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.fromisoformat(str(value).strip())  # 3.11+: takes Z, +0000 and +00:00
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _bigint(raw: Any) -> int:
    if isinstance(raw, bool):
        raise TypeError("a boolean is not an integer")
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
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])


def _empty_is_null(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda raw: None if raw == "" else convert(raw)


def _json(raw: Any) -> str:
    return orjson.dumps(raw, option=orjson.OPT_SORT_KEYS).decode()

CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "VARCHAR": str,
    "BIGINT": _empty_is_null(_bigint),
    "DOUBLE": _empty_is_null(float),
    "BOOLEAN": _empty_is_null(_boolean),
    "TIMESTAMPTZ": _empty_is_null(parse_timestamp),
    "DATE": _empty_is_null(_date),
    "JSON": _json,
}


def convert(raw: Any, type_: str) -> Any:
    """One value to a column type; None stays None, and "" is None except for text."""
    return None if raw is None else CONVERTERS[type_](raw)

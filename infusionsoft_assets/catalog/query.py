"""Domo's query syntax for "Data - Query a Data Table", which is Keap's DataService ``queryData``.

A query is comma-separated ``'Field':'value'`` pairs, ANDed (Keap has no OR, and a field appears once);
the YAML may also give a mapping ``{Field: value}``. A value is:

* ``'abc'`` equality, case-insensitive; ``'a%c'`` SQL LIKE with ``%`` anywhere (dates as
  ``YYYY-MM-DD HH:MM:SS`` text: ``'2016-01-20%'`` a day, ``'2016%'`` a year);
* ``'~null~'`` the field is NULL (an empty string is not NULL);
* ``'~<>~x'``, ``'~>~x'``, ``'~>=~x'``, ``'~<~x'``, ``'~<=~x'`` comparisons, with or without a space after
  the tilde; dates as ``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM:SS`` in the app's time zone;
* ``'~>=~LastSuccessfulRun'``: the time of the asset's last successful materialization;
* ``'12,30'`` on an Id field, or a list: one of these ids.

NULL never matches anything but ``~null~``. :func:`to_query_data` gives Keap the struct it takes;
:func:`matcher` applies the same semantics to rows read elsewhere (REST), so both paths give one answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo

LAST_SUCCESSFUL_RUN = "lastsuccessfulrun"
_PAIR = re.compile(r"""\s*(['"])(?P<field>.*?)\1\s*:\s*(['"])(?P<value>.*?)\3\s*(?:,|$)""", re.S)
_OPERATOR = re.compile(r"^~(<>|>=|<=|>|<)~\s*(.*)$", re.S)
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y%m%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
NUMBER_TYPES = ("Id", "Integer", "Long")
DATE_TYPES = ("Date", "DateTime")


class QueryError(ValueError):
    """A query that is not Domo's syntax, or names a field the table does not have."""


@dataclass(frozen=True)
class Criterion:
    field: str
    op: str                 # "=", "like", "null", "<>", ">", ">=", "<", "<=", "in"
    operand: Any            # text; a list of ids for "in"; LAST_SUCCESSFUL_RUN

    @property
    def uses_last_successful_run(self) -> bool:
        return self.operand == LAST_SUCCESSFUL_RUN


def parse(query: str | Mapping[str, Any] | None, types: Mapping[str, str]) -> tuple[Criterion, ...]:
    """The criteria of ``query``; ``types`` are the table's field types (custom fields ``_X`` are text)."""
    if query is None or query == "" or query == {}:
        return ()
    pairs = list(query.items()) if isinstance(query, Mapping) else _pairs(str(query))
    seen: set[str] = set()
    criteria = []
    for field, value in pairs:
        field = str(field).strip()
        if field not in types and not field.startswith("_"):
            raise QueryError(f"{field!r} is not a field of the table")
        if field.lower() in seen:
            raise QueryError(f"{field!r} appears twice: Keap ANDs one criterion per field (it has no OR)")
        seen.add(field.lower())
        criteria.append(_criterion(field, value, types.get(field, "String")))
    return tuple(criteria)


def _pairs(text: str) -> list[tuple[str, str]]:
    pairs, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _PAIR.match(text, position)
        if not match or match.end() == position:
            raise QueryError(f"expected 'Field':'value' at {text[position:position + 30]!r} "
                             "(pairs are quoted and separated by commas)")
        pairs.append((match.group("field"), match.group("value")))
        position = match.end()
    return pairs


def _criterion(field: str, value: Any, ftype: str) -> Criterion:
    if isinstance(value, (list, tuple)):
        return _in_list(field, list(value), ftype)
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return Criterion(field, "=", str(int(value) if isinstance(value, bool) else value))
    text = str(value)
    if text.strip().lower() == "~null~":
        return Criterion(field, "null", "")
    match = _OPERATOR.match(text)
    if match:
        op, operand = match.group(1), match.group(2).strip()
        if operand.lower() == LAST_SUCCESSFUL_RUN:
            if ftype not in DATE_TYPES:
                raise QueryError(f"{field}: LastSuccessfulRun compares dates, and {field} is {ftype}")
            return Criterion(field, op, LAST_SUCCESSFUL_RUN)
        _check_operand(field, operand, ftype)
        return Criterion(field, op, operand)
    if "," in text and ftype == "Id":
        return _in_list(field, [part.strip() for part in text.split(",")], ftype)
    if "%" in text:
        return Criterion(field, "like", text)
    _check_operand(field, text, ftype)
    return Criterion(field, "=", text)


def _in_list(field: str, values: list, ftype: str) -> Criterion:
    if ftype != "Id":
        raise QueryError(f"{field}: a list of values works on Id fields only ({field} is {ftype})")
    try:
        ids = [int(str(v).strip()) for v in values]
    except ValueError:
        raise QueryError(f"{field}: {values!r} is not a list of ids") from None
    if not ids or len(ids) > 1000:
        raise QueryError(f"{field}: a list holds 1 to 1000 ids")
    return Criterion(field, "in", ids)


def _check_operand(field: str, operand: str, ftype: str) -> None:
    if ftype in DATE_TYPES and parse_date(operand) is None:
        raise QueryError(f"{field}: {operand!r} is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)")
    if ftype in NUMBER_TYPES + ("Double",):
        try:
            float(operand)
        except ValueError:
            raise QueryError(f"{field}: {operand!r} is not a number") from None


def parse_date(text: str) -> datetime | None:
    """A date in a criterion: zone-less, in the app's time zone."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


def local_text(moment: datetime, zone: ZoneInfo) -> str:
    """An aware moment as Keap's criteria take it: app-local ``YYYY-MM-DD HH:MM:SS``."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def to_query_data(criteria: tuple[Criterion, ...], zone: ZoneInfo,
                  last_success: datetime | None) -> dict[str, Any]:
    """The ``queryData`` struct Keap takes for ``criteria`` (LastSuccessfulRun resolved)."""
    out: dict[str, Any] = {}
    for c in criteria:
        if c.op == "in":
            out[c.field] = list(c.operand)
        elif c.op == "null":
            out[c.field] = "~null~"
        elif c.op in ("=", "like"):
            out[c.field] = c.operand
        else:
            operand = _resolve(c, zone, last_success)
            out[c.field] = f"~{c.op}~{operand}"
    return out


def _resolve(c: Criterion, zone: ZoneInfo, last_success: datetime | None) -> str:
    if c.operand != LAST_SUCCESSFUL_RUN:
        return c.operand
    return local_text(last_success or datetime(1970, 1, 1, tzinfo=timezone.utc), zone)


# -- the same semantics on rows read elsewhere -----------------------------------------------------
def _local(value: Any, ftype: str, zone: ZoneInfo) -> Any:
    """A row value in the space Keap compares in: dates app-local and zone-less (a Date field is a calendar
    day, not shifted), text lower-case."""
    if isinstance(value, datetime):
        if ftype == "Date":
            return datetime(value.year, value.month, value.day)
        return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        return value.lower()
    return value


def _text(value: Any, ftype: str, zone: ZoneInfo) -> str:
    """How Keap's database renders a value for LIKE."""
    if isinstance(value, (datetime, date)):
        return _local(value, ftype, zone).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _operand(text: str, ftype: str, sample: Any) -> Any:
    if ftype in DATE_TYPES or isinstance(sample, (datetime, date)):
        return parse_date(text)
    if ftype == "Boolean" or isinstance(sample, bool):
        return text.strip().lower() in ("1", "true", "yes")
    if ftype in NUMBER_TYPES + ("Double",) or isinstance(sample, (int, float)):
        try:
            number = float(text.strip())
        except ValueError:
            return None
        return int(number) if number.is_integer() and ftype != "Double" else number
    return text.lower()


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b, "<>": lambda a, b: a != b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}


def matcher(criteria: tuple[Criterion, ...], types: Mapping[str, str], zone: ZoneInfo,
            last_success: datetime | None) -> Callable[[dict], bool]:
    """A predicate on rows keyed by XML-RPC field names, with Keap's semantics."""
    tests = [_test(c, types.get(c.field, "String"), zone, last_success) for c in criteria]
    return lambda row: all(test(row) for test in tests)


def _test(c: Criterion, ftype: str, zone: ZoneInfo, last_success: datetime | None) -> Callable[[dict], bool]:
    field = c.field
    if c.op == "null":
        return lambda row: row.get(field) is None
    if c.op == "in":
        wanted = set(c.operand)
        return lambda row: row.get(field) in wanted
    if c.op == "like":
        regex = re.compile(".*".join(re.escape(p) for p in c.operand.split("%")), re.I | re.S)
        return lambda row: (v := row.get(field)) is not None and regex.fullmatch(_text(v, ftype, zone)) is not None
    text = _resolve(c, zone, last_success)
    compare = _COMPARE[c.op]

    def test(row: dict) -> bool:
        value = row.get(field)
        if value is None:
            return False
        target = _operand(text, ftype, value)
        if target is None:
            return False
        try:
            return compare(_local(value, ftype, zone), target)
        except TypeError:
            return False

    return test

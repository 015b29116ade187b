"""Keap's DataService ``queryData`` syntax as pure functions: parse a criterion, match rows, order, page.

What is imitated (keap-xmlrpc.md §3):

* ``queryData`` is a struct ``{field: criterion}``; several keys are ANDed (there is no OR).
* Matching is case-insensitive. A string containing ``%`` is a SQL ``LIKE`` (``%`` = any run of
  characters, anywhere in the pattern); ``{'Id': '%'}`` therefore means "every row whose Id is not
  NULL". ``_`` is taken literally (Keap documents only ``%``).
* ``~null~`` matches NULL only; the empty string ``''`` matches empty strings only (two different
  things, as the docs stress). NULL never matches any other criterion (SQL three-valued logic), so
  ``~<>~x`` does not return rows where the field is NULL.
* ``~<>~ ~>~ ~>=~ ~<~ ~<=~`` prefix the operand, with or without a space after the closing tilde.
* An XML-RPC array is an ``IN`` list, accepted on ``Id`` fields only, at most 1000 values.
* Dates in criteria are strings in the **app's local time** (:data:`keap_sandbox.wire.APP_ZONE`): ``YYYY-MM-DD``,
  ``YYYY-MM-DD HH:MM:SS`` (also ``T``-separated or the compact XML-RPC ``YYYYMMDDTHH:MM:SS``), and
  ``LIKE`` patterns such as ``2016-01-20%`` or ``2016-01%`` that match the ``YYYY-MM-DD HH:MM:SS`` text.
  A ``dateTime.iso8601`` value (zone-less, also app-local) is accepted as an equality criterion.

Rows hold aware UTC datetimes (DateTime fields) or UTC midnights (Date fields: a calendar date, no
zone). :func:`wire_value` turns both into the zone-less app-local datetimes XML-RPC carries, and every
date comparison happens in that app-local, zone-less space so what a client sends and what it gets
back line up exactly.

Faults use Keap's codes and ``[Tag]message`` strings (keap-xmlrpc.md §4).
"""

from __future__ import annotations

import re
import xmlrpc.client
from datetime import datetime
from typing import Any, Callable

from ..wire import no_method_matching, xmlrpc_time

MAX_LIMIT = 1000
MAX_IN_VALUES = 1000
_DATE_TYPES = ("Date", "DateTime")
_NUMBER_TYPES = ("Id", "Integer", "Long")

Row = dict
Getter = Callable[[Row], Any]
Predicate = Callable[[Row], bool]


# --------------------------------------------------------------------------- faults


def fault(code: int, tag: str, message: str) -> xmlrpc.client.Fault:
    return xmlrpc.client.Fault(code, f"[{tag}]{message}")


def no_table(table: str) -> xmlrpc.client.Fault:
    return fault(9, "NoTableFound", f"No table found: {table}")


def no_field(table: str, field: str) -> xmlrpc.client.Fault:
    return fault(10, "NoFieldFound", f"No field found: {table}.{field}")


def no_field_access(table: str, field: str) -> xmlrpc.client.Fault:
    return fault(8, "NoFieldAccess", f"No field access: {table}.{field}")


def invalid_parameter(message: str) -> xmlrpc.client.Fault:
    return fault(12, "InvalidParameter", message)


def no_method(params: tuple, *, key_slot: bool = True) -> xmlrpc.client.Fault:
    """Fault 0 ``No method matching arguments: …``: Keap's Java servlet resolves overloads by exact
    types. ``params`` are a method's arguments after the key slot (a String, or the call would not
    have reached the method); ``key_slot=False``: the call's own arguments, key slot included."""
    return xmlrpc.client.Fault(0, no_method_matching(("key", *params) if key_slot else params))


def check_signature(params: tuple, *signatures: tuple[type, ...]) -> int:
    """Index of the signature ``params`` match exactly (``bool`` is not an ``int``), else the fault."""
    for index, signature in enumerate(signatures):
        if len(params) == len(signature) and all(type(p) is t for p, t in zip(params, signature)):
            return index
    raise no_method(params)


# --------------------------------------------------------------------------- dates


def app_local(moment: datetime, ftype: str = "DateTime") -> datetime:
    """A field's datetime as XML-RPC carries it (:func:`keap_sandbox.wire.xmlrpc_time`): app-local and
    zone-less; a ``Date`` field is a calendar day, not shifted."""
    return xmlrpc_time(moment, date_only=ftype == "Date")


_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y%m%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                 "%Y-%m-%d")


def parse_date(text: str) -> datetime | None:
    """A criterion's date string as a zone-less app-local datetime, or None if it is not a date."""
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def wire_value(value: Any, ftype: str) -> Any:
    """A row value as XML-RPC returns it (datetimes app-local and zone-less; the rest unchanged)."""
    if isinstance(value, datetime):
        return app_local(value, ftype)
    return value


# --------------------------------------------------------------------------- criteria


_OPERATOR = re.compile(r"^~(<>|>=|<=|>|<)~\s*(.*)$", re.S)
_COMPARE = {"=": lambda a, b: a == b, "<>": lambda a, b: a != b, ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}


def split_operator(criterion: str) -> tuple[str, str]:
    """``(op, operand)``: op is one of ``null = <> > >= < <=``; ``=`` when no tilde operator."""
    if criterion.strip().lower() == "~null~":
        return "null", ""
    match = _OPERATOR.match(criterion)
    if match:
        return match.group(1), match.group(2)
    return "=", criterion


def like_regex(pattern: str) -> re.Pattern:
    """SQL LIKE with ``%`` only, case-insensitive, anchored at both ends."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("%")), re.I | re.S)


def text_of(value: Any, ftype: str) -> str:
    """How MySQL would render a value for LIKE: dates as ``YYYY-MM-DD HH:MM:SS`` (app-local)."""
    if isinstance(value, datetime):
        return app_local(value, ftype).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _comparable(value: Any, ftype: str) -> Any:
    """A row value in the space criteria are compared in (lower-case text, app-local dates)."""
    if isinstance(value, datetime):
        return app_local(value, ftype)
    if isinstance(value, str):
        return value.lower()
    return value


def _operand(text: str, ftype: str, value_type: type) -> Any:
    """The criterion operand coerced to the field's kind; None when it cannot be (nothing matches)."""
    if ftype in _DATE_TYPES or value_type is datetime:
        return parse_date(text)
    if value_type is bool or ftype == "Boolean":
        return text.strip().lower() in ("1", "true", "yes")
    if ftype in _NUMBER_TYPES or ftype == "Double" or value_type in (int, float):
        try:
            number = float(text.strip())
        except ValueError:
            return None  # MySQL would coerce to 0; matching nothing is the safer imitation
        return int(number) if number.is_integer() and ftype != "Double" else number
    return text.lower()


def compile_criterion(table: str, field: str, ftype: str, getter: Getter, criterion: Any,
                      value_type: type = str) -> Predicate:
    """A row predicate for one ``queryData`` entry. ``value_type`` is the Python type rows hold."""
    if isinstance(criterion, list):
        return _in_list(table, field, ftype, getter, criterion)
    if isinstance(criterion, datetime):  # a dateTime.iso8601 value: app-local equality
        return lambda row: (v := getter(row)) is not None and _comparable(v, ftype) == criterion
    if not isinstance(criterion, str):  # int / float / bool: typed equality
        return lambda row: (v := getter(row)) is not None and v == criterion
    op, operand = split_operator(criterion)
    if op == "null":
        return lambda row: getter(row) is None
    if op == "=" and "%" in operand:
        regex = like_regex(operand)
        return lambda row: (v := getter(row)) is not None and regex.fullmatch(text_of(v, ftype)) is not None
    target = _operand(operand, ftype, value_type)
    if target is None:
        return lambda row: False
    compare = _COMPARE[op]

    def predicate(row: Row) -> bool:
        value = getter(row)
        if value is None:
            return False
        try:
            return compare(_comparable(value, ftype), target)
        except TypeError:  # e.g. a number criterion on a text field: no match, as SQL coercion fails
            return False

    return predicate


def _in_list(table: str, field: str, ftype: str, getter: Getter, values: list) -> Predicate:
    if ftype != "Id":
        raise invalid_parameter(f"IN lists are only supported on Id fields: {table}.{field}")
    if len(values) > MAX_IN_VALUES:
        raise invalid_parameter(f"IN lists accept at most {MAX_IN_VALUES} values: {table}.{field}")
    wanted = set()
    for value in values:
        try:
            wanted.add(int(value))
        except (TypeError, ValueError):
            raise invalid_parameter(f"Invalid Id in list for {table}.{field}: {value!r}") from None
    return lambda row: getter(row) in wanted


def matches_all(predicates: list[Predicate]) -> Predicate:
    if not predicates:
        return lambda row: True
    if len(predicates) == 1:
        return predicates[0]
    return lambda row: all(p(row) for p in predicates)


# --------------------------------------------------------------------------- order and pages


def order_rows(rows: list[Row], getter: Getter, ftype: str, ascending: bool) -> list[Row]:
    """MySQL order: NULLs first when ascending (last when descending), text case-insensitive.

    The sort is stable, so ties keep the table's Id order in both directions.
    """
    def key(row: Row):
        value = getter(row)
        return (0, 0) if value is None else (1, _comparable(value, ftype))

    return sorted(rows, key=key, reverse=not ascending)


def page_of(rows: list[Row], limit: int, page: int) -> list[Row]:
    """0-based page ``page`` of ``limit`` rows (limit clamped to Keap's 1000)."""
    limit = min(limit, MAX_LIMIT)
    if limit <= 0 or page < 0:
        return []
    return rows[page * limit:(page + 1) * limit]

"""Report parameters as users know them from Domo, and their validation.

A parameter's *kind* says what its values are: ``id`` (Keap ids: whole numbers), ``email``,
``saved_search`` (an id, a name, or ``*``), ``field`` (a field name). Lists are accepted everywhere a
single value is; "all" is accepted where the report can enumerate every target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ALL = "all"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ParamError(ValueError):
    """One bad parameter value; the caller adds which instance and key."""


@dataclass(frozen=True)
class Option:
    """A parameter that is not a fan-out target (the fields of "Search - Saved Search New", a data
    table's query). ``single``: one value, not a list; ``choices``: the values allowed."""

    name: str
    kind: str
    description: str
    required: bool = False
    single: bool = False
    choices: tuple[str, ...] = ()


def _listed(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str) and "," in value:
        return [part.strip() for part in value.split(",") if part.strip()]
    return [value]


def _one(kind: str, value: Any) -> Any:
    if kind == "id":
        if isinstance(value, bool) or not re.fullmatch(r"\d+", str(value).strip()) or int(value) < 1:
            raise ParamError(f"{value!r} is not a Keap id (a whole number of 1 or more)")
        return int(value)
    if kind == "email":
        if not isinstance(value, str) or not _EMAIL.match(value.strip()):
            raise ParamError(f"{value!r} is not an email address")
        return value.strip()
    if kind == "saved_search":
        text = str(value).strip()
        if not text or isinstance(value, bool):
            raise ParamError(f"{value!r} is not a saved search id, name or *")
        return int(text) if text.isdigit() else text
    if kind == "field":
        if not isinstance(value, str) or not value.strip():
            raise ParamError(f"{value!r} is not a field name")
        return value.strip()
    raise ParamError(f"unknown parameter kind {kind!r}")  # a catalog bug, said plainly


def validate_option(option: Option, value: Any) -> Any:
    """An option's normalised value: one value or a list, a query as given (parsed by its report)."""
    if option.kind == "query":
        if not isinstance(value, (str, dict)):
            raise ParamError("a query is a string of 'Field':'value' pairs or a mapping of field to value")
        return value
    if option.kind == "bool":
        if not isinstance(value, bool):
            raise ParamError(f"{value!r} is not true or false")
        return value
    if option.single:
        if isinstance(value, (list, tuple, dict)):
            raise ParamError(f"{value!r}: one value, not several")
        text = str(value).strip()
        if option.choices and text not in option.choices:
            raise ParamError(f"{text!r} is not one of {', '.join(option.choices)}")
        return _one(option.kind, text) if option.kind != "text" else text
    return validate(option.kind, value, allow_all=False)


def validate(kind: str, value: Any, *, allow_all: bool) -> Any:
    """The normalised value: "all", or a non-empty list of values of ``kind``."""
    if isinstance(value, str) and value.strip().lower() == ALL:
        if not allow_all:
            raise ParamError("'all' is not possible here: name the targets")
        return ALL
    values = _listed(value)
    if not values:
        raise ParamError("is empty")
    return [_one(kind, v) for v in values]

"""Reusable column sources for Keap's nested shapes. Each declares the v2 ``field`` it reads, so a report's
``fields`` parameter is derived from its columns."""

from __future__ import annotations

from typing import Any, Callable


def by_field(list_key: str, field_value: str, attribute: str) -> Callable[[dict], Any]:
    """``attribute`` of the item of ``record[list_key]`` whose ``field`` is ``field_value`` (EMAIL1, PHONE2)."""
    from .columnar import Keyed

    return Keyed(list_key, "field", field_value, attribute)


def joined(path: str, separator: str = ",") -> Callable[[dict], Any]:
    """A list field as one delimited string (``tag_ids`` -> ``"91,93"``), for columns users filter with LIKE."""
    from .spec import dig

    def source(record: dict) -> Any:
        value = dig(record, path)
        return separator.join(map(str, value)) if isinstance(value, list) else value

    source.field = path.split(".", 1)[0]  # type: ignore[attr-defined]
    return source


#: Where the fetch puts the target a fan-out request was made for, an exploded list's element, and the
#: index of the list (of :class:`.sources.Lists`) a record came from.
TARGET = "__target__"
ITEM = "__item__"
PART = "__part__"

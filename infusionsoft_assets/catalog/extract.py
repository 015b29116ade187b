"""Reusable column sources for Keap's nested v2 shapes (lists keyed by a ``field`` such as EMAIL1)."""

from __future__ import annotations

from typing import Any, Callable


def by_field(list_key: str, field_value: str, attribute: str) -> Callable[[dict], Any]:
    """``attribute`` of the item of ``record[list_key]`` whose ``field`` is ``field_value``."""

    def source(record: dict) -> Any:
        for item in record.get(list_key) or ():
            if isinstance(item, dict) and item.get("field") == field_value:
                return item.get(attribute)
        return None

    source.__name__ = f"{list_key}[{field_value}].{attribute}"
    return source

"""Building blocks for REST homes: where an XML-RPC field sits in a REST record, and how its value turns
back into the XML-RPC representation (a v2 enum into Keap's legacy integer, a CurrencyValue into a
double in major units). Every helper names the v2 ``field`` it reads, so ``fields=`` can be derived."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..columnar import Keyed
from ..extract import PART
from ..spec import dig, money

Getter = Callable[[dict], Any]


def via(path: str, convert: Callable[[Any], Any]) -> Getter:
    """``convert`` of the value at ``path`` (None stays None)."""

    def get(record: dict) -> Any:
        value = dig(record, path)
        return None if value is None else convert(value)

    get.field = path.split(".", 1)[0]  # type: ignore[attr-defined]
    return get


def in_list(list_key: str, slot: str, attribute: str) -> Getter:
    """``attribute`` of the item of ``record[list_key]`` whose ``field`` is ``slot`` (EMAIL2, PHONE1, BILLING)."""
    return Keyed(list_key, "field", slot, attribute)


def joined(path: str, separator: str = ",") -> Getter:
    """A list as XML-RPC's delimited text (``tag_ids`` -> ``Groups``); an empty list is NULL."""
    return via(path, lambda value: separator.join(map(str, value)) if value else None)


def joined_items(path: str, attribute: str, separator: str = ",") -> Getter:
    """``attribute`` of each item of a list of objects as XML-RPC's delimited text (``commission_programs``
    -> ``ProgramIds``); an empty list is NULL."""
    return via(path, lambda value: separator.join(str(item.get(attribute)) for item in value
                                                   if isinstance(item, dict) and item.get(attribute) is not None)
               or None)


def dollars(path: str) -> Getter:
    """A v2 ``CurrencyValue`` (minor units) as XML-RPC's double in major units."""
    return via(path, lambda value: float(money(value)))


def coded(path: str, codes: Mapping[Any, Any]) -> Getter:
    """A v2 enum back to Keap's legacy code (``ACTIVE`` -> 1); a value not in ``codes`` stays as it is."""
    return via(path, lambda value: codes.get(value, value))


def flag(path: str) -> Getter:
    """A v2 boolean as XML-RPC's 0/1 integer."""
    return via(path, lambda value: 1 if value else 0)


def id_or_zero(path: str) -> Getter:
    """A v2 reference where Keap's legacy table writes ``0`` for "none" and v2 writes ``null`` (a top-level
    category's ``ParentId``, an order line without a product)."""

    def get(record: dict) -> Any:
        value = dig(record, path)
        return 0 if value is None or value == "" else value

    get.field = path.split(".", 1)[0]  # type: ignore[attr-defined]
    return get


def first_of(list_key: str, attribute: str) -> Getter:
    """``attribute`` of the first item of ``record[list_key]`` that has one (an order's ``subscription_id``
    among its lines -> ``Job.JobRecurringId``)."""

    def get(record: dict) -> Any:
        for item in dig(record, list_key) or ():
            if isinstance(item, dict) and item.get(attribute) is not None:
                return item.get(attribute)
        return None

    get.field = list_key.split(".", 1)[0]  # type: ignore[attr-defined]
    return get


def per_part(sources: list[str | Getter | None]) -> Getter:
    """A column of a table spread over several lists (:class:`..sources.Lists`): the i-th list's records read
    ``sources[i]`` (a path or a getter; None: that list does not serve the field, NULL)."""
    getters = [None if s is None else s if callable(s) else (lambda record, path=s: dig(record, path))
               for s in sources]

    def get(record: dict) -> Any:
        getter = getters[record.get(PART, 0)]
        return None if getter is None else getter(record)

    return get


def always(value: Any) -> Getter:
    """The same value for every record of a list (what a list's records are: ``ObjectType`` ``Note``)."""
    return lambda record: value

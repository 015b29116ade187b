"""One declarative shape for every REST v2 list endpoint: a frozen :class:`ListEndpoint` per endpoint.

An endpoint names its path, the record type its errors name, the page's list key, where its records
come from, its filters (each a :class:`Filter`: the kind of value it takes and its test), its
``order_by`` fields (each a sort key), the accepted page sizes and the properties left out unless
``fields`` asks for them. :class:`EndpointList` serves one; paging, page tokens, the filter grammar and
the error bodies are :mod:`.v2`'s. Declare an endpoint and :func:`register` it::

    TAGS = ListEndpoint("/rest/v2/tags", "Tag", "tags", tag_records,
                        filters={"name": exact(), "tag_ids": ids("id"), "since_update_time": since("update_time")},
                        orders={"name": sort_key("name")}, default_order=by_id)

A list below a parent record (``/contacts/{contact_id}/notes``) names its :class:`Parent`; its records
are ``records(ds, parent_id)`` and None for an unknown parent (a 404 naming it). Endpoints whose
filters depend on the tenant (custom fields) are made by a function of the dataset.

Filter tests take a parsed :class:`~.v2.Condition` and return a record predicate; a record key is a
property name, a dotted path into nested objects (``category.id``) or a callable of the record, and
defaults to the filter's own name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from starlette.responses import Response

from ..wire import iso_ms, parse_v2_time
from .v2 import (BOOL, COMPARED_TIME, DECIMAL, DEFAULT_PAGE_SIZE, EXACT, LIST, MAX_PAGE_SIZE, NUMBER, ORDERED,
                 TIME, WILDCARD, ApiError, Condition, ListResource, compact_json, list_fields, matches_text,
                 number_matches, page_body, parse_fields, parse_filter, parse_page_size, time_matches)

Key = str | Callable[[dict], Any] | None
Test = Callable[[Condition], Callable[[dict], bool]]


@dataclass(frozen=True)
class Filter:
    """A filter's kind (the operators and values it accepts, see :mod:`.v2`) and its test; ``test=None``
    when the endpoint's ``select`` applies it (windows read by bisect, id lists read from an index)."""

    kind: str
    test: Test | None = None


@dataclass(frozen=True)
class Parent:
    """The record a list hangs below. An unknown one answers 404 with ``message`` (``{resource}`` and
    ``{id}`` filled in) and ``domain`` (default: the path parameter's name)."""

    param: str
    resource: str
    message: str = "{resource} {id} not found"
    domain: str = ""

    def missing(self, value: str) -> Response:
        return ApiError(404, self.message.format(resource=self.resource, id=value),
                        domain=self.domain or self.param, resource=self.resource).response()


#: The 404 of lists whose parent is named like a by-id lookup: ``Affiliate not found: 12``, domain ``id``.
BY_ID = {"message": "{resource} not found: {id}", "domain": "id"}


@dataclass(frozen=True)
class ListEndpoint:
    """One v2 list endpoint, declared.

    ``records``: ``records(ds)`` (or ``records(ds, parent_id)`` below a ``parent``), rendered once.
    ``orders``: ``order_by`` field -> sort key; without ``order_by`` the records come in
    ``default_order`` (None: as ``records`` gives them), which also breaks ties under ``order_by``.
    ``page_sizes``: the accepted ``page_size`` range. ``optional``: properties left out unless named in
    ``fields`` (Keap's "optional properties"); ``selectable``: instead, the properties ``fields`` may
    name, ``default_fields`` those sent without it, ``unrendered`` those accepted but never present.
    ``rules``: ``(conditions, resource)`` callables raising :class:`~.v2.ApiError` on a bad combination.
    ``select``: ``(ds, records, conditions, order) -> rows`` for endpoints whose filters reshape the
    source (windows, indexes); it then also orders. ``totals``: page-level sums ``(ds, page) -> dict`` sent
    after ``next_page_token``. ``paging``: ``"pages"`` (``page_size``/``page_token``), ``"whole"``
    (every record, ``next_page_token`` always ``""``) or ``"bare"`` (every record, no token at all).
    """

    path: str
    resource: str
    envelope: str
    records: Callable[..., list[dict] | None]
    filters: Mapping[str, Filter] = field(default_factory=dict)
    orders: Mapping[str, Callable[[dict], Any]] = field(default_factory=dict)
    default_order: Callable[[dict], Any] | None = None
    page_sizes: tuple[int, int] = (0, MAX_PAGE_SIZE)
    optional: tuple[str, ...] = ()
    selectable: tuple[str, ...] | None = None
    default_fields: tuple[str, ...] | None = None
    unrendered: frozenset[str] = frozenset()
    rules: tuple[Callable[[list[Condition], str], None], ...] = ()
    select: Callable[..., list[dict]] | None = None
    totals: Callable[..., dict] | None = None
    paging: str = "pages"
    parent: Parent | None = None


class EndpointList(ListResource):
    """Serves one :class:`ListEndpoint` (below a parent: one instance per parent record)."""

    def __init__(self, endpoint: ListEndpoint, ds, rows: list[dict] | None = None):
        super().__init__()
        self.endpoint, self.ds, self._rows = endpoint, ds, rows
        self.resource, self.envelope = endpoint.resource, endpoint.envelope
        self.filters = {name: f.kind for name, f in endpoint.filters.items()}
        self.order_fields = tuple(endpoint.orders)
        self.fields, self.default_fields = endpoint.selectable, endpoint.default_fields
        self.unrendered_fields = endpoint.unrendered

    @property
    def records(self) -> list[dict]:
        """The endpoint's records, rendered on first use (big record sets cost nothing until asked for)."""
        if self._rows is None:
            self._rows = self.endpoint.records(self.ds)
        return self._rows

    def parse_conditions(self, raw_filter: str) -> list[Condition]:
        conditions = parse_filter(raw_filter, self.filters, self.resource)
        for rule in self.endpoint.rules:
            rule(conditions, self.resource)
        return conditions

    def page_size(self, raw: str | None) -> int:
        low, high = self.endpoint.page_sizes
        if raw is None or raw.strip() == "":
            return min(high, DEFAULT_PAGE_SIZE)
        size = parse_page_size(raw, self.resource) if raw.strip() != "0" else 0
        if not low <= size <= high:
            raise ApiError(400, f"Invalid page_size {size}: must be between {low} and {high}",
                           domain="page_size", resource=self.resource)
        return size or min(high, DEFAULT_PAGE_SIZE)

    def _keys(self, params):
        optional = self.endpoint.optional
        if not optional:
            return super()._keys(params)
        requested = parse_fields(params.getlist("fields"), optional, self.resource) or []
        base = tuple(k for k in (self.records[0] if self.records else {}) if k not in optional)
        return base + tuple(k for k in requested if k in optional)

    def select(self, conditions, order):
        endpoint = self.endpoint
        if endpoint.select is not None:
            return endpoint.select(self.ds, self.records, conditions, order)
        rows = self.records
        for cond in conditions:
            predicate = endpoint.filters[cond.field].test(cond)
            rows = [row for row in rows if predicate(row)]
        rows = sorted(rows, key=endpoint.default_order) if endpoint.default_order else list(rows)
        if order is not None:
            rows.sort(key=endpoint.orders[order[0]], reverse=order[1])
        return rows

    def page(self, params):
        if self.endpoint.paging != "pages":  # declared without paging: every record, no query read
            return self.select([], None), None, ""
        return super().page(params)

    def body(self, params) -> bytes:
        endpoint = self.endpoint
        if endpoint.paging == "bare":
            return compact_json(list_fields(self.envelope, self.records))
        if endpoint.totals is None:
            return super().body(params)
        chunk, _, next_token = self.page(params)
        return page_body(self.envelope, chunk, next_token, **endpoint.totals(self.ds, chunk))


def register(router, ds, endpoint: ListEndpoint) -> "EndpointList | Scoped":
    """Route ``endpoint`` (GET) and return what serves it."""
    served = EndpointList(endpoint, ds) if endpoint.parent is None else Scoped(endpoint, ds)
    router.add(endpoint.path, served)
    return served


class Scoped:
    """A list below a parent: one :class:`EndpointList` per parent record, made on first use and kept
    (its page cache keeps paging O(page)); an unknown parent answers the parent's 404."""

    def __init__(self, endpoint: ListEndpoint, ds):
        self.endpoint, self.ds = endpoint, ds
        self._built: dict[str, EndpointList | None] = {}

    def list_for(self, key: str) -> EndpointList | None:
        if key not in self._built:
            rows = self.endpoint.records(self.ds, key)
            self._built[key] = None if rows is None else EndpointList(self.endpoint, self.ds, rows)
        return self._built[key]

    async def __call__(self, request, **params):
        key = params[self.endpoint.parent.param]
        served = self.list_for(key)
        if served is None:
            return self.endpoint.parent.missing(key)
        return await served.handle(request)


# --------------------------------------------------------------------------- record keys and sort keys


def lookup(record: dict, key: Key):
    """``record[key]``; a dotted key reads a nested object (``category.id``), a callable is called; None
    when absent."""
    if callable(key):
        return key(record)
    value = record
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def sortable(value):
    return value.lower() if isinstance(value, str) else (value if value is not None else "")


def sort_key(key: Key) -> Callable[[dict], tuple]:
    """Order as MySQL does: NULLs first (last descending), text case-insensitive."""
    def of(record):
        value = lookup(record, key)
        return value is not None, sortable(value)
    return of


def by(*names: str) -> Callable[[dict], tuple]:
    """Order on record fields in turn, NULLs last and text as is, ties broken by numeric id."""
    def key(r):
        return tuple((r[n] is None, r[n] if r[n] is not None else "") for n in names) + (_int_or_zero(r.get("id")),)
    return key


def _int_or_zero(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def by_id(record: dict) -> int:
    return int(record["id"])


# --------------------------------------------------------------------------- filters


def _test(key: Key, match: Callable[[Any, Condition], bool]) -> Test:
    """A test reading ``key`` (default: the filter's own name) and matching its value to the condition."""
    def make(cond: Condition):
        read = cond.field if key is None else key
        return lambda record: match(lookup(record, read), cond)
    return make


def _text(value, cond: Condition) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return str(value).lower() == cond.value.lower()
    return matches_text(str(value), cond)


def exact(key: Key = None) -> Filter:
    """Case-insensitive equality (a flag reads ``true``/``false``); NULL never matches."""
    return Filter(EXACT, _test(key, _text))


def wildcard(key: Key = None) -> Filter:
    """As :func:`exact`, and a trailing ``*`` makes it a prefix match."""
    return Filter(WILDCARD, _test(key, _text))


def ids(key: Key = None, kind: str = LIST) -> Filter:
    """A comma list of ids; the record's value (or any of its values, for a list) must be one of them."""
    def make(cond: Condition):
        wanted, read = {v.strip() for v in cond.value.split(",")}, cond.field if key is None else key

        def test(record):
            value = lookup(record, read)
            if value is None:
                return False
            return bool(wanted & {str(v) for v in value}) if isinstance(value, list) else str(value) in wanted
        return test
    return Filter(kind, make)


def number(key: Key = None, kind: str = NUMBER) -> Filter:
    """A comparison (``==, !=, <, <=, >, >=`` as ``kind`` allows) on a number or numeric string."""
    return Filter(kind, _test(key, lambda value, cond: number_matches(value, cond)))


def ordered(key: Key = None) -> Filter:
    return number(key, ORDERED)


def decimal(key: Key = None) -> Filter:
    return number(key, DECIMAL)


def boolean(key: Key = None) -> Filter:
    """``==true``/``==false`` against the record's truth value."""
    return Filter(BOOL, _test(key, lambda value, cond: bool(value) == (cond.value.lower() == "true")))


def compared_time(key: Key = None) -> Filter:
    return Filter(COMPARED_TIME, _test(key, lambda value, cond: time_matches(value, cond)))


def _window(key: Key, keep: Callable[[str, str], bool]) -> Filter:
    def make(cond: Condition):
        bound, read = iso_ms(parse_v2_time(cond.value)), cond.field if key is None else key

        def test(record):
            value = lookup(record, read)
            return value is not None and keep(value, bound)
        return test
    return Filter(TIME, make)


def since(key: Key = None) -> Filter:
    """``time >= T`` (v2 times are one fixed-width form, so the text orders as the instants do)."""
    return _window(key, lambda value, bound: value >= bound)


def until(key: Key = None) -> Filter:
    """``time < T``: half-open windows tile without overlap or gaps."""
    return _window(key, lambda value, bound: value < bound)


def at_time(key: Key = None) -> Filter:
    """A time declared with ``==`` alone: the same instant."""
    def match(value, cond):
        return value is not None and parse_v2_time(value) == parse_v2_time(cond.value)
    return Filter(TIME, _test(key, match))


def custom(kind: str, match: Callable[[dict, Condition], bool]) -> Filter:
    """A filter whose test is its own ``match(record, condition)``."""
    return Filter(kind, lambda cond: lambda record: match(record, cond))


def applied(kind: str) -> Filter:
    """A filter the endpoint's ``select`` applies (``test=None``)."""
    return Filter(kind)


# --------------------------------------------------------------------------- rules on combinations


def at_most_100(field_name: str):
    def rule(conditions, resource):
        for cond in conditions:
            if cond.field == field_name and len(cond.value.split(",")) > 100:
                raise ApiError(400, f"{field_name} accepts at most 100 ids", domain="filter", resource=resource)
    return rule


def not_together(a: str, b: str):
    def rule(conditions, resource):
        if {a, b} <= {c.field for c in conditions}:
            raise ApiError(400, f"{a} and {b} cannot be used together", domain="filter", resource=resource)
    return rule


def required_one_of(*names: str):
    def rule(conditions, resource):
        if not set(names) & {c.field for c in conditions}:
            raise ApiError(400, f"filter must include at least one of {', '.join(names)}", domain="filter",
                           resource=resource)
    return rule


"""Source shapes: where a report's raw records come from, as data. :mod:`.fetch` is the one place that
turns a shape into client calls.

Endpoints are relative to their API's base (``/crm/rest/v2`` or ``/crm/rest/v1``) and may hold
``{placeholders}``: a fan-out fills its target (``{affiliate_id}``); a lookup fills them from the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

Api = Literal["v2", "v1"]


@dataclass(frozen=True)
class RestList:
    """A paged list. v2: ``page_size``/``page_token``, ``filter`` clauses, ``fields``, ``order_by``; v1:
    ``limit``/``offset`` and plain query parameters.

    ``window``: the names of the API's own time-window filter (v2 filter clauses such as
    ``("since_time", "until_time")``, sent as ``since_time==T``, or with their operator where the list
    compares a time, ``("update_time>=", "update_time<")``; v1 query parameters ``("since", "until")``),
    for range reports.
    ``filters``: fixed v2 filter clauses (``"webform_type==LEGACY"``); ``params``: fixed query parameters.
    ``fields``: send v2 ``fields=`` derived from the columns (endpoints whose default field set is reduced).
    """

    endpoint: str
    items_key: str
    api: Api = "v2"
    window: tuple[str, str] | None = None
    filters: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    fields: bool = False

    @property
    def label(self) -> str:
        return f"rest_{self.api} {self.endpoint}"


@dataclass(frozen=True)
class Detail:
    """One GET per target (``/products/{product_id}``), or one GET when the report has no fan-out (an
    application's configuration): the record is the body, or ``body[record_path]`` (a list there gives
    several records)."""

    endpoint: str
    record_path: str = ""
    api: Api = "v2"
    params: Mapping[str, str] = field(default_factory=dict)
    window = None

    @property
    def label(self) -> str:
        return f"rest_{self.api} {self.endpoint}"


@dataclass(frozen=True)
class ReportRun:
    """A saved search's rows: ``POST /reporting/reports/{report_id}:run`` pages (``page_token``), each row a
    list of ``{field_name, value}`` pivoted into a record; its columns come from ``/model``."""

    endpoint: str = "/reporting/reports/{report_id}:run"
    model: str = "/reporting/reports/{report_id}/model"
    selected_fields: bool = False   # send the instance's chosen fields (Domo's "Saved Search New")
    window = None

    @property
    def label(self) -> str:
        return f"rest_v2 {self.endpoint}"


@dataclass(frozen=True)
class XmlRpcQuery:
    """A legacy table through ``DataService.query`` (pages of 1,000). ``date_field`` windows a range report
    (``~>=~`` the window's start, ordered by it, stopping at its end); ``order_by`` orders a snapshot."""

    table: str
    date_field: str | None = None
    order_by: str | None = None
    ascending: bool = True

    @property
    def window(self) -> tuple[str, str] | None:
        return (self.date_field, self.date_field) if self.date_field else None

    @property
    def label(self) -> str:
        return f"xmlrpc DataService.query {self.table}"


@dataclass(frozen=True)
class XmlRpcLoad:
    """One legacy record per target id: ``DataService.load(table, id, fields)``."""

    table: str
    window = None

    @property
    def label(self) -> str:
        return f"xmlrpc DataService.load {self.table}"


@dataclass(frozen=True)
class XmlRpcCall:
    """A legacy service method (``ShippingService.getFlatRateShippingOption``): its arguments are the
    target (``{target}``, sent as an int) or fixed values; the answer is one struct or a list of them."""

    method: str
    args: tuple[str, ...] = ()
    window = None

    @property
    def label(self) -> str:
        return f"xmlrpc {self.method}"


@dataclass(frozen=True)
class Lists:
    """Several v2 lists that together hold one table's rows (ContactAction: tasks, notes, appointments),
    read one after the other. Each record is marked with its list's index under ``__part__``
    (:data:`.extract.PART`), so a column can read each list its own way (:func:`.tables.mapping.per_part`)."""

    parts: tuple[RestList, ...]

    @property
    def window(self) -> tuple[str, str] | None:
        return next((p.window for p in self.parts if p.window), None)

    @property
    def label(self) -> str:
        return "rest_v2 " + " + ".join(p.endpoint for p in self.parts)


Source = RestList | Lists | Detail | ReportRun | XmlRpcQuery | XmlRpcLoad | XmlRpcCall
XMLRPC_SOURCES = (XmlRpcQuery, XmlRpcLoad, XmlRpcCall)


@dataclass(frozen=True)
class Listing:
    """Where "all" comes from: the ids of a v2 list (``/affiliates`` -> every affiliate id)."""

    endpoint: str
    items_key: str
    id_field: str = "id"
    filters: tuple[str, ...] = ()


@dataclass(frozen=True)
class XmlRpcListing:
    """Where "all" comes from over XML-RPC: the ids a method lists, those whose members equal ``where``
    (every flat-rate shipping option of ``ShippingService.getAllShippingOptions``)."""

    method: str
    id_field: str = "id"
    where: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FanOut:
    """How an instance's target parameter drives the requests.

    ``param``: the instance parameter (``affiliate_ids``); ``kind``: what its values are (``id``,
    ``email``, ``saved_search``); ``as_``: the placeholder or filter name (``affiliate_id``).
    ``bind``: ``path`` (``{affiliate_id}`` in the endpoint, one request per target), ``filter`` (a v2
    filter clause ``as_==value``, one request per target), ``filter_all`` (one request, all targets in one
    comma-separated clause, at most ``batch`` per request). ``all_from``: how "all" is enumerated;
    ``all_unfiltered``: "all" is one request without the binding (the list already returns every target's
    rows); with neither, the parameter is required. ``resolve``: map the given values to other ids first
    (an invoice id -> its order's id) through a v2 list filtered by ``resolve_filter`` (``{value}``).
    """

    param: str
    as_: str
    kind: str = "id"
    bind: Literal["path", "filter", "filter_all"] = "path"
    all_from: Listing | XmlRpcListing | None = None
    all_unfiltered: bool = False
    default_all: bool = False
    batch: int = 100
    resolve: Listing | None = None
    resolve_filter: str = ""
    description: str = ""


@dataclass(frozen=True)
class Lookup:
    """Enrich each record with a related object: ``GET endpoint`` with ``{placeholders}`` filled from the
    record (``/contacts/{__item__}``), stored under ``__<into>__``; fetched once per distinct key."""

    into: str
    endpoint: str
    keys: Mapping[str, str]            # placeholder -> dotted path in the record
    params: Mapping[str, str] = field(default_factory=dict)
    record_path: str = ""
    scalar: bool = False               # the operation answers one JSON value (a file's base64 bytes)


@dataclass(frozen=True)
class Sum:
    """Add to each record the sum of ``field`` over another v2 list (``/affiliates/{affiliate_id}/payments``),
    its placeholders filled from the record; stored under ``__<into>__``."""

    into: str
    endpoint: str
    items_key: str
    keys: Mapping[str, str]
    field: str


def top_level_field(source: str | Callable[[dict], Any]) -> str | None:
    """The v2 field a column reads (``company.id`` -> ``company``; a helper's declared ``field``)."""
    if callable(source):
        return getattr(source, "field", None)
    return source.split(".", 1)[0]

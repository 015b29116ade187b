"""How a report's raw records are fetched: the one place that turns source shapes into client calls.

:func:`plan` resolves what a run of one report instance asks for — its targets (the ids, emails or saved
searches of its fan-out parameter, "all" enumerated from the API) and its columns (the spec's, plus custom
fields by name and a saved search's columns, read once per run) — and :meth:`FetchPlan.pages` yields the
raw records page by page, annotated, exploded and enriched as the spec says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Iterator

from zoneinfo import ZoneInfo

from ..keap.client import REST_V1, REST_V2, KeapClient
from ..keap.errors import FatalError
from . import legacy
from .columnar import Keyed
from .extract import PART
from .query import matcher
from .sources import XMLRPC_SOURCES, Detail, FanOut, Listing, Lists, ReportRun, RestList, XmlRpcCall, \
    XmlRpcListing, XmlRpcLoad, XmlRpcQuery
from .spec import Column, CustomFields, ReportSpec, dig, snake

ALL = "all"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def v2_time(moment: datetime) -> str:
    """Keap v2 filter timestamps: ISO-8601 UTC with milliseconds and ``Z`` (v1's since/until take it too)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def fill(template: str, values: dict[str, Any]) -> str:
    """``/affiliates/{affiliate_id}/payments`` with the placeholders filled (a missing one is a bug)."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


def _clause(name: str, moment: datetime) -> str:
    """A window's v2 filter clause: ``since_time==T``, or ``update_time>=T`` where the name has its operator."""
    return f"{name}{v2_time(moment)}" if name[-1] in "<>=" else f"{name}=={v2_time(moment)}"


@dataclass
class FetchNotes:
    """What a run learned beside the rows: page totals Keap stated and whether the rows add up to them."""

    totals_checked: int = 0
    totals_mismatched: list[str] = field(default_factory=list)


@dataclass
class FetchPlan:
    spec: ReportSpec
    client: KeapClient
    params: dict[str, Any]
    targets: list[Any]                  # [None] without a fan-out; else ids / emails / batches of ids
    columns: tuple[Column, ...]
    zone: ZoneInfo = ZoneInfo(legacy.DEFAULT_APP_TIMEZONE)   # the app's zone: XML-RPC dates, query dates
    last_success: datetime | None = None                     # ~>=~LastSuccessfulRun in a query
    notes: FetchNotes = field(default_factory=FetchNotes)
    _lookup_cache: dict[tuple, Any] = field(default_factory=dict)

    # -- the records ----------------------------------------------------------------------------------
    def pages(self, window: tuple[datetime, datetime] | None = None,
              days: list[date] | None = None) -> Iterator[list[dict]]:
        """Raw record pages for the run's window (range reports) or for now (snapshot/lookup reports)."""
        spec = self.spec
        windows: list[tuple[datetime, datetime] | None] = [window]
        if spec.per_day and days:
            windows = [(_midnight(d), _midnight(d + timedelta(days=1))) for d in days]
        for target in self.targets:
            for span in windows:
                fetched = 0
                for page in self._source_pages(target, span):
                    fetched += len(page)
                    records = self._derive(page, target, span)
                    if records:
                        yield records
                if spec.count_endpoint:
                    self._check_count(target, span, fetched)

    @property
    def reads_ahead(self) -> bool:
        """Whether a list's next page may be requested while the caller works on the last one: not when the
        pages' derivations make requests of their own (lookups, sums), so requests stay one at a time."""
        return not (self.spec.lookups or self.spec.sums)

    def _source_pages(self, target: Any, window: tuple[datetime, datetime] | None) -> Iterator[list[dict]]:
        source, fan = self.spec.source, self.spec.fan_out
        values = {fan.as_: target} if fan and fan.bind == "path" else {}
        if isinstance(source, RestList):
            yield from self._list_pages(source, fill(source.endpoint, values), target, window)
        elif isinstance(source, Lists):
            for index, part in enumerate(source.parts):
                for page in self._list_pages(part, fill(part.endpoint, values), target, window):
                    for record in page:
                        record[PART] = index
                    yield page
        elif isinstance(source, Detail):
            base = REST_V2 if source.api == "v2" else REST_V1
            body = self.client.get_json(base + fill(source.endpoint, values), dict(source.params))
            found = dig(body, source.record_path) if source.record_path else body
            records = found if isinstance(found, list) else [found] if isinstance(found, dict) else []
            yield [r for r in records if isinstance(r, dict)]
        elif isinstance(source, ReportRun):
            yield from self._run_pages(source, target)
        elif isinstance(source, XmlRpcQuery):
            yield from legacy.table_pages(self, source, window)
        elif isinstance(source, XmlRpcLoad):
            yield legacy.load_record(self, source, target)
        elif isinstance(source, XmlRpcCall):
            yield legacy.call_method(self, source, target)
        else:  # pragma: no cover - a new shape must be added here
            raise TypeError(f"report {self.spec.name}: unknown source shape {type(source).__name__}")

    def _list_pages(self, source: RestList, endpoint: str, target: Any,
                    window: tuple[datetime, datetime] | None) -> Iterator[list[dict]]:
        fan = self.spec.fan_out
        query: dict[str, Any] = dict(source.params)
        if source.api == "v1":
            if window and source.window:
                query.update({source.window[0]: v2_time(window[0]), source.window[1]: v2_time(window[1])})
            if fan and target is not None and fan.bind != "path":
                query[fan.as_] = ",".join(map(str, target)) if isinstance(target, list) else target
            yield from self.client.iter_v1_pages(endpoint, source.items_key, query, ahead=self.reads_ahead)
            return
        where = self._filter(source, target, window)
        if where:
            query["filter"] = where
        if source.fields:
            query["fields"] = self.spec.fields_param()
        on_page = self._check_totals(endpoint, target) if self.spec.page_totals else None
        yield from self.client.iter_v2_pages(endpoint, source.items_key, query, on_page=on_page,
                                             ahead=self.reads_ahead)

    def _filter(self, source: RestList, target: Any, window: tuple[datetime, datetime] | None) -> str:
        """The v2 ``filter``: fixed clauses, the target's binding, the window."""
        fan = self.spec.fan_out
        clauses = list(source.filters)
        if fan and target is not None and fan.bind == "filter":
            clauses.append(f"{fan.as_}=={target}")
        elif fan and target is not None and fan.bind == "filter_all":
            clauses.append(f"{fan.as_}=={','.join(map(str, target))}")
        if window and source.window:
            clauses += [_clause(source.window[0], window[0]), _clause(source.window[1], window[1])]
        return ";".join(clauses)

    def _check_count(self, target: Any, window: tuple[datetime, datetime] | None, fetched: int) -> None:
        """Keap's own count for the same request must equal the records paged: no silent truncation."""
        source, fan = self.spec.source, self.spec.fan_out
        assert isinstance(source, RestList) and self.spec.count_endpoint
        values = {fan.as_: target} if fan and fan.bind == "path" else {}
        endpoint = fill(self.spec.count_endpoint, values)
        where = self._filter(source, target, window)
        body = self.client.get_json(REST_V2 + endpoint, {"filter": where} if where else {})
        stated = body.get("count")
        self.notes.totals_checked += 1
        if stated is not None and int(stated) != fetched:
            self.notes.totals_mismatched.append(f"{endpoint}: Keap counts {stated}, {fetched} were paged")

    def _run_pages(self, source: ReportRun, target: Any) -> Iterator[list[dict]]:
        query: dict[str, Any] = {}
        chosen = self.params.get("fields")
        if source.selected_fields and chosen:
            query["fields"] = ",".join(chosen)
        endpoint = fill(source.endpoint, {"report_id": target})
        row_number = 0
        for page in self.client.iter_v2_pages(endpoint, "results", query, method="POST", token_key="page_token",
                                              ahead=self.reads_ahead):
            records = []
            for row in page:
                row_number += 1
                records.append({**{c.get("field_name"): c.get("value") for c in row.get("columns") or ()},
                                "__row__": row_number})
            yield records

    # -- derivations ----------------------------------------------------------------------------------
    def _derive(self, page: list[dict], target: Any, window: tuple[datetime, datetime] | None) -> list[dict]:
        spec = self.spec
        if target is not None and not isinstance(target, list):
            for record in page:
                record["__target__"] = target
        if window is not None and spec.per_day:
            for record in page:  # a total over a window belongs to the window's day
                record["__day__"] = window[0].date().isoformat()
        if spec.explode:
            page = [{**record, "__item__": item} for record in page for item in _elements(record, spec)]
        if spec.query and not isinstance(spec.source, XMLRPC_SOURCES):
            page = [record for record in page if self._matches(self._typed(record))]
        for lookup in spec.lookups:
            for record in page:
                keys = {name: dig(record, path) for name, path in lookup.keys.items()}
                record[f"__{lookup.into}__"] = None if None in keys.values() else self._looked_up(lookup, keys)
        for total in spec.sums:
            for record in page:
                keys = {name: dig(record, path) for name, path in total.keys.items()}
                record[f"__{total.into}__"] = None if None in keys.values() else self._summed(total, keys)
        return page

    def __post_init__(self) -> None:
        # A data table's query over REST is applied here, with Keap's semantics, to the fields it tests.
        tested = {c.field for c in self.spec.query}
        self._query_columns = tuple(c for c in self.columns if c.name in tested)
        types = {c.name: "String" for c in self.columns}
        if self.spec.table:
            from .tables import TABLES

            types.update(TABLES[self.spec.table].types)
        self._matches = matcher(self.spec.query, types, self.zone, self.last_success)

    def _typed(self, record: dict) -> dict:
        """The fields a query tests, typed as stored, under their XML-RPC names (rows read over REST)."""
        return {c.name: c.extract(record) for c in self._query_columns}

    def _looked_up(self, lookup, keys: dict[str, Any]) -> Any:
        cache_key = (lookup.into, tuple(sorted(keys.items())))
        if cache_key not in self._lookup_cache:
            try:
                get = self.client.get_value if lookup.scalar else self.client.get_json
                body = get(REST_V2 + fill(lookup.endpoint, keys), dict(lookup.params))
            except FatalError as exc:
                if exc.status != 404:
                    raise
                body = None  # the related object is gone (a deleted contact): its columns stay empty
            self._lookup_cache[cache_key] = dig(body, lookup.record_path) if lookup.record_path else body
        return self._lookup_cache[cache_key]

    def _summed(self, total, keys: dict[str, Any]) -> float:
        cache_key = (total.into, tuple(sorted(keys.items())))
        if cache_key not in self._lookup_cache:
            pages = self.client.iter_v2_pages(fill(total.endpoint, keys), total.items_key)
            self._lookup_cache[cache_key] = round(sum(float(dig(r, total.field) or 0) for p in pages for r in p), 2)
        return self._lookup_cache[cache_key]

    def _check_totals(self, endpoint: str, target: Any) -> Callable[[dict], None]:
        def check(body: dict) -> None:
            rows = body.get(self.spec.source.items_key) or []
            for total_key, row_field in self.spec.page_totals:
                stated = body.get(total_key)
                if stated is None:
                    continue
                added = round(sum(float(dig(r, row_field) or 0) for r in rows), 2)
                self.notes.totals_checked += 1
                if abs(added - float(stated)) > 0.005:
                    self.notes.totals_mismatched.append(
                        f"{endpoint}: Keap states {total_key} {stated}, the page's rows add up to {added}")
        return check


def _elements(record: dict, spec: ReportSpec) -> list:
    value = dig(record, spec.explode or "")
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(spec.explode_split or ",") if part.strip()]
    return list(value) if isinstance(value, list) else [value]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


# -- planning -------------------------------------------------------------------------------------------
def plan(spec: ReportSpec, client: KeapClient, params: dict[str, Any], *, app_timezone: str | None = None,
         last_success: datetime | None = None) -> FetchPlan:
    """Targets and columns for one run of ``spec`` with an instance's (validated) ``params``. The app's time
    zone is read from Keap only when the report needs it (XML-RPC dates, a query's dates)."""
    targets = resolve_targets(spec.fan_out, client, params) if spec.fan_out else [None]
    columns = spec.columns + custom_field_columns(spec, client)
    if isinstance(spec.source, ReportRun):
        columns += saved_search_columns(spec, client, targets, params)
    if spec.table and isinstance(spec.source, XMLRPC_SOURCES):
        columns += legacy.custom_columns(spec, client)
    needs_zone = isinstance(spec.source, XMLRPC_SOURCES) or bool(spec.query)
    zone = legacy.app_zone(client, app_timezone) if needs_zone else ZoneInfo(legacy.DEFAULT_APP_TIMEZONE)
    return FetchPlan(spec, client, params, targets, columns, zone, last_success)


def listing_records(client: KeapClient, listing: Listing) -> Iterator[dict]:
    query = {"filter": ";".join(listing.filters)} if listing.filters else {}
    for page in client.iter_v2_pages(listing.endpoint, listing.items_key, query):
        yield from page


def resolve_targets(fan: FanOut, client: KeapClient, params: dict[str, Any]) -> list[Any]:
    """The instance's values for ``fan.param`` as request targets: "all" enumerated, names resolved to ids,
    ids mapped through ``resolve``, and batched for a ``filter_all`` binding."""
    wanted = params.get(fan.param, ALL if fan.default_all else None)
    if wanted == ALL and fan.all_unfiltered:
        return [None]  # one request without the binding: the list holds every target's rows
    if wanted == ALL and isinstance(fan.all_from, XmlRpcListing):
        values = legacy.listed_ids(client, fan.all_from)
    elif wanted == ALL:
        assert isinstance(fan.all_from, Listing), f"{fan.param}: 'all' is validated before a run"
        values = [str(r.get(fan.all_from.id_field)) for r in listing_records(client, fan.all_from)]
    elif fan.kind == "saved_search":
        values = _saved_search_ids(client, fan, wanted)
    else:
        values = [str(v) for v in wanted]
    if fan.resolve is not None:
        resolved: list[str] = []
        for value in values:
            listing = Listing(fan.resolve.endpoint, fan.resolve.items_key, fan.resolve.id_field,
                              (fill(fan.resolve_filter, {"value": value}),))
            resolved += [str(r.get(listing.id_field)) for r in listing_records(client, listing)]
        values = resolved
    values = list(dict.fromkeys(values))  # the same target twice is fetched once
    if fan.bind == "filter_all":
        return [values[i:i + fan.batch] for i in range(0, len(values), fan.batch)]
    return values


def _saved_search_ids(client: KeapClient, fan: FanOut, wanted: list[Any]) -> list[str]:
    """Saved searches by id, by name (case-insensitive) or ``*`` (all)."""
    assert fan.all_from is not None
    reports = list(listing_records(client, fan.all_from))
    ids: list[str] = []
    for value in wanted:
        text = str(value).strip()
        if text == "*":
            ids += [str(r["id"]) for r in reports]
        elif text.isdigit():
            ids.append(text)
        else:
            matched = [str(r["id"]) for r in reports if str(r.get("name", "")).lower() == text.lower()]
            if not matched:
                raise FatalError(f"{fan.param}: no saved search is named {text!r} "
                                 f"(there are: {', '.join(sorted(str(r.get('name')) for r in reports)[:10])})")
            ids += matched
    return ids


# -- columns found at run time ----------------------------------------------------------------------
def custom_value(path: str, field_id: str) -> Callable[[dict], Any]:
    """The ``content`` of the custom field ``field_id`` in the record's ``custom_fields`` list."""
    return Keyed(path, "id", field_id, "content")


def custom_field_columns(spec: ReportSpec, client: KeapClient) -> tuple[Column, ...]:
    """One VARCHAR column per custom field, by name (``custom_favorite_color``), read from ``/model`` once per
    run: a field added in Keap adds a column and fails nothing. Text, because users' values do not always
    fit their field's type, and a report must not fail on one odd value."""
    columns: list[Column] = []
    taken = {c.name for c in spec.columns}
    # Keap's models do not keep a field name's case everywhere (the affiliates model lowercases it), so a
    # table's own custom columns are matched without case and keep the table's spelling.
    wanted = {n.lower(): n for n in spec.custom_field_names} if spec.custom_field_names is not None else None
    for custom in spec.custom_fields:
        model = client.get_json(REST_V2 + custom.model)
        for item in model.get("custom_fields") or ():
            own = str(item.get("field_name") or item.get("label") or item.get("id"))
            name = custom.prefix + (own if custom.exact else snake(own))
            if custom.exact and wanted is not None:
                if name.lower() not in wanted:
                    continue
                name = wanted[name.lower()]
            if name in taken:
                name = f"{name}_{item.get('id')}"
            taken.add(name)
            columns.append(Column(name, "VARCHAR", custom_value(custom.path, str(item.get("id"))),
                                  description=f"{custom.label} {item.get('label') or item.get('field_name')!r} "
                                              f"(id {item.get('id')}, {item.get('field_type') or 'type unknown'})"))
    return tuple(columns)


def saved_search_columns(spec: ReportSpec, client: KeapClient, targets: list[Any],
                         params: dict[str, Any]) -> tuple[Column, ...]:
    """A saved search's columns from its ``/model`` (every value Keap sends is text); several searches in one
    instance share one table, so the columns are the union."""
    assert isinstance(spec.source, ReportRun)
    chosen = set(params.get("fields") or ()) if spec.source.selected_fields else set()
    columns: dict[str, Column] = {}
    taken = {c.name for c in spec.columns}
    for report_id in targets:
        model = client.get_json(REST_V2 + fill(spec.source.model, {"report_id": report_id}))
        for item in model.get("fields") or ():
            name = item.get("name")
            if not name or (chosen and name not in chosen):
                continue
            column = snake(name)
            if column in taken and column not in columns:
                column = f"field_{column}"
            columns.setdefault(column, Column(column, "VARCHAR", _field_of(name),
                                              description=f"{item.get('label') or name} ({name})"))
    return tuple(columns.values())


def _field_of(name: str) -> Callable[[dict], Any]:
    return lambda record: record.get(name)


__all__ = ["ALL", "FetchNotes", "FetchPlan", "fill", "plan", "resolve_targets", "v2_time", "custom_field_columns",
           "CustomFields"]

"""Reading Keap's legacy XML-RPC API: DataService tables, single records, service methods, and the app's
time zone its dates are written in.

XML-RPC dates carry no zone: they are the Keap app's local time (US Eastern by default). Each is turned
into UTC here, before a row's partition day is chosen; a ``Date`` field (a birthday) is a calendar day
and stays that day. Tables are read in pages of 1,000 (the documented maximum); a window on the table's
date field is sent as ``~>=~`` its start, ordered by that field, and reading stops at its end (Keap allows
one criterion per field, so the end cannot be sent too). Keap's own ``DataService.count`` for the same
query is checked against what was read: no silent truncation.
"""

from __future__ import annotations

import xmlrpc.client
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..keap.client import REST_V2, KeapClient
from ..keap.errors import KeapError
from .query import local_text, to_query_data
from .spec import Column
from .sources import XmlRpcCall, XmlRpcListing, XmlRpcLoad, XmlRpcQuery
from .tables import TABLES

if TYPE_CHECKING:
    from .fetch import FetchPlan

DEFAULT_APP_TIMEZONE = "America/New_York"  # Keap's default app zone


def app_zone(client: KeapClient, configured: str | None = None) -> ZoneInfo:
    """The zone XML-RPC dates are written in: ``configured`` (a tz name), or, when it is ``auto`` or unset,
    what the app's settings say (REST ``/settings/applications:getConfiguration``), else US Eastern."""
    if configured and configured != "auto":
        return ZoneInfo(configured)
    try:
        body = client.get_json(REST_V2 + "/settings/applications:getConfiguration")
        return ZoneInfo(str((body.get("application") or {}).get("time_zone") or DEFAULT_APP_TIMEZONE))
    except (KeapError, ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_APP_TIMEZONE)


def to_utc(value: Any, ftype: str, zone: ZoneInfo) -> Any:
    """One XML-RPC value as stored: app-local datetimes to UTC, Date fields to their day, bytes as bytes."""
    if isinstance(value, datetime):
        if ftype == "Date":
            return value.date()
        local = value if value.tzinfo else value.replace(tzinfo=zone)
        return local.astimezone(timezone.utc)
    if isinstance(value, xmlrpc.client.Binary):
        return value.data
    return value


def from_xmlrpc(row: dict, types: dict[str, str], zone: ZoneInfo) -> dict:
    return {name: to_utc(value, types.get(name, "DateTime"), zone) for name, value in row.items()}


def read_fields(columns: tuple[Column, ...]) -> list[str]:
    """The XML-RPC fields a plan's columns read (their sources are field names)."""
    return [c.source for c in columns if isinstance(c.source, str) and not c.source.startswith("__")]


def table_pages(plan: "FetchPlan", source: XmlRpcQuery,
                window: tuple[datetime, datetime] | None) -> Iterator[list[dict]]:
    table = TABLES[source.table]
    types, zone, client = table.types, plan.zone, plan.client
    query = to_query_data(plan.spec.query, zone, plan.last_success)
    date_field, stop_at = source.date_field, None
    order, ascending = source.order_by or table.key[0], source.ascending
    windowed = window is not None and date_field is not None
    if windowed and date_field not in query:
        # A Date field is a calendar day (no zone): the window's days; a DateTime is app-local time.
        by_day = types.get(date_field) == "Date"
        start = window[0].date().isoformat() if by_day else local_text(window[0], zone)
        query[date_field] = f"~>=~{start}"
        order, ascending, stop_at = date_field, True, window[1].date() if by_day else window[1]
    elif windowed:
        order, ascending = date_field, True  # the user's criterion holds the field: the run keeps its days
    fields = read_fields(plan.columns)
    read = 0
    for page in client.iter_xmlrpc_query(source.table, query or {table.key[0]: "%"}, fields, order, ascending):
        rows = [from_xmlrpc(row, types, zone) for row in page]
        if stop_at is not None:
            inside = [r for r in rows if r.get(date_field) is not None and r[date_field] < stop_at]
            read += len(inside)
            if inside:
                yield inside
            if len(inside) < len(rows):
                break  # ordered by the date: the rest lie past the window's end
        else:
            read += len(rows)
            yield rows
    _check_count(plan, source, query, window, read, stop_at is not None)


def _check_count(plan: "FetchPlan", source: XmlRpcQuery, query: dict, window, read: int, bounded: bool) -> None:
    """Keap's DataService.count for the same query must equal the rows read (the window's end is a
    difference of two counts, as a criterion cannot bound a field twice)."""
    if window is not None and not bounded:
        return  # the user's criterion on the date field: the window is applied here, not by Keap
    count = plan.client.call_xmlrpc
    if bounded:
        assert source.date_field is not None
        by_day = TABLES[source.table].types.get(source.date_field) == "Date"
        end = window[1].date().isoformat() if by_day else local_text(window[1], plan.zone)
        later = {**query, source.date_field: f"~>=~{end}"}
        stated = int(count("DataService.count", source.table, query)) - int(
            count("DataService.count", source.table, later))
    else:
        stated = int(count("DataService.count", source.table, query or {TABLES[source.table].key[0]: "%"}))
    plan.notes.totals_checked += 1
    if stated != read:
        plan.notes.totals_mismatched.append(f"DataService.count({source.table}) says {stated}, {read} were read")


def load_record(plan: "FetchPlan", source: XmlRpcLoad, target: Any) -> list[dict]:
    table = TABLES[source.table]
    row = plan.client.call_xmlrpc("DataService.load", source.table, int(target), read_fields(plan.columns))
    return [from_xmlrpc(row, table.types, plan.zone)] if isinstance(row, dict) else []


def call_method(plan: "FetchPlan", source: XmlRpcCall, target: Any) -> list[dict]:
    args = [int(target) if arg == "{target}" else arg for arg in source.args]
    answer = plan.client.call_xmlrpc(source.method, *args)
    rows = answer if isinstance(answer, list) else [answer]
    return [from_xmlrpc(r, {}, plan.zone) for r in rows if isinstance(r, dict)]


def listed_ids(client: KeapClient, listing: XmlRpcListing) -> list[str]:
    answer = client.call_xmlrpc(listing.method)
    rows = answer if isinstance(answer, list) else list(answer.values()) if isinstance(answer, dict) else []
    return [str(r[listing.id_field]) for r in rows if isinstance(r, dict)
            and all(r.get(k) == v for k, v in listing.where.items())]


def custom_columns(plan_spec, client: KeapClient) -> tuple[Column, ...]:
    """A legacy table's custom fields (``_Name``) from its DataFormField rows, as text columns."""
    table = TABLES[plan_spec.table]
    wanted = plan_spec.custom_field_names
    if table.form_id is None or wanted == ():
        return ()
    found = {}
    for page in client.iter_xmlrpc_query("DataFormField", {"FormId": table.form_id}, ["Name", "Label", "DataType"],
                                         "Id"):
        for row in page:
            found["_" + row["Name"]] = row.get("Label") or row["Name"]
    if wanted is not None:
        missing = [name for name in wanted if name not in found]
        if missing:
            raise KeapError(f"{table.name} has no custom field {', '.join(missing)} (it has: "
                            f"{', '.join(sorted(found)) or 'none'})")
        found = {name: found[name] for name in wanted}
    return tuple(Column(name, "VARCHAR", name, f"custom field {label!r} of {table.name}")
                 for name, label in found.items())


def is_day(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)

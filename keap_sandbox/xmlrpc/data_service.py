"""XML-RPC read methods over ``ds.tables``: the generic DataService plus Contact/File/WebForm/Search.

``DataService`` works on **every** table in ``ds.tables``, whichever domain built it, with the field
list and access rights of Keap's table schema (:mod:`.schema`) and custom fields
(``_Name``) declared by ``DataFormField`` rows. Query semantics live in :mod:`.query`.

Values go out as Keap sends them: NULL fields omitted from structs, datetimes zone-less in the app's
local time (:func:`keap_sandbox.wire.xmlrpc_time`), Date fields as midnight of their day.
"""

from __future__ import annotations

import base64
import weakref
from datetime import datetime
from collections import OrderedDict
from typing import Any, Callable

from ..data.crm import contact_index
from ..data.crm_activity import saved_search_rows
from . import query as q
from .schema import CUSTOM_FIELD_FORM_IDS, TABLES

# DataFormField.DataType -> the XML-RPC type its `_Name` column behaves as.
_CUSTOM_TYPES = {3: "Double", 4: "Double", 11: "Double", 12: "Integer", 13: "Date", 14: "DateTime",
                 6: "Integer"}
_QUERY_CACHE_SIZE = 16
APP_SETTINGS = {
    ("Contact", "optiontypes"): "Prospect,Customer,Partner,Personal Contact,Vendor",
    ("Contact", "optiontitles"): "Dr.,Mr.,Mrs.,Ms.",
    ("Contact", "optionsuffixes"): "Jr,Sr,II,III",
    ("Contact", "optionphonetypes"): "Work,Home,Mobile,Other",
    ("Contact", "optionfaxtypes"): "Work,Home,Other",
    ("Templates", "defaultuserid"): "1",
}


class TableView:
    """One table as DataService sees it: fields (schema + custom), getters, rows, a query cache."""

    def __init__(self, ds, name: str, fields: dict[str, tuple[str, str]]):
        self.ds, self.name, self.fields = ds, name, fields
        self.rows: list[dict] = ds.tables.get(name, [])
        self._cache: OrderedDict = OrderedDict()

    def field_type(self, field: str) -> str:
        return self.fields[field][0]

    def check_readable(self, field: str) -> None:
        spec = self.fields.get(field)
        if spec is None:
            raise q.no_field(self.name, field)
        if "R" not in spec[1]:
            raise q.no_field_access(self.name, field)

    def getter(self, field: str) -> q.Getter:
        """Plain columns read the row; ``Contact.X`` on ContactGroupAssign joins the Contact row."""
        if "." in field and self.name == "ContactGroupAssign":
            column = field.split(".", 1)[1]
            contacts = contact_index(self.ds)
            return lambda row: (contacts.get(row["ContactId"]) or {}).get(column)
        return lambda row: row.get(field)

    def value_type(self, field: str) -> type:
        """The Python type rows hold for a field (a joined String column may hold a datetime)."""
        ftype = self.field_type(field)
        if ftype in ("Date", "DateTime") or field in ("Contact.LastUpdated", "Contact.Birthday"):
            return datetime
        return {"Id": int, "Integer": int, "Long": int, "Double": float, "Boolean": bool}.get(ftype, str)

    def select(self, query: dict, order_by: str | None, ascending: bool) -> list[dict]:
        key = (_freeze(query), order_by, ascending)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        predicates = []
        for field, criterion in query.items():
            self.check_readable(field)
            predicates.append(q.compile_criterion(self.name, field, self.field_type(field),
                                                  self.getter(field), criterion, self.value_type(field)))
        match = q.matches_all(predicates)
        rows = [row for row in self.rows if match(row)] if predicates else list(self.rows)
        if order_by is not None:
            self.check_readable(order_by)
            rows = q.order_rows(rows, self.getter(order_by), self.field_type(order_by), ascending)
        self._cache[key] = rows
        if len(self._cache) > _QUERY_CACHE_SIZE:
            self._cache.popitem(last=False)
        return rows

    def render(self, row: dict, fields: list[str]) -> dict:
        out = {}
        for field in fields:
            value = self.getter(field)(row) if "." in field else row.get(field)
            if value is not None:
                out[field] = q.wire_value(value, self.field_type(field))
        return out

    def check_fields(self, fields: list) -> list[str]:
        if not fields:
            raise q.fault(11, "NoFields", f"No fields requested for {self.name}")
        for field in fields:
            if not isinstance(field, str):
                raise q.invalid_parameter(f"Field names must be strings: {field!r}")
            self.check_readable(field)
        return fields


def _freeze(value: Any):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


_VIEWS: "weakref.WeakKeyDictionary[Any, dict[str, TableView]]" = weakref.WeakKeyDictionary()


def table_view(ds, table: str) -> TableView:
    """The (cached) view of a table; an unknown table name is Keap's NoTableFound fault."""
    if table not in TABLES:
        raise q.no_table(table)
    views = _VIEWS.setdefault(ds, {})
    view = views.get(table)
    if view is None:
        fields = dict(TABLES[table])
        fields.update(_custom_fields(ds, table))
        view = views[table] = TableView(ds, table, fields)
    return view


def _custom_fields(ds, table: str) -> dict[str, tuple[str, str]]:
    form_id = CUSTOM_FIELD_FORM_IDS.get(table)
    if form_id is None:
        return {}
    return {"_" + f["Name"]: (_CUSTOM_TYPES.get(f.get("DataType"), "String"), "EDAR")
            for f in ds.tables.get("DataFormField", ()) if f.get("FormId") == form_id}


# --------------------------------------------------------------------------- DataService


def data_query(ds, params: tuple) -> list[dict]:
    """``query(table, limit, page, queryData, fields[, orderBy, ascending])``."""
    form = q.check_signature(params, (str, int, int, dict, list), (str, int, int, dict, list, str, bool))
    table, limit, page, query, fields = params[:5]
    order_by, ascending = (params[5], params[6]) if form == 1 else (None, True)
    view = table_view(ds, table)
    fields = view.check_fields(fields)
    rows = view.select(query, order_by, ascending)
    return [view.render(row, fields) for row in q.page_of(rows, limit, page)]


def data_count(ds, params: tuple) -> int:
    q.check_signature(params, (str, dict))
    table, query = params
    return len(table_view(ds, table).select(query, None, True))


def data_find_by_field(ds, params: tuple) -> list[dict]:
    """``findByField(table, limit, page, field, value, fields)`` = query with one criterion.

    The value is usually a string (``%`` allowed); an int is accepted for Id-like fields.
    """
    signatures = ((str, int, int, str, str, list), (str, int, int, str, int, list))
    q.check_signature(params, *signatures)
    table, limit, page, field, value, fields = params
    return data_query(ds, (table, limit, page, {field: value}, fields))


def data_load(ds, params: tuple) -> dict:
    q.check_signature(params, (str, int, list))
    table, record_id, fields = params
    view = table_view(ds, table)
    fields = view.check_fields(fields)
    if "Id" not in view.fields:
        raise q.invalid_parameter(f"Table {table} has no Id field")
    row = _find_by_id(ds, view, record_id)
    if row is None:
        raise q.fault(5, "RecordNotFound", f"Record not found for Id:{record_id}")
    return view.render(row, fields)


def _find_by_id(ds, view: TableView, record_id: int) -> dict | None:
    if view.name == "Contact":
        return contact_index(ds).get(record_id)
    index = ds.collections.setdefault("_id_index", {})
    by_id = index.get(view.name)
    if by_id is None:
        by_id = index[view.name] = {row.get("Id"): row for row in view.rows}
    return by_id.get(record_id)


def data_get_app_setting(ds, params: tuple) -> str:
    q.check_signature(params, (str, str))
    module, setting = params
    value = APP_SETTINGS.get((module, setting.lower()))
    if value is None:
        raise q.invalid_parameter(f"No such setting: {module}.{setting}")
    return value


# --------------------------------------------------------------------------- ContactService


def contact_load(ds, params: tuple) -> dict:
    q.check_signature(params, (int, list))
    return data_load(ds, ("Contact", params[0], params[1]))


def contact_find_by_email(ds, params: tuple) -> list[dict]:
    """Matches Email, EmailAddress2 and EmailAddress3, case-insensitively; Id order."""
    q.check_signature(params, (str, list))
    email, fields = params
    view = table_view(ds, "Contact")
    fields = view.check_fields(fields)
    wanted = email.lower()
    rows = [row for row in view.rows
            if any((row.get(column) or "").lower() == wanted
                   for column in ("Email", "EmailAddress2", "EmailAddress3"))]
    return [view.render(row, fields) for row in rows]


# --------------------------------------------------------------------------- FileService / WebFormService


def _file_row(ds, params: tuple) -> dict:
    q.check_signature(params, (int,))
    row = _find_by_id(ds, table_view(ds, "FileBox"), params[0])
    if row is None:
        raise q.fault(5, "RecordNotFound", f"Record not found for Id:{params[0]}")
    return row


def file_get(ds, params: tuple) -> str:
    """The file's bytes, base64-encoded in a plain string (as Keap's docs show)."""
    row = _file_row(ds, params)
    return base64.b64encode(ds.collections["file_data"][row["Id"]]).decode("ascii")


def file_download_url(ds, params: tuple) -> str:
    row = _file_row(ds, params)
    return f"https://{ds.tenant_host}/Download?Id={row['Id']}"


def webform_map(ds, params: tuple) -> dict:
    """``{form id (as a struct key, so a string): name}`` — legacy web forms only (see report-mapping row 39)."""
    q.check_signature(params, ())
    return {str(f["id"]): f["name"] for f in ds.collections.get("webforms", ()) if f["type"] == "LEGACY"}


def webform_html(ds, params: tuple) -> str:
    q.check_signature(params, (int,))
    for form in ds.collections.get("webforms", ()):
        if form["id"] == params[0]:
            return form["html"]
    raise q.fault(5, "RecordNotFound", f"Record not found for Id:{params[0]}")


# --------------------------------------------------------------------------- SearchService

SAVED_SEARCH_PAGE_SIZE = 1000  # Keap's is undocumented; clients loop until an empty page
QUICK_SEARCHES = {"FindPerson": "Person", "FindCompany": "Company", "FindTask": "Task/Appt/Note",
                  "FindOrder": "Order", "FindSubscription": "Subscription",
                  "FindOpportunity": "Opportunity", "FindAffiliate": "Affiliate"}


def _saved_search(ds, search_id: int, user_id: int) -> dict:
    """The search, if ``user_id`` is one of its owners (SavedFilter.UserId is a comma list)."""
    for row in ds.tables.get("SavedFilter", ()):
        if row["Id"] == search_id:
            if str(user_id) not in row["UserId"].split(","):
                raise q.fault(14, "NoAccess", f"User {user_id} cannot run saved search {search_id}")
            return ds.collections["saved_searches"][search_id]
    raise q.fault(5, "RecordNotFound", f"Record not found for Id:{search_id}")


def search_columns(ds, params: tuple) -> dict:
    q.check_signature(params, (int, int))
    return dict(_saved_search(ds, *params)["columns"])


def search_results_all_fields(ds, params: tuple) -> list[dict]:
    q.check_signature(params, (int, int, int))
    search_id, user_id, page = params
    _saved_search(ds, search_id, user_id)
    return _search_page(ds, search_id, page)


def search_results(ds, params: tuple) -> list[dict]:
    q.check_signature(params, (int, int, int, list))
    search_id, user_id, page, fields = params
    columns = _saved_search(ds, search_id, user_id)["columns"]
    for field in fields:
        if field not in columns:
            raise q.fault(10, "NoFieldFound", f"No field found: {field}")
    rows = _search_page(ds, search_id, page)
    return [{k: v for k, v in row.items() if k in fields} for row in rows]


def _search_page(ds, search_id: int, page: int) -> list[dict]:
    if page < 0:
        return []
    start = page * SAVED_SEARCH_PAGE_SIZE
    return saved_search_rows(ds, search_id, start, start + SAVED_SEARCH_PAGE_SIZE)


def search_quick_searches(ds, params: tuple) -> dict:
    q.check_signature(params, (int,))
    return dict(QUICK_SEARCHES)


def search_default_quick_search(ds, params: tuple) -> str:
    q.check_signature(params, (int,))
    return "FindPerson"


METHODS: dict[str, Callable[[Any, tuple], Any]] = {
    "DataService.query": data_query,
    "DataService.count": data_count,
    "DataService.findByField": data_find_by_field,
    "DataService.load": data_load,
    "DataService.getAppSetting": data_get_app_setting,
    "ContactService.load": contact_load,
    "ContactService.findByEmail": contact_find_by_email,
    "FileService.getFile": file_get,
    "FileService.getDownloadUrl": file_download_url,
    "WebFormService.getMap": webform_map,
    "WebFormService.getHTML": webform_html,
    "SearchService.getAllReportColumns": search_columns,
    "SearchService.getSavedSearchResultsAllFields": search_results_all_fields,
    "SearchService.getSavedSearchResults": search_results,
    "SearchService.getAvailableQuickSearches": search_quick_searches,
    "SearchService.getDefaultQuickSearch": search_default_quick_search,
}

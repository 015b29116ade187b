"""Domo's most flexible reports, over all 57 legacy tables: "Data - Query a Data Table" (a table's rows,
chosen fields, Domo's query syntax) and "Data - Record by ID".

An instance names a table; its spec (columns, source, dates) is derived from the table's entry in
:mod:`..tables` when the reports file loads: columns carry the XML-RPC field names, the source is the
table's REST home or, where it has none, XML-RPC's DataService (until Keap switches it off on 2026-12-31).
"""

from __future__ import annotations

from dataclasses import replace

from ..extract import TARGET
from ..params import Option, ParamError
from ..query import QueryError, parse
from ..sources import Detail, FanOut, Lists, XmlRpcLoad, XmlRpcQuery
from ..spec import Column, CustomFields, Dates, ReportSpec, snake
from ..tables import COLUMN_TYPES, SECRETS, TABLES, Table
from ..tables.mapping import per_part

TRANSPORTS = ("auto", "rest", "xmlrpc")
_TABLE_OPTIONS = (
    Option("table", "text", "one of Keap's 57 DataService tables (Contact, Job, Invoice, ...)", required=True,
           single=True),
    Option("fields", "field", "the fields to read (default: every field the table lets a credential read)"),
    Option("transport", "text", "auto (REST where the table has a REST home), rest, or xmlrpc (every field "
           "Keap's legacy API serves, until 2026-12-31)", single=True, choices=TRANSPORTS),
)
_WHOLE = Option("whole", "bool", "read the whole table into today's partition even if it has a date field (the "
                "XML-RPC archive does)")


def _table(params: dict) -> Table:
    name = params["table"]
    found = next((t for t in TABLES.values() if t.name.lower() == str(name).lower()), None)
    if found is None:
        raise ParamError(f"params.table: {name!r} is not one of Keap's tables ({', '.join(sorted(TABLES))})")
    return found


def _fields(table: Table, params: dict) -> list[str]:
    chosen = params.get("fields") or table.readable
    types, readable = table.types, set(table.readable)
    for name in chosen:
        if name.startswith("_"):
            continue  # a custom field: known only to the app (DataFormField), checked when it is read
        if name not in types:
            raise ParamError(f"params.fields: {name!r} is not a field of {table.name}")
        if name in SECRETS:
            raise ParamError(f"params.fields: {table.name}.{name} is a password; it is never read or stored")
        if name not in readable:
            raise ParamError(f"params.fields: {table.name}.{name} cannot be read through the API (Keap's access "
                             "rights for it do not include Read)")
    return list(dict.fromkeys(chosen))


def _over_rest(table: Table, params: dict) -> bool:
    transport = params.get("transport", "auto")
    if transport == "rest" and table.rest is None:
        raise ParamError(f"params.transport: {table.name} has no REST home; it is served by XML-RPC only")
    return table.rest is not None and transport != "xmlrpc"


def _columns(table: Table, fields: list[str], rest: bool) -> tuple[Column, ...]:
    types = table.types
    columns = []
    for name in fields:
        if name.startswith("_"):
            continue  # custom fields are added per run, by name
        source = name
        note = f"{table.name}.{name} ({types[name]})"
        if rest:
            assert table.rest is not None
            found = [home.fields.get(name) for home in table.rest.homes]
            source = found[0] if len(found) == 1 else per_part(found)  # type: ignore[assignment]
            if all(f is None for f in found):
                source, note = (lambda record: None), note + "; not served by REST (NULL over REST)"
            elif None in found:
                lacking = ", ".join(h.source.endpoint for h, f in zip(table.rest.homes, found) if f is None)
                note += f"; not served by REST for the rows of {lacking} (NULL there)"
        columns.append(Column(name, COLUMN_TYPES[types[name]], source, note))
    return tuple(columns)


def table_spec(base: ReportSpec, params: dict) -> ReportSpec:
    table = _table(params)
    params["table"] = table.name
    fields = _fields(table, params)
    rest = _over_rest(table, params)
    try:
        criteria = parse(params.get("query"), table.types)
    except QueryError as exc:
        raise ParamError(f"params.query: {exc}") from None
    order = params.get("order_by")
    if order and order not in table.types and not order.startswith("_"):
        raise ParamError(f"params.order_by: {order!r} is not a field of {table.name}")
    for key in table.key:
        if key not in fields:
            fields.insert(0, key)  # the key is always read: rows are told apart by it
    dated = table.date_field is not None and table.date_field in set(table.readable) and not params.get("whole")
    if dated and table.date_field not in fields:
        fields.append(table.date_field)
    if rest:
        assert table.rest is not None
        lists = tuple(h.source if dated else replace(h.source, window=None) for h in table.rest.homes)
        source = lists[0] if len(lists) == 1 else Lists(lists)
    else:
        source = XmlRpcQuery(table.name, table.date_field if dated else None, order,
                             bool(params.get("ascending", True)))
    chosen = params.get("fields")
    custom_names = None if not chosen else tuple(f for f in chosen if f.startswith("_"))
    custom = ()
    if rest and table.rest.custom_fields and custom_names != ():  # type: ignore[union-attr]
        custom = (CustomFields(table.rest.custom_fields, "custom_fields", "_", "custom field", exact=True),)  # type: ignore[union-attr]
    return replace(
        base, name=base.name, source=source, fan_out=table.rest.fan_out if rest else None,  # type: ignore[union-attr]
        explode=table.rest.explode if rest else None,  # type: ignore[union-attr]
        dates=Dates.RANGE if dated else Dates.SNAPSHOT, partition_field=table.date_field if dated else None,
        columns=_columns(table, fields, rest), primary_key=table.key, latest_by=table.date_field if dated
        and table.date_field == "LastUpdated" else None, legacy=not rest, table=table.name, query=criteria,
        default_asset=f"table_{snake(table.name)}", derive=None,
        custom_fields=custom, custom_field_names=custom_names,
        description=(f"Keap's {table.name} table, {'over REST' if rest else 'over XML-RPC'}, with the field names "
                     f"users know from XML-RPC" + (f", partitioned by the UTC day of {table.date_field}" if dated
                                                   else " (a snapshot: the table has no change time)") + "."))


def record_spec(base: ReportSpec, params: dict) -> ReportSpec:
    table = _table(params)
    params["table"] = table.name
    fields = _fields(table, params)
    rest = _over_rest(table, params) and table.rest is not None and table.rest.detail is not None
    if "Id" not in fields:
        fields.insert(0, "Id")
    if rest:
        assert table.rest is not None and table.rest.detail is not None
        # The by-id GET leaves out what the list leaves out: a fixed `fields=` of the list goes with it.
        chosen = {k: v for k, v in table.rest.source.params.items() if k == "fields"}
        source = Detail(table.rest.detail.replace("{id}", "{record_id}"), params=chosen)
    else:
        source = XmlRpcLoad(table.name)
    return replace(
        base, source=source, columns=(Column("record_id", "BIGINT", TARGET, "the id asked for"),
                                      *_columns(table, fields, rest)),
        primary_key=("record_id",), legacy=not rest, table=table.name, derive=None,
        default_asset=f"record_{snake(table.name)}",
        description=f"The given records of Keap's {table.name} table by id, "
                    f"{'over REST' if rest else 'over XML-RPC (DataService.load)'}, with XML-RPC field names.")


DATA_TABLE = ReportSpec(
    name="data_table", domo_report="Data - Query a Data Table", group="data",
    description="A legacy table's rows, chosen fields, Domo's query syntax.",
    source=XmlRpcQuery("Contact"), dates=Dates.SNAPSHOT, columns=(), primary_key=(),
    options=(*_TABLE_OPTIONS, _WHOLE,
             Option("query", "query", "Domo's query: 'Field':'value' pairs ANDed; % wildcards, ~null~, ~<>~, "
                    "~>~, ~>=~, ~<~, ~<=~, dates, ~>=~LastSuccessfulRun"),
             Option("order_by", "field", "the field Keap orders by (XML-RPC)", single=True),
             Option("ascending", "bool", "order ascending (default true)")),
)
DATA_TABLE = replace(DATA_TABLE, derive=lambda params: table_spec(DATA_TABLE, params))

DATA_RECORD = ReportSpec(
    name="data_record", domo_report="Data - Record by ID", group="data",
    description="Records of a legacy table by id, chosen fields.",
    source=XmlRpcLoad("Contact"), dates=Dates.LOOKUP, columns=(), primary_key=(),
    fan_out=FanOut("ids", "record_id", description="record ids"),
    options=_TABLE_OPTIONS,
)
DATA_RECORD = replace(DATA_RECORD, derive=lambda params: record_spec(DATA_RECORD, params))

REPORTS = (DATA_TABLE, DATA_RECORD)

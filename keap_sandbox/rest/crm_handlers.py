"""REST v2 handlers of the CRM domain that are not lists: one record by id, file and form bodies,
saved-report runs and models, email status (the lists are declared in :mod:`.crm`)."""

from __future__ import annotations

import base64
import json
from typing import Callable

from starlette.responses import Response

from ..data.crm_activity import saved_search_rows
from .crm_records import OPPORTUNITY_OPTIONAL, form_fields
from .listing import Scoped, sortable
from .v2 import (ApiError, decode_page_token, encode_page_token, json_response, list_fields, parse_fields,
                 parse_order_by, parse_page_size, query_fingerprint)


def by_id_handler(records, resource: str, optional: tuple[str, ...] = ()) -> Callable:
    """GET one record by its path id; ``optional`` properties only when named in ``fields``."""
    index: dict | None = None

    async def handler(request, **params):
        nonlocal index
        if index is None:
            index = {r["id"]: r for r in (records() if callable(records) else records)}
        record = index.get(next(iter(params.values())))
        if record is None:
            return ApiError(404, f"{resource} not found", domain="id", resource=resource).response()
        if not optional:
            return json_response(record)
        try:
            wanted = set(parse_fields(request.query_params.getlist("fields"), optional, resource) or ())
        except ApiError as exc:
            return exc.response()
        return json_response({k: v for k, v in record.items() if k not in optional or k in wanted})

    return handler


def email_status_handler(ds):
    index: dict | None = None

    def build() -> dict:
        out = {}
        for contact in ds.contacts:
            for entry in contact["email_addresses"]:
                out.setdefault(entry["email"].lower(), {
                    "email": entry["email"], "opted_in": entry["is_opt_in"], "status": entry["email_opt_status"],
                    "create_time": contact["create_time"], "last_click_time": None, "last_open_time": None,
                    "last_sent_time": None})
        return out

    async def handler(request, email):
        nonlocal index
        index = index or build()
        found = index.get(email.lower())
        if found is None:
            return ApiError(404, f"Email address {email} not found", domain="email",
                            resource="EmailAddress").response()
        return json_response(found)

    return handler


def run_report_handler(ds):
    """``POST /v2/reporting/reports/{report_id}:run``.

    The spec declares the ``RunReportRequest`` (page_size, page_token, order_by, fields) as one query
    parameter: SDK 2.0.26 sends it as ``?runReportRequest=<JSON>``, a form-style client as plain
    ``?page_size=…`` parameters. Both are accepted, as is a JSON body. Each result row is
    ``{"columns": [{"field_name", "value"}]}``, every value a string, NULL columns left out (as
    XML-RPC leaves them out); ``page_token`` is ``""`` on the last page, and an empty result has no
    ``results`` key (proto3 JSON, as every v2 list).
    """
    async def handler(request, report_id):
        search = ds.collections["saved_searches"].get(int(report_id)) if report_id.isdigit() else None
        if search is None:
            return ApiError(404, "Report not found", domain="report_id", resource="Report").response()
        try:
            options = await _run_options(request)
            body = _run_report(ds, int(report_id), search, options, saved_search_rows)
        except ApiError as exc:
            return exc.response()
        return json_response(body)

    return handler


async def _run_options(request) -> dict:
    options = {k: v for k, v in request.query_params.items()
               if k in ("page_size", "page_token", "order_by", "fields")}
    packed = request.query_params.get("runReportRequest")
    raw_body = await request.body()
    for source in (packed, raw_body.decode("utf-8", "replace") if raw_body.strip() else None):
        if source:
            try:
                decoded = json.loads(source)
            except ValueError:
                raise ApiError(400, "runReportRequest must be a JSON object", domain="runReportRequest",
                               resource="Report") from None
            if not isinstance(decoded, dict):
                raise ApiError(400, "runReportRequest must be a JSON object", domain="runReportRequest",
                               resource="Report")
            options.update({k: v for k, v in decoded.items() if v is not None})
    return options


def _run_report(ds, report_id: int, search: dict, options: dict, rows_of) -> dict:
    columns = list(search["columns"])
    fields = [f.strip() for f in str(options.get("fields") or "").split(",") if f.strip()]
    unknown = [f for f in fields if f not in search["columns"]]
    if unknown:
        raise ApiError(400, f"Invalid fields: {', '.join(unknown)}", domain="fields", resource="Report")
    order = parse_order_by(options.get("order_by"), tuple(columns), "Report")
    size = parse_page_size(None if options.get("page_size") is None else str(options["page_size"]), "Report")
    fingerprint = query_fingerprint(f"report{report_id}", str(options.get("fields") or ""), order)
    token = options.get("page_token")
    offset = decode_page_token(str(token), fingerprint, "Report") if token else 0
    if order is None:  # the saved order: page straight from the saved search
        rows = rows_of(ds, report_id, offset, offset + size)
        total = len(search["contact_ids"])
    else:
        every = sorted(rows_of(ds, report_id), key=lambda r: sortable(r.get(order[0])), reverse=order[1])
        rows, total = every[offset:offset + size], len(every)
    shown = fields or columns
    results = [{"columns": [{"field_name": f, "value": row[f]} for f in shown if f in row]} for row in rows]
    end = offset + size
    return {**list_fields("results", results),
            "page_token": encode_page_token(end, fingerprint) if end < total else ""}


def contact_note_handler(ds, notes: Callable[[], list[dict]]):
    async def handler(request, contact_id, note_id):
        note = next((n for n in notes() if n["id"] == note_id and n["contact_id"] == contact_id), None)
        if note is None:
            return ApiError(404, f"Note {note_id} not found", domain="note_id", resource="Note").response()
        return json_response(note)
    return handler


def file_data_handler(ds):
    async def handler(request, file_id):
        data = ds.collections["file_data"].get(int(file_id)) if file_id.isdigit() else None
        if data is None:
            return ApiError(404, "File not found", domain="file_id", resource="File").response()
        # Declared `application/json` with a `format: byte` string: a JSON string of base64.
        return json_response(base64.b64encode(data).decode("ascii"))

    return handler


def webform_html_handler(ds):
    forms = {str(f["id"]): f for f in ds.collections["webforms"]}

    async def handler(request, webform_id):
        form = forms.get(webform_id)
        if form is None:
            return ApiError(404, "Webform not found", domain="webform_id", resource="Webform").response()
        return Response(form["html"], media_type="text/html")

    return handler


def tagged_contacts_count_handler(tagged: Scoped):
    """``GET /v2/tags/{tag_id}/contacts/count`` (SDK 2.0.26): ``TagContactCount`` under the list's filters."""
    async def handler(request, tag_id):
        resource = tagged.list_for(tag_id)
        if resource is None:
            return ApiError(404, f"Tag {tag_id} not found", domain="tag_id", resource="Tag").response()
        raw_filter = request.query_params.get("filter") or ""
        try:
            rows = resource.select(resource.parse_conditions(raw_filter), None)
        except ApiError as exc:
            return exc.response()
        return json_response({"count": len(rows)})

    return handler


def report_model_handler(ds):
    async def handler(request, report_id):
        search = ds.collections["saved_searches"].get(int(report_id)) if report_id.isdigit() else None
        if search is None:
            return ApiError(404, "Report not found", domain="report_id", resource="Report").response()
        return json_response({"fields": [{"name": k, "label": v} for k, v in search["columns"].items()]})

    return handler


# DataFormField.DataType codes (keap-xmlrpc.md §5.1) -> v2 CustomFieldMetaData.field_type.
FIELD_TYPES = {11: "DECIMAL_NUMBER", 12: "WHOLE_NUMBER", 13: "DATE", 14: "DATE_TIME", 15: "TEXT", 21: "DROPDOWN"}


def opportunity_model_handler(ds):
    """``GET /v2/opportunities/model``: the opportunity custom fields (FormId -4) as ``ObjectModel``."""
    groups = {row["Id"]: row["Name"] for row in ds.tables["DataFormGroup"]}
    fields = [{"id": str(f["Id"]), "label": f["Label"], "field_name": f["Name"],
               "field_type": FIELD_TYPES.get(f["DataType"], "TEXT"), "record_type": "OPPORTUNITY",
               "options": [{"id": v, "label": v} for v in (f.get("Values") or "").split("\n") if v],
               "default_value": f.get("DefaultValue"), "group_id": str(f["GroupId"]),
               "group_name": groups.get(f["GroupId"])}
              for f in form_fields(ds, -4)]
    body = {"custom_fields": fields, "optional_properties": list(OPPORTUNITY_OPTIONAL)}

    async def handler(request):
        return json_response(body)

    return handler

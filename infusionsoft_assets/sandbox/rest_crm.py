"""REST v2 endpoints of the CRM domain, rendered from the legacy rows ``data_crm`` builds.

Each list endpoint is data: the v2 records (rendered once from ``ds.tables``), which filters exist
(kind + record key) and which ``order_by`` fields sort by which key. Paging, tokens, filter grammar
and errors are :mod:`.rest_v2`'s. Ids are the legacy ids as strings.

Implemented: ``/v2/tags`` (+``/{tag_id}``), ``/v2/tags/categories``, ``/v2/tags/{tag_id}/contacts``,
``/v2/companies`` (+``/{company_id}``), ``/v2/users``, ``/v2/opportunities/stages``,
``/v2/opportunities/stageMoves``, ``/v2/leadSources``, ``/v2/leadSourceCategories``, ``/v2/files``
(+``/{file_id}``, ``/{file_id}:data``), ``/v2/webforms`` (+``/{webform_id}:data``),
``/v2/reporting/reports`` (+``/{report_id}/model``), ``/v2/contacts/{contact_id}``,
``/v2/contacts/model``.
"""

from __future__ import annotations

import base64
from typing import Callable

from starlette.responses import Response

from .dataset import CONTACT_CUSTOM_FIELDS, iso_ms
from .rest_v2 import (CONTACT_FIELDS, DEFAULT_CONTACT_FIELDS, EXACT, TIME, WILDCARD, ApiError,
                      ListResource, json_response, matches_text, parse_fields, parse_time_ms)


def _ms(moment) -> int:
    return round(moment.timestamp() * 1000)


def _iso(moment) -> str | None:
    return None if moment is None else iso_ms(_ms(moment))


class RecordsResource(ListResource):
    """A v2 list over pre-rendered records.

    ``filter_keys``: filter name -> record key. A TIME filter named ``since_*`` keeps
    ``key >= T``, ``until_*`` keeps ``key < T`` (half-open, like contacts). ``order_keys``: order_by
    field -> record key; the default order is ``id`` ascending (numeric).
    """

    def __init__(self, resource: str, envelope: str, records: list[dict], filters: dict[str, str],
                 filter_keys: dict[str, str], order_keys: dict[str, str]):
        super().__init__()
        self.resource, self.envelope, self.records = resource, envelope, records
        self.filters, self.filter_keys, self.order_keys = filters, filter_keys, order_keys
        self.order_fields = tuple(order_keys)

    def select(self, conditions, order):
        rows = self.records
        for cond in conditions:
            rows = [r for r in rows if self._matches(r, cond)]
        rows = sorted(rows, key=lambda r: int(r["id"]))
        if order is not None:
            key = self.order_keys[order[0]]
            rows = sorted(rows, key=lambda r: (r.get(key) is not None, _sortable(r.get(key))),
                          reverse=order[1])
        return rows

    def _matches(self, record: dict, cond) -> bool:
        value = _lookup(record, self.filter_keys[cond.field])
        if self.filters[cond.field] == TIME:
            if value is None:
                return False
            bound = parse_time_ms(cond.value)
            ms = parse_time_ms(value)
            return ms >= bound if cond.field.startswith("since") else ms < bound
        if isinstance(value, bool):
            return str(value).lower() == cond.value.lower()
        return matches_text(None if value is None else str(value), cond)


def _lookup(record: dict, key: str):
    """``record[key]``; a dotted key reads a nested object (``category.id``), None when absent."""
    value = record
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _sortable(value):
    return value.lower() if isinstance(value, str) else (value if value is not None else "")


# --------------------------------------------------------------------------- record renderers


def _times(ds, table: str, row_id: int) -> tuple[str, str]:
    created, updated = ds.collections["crm_times"][table][row_id]
    return iso_ms(created), iso_ms(updated)


def tag_records(ds) -> list[dict]:
    out = []
    for row in ds.tables["ContactGroup"]:
        created, updated = _times(ds, "ContactGroup", row["Id"])
        category = row.get("GroupCategoryId")
        out.append({"id": str(row["Id"]), "name": row["GroupName"], "description": row.get("GroupDescription"),
                    "category": None if category is None else {"id": str(category)},
                    "create_time": created, "update_time": updated})
    return out


def tag_category_records(ds) -> list[dict]:
    out = []
    for row in ds.tables["ContactGroupCategory"]:
        created, updated = _times(ds, "ContactGroupCategory", row["Id"])
        out.append({"id": str(row["Id"]), "name": row["CategoryName"],
                    "description": row.get("CategoryDescription"), "create_time": created,
                    "update_time": updated})
    return out


def company_records(ds) -> list[dict]:
    out = []
    for row in ds.tables["Company"]:
        out.append({
            "id": str(row["Id"]), "company_name": row["Company"], "notes": row.get("ContactNotes"),
            "website": row.get("Website"),
            "email_address": {"email": row["Email"], "field": "EMAIL1"} if "Email" in row else None,
            "phone_number": {"number": row["Phone1"], "type": row.get("Phone1Type"), "field": "PHONE1"}
            if "Phone1" in row else None,
            "address": {"line1": row.get("StreetAddress1"), "locality": row.get("City"),
                        "region": row.get("State"), "postal_code": row.get("PostalCode"),
                        "country_code": "USA" if row.get("Country") == "United States" else None,
                        "field": "BILLING"},
            "create_time": _iso(row["DateCreated"]), "update_time": _iso(row["LastUpdated"]),
            "custom_fields": [],
        })
    return out


def user_records(ds) -> list[dict]:
    out = []
    for row in ds.tables["User"]:
        created, updated = _times(ds, "User", row["Id"])
        out.append({"id": str(row["Id"]), "given_name": row["FirstName"], "family_name": row["LastName"],
                    "email_address": row["Email"], "title": row.get("Title"), "status": "ACTIVE",
                    "admin": row["Id"] == ds.tables["User"][0]["Id"], "partner": False,
                    "create_time": created, "update_time": updated,
                    "phone_numbers": [{"number": row["Phone1"], "type": "Work", "field": "PHONE1"}]})
    return out


def stage_records(ds) -> list[dict]:
    from .data_crm import STAGES

    out = []
    for row, (_, _, _, probability) in zip(ds.tables["Stage"], STAGES):
        created, updated = _times(ds, "Stage", row["Id"])
        out.append({"id": str(row["Id"]), "name": row["StageName"], "order": row["StageOrder"],
                    "target_number_days": row["TargetNumDays"], "probability": probability,
                    "created_time": created, "updated_time": updated, "checklist_items": []})
    return out


def stage_move_records(ds) -> list[dict]:
    return [{"id": str(m["Id"]), "opportunity_id": str(m["OpportunityId"]), "move_time": _iso(m["MoveDate"]),
             "move_from_stage_id": str(m["MoveFromStage"]), "move_to_stage_id": str(m["MoveToStage"]),
             "prev_stage_move_time": _iso(m.get("PrevStageMoveDate")), "user_id": str(m["UserId"]),
             "created_by": str(m["CreatedBy"]), "create_time": _iso(m["DateCreated"])}
            for m in ds.tables["StageMove"]]


def lead_source_records(ds) -> list[dict]:
    out = []
    for row in ds.tables["LeadSource"]:
        created, updated = _times(ds, "LeadSource", row["Id"])
        out.append({"id": str(row["Id"]), "name": row["Name"], "description": row.get("Description"),
                    "vendor": row.get("Vendor"), "medium": row.get("Medium"), "message": row.get("Message"),
                    "status": row["Status"].upper(), "lead_source_category_id": str(row["LeadSourceCategoryId"]),
                    "start_time": _iso(row.get("StartDate")), "end_time": _iso(row.get("EndDate")),
                    "create_time": created, "update_time": updated})
    return out


def lead_source_category_records(ds) -> list[dict]:
    out = []
    for row in ds.tables["LeadSourceCategory"]:
        created, updated = _times(ds, "LeadSourceCategory", row["Id"])
        out.append({"id": str(row["Id"]), "name": row["Name"], "description": row.get("Description"),
                    "create_time": created, "update_time": updated})
    return out


def file_records(ds) -> list[dict]:
    out = []
    for row in ds.tables["FileBox"]:
        created, updated = _times(ds, "FileBox", row["Id"])
        contact = row.get("ContactId")
        out.append({"id": str(row["Id"]), "file_name": row["FileName"], "file_size": row["FileSize"],
                    "is_public": bool(row["Public"]), "contact_id": None if contact is None else str(contact),
                    "category": "ATTACHMENTS" if contact is not None else "DOCUMENTS",
                    "file_box_type": "CONTACT" if contact is not None else "APPLICATION",
                    "created_time": created, "updated_time": updated})
    return out


def webform_records(ds) -> list[dict]:
    return [{"id": str(f["id"]), "xid": f["xid"], "name": f["name"], "webform_type": f["type"],
             "webform_url": f"https://{ds.tenant_host}/app/form/{f['xid']}",
             "create_time": iso_ms(f["create_ms"]), "update_time": iso_ms(f["update_ms"])}
            for f in ds.collections["webforms"]]


def report_records(ds) -> list[dict]:
    out = []
    for row in ds.tables["SavedFilter"]:
        created, updated = _times(ds, "SavedFilter", row["Id"])
        out.append({"id": str(row["Id"]), "name": row["FilterName"], "created_time": created,
                    "updated_time": updated, "user_ids": row["UserId"].split(",")})
    return out


def tagged_contact_records(ds, tag_id: int) -> list[dict]:
    from .data_crm import contact_row

    out = []
    for application in ds.collections["tag_applications"].get(tag_id, ()):
        contact = contact_row(ds, application["ContactId"]) or {}
        out.append({"id": str(application["ContactId"]), "email": contact.get("Email"),
                    "given_name": contact.get("FirstName"), "family_name": contact.get("LastName"),
                    "applied_time": _iso(application["DateCreated"])})
    return out


# --------------------------------------------------------------------------- endpoint table

_CREATE_UPDATE = {"since_create_time": TIME, "until_create_time": TIME, "since_update_time": TIME,
                  "until_update_time": TIME}
_CREATE_UPDATE_KEYS = {"since_create_time": "create_time", "until_create_time": "create_time",
                       "since_update_time": "update_time", "until_update_time": "update_time"}

# path -> (resource, envelope, records fn, filters {name: kind}, filter keys, order keys)
ENDPOINTS: dict[str, tuple] = {
    "/rest/v2/tags": ("Tag", "tags", tag_records,
                      {"name": EXACT, "description": EXACT, "category_id": EXACT, **_CREATE_UPDATE},
                      {"name": "name", "description": "description", "category_id": "category.id",
                       **_CREATE_UPDATE_KEYS},
                      {"name": "name", "create_time": "create_time", "update_time": "update_time"}),
    "/rest/v2/tags/categories": ("TagCategory", "tag_categories", tag_category_records,
                                 {"name": EXACT, "description": EXACT, **_CREATE_UPDATE},
                                 {"name": "name", "description": "description", **_CREATE_UPDATE_KEYS},
                                 {"name": "name", "create_time": "create_time", "update_time": "update_time"}),
    "/rest/v2/companies": ("Company", "companies", company_records,
                           {"company_name": EXACT, "name": WILDCARD, "since_time": TIME, "until_time": TIME},
                           {"company_name": "company_name", "name": "company_name",
                            "since_time": "update_time", "until_time": "update_time"},
                           {"id": "id_int", "create_time": "create_time", "name": "company_name"}),
    "/rest/v2/users": ("User", "users", user_records, {"email": EXACT, "given_name": EXACT},
                       {"email": "email_address", "given_name": "given_name"},
                       {"create_time": "create_time", "email": "email_address", "name": "family_name"}),
    "/rest/v2/opportunities/stages": ("OpportunityStage", "stages", stage_records, {}, {},
                                      {"order": "order", "name": "name"}),
    "/rest/v2/opportunities/stageMoves": ("OpportunityStageMove", "stage_moves", stage_move_records,
                                          {"opportunity_id": EXACT}, {"opportunity_id": "opportunity_id"},
                                          {"move_date": "move_time"}),
    "/rest/v2/leadSources": ("LeadSource", "lead_sources", lead_source_records,
                             {"name": WILDCARD, "status": EXACT, "lead_source_category_id": EXACT,
                              "vendor": WILDCARD, "medium": WILDCARD},
                             {"name": "name", "status": "status", "lead_source_category_id": "lead_source_category_id",
                              "vendor": "vendor", "medium": "medium"},
                             {"name": "name", "status": "status", "vendor": "vendor", "medium": "medium",
                              "start_time": "start_time", "end_time": "end_time",
                              "create_time": "create_time", "update_time": "update_time"}),
    "/rest/v2/leadSourceCategories": ("LeadSourceCategory", "lead_source_categories",
                                      lead_source_category_records, {"name": EXACT}, {"name": "name"},
                                      {"name": "name", "create_time": "create_time"}),
    "/rest/v2/files": ("File", "files", file_records,
                       {"is_public": EXACT, "contact_id": EXACT, "category": EXACT, "file_box_type": EXACT},
                       {"is_public": "is_public", "contact_id": "contact_id", "category": "category",
                        "file_box_type": "file_box_type"},
                       {"file_name": "file_name", "updated_time": "updated_time"}),
    "/rest/v2/webforms": ("Webform", "webforms", webform_records,
                          {"name": EXACT, "webform_type": EXACT, **_CREATE_UPDATE},
                          {"name": "name", "webform_type": "webform_type", **_CREATE_UPDATE_KEYS},
                          {"name": "name", "webform_type": "webform_type", "create_time": "create_time",
                           "update_time": "update_time"}),
    "/rest/v2/reporting/reports": ("Report", "reports", report_records,
                                   {"name": EXACT, "since_created_time": TIME, "until_created_time": TIME},
                                   {"name": "name", "since_created_time": "created_time",
                                    "until_created_time": "created_time"},
                                   {"name": "name", "created_time": "created_time"}),
}


def _by_id_handler(records: list[dict], resource: str) -> Callable:
    index = {r["id"]: r for r in records}

    async def handler(request, **params):
        record = index.get(next(iter(params.values())))
        if record is None:
            return ApiError(404, f"{resource} not found", domain="id", resource=resource).response()
        return json_response(record)

    return handler


def register(router, ds) -> None:
    if "ContactGroup" not in ds.tables:
        return
    records_by_path = {}
    for path, (resource, envelope, render, filters, keys, orders) in ENDPOINTS.items():
        records = render(ds)
        records_by_path[path] = records
        router.add(path, _Stripped(resource, envelope, records, filters, keys, orders))
    for path, param in (("/rest/v2/tags", "tag_id"), ("/rest/v2/companies", "company_id"),
                        ("/rest/v2/users", "user_id"), ("/rest/v2/files", "file_id"),
                        ("/rest/v2/leadSources", "lead_source_id"),
                        ("/rest/v2/opportunities/stages", "stage_id")):
        router.add(f"{path}/{{{param}}}", _by_id_handler(records_by_path[path], ENDPOINTS[path][0]))
    router.add("/rest/v2/files/{file_id}:data", _file_data_handler(ds))
    router.add("/rest/v2/webforms/{webform_id}:data", _webform_html_handler(ds))
    router.add("/rest/v2/tags/{tag_id}/contacts", _tagged_contacts_handler(ds))
    router.add("/rest/v2/reporting/reports/{report_id}/model", _report_model_handler(ds))
    router.add("/rest/v2/contacts/model", _contact_model_handler(ds))
    router.add("/rest/v2/contacts/{contact_id}", _contact_handler(ds))


class _Stripped(RecordsResource):
    """Companies sort by numeric id under ``order_by=id``; other resources need no extra keys."""

    def select(self, conditions, order):
        if order is not None and self.order_keys[order[0]] == "id_int":
            rows = super().select(conditions, None)
            return rows[::-1] if order[1] else rows
        return super().select(conditions, order)


def _file_data_handler(ds):
    async def handler(request, file_id):
        data = ds.collections["file_data"].get(int(file_id)) if file_id.isdigit() else None
        if data is None:
            return ApiError(404, "File not found", domain="file_id", resource="File").response()
        # Declared `application/json` with a `format: byte` string: a JSON string of base64.
        return json_response(base64.b64encode(data).decode("ascii"))

    return handler


def _webform_html_handler(ds):
    forms = {str(f["id"]): f for f in ds.collections["webforms"]}

    async def handler(request, webform_id):
        form = forms.get(webform_id)
        if form is None:
            return ApiError(404, "Webform not found", domain="webform_id", resource="Webform").response()
        return Response(form["html"], media_type="text/html")

    return handler


def _tagged_contacts_handler(ds):
    resources: dict[int, RecordsResource] = {}
    tags = {row["Id"] for row in ds.tables["ContactGroup"]}

    async def handler(request, tag_id):
        if not tag_id.isdigit() or int(tag_id) not in tags:
            return ApiError(404, f"Tag {tag_id} not found", domain="tag_id", resource="Tag").response()
        resource = resources.get(int(tag_id))
        if resource is None:
            resource = resources[int(tag_id)] = RecordsResource(
                "TaggedContact", "contacts", tagged_contact_records(ds, int(tag_id)),
                {"given_name": EXACT, "family_name": EXACT, "email": EXACT,
                 "since_applied_time": TIME, "until_applied_time": TIME},
                {"given_name": "given_name", "family_name": "family_name", "email": "email",
                 "since_applied_time": "applied_time", "until_applied_time": "applied_time"},
                {"given_name": "given_name", "family_name": "family_name", "email": "email",
                 "applied_time": "applied_time"})
        return await resource.handle(request)

    return handler


def _report_model_handler(ds):
    async def handler(request, report_id):
        search = ds.collections["saved_searches"].get(int(report_id)) if report_id.isdigit() else None
        if search is None:
            return ApiError(404, "Report not found", domain="report_id", resource="Report").response()
        return json_response({"fields": [{"name": k, "label": v} for k, v in search["columns"].items()]})

    return handler


def _contact_model_handler(ds):
    fields = {f["Id"]: f for f in ds.tables["DataFormField"] if f["FormId"] == -1}
    body = {"custom_fields": [{"id": fid, "label": label, "field_name": fields[int(fid)]["Name"],
                               "field_type": ftype, "record_type": "CONTACT", "options": [],
                               "group_id": str(fields[int(fid)]["GroupId"])}
                              for fid, label, ftype in CONTACT_CUSTOM_FIELDS],
            "optional_properties": [f for f in CONTACT_FIELDS
                                    if f not in ("id", "given_name", "family_name")]}

    async def handler(request):
        return json_response(body)

    return handler


def _contact_handler(ds):
    index = {c["id"]: c for c in ds.contacts}

    async def handler(request, contact_id):
        contact = index.get(contact_id)
        if contact is None:
            return ApiError(404, f"Contact {contact_id} not found", domain="contact_id",
                            resource="Contact").response()
        try:
            keys = parse_fields(request.query_params.getlist("fields"), CONTACT_FIELDS, "Contact")
        except ApiError as exc:
            return exc.response()
        keys = keys or DEFAULT_CONTACT_FIELDS
        return json_response({k: contact[k] for k in keys if k in contact})

    return handler

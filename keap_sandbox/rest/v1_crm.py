"""REST v1 endpoints of the CRM domain (shapes from keap-v1-openapi.yaml; conventions in :mod:`.v1`).

Rendered from the same rows as v2 and XML-RPC, so ids agree across all three (ints here).
``since``/``until`` are inclusive and apply to: contacts ``last_updated`` (documented: LastUpdated),
tasks ``modification_date``, appointments ``start_date`` (Keap only says "date to start searching
from"). Lists default to id order. Tasks and appointments carry an ``id`` although the spec's
schemas leave it out (a client could not address a record without it).

Endpoints: ``/v1/contacts`` (+``/{id}``, ``/model``, ``/{contactId}/tags``), ``/v1/tags``
(+``/{tagId}/contacts``), ``/v1/companies``, ``/v1/opportunities``, ``/v1/opportunity/stage_pipeline``,
``/v1/tasks``, ``/v1/notes``, ``/v1/appointments``, ``/v1/files`` (+``/{fileId}``), ``/v1/users``,
``/v1/campaigns``.
"""

from __future__ import annotations

import base64

from starlette.requests import Request
from starlette.responses import Response

from ..data.crm import contact_row
from ..data.pools import CONTACT_CUSTOM_FIELDS
from ..wire import parse_v2_time, to_ms, v1_day, v1_time, v1_time_of_v2
from .crm_records import (actions, applications_of_contact, campaign_records, contact_name, crm_times,
                          opportunity_records)
from .v1 import V1, V1Error, v1_bool, v1_endpoint, v1_filter_window, v1_int, v1_order, v1_page, v1_where_ints
from .v2 import json_response

EMAIL_STATUS_V1 = {"UNENGAGED_MARKETABLE": "UnengagedMarketable", "SINGLE_OPT_IN": "SingleOptIn",
                   "DOUBLE_OPT_IN": "DoubleOptin", "CONFIRMED": "Confirmed",
                   "UNENGAGED_NON_MARKETABLE": "UnengagedNonMarketable", "NON_MARKETABLE": "NonMarketable",
                   "LOCKDOWN": "Lockdown", "BOUNCE": "Bounce", "HARD_BOUNCE": "HardBounce", "MANUAL": "Manual",
                   "ADMIN": "Admin", "SYSTEM": "System", "LIST_UNSUBSCRIBE": "ListUnsubscribe",
                   "FEEDBACK": "Feedback", "SPAM": "Spam", "INVALID": "Invalid", "DEACTIVATED": "Deactivated"}
FIELD_TYPE_V1 = {"TEXT": "Text", "WHOLE_NUMBER": "WholeNumber", "DATE": "Date", "DECIMAL": "DecimalNumber",
                 "DATE_TIME": "DateTime"}
# v2 social account types (FACEBOOK, LINKED_IN, ...) -> the v1 enum
SOCIAL_TYPE_V1 = {"FACEBOOK": "Facebook", "TWITTER": "Twitter", "LINKED_IN": "LinkedIn", "INSTAGRAM": "Instagram",
                  "SNAPCHAT": "Snapchat", "YOUTUBE": "YouTube", "PINTEREST": "Pinterest"}
_PARTIAL_EXTRAS = ("custom_fields",)  # optional_properties a list accepts
_FULL_EXTRAS = ("custom_fields", "tag_ids", "origin", "relationships", "opt_in_reason")


def _int(value) -> int | None:
    return None if value is None else int(value)


def _v1_source_type(value: str | None) -> str | None:
    """v1 spells v2's source types without underscores (FORM_API_HOSTED -> FORMAPIHOSTED)."""
    return None if value is None else value.replace("_", "")


def _optional(params, allowed: tuple[str, ...]) -> set[str]:
    names = {n.strip() for raw in params.getlist("optional_properties") for n in raw.split(",") if n.strip()}
    unknown = names - set(allowed)
    if unknown:
        raise V1Error(400, f"Invalid optional_properties: {', '.join(sorted(unknown))}")
    return names


# --------------------------------------------------------------------------- contacts


def v1_contact(c: dict) -> dict:
    """``RestPartialContact`` plus the FullContact extras (callers drop what was not asked for)."""
    emails = c["email_addresses"]
    first = emails[0] if emails else None
    company = c["company"]
    return {
        "id": int(c["id"]), "given_name": c["given_name"], "middle_name": c["middle_name"],
        "family_name": c["family_name"], "preferred_name": c["preferred_name"], "prefix": c["prefix"],
        "suffix": c["suffix"],
        "company": None if company is None else {"id": int(company["id"]), "company_name": company["company_name"]},
        "company_name": None if company is None else company["company_name"], "job_title": c["job_title"],
        "contact_type": c["contact_type"], "owner_id": _int(c["owner_id"]), "lead_source_id": _int(c["leadsource_id"]),
        "email_addresses": [{"email": e["email"], "field": e["field"]} for e in emails],
        "email_opted_in": bool(first and first["is_opt_in"]),
        "email_status": EMAIL_STATUS_V1.get(first["email_opt_status"]) if first else None,
        "phone_numbers": [{"number": p["number"], "extension": p["extension"], "type": p["type"], "field": p["field"]}
                          for p in c["phone_numbers"]],
        "fax_numbers": [{"number": f["number"], "type": f.get("type"), "field": f["field"]} for f in c["fax_numbers"]],
        "addresses": [{"field": a["field"], "line1": a["line1"], "line2": a["line2"], "locality": a["locality"],
                       "region": a["region"], "postal_code": a["postal_code"], "zip_code": a["zip_code"],
                       "zip_four": a["zip_four"], "country_code": a["country_code"]} for a in c["addresses"]],
        "social_accounts": [{"name": s.get("name"), "type": SOCIAL_TYPE_V1.get(s.get("type"), s.get("type"))}
                            for s in c["social_accounts"]],
        "birthday": v1_day(c["birth_date"]),
        "anniversary": v1_day(c["anniversary_date"]),
        "spouse_name": c["spouse_name"], "website": c["website"], "time_zone": c["time_zone"],
        "preferred_locale": c["preferred_locale"], "source_type": _v1_source_type(c["source_type"]), "ScoreValue": c["score_value"],
        "date_created": v1_time_of_v2(c["create_time"]), "last_updated": v1_time_of_v2(c["update_time"]),
        "last_updated_utc_millis": parse_v2_time(c["update_time"]),
        "custom_fields": [{"id": int(cf["id"]), "content": cf["content"]} for cf in c["custom_fields"]],
        "tag_ids": [int(t) for t in c["tag_ids"]], "origin": c["origin"], "relationships": [],
        "opt_in_reason": first["opt_in_reason"] if first else None,
    }


class V1Contacts:
    def __init__(self, ds):
        self.ds = ds
        self._rendered: list[dict] | None = None
        self._by_id: dict[int, dict] | None = None

    def rendered(self) -> list[dict]:
        """All contacts in v1 form (full, id order), rendered once on first use."""
        if self._rendered is None:
            rows = sorted((v1_contact(c) for c in self.ds.contacts), key=lambda r: r["id"])
            self._rendered, self._by_id = rows, {r["id"]: r for r in rows}
        return self._rendered

    @staticmethod
    def _trim(row: dict, extras: tuple[str, ...], wanted: set[str]) -> dict:
        return {k: v for k, v in row.items() if k not in extras or k in wanted}

    def list(self, request: Request) -> Response:
        p = request.query_params
        wanted = _optional(p, _PARTIAL_EXTRAS)
        rows = v1_filter_window(p, self.rendered(), lambda r: r["last_updated_utc_millis"])
        if p.get("email"):
            email = p["email"].lower()
            rows = [r for r in rows if any(e["email"].lower() == email for e in r["email_addresses"])]
        for name in ("given_name", "family_name"):
            if p.get(name):
                rows = [r for r in rows if (r[name] or "").lower() == p[name].lower()]
        key, desc = v1_order(p, {
            "id": lambda r: r["id"], "date_created": lambda r: (r["date_created"], r["id"]),
            "last_updated": lambda r: (r["last_updated_utc_millis"], r["id"]),
            "name": lambda r: ((r["family_name"] or "").lower(), (r["given_name"] or "").lower(), r["id"]),
            "firstName": lambda r: ((r["given_name"] or "").lower(), r["id"]),
            "email": lambda r: (r["email_addresses"][0]["email"].lower() if r["email_addresses"] else "", r["id"])},
            "id")
        rows = sorted(rows, key=key, reverse=desc)
        return v1_page(request, "contacts", [self._trim(r, _FULL_EXTRAS, wanted) for r in rows])

    def one(self, request: Request, id: str) -> Response:
        self.rendered()
        row = self._by_id.get(int(id)) if id.isdigit() else None
        if row is None:
            raise V1Error(404, f"Contact {id} not found")
        wanted = _optional(request.query_params, _FULL_EXTRAS) | {"tag_ids", "origin", "relationships",
                                                                  "opt_in_reason"}
        return json_response(self._trim(row, _FULL_EXTRAS, wanted))

    def model(self, request: Request) -> Response:
        fields = {f["Id"]: f for f in self.ds.tables["DataFormField"] if f["FormId"] == -1}
        return json_response({
            "custom_fields": [{"id": int(fid), "label": label, "field_name": fields[int(fid)]["Name"],
                               "field_type": FIELD_TYPE_V1[ftype], "record_type": "CONTACT", "options": [],
                               "default_value": None} for fid, label, ftype in CONTACT_CUSTOM_FIELDS],
            "optional_properties": list(_PARTIAL_EXTRAS)})

    def tags(self, request: Request, contactId: str) -> Response:
        cid = int(contactId) if contactId.isdigit() else None
        self.rendered()
        if cid not in self._by_id:
            raise V1Error(404, f"Contact {contactId} not found")
        groups = {row["Id"]: row for row in self.ds.tables["ContactGroup"]}
        categories = {row["Id"]: row["CategoryName"] for row in self.ds.tables["ContactGroupCategory"]}
        rows = [{"tag": {"id": a["GroupId"], "name": groups[a["GroupId"]]["GroupName"],
                         "category": categories.get(groups[a["GroupId"]].get("GroupCategoryId"))},
                 "date_applied": v1_time(a["DateCreated"])}
                for a in sorted(applications_of_contact(self.ds).get(cid, ()), key=lambda a: a["GroupId"])]
        return v1_page(request, "tags", rows)


# --------------------------------------------------------------------------- tags, companies, users, files


def v1_tags(ds):
    categories = {row["Id"]: row for row in ds.tables["ContactGroupCategory"]}

    def tag(row):
        category = categories.get(row.get("GroupCategoryId"))
        return {"id": row["Id"], "name": row["GroupName"], "description": row.get("GroupDescription"),
                "category": None if category is None else {"id": category["Id"], "name": category["CategoryName"],
                                                           "description": category.get("CategoryDescription")}}

    def handler(request: Request) -> Response:
        p = request.query_params
        rows = v1_where_ints(p, ds.tables["ContactGroup"], {"category": "GroupCategoryId"})
        if p.get("name"):
            rows = [r for r in rows if r["GroupName"].lower() == p["name"].lower()]
        return v1_page(request, "tags", [tag(r) for r in sorted(rows, key=lambda r: r["Id"])])
    return handler


def v1_tagged_contacts(ds):
    known = {row["Id"] for row in ds.tables["ContactGroup"]}

    def handler(request: Request, tagId: str) -> Response:
        if not tagId.isdigit() or int(tagId) not in known:
            raise V1Error(404, f"Tag {tagId} not found")
        rows = []
        for a in ds.collections["tag_applications"].get(int(tagId), ()):
            contact = contact_row(ds, a["ContactId"]) or {}
            rows.append({"contact": {"id": a["ContactId"], "email": contact.get("Email"),
                                     "first_name": contact.get("FirstName"), "last_name": contact.get("LastName")},
                         "date_applied": v1_time(a["DateCreated"])})
        return v1_page(request, "contacts", rows)
    return handler


def v1_companies(ds):
    def company(row):
        return {"id": row["Id"], "company_name": row["Company"], "email_address": row.get("Email"),
                "email_opted_in": False, "email_status": "UnengagedNonMarketable",
                "phone_number": {"number": row["Phone1"], "type": row.get("Phone1Type"), "extension": None}
                if "Phone1" in row else None, "fax_number": None,
                "address": {"line1": row.get("StreetAddress1"), "line2": row.get("StreetAddress2"),
                            "locality": row.get("City"), "region": row.get("State"),
                            "zip_code": row.get("PostalCode"), "zip_four": None,
                            "country_code": "USA" if row.get("Country") == "United States" else None},
                "website": row.get("Website"), "notes": row.get("ContactNotes"), "custom_fields": []}

    def handler(request: Request) -> Response:
        p = request.query_params
        wanted = _optional(p, ("custom_fields", "notes", "fax_number"))
        rows = ds.tables["Company"]
        if p.get("company_name"):
            rows = [r for r in rows if r["Company"].lower() == p["company_name"].lower()]
        key, desc = v1_order(p, {"id": lambda r: r["Id"], "date_created": lambda r: (r["DateCreated"], r["Id"]),
                                 "name": lambda r: (r["Company"].lower(), r["Id"]),
                                 "email": lambda r: ((r.get("Email") or "").lower(), r["Id"])}, "id")
        out = [company(r) for r in sorted(rows, key=key, reverse=desc)]
        if "custom_fields" not in wanted:
            out = [{k: v for k, v in c.items() if k != "custom_fields"} for c in out]
        return v1_page(request, "companies", out)
    return handler


def v1_users(ds):
    def user(row):
        created, updated = crm_times(ds, "User", row["Id"])
        return {"id": row["Id"], "given_name": row["FirstName"], "family_name": row["LastName"],
                "middle_name": None, "preferred_name": None, "email_address": row["Email"],
                "job_title": row.get("Title"), "company_name": None, "status": "Active", "partner": False,
                "phone_numbers": [{"number": row["Phone1"], "extension": None, "type": row.get("Phone1Type"),
                                   "field": "PHONE1"}], "fax_numbers": [],
                "address": {"line1": row.get("StreetAddress1"), "line2": None, "locality": row.get("City"),
                            "region": row.get("State"), "zip_code": row.get("PostalCode"), "zip_four": None,
                            "country_code": "USA"},
                "date_created": v1_time_of_v2(created), "last_updated": v1_time_of_v2(updated), "time_zone": None,
                "website": None, "global_user_id": row["Id"], "infusionsoft_id": row["Email"],
                "created_by": None, "last_updated_by": None}

    def handler(request: Request) -> Response:
        p = request.query_params
        include_inactive, include_partners = v1_bool(p, "include_inactive", True), v1_bool(p, "include_partners", True)
        rows = [user(r) for r in ds.tables["User"]]
        rows = [u for u in rows if (include_inactive or u["status"] == "Active") and (include_partners or not u["partner"])]
        return v1_page(request, "users", rows)
    return handler


def _file_descriptor(ds, row) -> dict:
    created, updated = crm_times(ds, "FileBox", row["Id"])
    contact = row.get("ContactId")
    return {"id": row["Id"], "file_name": row["FileName"], "file_size": row["FileSize"], "public": bool(row["Public"]),
            "contact_id": contact, "category": "Attachments" if contact is not None else "Documents",
            "file_box_type": "Contact" if contact is not None else "Application", "created_by": None,
            "date_created": v1_time_of_v2(created), "last_updated": v1_time_of_v2(updated), "remote_file_key": None,
            "download_url": f"https://{ds.tenant_host}/Download?Id={row['Id']}"}


def v1_files(ds):
    def handler(request: Request) -> Response:
        p = request.query_params
        rows = v1_where_ints(p, ds.tables["FileBox"], {"contact_id": "ContactId"})
        viewable = (p.get("viewable") or "BOTH").upper()
        if viewable not in ("PUBLIC", "PRIVATE", "BOTH"):
            raise V1Error(400, f"Invalid viewable '{viewable}'")
        if viewable != "BOTH":
            rows = [r for r in rows if bool(r["Public"]) == (viewable == "PUBLIC")]
        if p.get("name"):
            rows = [r for r in rows if _like(r["FileName"], p["name"])]
        if p.get("type"):
            rows = [r for r in rows if ("Contact" if "ContactId" in r else "Application") == p["type"]]
        return v1_page(request, "files", [_file_descriptor(ds, r) for r in rows])
    return handler


def _like(value: str, pattern: str) -> bool:
    """v1's file-name filter: ``*`` before/after the text makes it a LIKE match."""
    value, text = value.lower(), pattern.lower().strip("*")
    if pattern.startswith("*") and pattern.endswith("*"):
        return text in value
    if pattern.endswith("*"):
        return value.startswith(text)
    if pattern.startswith("*"):
        return value.endswith(text)
    return value == text


def v1_file(ds):
    rows = {row["Id"]: row for row in ds.tables["FileBox"]}

    def handler(request: Request, fileId: str) -> Response:
        row = rows.get(int(fileId)) if fileId.isdigit() else None
        if row is None:
            raise V1Error(404, f"File {fileId} not found")
        body = {"file_descriptor": _file_descriptor(ds, row)}
        if "file_data" in _optional(request.query_params, ("file_data",)):
            body["file_data"] = base64.b64encode(ds.collections["file_data"][row["Id"]]).decode("ascii")
        return json_response(body)
    return handler


# --------------------------------------------------------------------------- opportunities


def v1_opportunities(ds):
    rendered: list[dict] | None = None

    def opportunity(o: dict) -> dict:
        c, stage, user = o["contact"], o["stage"], o["user"]
        return {"id": int(o["id"]), "opportunity_title": o["opportunity_title"],
                "next_action_date": v1_time_of_v2(o["next_action_time"]), "next_action_notes": o["next_action_notes"],
                "opportunity_notes": o["opportunity_notes"], "estimated_close_date": v1_time_of_v2(o["estimated_close_time"]),
                "include_in_forecast": int(o["include_in_forecast"]),
                "projected_revenue_low": o["projected_revenue_low"], "projected_revenue_high": o["projected_revenue_high"],
                "contact": None if c is None else {"id": int(c["id"]), "email": c["email"], "first_name": c["first_name"],
                                                   "last_name": c["last_name"], "company_name": c["company_name"],
                                                   "job_title": c["job_title"], "phone_number": c["phone_number"]},
                "stage": {"id": int(stage["id"]), "name": stage["name"],
                          "details": {k: v for k, v in stage["details"].items() if k != "checklist_items"}
                          | {"check_list_items": []}, "reasons": []},
                "user": None if user is None else {"id": int(user["id"]), "first_name": user["first_name"],
                                                   "last_name": user["last_name"]},
                "date_created": v1_time_of_v2(o["created_time"]), "last_updated": v1_time_of_v2(o["last_updated_time"]),
                "affiliate_id": int(o["affiliate_id"] or 0),
                "custom_fields": [{"id": int(cf["id"]), "content": cf["content"]} for cf in o["custom_fields"]]}

    def handler(request: Request) -> Response:
        nonlocal rendered
        if rendered is None:
            rendered = [(o, opportunity(o)) for o in opportunity_records(ds)]
        p = request.query_params
        rows = rendered
        for name, key in (("user_id", "user"), ("stage_id", "stage")):
            wanted = v1_int(p, name)
            if wanted is not None:
                rows = [(o, v) for o, v in rows if v[key] is not None and v[key]["id"] == wanted]
        term = (p.get("search_term") or "").lower()
        if term:
            rows = [(o, v) for o, v in rows if term in v["opportunity_title"].lower()
                    or any(term in (v["contact"] or {}).get(k) .lower() for k in ("first_name", "last_name",
                                                                                   "company_name", "email")
                           if (v["contact"] or {}).get(k))]
        key, desc = v1_order(p, {"next_action": lambda ov: (ov[1]["next_action_date"] or "", ov[1]["id"]),
                                 "opportunity_name": lambda ov: (ov[1]["opportunity_title"].lower(), ov[1]["id"]),
                                 "contact_name": lambda ov: (contact_name(ov[0]) or "", ov[1]["id"]),
                                 "date_created": lambda ov: (ov[1]["date_created"], ov[1]["id"])}, "date_created")
        return v1_page(request, "opportunities", [v for _, v in sorted(rows, key=key, reverse=desc)])
    return handler


def v1_stage_pipeline(ds):
    def handler(request: Request) -> Response:
        in_stage: dict[int, int] = {}
        for lead in ds.tables["Lead"]:
            in_stage[lead["StageID"]] = in_stage.get(lead["StageID"], 0) + 1
        stages = ds.tables["Stage"]
        return json_response([{"stage_id": s["Id"], "stage_name": s["StageName"], "stage_order": s["StageOrder"],
                               "stage_count": in_stage.get(s["Id"], 0), "end_stage": s["TargetNumDays"] == 0,
                               "is_default": i == 0} for i, s in enumerate(stages)])
    return handler


# --------------------------------------------------------------------------- tasks, notes, appointments


def v1_tasks(ds):

    def task(a: dict) -> dict:
        contact = contact_row(ds, a["ContactId"]) or {}
        return {"id": a["Id"], "title": a.get("ActionDescription"), "description": a.get("CreationNotes"),
                "type": a.get("ActionType"), "priority": a.get("Priority"), "completed": "CompletionDate" in a,
                "completion_date": v1_time(a.get("CompletionDate")), "creation_date": v1_time(a["CreationDate"]),
                "modification_date": v1_time(a["LastUpdated"]), "due_date": v1_time(a.get("ActionDate")),
                "remind_time": None, "user_id": a.get("UserID"), "url": None, "funnel_id": None, "jgraph_id": None,
                "contact": {"id": a["ContactId"], "email": contact.get("Email"),
                            "first_name": contact.get("FirstName"), "last_name": contact.get("LastName")}}

    def handler(request: Request) -> Response:
        p = request.query_params
        rows = v1_filter_window(p, actions(ds, "Task"), lambda a: to_ms(a["LastUpdated"]))
        for name, test in (("completed", lambda a, v: ("CompletionDate" in a) == v),
                           ("has_due_date", lambda a, v: ("ActionDate" in a) == v)):
            wanted = v1_bool(p, name)
            if wanted is not None:
                rows = [a for a in rows if test(a, wanted)]
        rows = v1_where_ints(p, rows, {"contact_id": "ContactId", "user_id": "UserID"})
        return v1_page(request, "tasks", [task(a) for a in rows])
    return handler


def v1_notes(ds):
    users = {row["Id"]: row for row in ds.tables["User"]}
    note_types = {"Appointment", "Call", "Email", "Fax", "Letter", "Other"}

    def note(a: dict) -> dict:
        editor = users.get(a.get("LastUpdatedBy"))
        return {"id": a["Id"], "title": a.get("ActionDescription"), "body": a.get("CreationNotes"),
                "type": a.get("ActionType") if a.get("ActionType") in note_types else "Other",
                "contact_id": a["ContactId"], "user_id": a.get("UserID"),
                "date_created": v1_time(a["CreationDate"]), "last_updated": v1_time(a["LastUpdated"]),
                "last_updated_by": None if editor is None else {"user_id": editor["Id"], "given_name": editor["FirstName"],
                                                                "family_name": editor["LastName"]}}

    def handler(request: Request) -> Response:
        p = request.query_params
        rows = actions(ds, "Note")
        rows = v1_where_ints(p, rows, {"contact_id": "ContactId", "user_id": "UserID"})
        return v1_page(request, "notes", [note(a) for a in rows])
    return handler


def v1_appointments(ds):
    def appointment(a: dict) -> dict:
        return {"id": a["Id"], "title": a.get("ActionDescription"), "description": a.get("CreationNotes"),
                "start_date": v1_time(a.get("ActionDate")), "end_date": v1_time(a.get("EndDate")),
                "location": None, "contact_id": a["ContactId"], "user": a.get("UserID"), "remind_time": None}

    def handler(request: Request) -> Response:
        p = request.query_params
        rows = v1_filter_window(p, actions(ds, "Appointment"), 
                                 lambda a: None if a.get("ActionDate") is None else to_ms(a["ActionDate"]))
        contact = v1_int(p, "contact_id")
        if contact is not None:
            rows = [a for a in rows if a["ContactId"] == contact]
        return v1_page(request, "appointments", [appointment(a) for a in rows])
    return handler


def v1_campaigns(ds):
    def campaign(c: dict) -> dict:
        return {"id": int(c["id"]), "name": c["name"], "locked": c["locked"], "date_created": v1_time_of_v2(c["date_created"]),
                "published_date": v1_time_of_v2(c["published_date"]), "published_status": c["published_status"],
                "published_time_zone": None, "time_zone": None, "error_message": None, "created_by_global_id": None,
                "active_contact_count": c["active_contact_count"],
                "completed_contact_count": c["completed_contact_count"]}

    updated = {cid: t[1] for cid, t in ds.collections["crm_times"]["Campaign"].items()}

    def handler(request: Request) -> Response:
        p = request.query_params
        rows = [campaign(c) for c in campaign_records(ds)]
        text = (p.get("search_text") or "").lower()
        if text:
            rows = [c for c in rows if text in c["name"].lower()]
        key, desc = v1_order(p, {
            "id": lambda c: c["id"], "name": lambda c: (c["name"].lower(), c["id"]),
            "published_date": lambda c: (c["published_date"] or "", c["id"]),
            "completed_contact_count": lambda c: (c["completed_contact_count"], c["id"]),
            "active_contact_count": lambda c: (c["active_contact_count"], c["id"]),
            "date_created": lambda c: (c["date_created"], c["id"]),
            "last_updated": lambda c: (updated[c["id"]], c["id"])}, "id")
        out = [{k: v for k, v in c.items() if k not in ("active_contact_count", "completed_contact_count")}
               for c in sorted(rows, key=key, reverse=desc)]
        return v1_page(request, "campaigns", out)
    return handler


# --------------------------------------------------------------------------- registration


def register(router, ds) -> None:
    contacts = V1Contacts(ds)
    endpoints = {
        "contacts": contacts.list, "contacts/model": contacts.model, "contacts/{id}": contacts.one,
        "contacts/{contactId}/tags": contacts.tags, "tags": v1_tags(ds),
        "tags/{tagId}/contacts": v1_tagged_contacts(ds), "companies": v1_companies(ds),
        "opportunities": v1_opportunities(ds), "opportunity/stage_pipeline": v1_stage_pipeline(ds),
        "tasks": v1_tasks(ds), "notes": v1_notes(ds), "appointments": v1_appointments(ds),
        "files": v1_files(ds), "files/{fileId}": v1_file(ds), "users": v1_users(ds),
        "campaigns": v1_campaigns(ds),
    }
    for path, fn in endpoints.items():
        router.add(f"{V1}/{path}", v1_endpoint(fn))

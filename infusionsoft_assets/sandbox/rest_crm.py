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
import json
from typing import Callable

from starlette.responses import Response

from .dataset import CONTACT_CUSTOM_FIELDS, iso_ms
from .rest_v2 import (COMPARED_TIME, CONTACT_FIELDS, DEFAULT_CONTACT_FIELDS, DEFAULT_PAGE_SIZE, EXACT, LIST,
                      MAX_PAGE_SIZE, NUMBER, ORDERED, TIME, WILDCARD, ApiError, Condition, ListResource,
                      decode_page_token, encode_page_token, json_response, list_fields, matches_text,
                      number_matches, parse_fields, parse_filter, parse_order_by, parse_page_size,
                      parse_time_ms, query_fingerprint, time_matches)


def _ms(moment) -> int:
    return round(moment.timestamp() * 1000)


def _iso(moment) -> str | None:
    return None if moment is None else iso_ms(_ms(moment))


class Match:
    """A filter spec whose test is its own: ``test(record, condition) -> bool``."""

    def __init__(self, test: Callable):
        self.test = test


class RecordsResource(ListResource):
    """A v2 list over pre-rendered records.

    ``filter_keys``: filter name -> record key (dotted for nested, or a callable of the record, or a
    :class:`Match`). A TIME filter named ``since_*`` keeps ``key >= T``, ``until_*`` keeps ``key < T``
    (half-open, like contacts); NUMBER, ORDERED and COMPARED_TIME filters compare; LIST keeps any of the ids.
    ``order_keys``: order_by field -> record key or callable; the default order is ``id`` ascending.
    ``optional``: fields left out unless named in ``fields`` (Keap's "optional properties").
    ``page_sizes``: the accepted page_size range (users: 1..100). ``rules``: callables
    ``(conditions, resource)`` raising ApiError for invalid combinations.
    """

    def __init__(self, resource: str, envelope: str, records: list[dict], filters: dict[str, str],
                 filter_keys: dict, order_keys: dict, *, optional: tuple[str, ...] = (),
                 page_sizes: tuple[int, int] = (0, MAX_PAGE_SIZE), rules: tuple = (),
                 default_key: Callable | None = None):
        super().__init__()
        self.resource, self.envelope = resource, envelope
        # A callable is rendered on first use: big record sets cost nothing until asked for.
        self._records, self._render = (None, records) if callable(records) else (records, None)
        self.filters, self.filter_keys, self.order_keys = filters, filter_keys, order_keys
        self.order_fields = tuple(order_keys)
        self.optional, self.page_sizes, self.rules = optional, page_sizes, rules
        self.default_key = default_key or (lambda r: int(r["id"]))
        if optional:
            self.fields = optional

    @property
    def records(self) -> list[dict]:
        if self._records is None:
            self._records = self._render()
        return self._records

    # ----------------------------------------------------------------- query parsing

    def parse_conditions(self, raw_filter: str) -> list[Condition]:
        conditions = parse_filter(raw_filter, self.filters, self.resource)
        for rule in self.rules:
            rule(conditions, self.resource)
        return conditions

    def page_size(self, raw: str | None) -> int:
        low, high = self.page_sizes
        if raw is None or raw.strip() == "":
            return min(high, DEFAULT_PAGE_SIZE)
        size = parse_page_size(raw, self.resource) if raw.strip() != "0" else 0
        if not low <= size <= high:
            raise ApiError(400, f"Invalid page_size {size}: must be between {low} and {high}",
                           domain="page_size", resource=self.resource)
        return size or min(high, DEFAULT_PAGE_SIZE)

    def _keys(self, params):
        if not self.optional:
            return None
        requested = parse_fields(params.getlist("fields"), self.optional, self.resource) or []
        base = tuple(k for k in (self.records[0] if self.records else {}) if k not in self.optional)
        return base + tuple(k for k in requested if k in self.optional)

    # ----------------------------------------------------------------- selection and rendering

    def select(self, conditions, order):
        rows = self.records
        for cond in conditions:
            rows = [r for r in rows if self._matches(r, cond)]
        rows = sorted(rows, key=self.default_key)
        if order is not None:
            key = self.order_keys[order[0]]
            value = key if callable(key) else (lambda r, k=key: _lookup(r, k))
            rows = sorted(rows, key=lambda r: (value(r) is not None, _sortable(value(r))), reverse=order[1])
        return rows

    def _matches(self, record: dict, cond) -> bool:
        spec = self.filter_keys[cond.field]
        if isinstance(spec, Match):
            return spec.test(record, cond)
        value = spec(record) if callable(spec) else _lookup(record, spec)
        kind = self.filters[cond.field]
        if kind == LIST:
            return value is not None and str(value) in {v.strip() for v in cond.value.split(",")}
        if value is None:
            return False
        if kind == TIME:
            bound, ms = parse_time_ms(cond.value), parse_time_ms(value)
            return ms >= bound if cond.field.startswith("since") else ms < bound
        if kind == COMPARED_TIME:
            return time_matches(value, cond)
        if kind in (NUMBER, ORDERED):
            return number_matches(value, cond)
        if isinstance(value, bool):
            return str(value).lower() == cond.value.lower()
        return matches_text(str(value), cond)


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


def _timed_rows(ds, table: str):
    """Each row of a CRM table with its v2 create and update times (ISO strings)."""
    for row in ds.tables[table]:
        yield (row, *_times(ds, table, row["Id"]))


def tag_records(ds) -> list[dict]:
    return [{"id": str(row["Id"]), "name": row["GroupName"], "description": row.get("GroupDescription"),
             "category": None if row.get("GroupCategoryId") is None else {"id": str(row["GroupCategoryId"])},
             "create_time": created, "update_time": updated}
            for row, created, updated in _timed_rows(ds, "ContactGroup")]


def tag_category_records(ds) -> list[dict]:
    return [{"id": str(row["Id"]), "name": row["CategoryName"], "description": row.get("CategoryDescription"),
             "create_time": created, "update_time": updated}
            for row, created, updated in _timed_rows(ds, "ContactGroupCategory")]


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
            "fax_number": {"number": row["Fax1"], "type": row.get("Fax1Type"), "field": "FAX1"}
            if "Fax1" in row else None,
            "create_time": _iso(row["DateCreated"]), "update_time": _iso(row["LastUpdated"]),
            "custom_fields": [],
        })
    return out


# Left out of a company unless named in `fields`: on the list, the spec's "not included by default"
# set; by id, its "Available fields" (which keep the times but take the website too).
COMPANY_LIST_OPTIONAL = ("notes", "fax_number", "address", "email_address", "phone_number", "update_time",
                         "create_time", "custom_fields")
COMPANY_OPTIONAL = ("address", "custom_fields", "email_address", "fax_number", "phone_number", "website", "notes")


def _same_instant(key: str) -> Match:
    return Match(lambda record, cond: record.get(key) is not None
                 and parse_time_ms(record[key]) == parse_time_ms(cond.value))


def _has_email(record: dict, cond: Condition) -> bool:
    return any(matches_text(e["email"], cond) for e in record["email_addresses"])


def _company_email(record: dict) -> str | None:
    return record["email_address"]["email"] if record["email_address"] else None


def user_records(ds) -> list[dict]:
    admin_id = ds.tables["User"][0]["Id"]
    return [{"id": str(row["Id"]), "given_name": row["FirstName"], "family_name": row["LastName"],
             "email_addresses": [{"email": row["Email"], "field": "EMAIL1"}],
             "title": row.get("Title"), "status": "ACTIVE", "admin": row["Id"] == admin_id, "partner": False,
             "create_time": created, "update_time": updated,
             "phone_numbers": [{"number": row["Phone1"], "type": "Work", "field": "PHONE1"}]}
            for row, created, updated in _timed_rows(ds, "User")]


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
    return [{"id": str(row["Id"]), "name": row["Name"], "description": row.get("Description"),
             "vendor": row.get("Vendor"), "medium": row.get("Medium"), "message": row.get("Message"),
             "status": row["Status"].upper(), "lead_source_category_id": str(row["LeadSourceCategoryId"]),
             "start_time": _iso(row.get("StartDate")), "end_time": _iso(row.get("EndDate")),
             "create_time": created, "update_time": updated}
            for row, created, updated in _timed_rows(ds, "LeadSource")]


def lead_source_category_records(ds) -> list[dict]:
    return [{"id": str(row["Id"]), "name": row["Name"], "description": row.get("Description"),
             "create_time": created, "update_time": updated}
            for row, created, updated in _timed_rows(ds, "LeadSourceCategory")]


def file_records(ds) -> list[dict]:
    return [_file_record(row, created, updated) for row, created, updated in _timed_rows(ds, "FileBox")]


def _file_record(row: dict, created: str, updated: str) -> dict:
    contact = row.get("ContactId")
    return {"id": str(row["Id"]), "file_name": row["FileName"], "file_size": row["FileSize"],
            "is_public": bool(row["Public"]), "contact_id": None if contact is None else str(contact),
            "created_by_id": None,  # FileBox keeps no creator
            "category": "ATTACHMENTS" if contact is not None else "DOCUMENTS",
            "file_box_type": "CONTACT" if contact is not None else "APPLICATION",
            "created_time": created, "updated_time": updated}


def webform_records(ds) -> list[dict]:
    return [{"id": str(f["id"]), "xid": f["xid"], "name": f["name"], "webform_type": f["type"],
             "webform_url": f"https://{ds.tenant_host}/app/form/{f['xid']}",
             "create_time": iso_ms(f["create_ms"]), "update_time": iso_ms(f["update_ms"])}
            for f in ds.collections["webforms"]]


def report_records(ds) -> list[dict]:
    return [{"id": str(row["Id"]), "name": row["FilterName"], "created_time": created, "updated_time": updated,
             "user_ids": row["UserId"].split(",")}
            for row, created, updated in _timed_rows(ds, "SavedFilter")]


def tagged_contact_records(ds, tag_id: int) -> list[dict]:
    from .data_crm import contact_row

    out = []
    for application in ds.collections["tag_applications"].get(tag_id, ()):
        contact = contact_row(ds, application["ContactId"]) or {}
        out.append({"id": str(application["ContactId"]), "email": contact.get("Email"),
                    "given_name": contact.get("FirstName"), "family_name": contact.get("LastName"),
                    "applied_time": _iso(application["DateCreated"])})
    return out


# --------------------------------------------------------------------------- sales, tasks, notes, marketing

PRIORITIES = {1: "CRITICAL", 2: "ESSENTIAL", 3: "NONESSENTIAL"}  # ContactAction.Priority -> v2 enum


def _sid(value) -> str | None:
    return None if value is None else str(value)


def _users_by_id(ds) -> dict[int, dict]:
    return {row["Id"]: row for row in ds.tables["User"]}


def _custom_values(row: dict, fields: list[dict]) -> list[dict]:
    """``[{id, content}]`` for the DataFormField rows ``fields`` (content None when the row has none)."""
    return [{"id": str(f["Id"]), "content": row.get("_" + f["Name"])} for f in fields]


def _form_fields(ds, form_id: int) -> list[dict]:
    return [f for f in ds.tables["DataFormField"] if f["FormId"] == form_id]


def _stage_entries(ds) -> dict[int, object]:
    """Lead id -> when it entered its current stage (its last move; StageMove rows are in move order)."""
    return {move["OpportunityId"]: move["MoveDate"] for move in ds.tables["StageMove"]}


def opportunity_records(ds) -> list[dict]:
    from .data_crm import STAGES, contact_row

    users, fields, entered = _users_by_id(ds), _form_fields(ds, -4), _stage_entries(ds)
    stages = {row["Id"]: (row, probability) for row, (*_, probability) in zip(ds.tables["Stage"], STAGES)}
    statuses = {row["Id"]: row["StatusName"] for row in ds.tables["Status"]}
    out = []
    for lead in ds.tables["Lead"]:
        contact = contact_row(ds, lead["ContactID"]) if "ContactID" in lead else None
        stage, probability = stages[lead["StageID"]]
        user = users.get(lead.get("UserID"))
        out.append({
            "id": str(lead["Id"]),
            "contact": None if contact is None else {
                "id": str(contact["Id"]), "email": contact.get("Email"), "city": contact.get("City"),
                "state": contact.get("State"), "first_name": contact.get("FirstName"),
                "last_name": contact.get("LastName"), "company_name": contact.get("Company"),
                "job_title": contact.get("JobTitle"), "phone_number": contact.get("Phone1")},
            "stage": {"id": str(stage["Id"]), "name": stage["StageName"],
                      "details": {"probability": probability, "stage_order": stage["StageOrder"],
                                  "target_num_days": stage["TargetNumDays"], "checklist_items": []},
                      "reasons": []},
            "user": None if user is None else {"id": str(user["Id"]), "first_name": user["FirstName"],
                                               "last_name": user["LastName"]},
            "opportunity_title": lead["OpportunityTitle"],
            "next_action_time": _iso(lead.get("NextActionDate")),
            "next_action_notes": lead.get("NextActionNotes"),
            "opportunity_notes": lead.get("OpportunityNotes"),
            "estimated_close_time": _iso(lead.get("EstimatedCloseDate")),
            # The legacy table has no forecast flag; open opportunities are the ones forecast.
            "include_in_forecast": lead.get("StatusID") == 1,
            "projected_revenue_low": lead.get("ProjectedRevenueLow"),
            "projected_revenue_high": lead.get("ProjectedRevenueHigh"),
            "created_time": _iso(lead["DateCreated"]), "last_updated_time": _iso(lead["LastUpdated"]),
            "affiliate_id": _sid(lead.get("AffiliateId")), "lead_source": lead.get("Leadsource"),
            # optional properties (`fields=`)
            "custom_fields": _custom_values(lead, fields), "created_by": _sid(lead.get("CreatedBy")),
            "last_updated_by": _sid(lead.get("LastUpdatedBy")), "status_id": _sid(lead.get("StatusID")),
            "monthly_revenue": None, "order_revenue": None, "objection": lead.get("Objection"),
            "status": statuses.get(lead.get("StatusID")),
            "stage_entrance_time": _iso(entered.get(lead["Id"], lead["DateCreated"])),
        })
    return out


OPPORTUNITY_OPTIONAL = ("custom_fields", "created_by", "last_updated_by", "status_id", "monthly_revenue",
                        "order_revenue", "objection", "status", "stage_entrance_time")


def _actions(ds, kind: str) -> list[dict]:
    return [row for row in ds.tables["ContactAction"] if row["ObjectType"] == kind]


def task_records(ds) -> list[dict]:
    return [{"id": str(a["Id"]), "title": a.get("ActionDescription"), "description": a.get("CreationNotes"),
             "type": a["ActionType"].upper() if a.get("ActionType") else None,
             "priority": PRIORITIES.get(a.get("Priority")), "completed": "CompletionDate" in a,
             "create_time": _iso(a["CreationDate"]), "modification_time": _iso(a["LastUpdated"]),
             "completion_time": _iso(a.get("CompletionDate")), "due_time": _iso(a.get("ActionDate")),
             "remind_time_mins": None, "assigned_to_user_id": _sid(a.get("UserID")),
             "created_by_user_id": _sid(a.get("CreatedBy")), "last_updated_by_user_id": _sid(a.get("LastUpdatedBy")),
             "contact_id": _sid(a.get("ContactId")), "opportunity_id": _sid(a.get("OpportunityId")),
             "accepted": bool(a.get("Accepted")), "custom_fields": []}
            for a in _actions(ds, "Task")]


def note_records(ds) -> list[dict]:
    users = _users_by_id(ds)

    def user(uid):
        row = users.get(uid)
        return None if row is None else {"id": str(uid), "given_name": row["FirstName"],
                                         "family_name": row["LastName"], "email_address": row["Email"]}

    return [{"id": str(a["Id"]), "text": a.get("CreationNotes"), "title": a.get("ActionDescription"),
             "type": a.get("ActionType"), "contact_id": _sid(a.get("ContactId")),
             "assigned_to_user": user(a.get("UserID")), "create_time": _iso(a["CreationDate"]),
             "update_time": _iso(a["LastUpdated"]), "last_updated_by_user_id": _sid(a.get("LastUpdatedBy")),
             "pinned_at": None, "created_by_user_id": _sid(a.get("CreatedBy")), "custom_fields": []}
            for a in _actions(ds, "Note")]


def appointment_records(ds) -> list[dict]:
    return [{"id": str(a["Id"]), "title": a.get("ActionDescription"), "description": a.get("CreationNotes"),
             "location": None, "contact_id": _sid(a.get("ContactId")), "user_id": _sid(a.get("UserID")),
             "start_time": _iso(a.get("ActionDate")), "end_time": _iso(a.get("EndDate")),
             "create_time": _iso(a["CreationDate"]), "update_time": _iso(a["LastUpdated"])}
            for a in _actions(ds, "Appointment")]


def campaign_counts(ds) -> dict[int, tuple[int, int]]:
    """Campaign id -> (active, completed) members; a Campaignee no longer Active has completed."""
    counts: dict[int, list[int]] = {}
    for member in ds.tables["Campaignee"]:
        slot = counts.setdefault(member["CampaignId"], [0, 0])
        slot[0 if member["Status"] == "Active" else 1] += 1
    return {cid: (a, c) for cid, (a, c) in counts.items()}


def campaign_records(ds) -> list[dict]:
    counts = campaign_counts(ds)
    out = []
    for row in ds.tables["Campaign"]:
        created, _ = _times(ds, "Campaign", row["Id"])
        active, completed = counts.get(row["Id"], (0, 0))
        published = row["Status"] == "Active"
        out.append({"id": str(row["Id"]), "name": row["Name"], "locked": False, "date_created": created,
                    "published_date": created if published else None, "published_status": published,
                    "error_message": None, "time_zone": None, "published_time_zone": None,
                    "created_by_global_id": None, "active_contact_count": active,
                    "completed_contact_count": completed})
    return out


def _currency(amount: float) -> dict:
    """A v2 ``CurrencyValue``: minor units plus the tenant-formatted amount (the sandbox bills in USD)."""
    return {"amount": round(amount * 100), "currency_code": "USD", "formatted_amount": f"${amount:,.2f}"}


def expense_records(ds) -> list[dict]:
    # The legacy table has no create/update columns: an expense is recorded when incurred.
    return [{"id": str(e["Id"]), "title": e.get("Title"), "notes": e.get("Notes"), "amount": _currency(e["Amount"]),
             "lead_source_id": str(e["LeadSourceId"]),
             "lead_source_recurring_expense_id": _sid(e.get("LeadSourceRecurringExpenseId")),
             "create_time": _iso(e["DateIncurred"]), "update_time": _iso(e["DateIncurred"]),
             "incurred_time": _iso(e["DateIncurred"])}
            for e in ds.tables["LeadSourceExpense"]]


def recurring_expense_records(ds) -> list[dict]:
    return [{"id": str(e["Id"]), "title": e.get("Title"), "notes": e.get("Notes"), "amount": _currency(e["Amount"]),
             "lead_source_id": str(e["LeadSourceId"]), "start_time": _iso(e.get("StartDate")),
             "end_time": _iso(e.get("EndDate")), "next_expense_time": _iso(e.get("NextExpenseDate")),
             "create_time": _iso(e["StartDate"]), "update_time": _iso(e["StartDate"])}
            for e in ds.tables["LeadSourceRecurringExpense"]]


def applied_tag_records(ds, contact_id: int, tags: dict[int, dict]) -> list[dict]:
    return [{"tag": tags[a["GroupId"]], "applied_time": _iso(a["DateCreated"])}
            for a in _applications_of_contact(ds).get(contact_id, ())]


def _applications_of_contact(ds) -> dict[int, list[dict]]:
    index = ds.collections.get("_tag_applications_by_contact")
    if index is None:
        index = {}
        for row in ds.tables["ContactGroupAssign"]:
            index.setdefault(row["ContactId"], []).append(row)
        ds.collections["_tag_applications_by_contact"] = index
    return index


def association(row: dict) -> dict:
    """A ``TagContactAssociation``: one tag application, as the cross-tag/contact lists give it."""
    return {"contact_id": str(row["ContactId"]), "tag_id": str(row["GroupId"]),
            "applied_at": _iso(row["DateCreated"])}


# --------------------------------------------------------------------------- filter rules


def at_most_100(field: str):
    def rule(conditions, resource):
        for cond in conditions:
            if cond.field == field and len(cond.value.split(",")) > 100:
                raise ApiError(400, f"{field} accepts at most 100 ids", domain="filter", resource=resource)
    return rule


def not_together(a: str, b: str):
    def rule(conditions, resource):
        if {a, b} <= {c.field for c in conditions}:
            raise ApiError(400, f"{a} and {b} cannot be used together", domain="filter", resource=resource)
    return rule


def required_one_of(*fields: str):
    def rule(conditions, resource):
        if not set(fields) & {c.field for c in conditions}:
            raise ApiError(400, f"filter must include at least one of {', '.join(fields)}", domain="filter",
                           resource=resource)
    return rule


def _contains_or_prefix(key: str) -> Match:
    """Keap's note/campaign title match: a bare value matches anywhere, ``Foo*`` is a prefix."""
    def test(record, cond):
        value = record.get(key)
        if value is None:
            return False
        value = value.lower()
        return value.startswith(cond.stem) if cond.wildcard else cond.stem in value
    return Match(test)


def _user_or_unassigned(key: str) -> Match:
    def test(record, cond):
        if cond.value.upper() == "UNASSIGNED":
            return record.get(key) is None
        return record.get(key) == cond.value
    return Match(test)


def _category_or_none(record, cond) -> bool:
    category = record["tag"]["category"]
    if cond.value.upper() == "NONE":
        return category is None
    return category is not None and category["id"] == cond.value


_SINCE_UNTIL = {"since_time": TIME, "until_time": TIME}
_ID_ORDER = {"id": lambda r: int(r["id"])}


def opportunities_resource(ds) -> RecordsResource:
    custom = {f["Name"]: f for f in _form_fields(ds, -4)}
    filters = {"stage_id": EXACT, "user_id": EXACT, "contact_id": EXACT, "opportunity_title": WILDCARD,
               "lead_source_name": WILDCARD, "affiliate_id": EXACT, "opportunity_id": ORDERED, "ids": LIST,
               "contact_phone": WILDCARD, "contact_city": WILDCARD, "contact_state": WILDCARD,
               "projected_revenue_high": NUMBER, "projected_revenue_low": NUMBER,
               **{name: WILDCARD for name in custom}}
    keys = {"stage_id": "stage.id", "user_id": "user.id", "contact_id": "contact.id",
            "opportunity_title": "opportunity_title", "lead_source_name": "lead_source",
            "affiliate_id": "affiliate_id", "opportunity_id": "id", "ids": "id",
            "contact_phone": "contact.phone_number", "contact_city": "contact.city",
            "contact_state": "contact.state", "projected_revenue_high": "projected_revenue_high",
            "projected_revenue_low": "projected_revenue_low",
            **{name: _custom_content(str(f["Id"])) for name, f in custom.items()}}
    orders = {"next_action_time": "next_action_time", "contact_name": _contact_name,
              "opportunity_title": "opportunity_title", "created_time": "created_time",
              "update_time": "last_updated_time"}
    return RecordsResource("Opportunity", "opportunities", lambda: opportunity_records(ds), filters, keys,
                           orders, optional=OPPORTUNITY_OPTIONAL,
                           rules=(at_most_100("ids"), not_together("opportunity_id", "ids")))


def _custom_content(field_id: str):
    def content(record):
        return next((cf["content"] for cf in record["custom_fields"] if cf["id"] == field_id), None)
    return content


def _contact_name(record) -> str | None:
    contact = record["contact"]
    if contact is None:
        return None
    return f"{contact.get('first_name') or ''} {contact.get('last_name') or ''}".strip().lower()


def tasks_resource(ds) -> RecordsResource:
    filters = {"contact_id": EXACT, "has_due_date": EXACT, "is_completed": EXACT, "user_id": EXACT,
               "opportunity_id": EXACT, "task_ids": LIST, "priority": EXACT, **_SINCE_UNTIL, "id": NUMBER,
               "title": WILDCARD}
    keys = {"contact_id": "contact_id", "has_due_date": lambda r: r["due_time"] is not None,
            "is_completed": "completed", "user_id": _user_or_unassigned("assigned_to_user_id"),
            "opportunity_id": "opportunity_id", "task_ids": "id", "priority": "priority",
            "since_time": "modification_time", "until_time": "modification_time", "id": "id", "title": "title"}
    orders = {**_ID_ORDER, "create_time": "create_time", "due_time": "due_time", "update_time": "modification_time"}
    return RecordsResource("Task", "tasks", lambda: task_records(ds), filters, keys, orders,
                           optional=("custom_fields",), rules=(at_most_100("task_ids"),))


NOTE_FILTERS = {"id": NUMBER, "ids": LIST, "title": WILDCARD, "contact_id": EXACT, "assigned_to_user_id": EXACT,
                **_SINCE_UNTIL}
NOTE_KEYS = {"id": "id", "ids": "id", "title": _contains_or_prefix("title"), "contact_id": "contact_id",
             "assigned_to_user_id": "assigned_to_user.id", "since_time": "update_time", "until_time": "update_time"}
NOTE_ORDERS = {**_ID_ORDER, "create_time": "create_time", "update_time": "update_time"}


def notes_resource(records) -> RecordsResource:
    return RecordsResource("Note", "notes", records, NOTE_FILTERS, NOTE_KEYS, NOTE_ORDERS,
                           optional=("custom_fields",), rules=(not_together("id", "ids"),))


def appointments_resource(ds) -> RecordsResource:
    times = ("start_time", "end_time", "create_time", "update_time")
    return RecordsResource("TaskAppointment", "taskAppointments", lambda: appointment_records(ds),
                           {"contact_id": EXACT, "user_id": EXACT, **{t: COMPARED_TIME for t in times}},
                           {"contact_id": "contact_id", "user_id": "user_id", **{t: t for t in times}},
                           {t: t for t in times})


def campaigns_resource(ds) -> RecordsResource:
    updated = {cid: iso_ms(times[1]) for cid, times in ds.collections["crm_times"]["Campaign"].items()}
    orders = {"name": "name", "publisheddate": "published_date", **_ID_ORDER,
              "completedContactCount": "completed_contact_count", "activeContacts": "active_contact_count",
              "datecreated": "date_created", "lastupdated": lambda r: updated[int(r["id"])]}
    return RecordsResource("Campaign", "campaigns", campaign_records(ds), {"name": EXACT},
                           {"name": _contains_or_prefix("name")}, orders)


def _expense_resource(resource: str, envelope: str, records, times: tuple[str, ...]) -> RecordsResource:
    filters = {"title": EXACT, "amount": NUMBER, **{t: COMPARED_TIME for t in times}}
    keys = {"title": "title", "amount": "amount.amount", **{t: t for t in times}}
    orders = {"title": "title", "amount": "amount.amount", **{t: t for t in times}}
    return RecordsResource(resource, envelope, records, filters, keys, orders)


def contact_tags_resource(records) -> RecordsResource:
    filters = {"name": EXACT, "description": EXACT, "category_id": EXACT, "since_applied_time": TIME,
               "until_applied_time": TIME, **_CREATE_UPDATE}
    keys = {"name": "tag.name", "description": "tag.description", "category_id": Match(_category_or_none),
            "since_applied_time": "applied_time", "until_applied_time": "applied_time",
            **{name: f"tag.{key}" for name, key in _CREATE_UPDATE_KEYS.items()}}
    orders = {"name": "tag.name", "create_time": "tag.create_time", "update_time": "tag.update_time",
              "applied_time": "applied_time",
              "category_id": lambda r: int(r["tag"]["category"]["id"]) if r["tag"]["category"] else None}
    return RecordsResource("Tag", "tags", records, filters, keys, orders,
                           default_key=lambda r: (r["applied_time"], int(r["tag"]["id"])))


class AssociationsResource(RecordsResource):
    """``/v2/tags/-/contacts`` and ``/v2/contacts/-/tags``: tag applications across many tags or contacts.

    SDK 2.0.26 declares the filter "at least one is required" of the id list, ``since_applied_time``
    and ``until_applied_time`` (its prose still calls the id list required; the parameter's own doc
    is the later word). The id list picks applications from an index; a time window alone scans
    them all, on the raw rows, before any is rendered. ``since`` is inclusive, ``until`` exclusive,
    as every other sandbox window.
    """

    def __init__(self, resource: str, envelope: str, id_filter: str, index: Callable[[], dict]):
        filters = {id_filter: LIST, "since_applied_time": TIME, "until_applied_time": TIME}
        keys = {id_filter: lambda r: None, "since_applied_time": "applied_at", "until_applied_time": "applied_at"}
        super().__init__(resource, envelope, [], filters, keys, {"applied_time": "applied_at"},
                         rules=(required_one_of(*filters), at_most_100(id_filter)),
                         default_key=lambda r: (r["applied_at"], int(r["contact_id"]), int(r["tag_id"])))
        self.id_filter, self.index = id_filter, index

    def select(self, conditions, order):
        index = self.index()
        wanted = [int(v) for c in conditions if c.field == self.id_filter for v in c.value.split(",")]
        groups = [index.get(key, ()) for key in sorted(set(wanted))] if wanted else index.values()
        since = [parse_time_ms(c.value) for c in conditions if c.field == "since_applied_time"]
        until = [parse_time_ms(c.value) for c in conditions if c.field == "until_applied_time"]
        lo, hi = max(since, default=None), min(until, default=None)
        rows = [association(row) for group in groups for row in group
                if _in_window(_ms(row["DateCreated"]), lo, hi)]
        rows.sort(key=self.default_key)
        return rows[::-1] if order is not None and order[1] else rows


def _in_window(ms: int, lo: int | None, hi: int | None) -> bool:
    return (lo is None or ms >= lo) and (hi is None or ms < hi)


# --------------------------------------------------------------------------- endpoint table

_CREATE_UPDATE = {"since_create_time": TIME, "until_create_time": TIME, "since_update_time": TIME,
                  "until_update_time": TIME}
_CREATE_UPDATE_KEYS = {"since_create_time": "create_time", "until_create_time": "create_time",
                       "since_update_time": "update_time", "until_update_time": "update_time"}

# path -> (resource, envelope, records fn, filters {name: kind}, filter keys, order keys[, RecordsResource kwargs])
ENDPOINTS: dict[str, tuple] = {
    "/rest/v2/tags": ("Tag", "tags", tag_records,
                      {"name": EXACT, "description": EXACT, "category_id": EXACT, "tag_ids": LIST,
                       **_CREATE_UPDATE},
                      {"name": "name", "description": "description", "category_id": "category.id",
                       "tag_ids": "id", **_CREATE_UPDATE_KEYS},
                      {"name": "name", "create_time": "create_time", "update_time": "update_time"}),
    "/rest/v2/tags/categories": ("TagCategory", "tag_categories", tag_category_records,
                                 {"name": EXACT, "description": EXACT, **_CREATE_UPDATE},
                                 {"name": "name", "description": "description", **_CREATE_UPDATE_KEYS},
                                 {"name": "name", "create_time": "create_time", "update_time": "update_time"}),
    # `city`/`state` read the company's one (billing) address; `until_time` is exclusive like every
    # sandbox window although the spec says "on or before".
    "/rest/v2/companies": ("Company", "companies", company_records,
                           {"company_name": EXACT, "name": WILDCARD, "email": EXACT, "city": WILDCARD,
                            "state": WILDCARD, "since_time": TIME, "until_time": TIME, "company_id": ORDERED},
                           {"company_name": "company_name", "name": "company_name", "email": _company_email,
                            "city": "address.locality", "state": "address.region",
                            "since_time": "update_time", "until_time": "update_time", "company_id": "id"},
                           {"id": lambda r: int(r["id"]), "create_time": "create_time", "name": "company_name",
                            "email": _company_email},
                           {"optional": COMPANY_LIST_OPTIONAL}),
    # page_size 1..100 for users (the spec's only list with that range).
    "/rest/v2/users": ("User", "users", user_records,
                       {"email": EXACT, "given_name": EXACT, "include_inactive": EXACT,
                        "include_partners": EXACT, "user_ids": LIST},
                       {"email": Match(_has_email), "given_name": "given_name",
                        "include_inactive": Match(lambda r, c: c.value.lower() == "true" or r["status"] == "ACTIVE"),
                        "include_partners": Match(lambda r, c: c.value.lower() == "true" or not r["partner"]),
                        "user_ids": "id"},
                       {"create_time": "create_time", "email": lambda r: r["email_addresses"][0]["email"],
                        "name": lambda r: (r["family_name"].lower(), int(r["id"]))},
                       {"page_sizes": (1, 100)}),
    "/rest/v2/opportunities/stages": ("OpportunityStage", "stages", stage_records,
                                      {"opportunity_stage_name": WILDCARD, "opportunity_stage_id": ORDERED},
                                      {"opportunity_stage_name": "name", "opportunity_stage_id": "id"},
                                      {"stage_order": "order"}),
    "/rest/v2/opportunities/stageMoves": ("OpportunityStageMove", "stage_moves", stage_move_records,
                                          {"opportunity_id": EXACT, "user_id": EXACT},
                                          {"opportunity_id": "opportunity_id", "user_id": "user_id"},
                                          {"move_date": "move_time", **_ID_ORDER}),
    # `start_time==T`/`end_time==T` are declared with `==` alone and no word on their meaning: the
    # sandbox reads them literally, as the same instant (a source starting or ending exactly at T).
    "/rest/v2/leadSources": ("LeadSource", "lead_sources", lead_source_records,
                             {"id": NUMBER, "name": WILDCARD, "status": EXACT, "lead_source_category_id": EXACT,
                              "vendor": WILDCARD, "medium": WILDCARD, "message": WILDCARD,
                              "description": WILDCARD, "start_time": TIME, "end_time": TIME},
                             {"id": "id", "name": "name", "status": "status",
                              "lead_source_category_id": "lead_source_category_id", "vendor": "vendor",
                              "medium": "medium", "message": "message", "description": "description",
                              "start_time": _same_instant("start_time"), "end_time": _same_instant("end_time")},
                             {"name": "name", "status": "status", "vendor": "vendor", "medium": "medium",
                              "start_time": "start_time", "end_time": "end_time",
                              "create_time": "create_time", "update_time": "update_time"}),
    "/rest/v2/leadSourceCategories": ("LeadSourceCategory", "lead_source_categories",
                                      lead_source_category_records, {"name": WILDCARD, "description": WILDCARD},
                                      {"name": "name", "description": "description"},
                                      {"name": "name", "create_time": "create_time"}),
    # `user_id` is the file's creator, which FileBox does not keep: it matches no file. The two
    # times, declared with `==` alone, match the same instant (as leadSources' start/end_time).
    "/rest/v2/files": ("File", "files", file_records,
                       {"is_public": EXACT, "contact_id": EXACT, "user_id": EXACT, "category": EXACT,
                        "file_box_type": EXACT, "file_name": EXACT, "created_time": TIME, "updated_time": TIME},
                       {"is_public": "is_public", "contact_id": "contact_id", "user_id": "created_by_id",
                        "category": "category", "file_box_type": "file_box_type", "file_name": "file_name",
                        "created_time": _same_instant("created_time"),
                        "updated_time": _same_instant("updated_time")},
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


def _by_id_handler(records, resource: str, optional: tuple[str, ...] = ()) -> Callable:
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


def _scoped_handler(param: str, resource: str, scope: Callable[[str], RecordsResource | None]):
    """A list below a parent (``/contacts/{contact_id}/notes``): 404 when the parent is unknown.

    Each parent's resource is built on first use and kept (its page cache makes paging O(page)).
    """
    built: dict[str, RecordsResource | None] = {}

    async def handler(request, **params):
        key = params[param]
        if key not in built:
            built[key] = scope(key)
        if built[key] is None:
            return ApiError(404, f"{resource} {key} not found", domain=param, resource=resource).response()
        return await built[key].handle(request)

    return handler


def _known_contact(ds) -> Callable[[str], int | None]:
    from .data_crm import contact_row

    def known(raw: str) -> int | None:
        return int(raw) if raw.isdigit() and contact_row(ds, int(raw)) is not None else None
    return known


def _contact_notes_scope(ds, notes: Callable[[], list[dict]]):
    known = _known_contact(ds)

    def scope(raw):
        cid = known(raw)
        return None if cid is None else notes_resource([n for n in notes() if n["contact_id"] == str(cid)])
    return scope


def _contact_tags_scope(ds):
    known, tags = _known_contact(ds), None

    def scope(raw):
        nonlocal tags
        cid = known(raw)
        if cid is None:
            return None
        tags = tags or {int(t["id"]): t for t in tag_records(ds)}
        return contact_tags_resource(applied_tag_records(ds, cid, tags))
    return scope


def _expenses_scope(ds, resource: str, envelope: str, render, times):
    """``{lead_source_id}`` is a source's id or ``-`` for every lead source."""
    sources = {str(row["Id"]) for row in ds.tables["LeadSource"]}
    everything = None

    def scope(raw):
        nonlocal everything
        if raw != "-" and raw not in sources:
            return None
        everything = everything or render(ds)
        rows = everything if raw == "-" else [r for r in everything if r["lead_source_id"] == raw]
        return _expense_resource(resource, envelope, rows, times)
    return scope


def _email_status_handler(ds):
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


def _run_report_handler(ds):
    """``POST /v2/reporting/reports/{report_id}:run``.

    The spec declares the ``RunReportRequest`` (page_size, page_token, order_by, fields) as one query
    parameter: SDK 2.0.26 sends it as ``?runReportRequest=<JSON>``, a form-style client as plain
    ``?page_size=…`` parameters. Both are accepted, as is a JSON body. Each result row is
    ``{"columns": [{"field_name", "value"}]}``, every value a string, NULL columns left out (as
    XML-RPC leaves them out); ``page_token`` is ``""`` on the last page, and an empty result has no
    ``results`` key (proto3 JSON, as every v2 list).
    """
    from .data_crm import saved_search_rows

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
        every = sorted(rows_of(ds, report_id), key=lambda r: _sortable(r.get(order[0])), reverse=order[1])
        rows, total = every[offset:offset + size], len(every)
    shown = fields or columns
    results = [{"columns": [{"field_name": f, "value": row[f]} for f in shown if f in row]} for row in rows]
    end = offset + size
    return {**list_fields("results", results),
            "page_token": encode_page_token(end, fingerprint) if end < total else ""}


BY_ID_OPTIONAL = {"/rest/v2/companies": COMPANY_OPTIONAL}


def register(router, ds) -> None:
    if "ContactGroup" not in ds.tables:
        return
    records_by_path = {}
    for path, (resource, envelope, render, filters, keys, orders, *options) in ENDPOINTS.items():
        records = render(ds)
        records_by_path[path] = records
        router.add(path, RecordsResource(resource, envelope, records, filters, keys, orders,
                                         **(options[0] if options else {})))
    for path, param in (("/rest/v2/tags", "tag_id"), ("/rest/v2/companies", "company_id"),
                        ("/rest/v2/users", "user_id"), ("/rest/v2/files", "file_id"),
                        ("/rest/v2/leadSources", "lead_source_id"),
                        ("/rest/v2/opportunities/stages", "stage_id"),
                        ("/rest/v2/reporting/reports", "report_id")):
        router.add(f"{path}/{{{param}}}", _by_id_handler(records_by_path[path], ENDPOINTS[path][0],
                                                         BY_ID_OPTIONAL.get(path, ())))
    router.add("/rest/v2/files/{file_id}:data", _file_data_handler(ds))
    router.add("/rest/v2/webforms/{webform_id}:data", _webform_html_handler(ds))
    tagged = _tagged_contacts(ds)
    router.add("/rest/v2/tags/{tag_id}/contacts", _tagged_contacts_handler(tagged))
    router.add("/rest/v2/tags/{tag_id}/contacts/count", _tagged_contacts_count_handler(tagged))
    router.add("/rest/v2/reporting/reports/{report_id}/model", _report_model_handler(ds))
    router.add("/rest/v2/reporting/reports/{report_id}:run", _run_report_handler(ds), methods=("POST",))
    router.add("/rest/v2/contacts/model", _contact_model_handler(ds))
    router.add("/rest/v2/contacts/{contact_id}", _contact_handler(ds))
    _register_activity(router, ds)
    _register_associations(router, ds)
    from .rest_v1_crm import register as register_v1
    register_v1(router, ds)


def _register_activity(router, ds) -> None:
    """Opportunities, tasks, notes, appointments, campaigns and lead-source expenses."""
    opportunities, tasks = opportunities_resource(ds), tasks_resource(ds)
    notes = notes_resource(lambda: note_records(ds))
    campaigns = campaigns_resource(ds)
    router.add("/rest/v2/opportunities", opportunities)
    router.add("/rest/v2/opportunities/model", _opportunity_model_handler(ds))
    router.add("/rest/v2/opportunities/{opportunity_id}",
               _by_id_handler(lambda: opportunities.records, "Opportunity", OPPORTUNITY_OPTIONAL))
    router.add("/rest/v2/tasks", tasks)
    router.add("/rest/v2/tasks/{task_id}", _by_id_handler(lambda: tasks.records, "Task", ("custom_fields",)))
    router.add("/rest/v2/notes", notes)
    router.add("/rest/v2/contacts/{contact_id}/notes",
               _scoped_handler("contact_id", "Contact", _contact_notes_scope(ds, lambda: notes.records)))
    router.add("/rest/v2/contacts/{contact_id}/notes/{note_id}", _contact_note_handler(ds, lambda: notes.records))
    router.add("/rest/v2/taskAppointments", appointments_resource(ds))
    router.add("/rest/v2/campaigns", campaigns)
    router.add("/rest/v2/campaigns/{campaign_id}", _by_id_handler(campaigns.records, "Campaign"))
    for suffix, resource, envelope, render, times in (
            ("expenses", "LeadSourceExpense", "lead_source_expenses", expense_records,
             ("incurred_time", "create_time", "update_time")),
            ("recurringExpenses", "LeadSourceRecurringExpense", "lead_source_recurring_expenses",
             recurring_expense_records,
             ("start_time", "end_time", "next_expense_time", "create_time", "update_time"))):
        router.add(f"/rest/v2/leadSources/{{lead_source_id}}/{suffix}",
                   _scoped_handler("lead_source_id", "LeadSource",
                                   _expenses_scope(ds, resource, envelope, render, times)))


def _register_associations(router, ds) -> None:
    """Tags on a contact, and tag applications across tags (``tags/-``) or contacts (``contacts/-``)."""
    router.add("/rest/v2/contacts/{contact_id}/tags", _scoped_handler("contact_id", "Contact",
                                                                      _contact_tags_scope(ds)))
    router.add("/rest/v2/tags/-/contacts", AssociationsResource(
        "TagContactAssociation", "contacts", "tag_ids", lambda: ds.collections["tag_applications"]))
    router.add("/rest/v2/contacts/-/tags", AssociationsResource(
        "TagContactAssociation", "tags", "contact_ids", lambda: _applications_of_contact(ds)))
    router.add("/rest/v2/emailAddresses/{email}/status", _email_status_handler(ds))


def _contact_note_handler(ds, notes: Callable[[], list[dict]]):
    async def handler(request, contact_id, note_id):
        note = next((n for n in notes() if n["id"] == note_id and n["contact_id"] == contact_id), None)
        if note is None:
            return ApiError(404, f"Note {note_id} not found", domain="note_id", resource="Note").response()
        return json_response(note)
    return handler


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


def _tagged_contacts(ds) -> Callable[[str], RecordsResource | None]:
    """Tag id -> the list of that tag's contacts (made once per tag), None for an unknown tag."""
    resources: dict[int, RecordsResource] = {}
    tags = {row["Id"] for row in ds.tables["ContactGroup"]}

    def resource_of(tag_id: str) -> RecordsResource | None:
        if not tag_id.isdigit() or int(tag_id) not in tags:
            return None
        if int(tag_id) not in resources:
            resources[int(tag_id)] = RecordsResource(
                "TaggedContact", "contacts", tagged_contact_records(ds, int(tag_id)),
                {"given_name": EXACT, "family_name": EXACT, "email": EXACT,
                 "since_applied_time": TIME, "until_applied_time": TIME},
                {"given_name": _or_none("given_name"), "family_name": _or_none("family_name"),
                 "email": _or_none("email"), "since_applied_time": "applied_time",
                 "until_applied_time": "applied_time"},
                {"given_name": "given_name", "family_name": "family_name", "email": "email",
                 "applied_time": "applied_time"})
        return resources[int(tag_id)]

    return resource_of


def _or_none(key: str) -> Match:
    """The SDK's tag-contact filters: ``NONE`` matches a contact without the field, else equality."""
    def test(record, cond):
        if cond.value.upper() == "NONE":
            return record.get(key) is None
        return record.get(key) is not None and matches_text(record[key], cond)
    return Match(test)


def _tagged_contacts_handler(resource_of):
    async def handler(request, tag_id):
        resource = resource_of(tag_id)
        if resource is None:
            return ApiError(404, f"Tag {tag_id} not found", domain="tag_id", resource="Tag").response()
        return await resource.handle(request)

    return handler


def _tagged_contacts_count_handler(resource_of):
    """``GET /v2/tags/{tag_id}/contacts/count`` (SDK 2.0.26): ``TagContactCount`` under the list's filters."""
    async def handler(request, tag_id):
        resource = resource_of(tag_id)
        if resource is None:
            return ApiError(404, f"Tag {tag_id} not found", domain="tag_id", resource="Tag").response()
        raw_filter = request.query_params.get("filter") or ""
        try:
            rows = resource.select(resource.parse_conditions(raw_filter), None)
        except ApiError as exc:
            return exc.response()
        return json_response({"count": len(rows)})

    return handler


def _report_model_handler(ds):
    async def handler(request, report_id):
        search = ds.collections["saved_searches"].get(int(report_id)) if report_id.isdigit() else None
        if search is None:
            return ApiError(404, "Report not found", domain="report_id", resource="Report").response()
        return json_response({"fields": [{"name": k, "label": v} for k, v in search["columns"].items()]})

    return handler


# DataFormField.DataType codes (keap-xmlrpc.md §5.1) -> v2 CustomFieldMetaData.field_type.
FIELD_TYPES = {11: "DECIMAL_NUMBER", 12: "WHOLE_NUMBER", 13: "DATE", 14: "DATE_TIME", 15: "TEXT", 21: "DROPDOWN"}


def _opportunity_model_handler(ds):
    """``GET /v2/opportunities/model``: the opportunity custom fields (FormId -4) as ``ObjectModel``."""
    groups = {row["Id"]: row["Name"] for row in ds.tables["DataFormGroup"]}
    fields = [{"id": str(f["Id"]), "label": f["Label"], "field_name": f["Name"],
               "field_type": FIELD_TYPES.get(f["DataType"], "TEXT"), "record_type": "OPPORTUNITY",
               "options": [{"id": v, "label": v} for v in (f.get("Values") or "").split("\n") if v],
               "default_value": f.get("DefaultValue"), "group_id": str(f["GroupId"]),
               "group_name": groups.get(f["GroupId"])}
              for f in _form_fields(ds, -4)]
    body = {"custom_fields": fields, "optional_properties": list(OPPORTUNITY_OPTIONAL)}

    async def handler(request):
        return json_response(body)

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

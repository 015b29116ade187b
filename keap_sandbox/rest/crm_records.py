"""REST v2 records of the CRM domain, rendered from the legacy rows :mod:`keap_sandbox.data.crm` builds.

Each ``*_records(ds)`` function renders one endpoint's records once (v2 shapes of SDK 2.0.26: ids as
strings, times ISO-8601 UTC with milliseconds, money as ``CurrencyValue``; formats in
:mod:`keap_sandbox.wire`). The endpoints that serve them are declared in :mod:`.crm`; v1 renders from
some of these in :mod:`.v1_crm`.
"""

from __future__ import annotations

from ..data.crm import contact_row
from ..data.crm_activity import STAGES
from ..wire import currency, id_str, iso_ms, ref_id, v2_time

def crm_times(ds, table: str, row_id: int) -> tuple[str, str]:
    created, updated = ds.collections["crm_times"][table][row_id]
    return iso_ms(created), iso_ms(updated)


def _timed_rows(ds, table: str):
    """Each row of a CRM table with its v2 create and update times (ISO strings)."""
    for row in ds.tables[table]:
        yield (row, *crm_times(ds, table, row["Id"]))


def tag_records(ds) -> list[dict]:
    return [{"id": id_str(row["Id"]), "name": row["GroupName"], "description": row.get("GroupDescription"),
             "category": None if row.get("GroupCategoryId") is None else {"id": id_str(row["GroupCategoryId"])},
             "create_time": created, "update_time": updated}
            for row, created, updated in _timed_rows(ds, "ContactGroup")]


def _category_records(ds, table: str, name: str, description: str) -> list[dict]:
    """A category table's records (tag categories, lead-source categories): id, name, description, times."""
    return [{"id": id_str(row["Id"]), "name": row[name], "description": row.get(description),
             "create_time": created, "update_time": updated}
            for row, created, updated in _timed_rows(ds, table)]


def tag_category_records(ds) -> list[dict]:
    return _category_records(ds, "ContactGroupCategory", "CategoryName", "CategoryDescription")


def company_records(ds) -> list[dict]:
    out = []
    for row in ds.tables["Company"]:
        out.append({
            "id": id_str(row["Id"]), "company_name": row["Company"], "notes": row.get("ContactNotes"),
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
            "create_time": v2_time(row["DateCreated"]), "update_time": v2_time(row["LastUpdated"]),
            "custom_fields": [],
        })
    return out


# Left out of a company unless named in `fields`: on the list, the spec's "not included by default"
# set; by id, its "Available fields" (which keep the times but take the website too).
COMPANY_LIST_OPTIONAL = ("notes", "fax_number", "address", "email_address", "phone_number", "update_time",
                         "create_time", "custom_fields")
COMPANY_OPTIONAL = ("address", "custom_fields", "email_address", "fax_number", "phone_number", "website", "notes")


def user_records(ds) -> list[dict]:
    admin_id = ds.tables["User"][0]["Id"]
    return [{"id": id_str(row["Id"]), "given_name": row["FirstName"], "family_name": row["LastName"],
             "email_addresses": [{"email": row["Email"], "field": "EMAIL1"}],
             "title": row.get("Title"), "status": "ACTIVE", "admin": row["Id"] == admin_id, "partner": False,
             "create_time": created, "update_time": updated,
             "phone_numbers": [{"number": row["Phone1"], "type": "Work", "field": "PHONE1"}]}
            for row, created, updated in _timed_rows(ds, "User")]


def stage_records(ds) -> list[dict]:
    out = []
    for row, (_, _, _, probability) in zip(ds.tables["Stage"], STAGES):
        created, updated = crm_times(ds, "Stage", row["Id"])
        out.append({"id": id_str(row["Id"]), "name": row["StageName"], "order": row["StageOrder"],
                    "target_number_days": row["TargetNumDays"], "probability": probability,
                    "created_time": created, "updated_time": updated, "checklist_items": []})
    return out


def stage_move_records(ds) -> list[dict]:
    return [{"id": id_str(m["Id"]), "opportunity_id": id_str(m["OpportunityId"]), "move_time": v2_time(m["MoveDate"]),
             "move_from_stage_id": id_str(m["MoveFromStage"]), "move_to_stage_id": id_str(m["MoveToStage"]),
             "prev_stage_move_time": v2_time(m.get("PrevStageMoveDate")), "user_id": id_str(m["UserId"]),
             "created_by": id_str(m["CreatedBy"]), "create_time": v2_time(m["DateCreated"])}
            for m in ds.tables["StageMove"]]


def lead_source_records(ds) -> list[dict]:
    return [{"id": id_str(row["Id"]), "name": row["Name"], "description": row.get("Description"),
             "vendor": row.get("Vendor"), "medium": row.get("Medium"), "message": row.get("Message"),
             "status": row["Status"].upper(), "lead_source_category_id": id_str(row["LeadSourceCategoryId"]),
             "start_time": v2_time(row.get("StartDate")), "end_time": v2_time(row.get("EndDate")),
             "create_time": created, "update_time": updated}
            for row, created, updated in _timed_rows(ds, "LeadSource")]


def lead_source_category_records(ds) -> list[dict]:
    return _category_records(ds, "LeadSourceCategory", "Name", "Description")


def file_records(ds) -> list[dict]:
    return [_file_record(row, created, updated) for row, created, updated in _timed_rows(ds, "FileBox")]


def _file_record(row: dict, created: str, updated: str) -> dict:
    contact = row.get("ContactId")
    return {"id": id_str(row["Id"]), "file_name": row["FileName"], "file_size": row["FileSize"],
            "is_public": bool(row["Public"]), "contact_id": ref_id(contact),
            "created_by_id": None,  # FileBox keeps no creator
            "category": "ATTACHMENTS" if contact is not None else "DOCUMENTS",
            "file_box_type": "CONTACT" if contact is not None else "APPLICATION",
            "created_time": created, "updated_time": updated}


def webform_records(ds) -> list[dict]:
    return [{"id": id_str(f["id"]), "xid": f["xid"], "name": f["name"], "webform_type": f["type"],
             "webform_url": f"https://{ds.tenant_host}/app/form/{f['xid']}",
             "create_time": iso_ms(f["create_ms"]), "update_time": iso_ms(f["update_ms"])}
            for f in ds.collections["webforms"]]


def report_records(ds) -> list[dict]:
    return [{"id": id_str(row["Id"]), "name": row["FilterName"], "created_time": created, "updated_time": updated,
             "user_ids": row["UserId"].split(",")}
            for row, created, updated in _timed_rows(ds, "SavedFilter")]


def tagged_contact_records(ds, tag_id: int) -> list[dict]:
    out = []
    for application in ds.collections["tag_applications"].get(tag_id, ()):
        contact = contact_row(ds, application["ContactId"]) or {}
        out.append({"id": id_str(application["ContactId"]), "email": contact.get("Email"),
                    "given_name": contact.get("FirstName"), "family_name": contact.get("LastName"),
                    "applied_time": v2_time(application["DateCreated"])})
    return out


# --------------------------------------------------------------------------- sales, tasks, notes, marketing

PRIORITIES = {1: "CRITICAL", 2: "ESSENTIAL", 3: "NONESSENTIAL"}  # ContactAction.Priority -> v2 enum


def _users_by_id(ds) -> dict[int, dict]:
    return {row["Id"]: row for row in ds.tables["User"]}


def _custom_values(row: dict, fields: list[dict]) -> list[dict]:
    """``[{id, content}]`` for the DataFormField rows ``fields`` (content None when the row has none)."""
    return [{"id": id_str(f["Id"]), "content": row.get("_" + f["Name"])} for f in fields]


def form_fields(ds, form_id: int) -> list[dict]:
    return [f for f in ds.tables["DataFormField"] if f["FormId"] == form_id]


def _stage_entries(ds) -> dict[int, object]:
    """Lead id -> when it entered its current stage (its last move; StageMove rows are in move order)."""
    return {move["OpportunityId"]: move["MoveDate"] for move in ds.tables["StageMove"]}


def opportunity_records(ds) -> list[dict]:
    users, fields, entered = _users_by_id(ds), form_fields(ds, -4), _stage_entries(ds)
    stages = {row["Id"]: (row, probability) for row, (*_, probability) in zip(ds.tables["Stage"], STAGES)}
    statuses = {row["Id"]: row["StatusName"] for row in ds.tables["Status"]}
    out = []
    for lead in ds.tables["Lead"]:
        contact = contact_row(ds, lead["ContactID"]) if "ContactID" in lead else None
        stage, probability = stages[lead["StageID"]]
        user = users.get(lead.get("UserID"))
        out.append({
            "id": id_str(lead["Id"]),
            "contact": None if contact is None else {
                "id": id_str(contact["Id"]), "email": contact.get("Email"), "city": contact.get("City"),
                "state": contact.get("State"), "first_name": contact.get("FirstName"),
                "last_name": contact.get("LastName"), "company_name": contact.get("Company"),
                "job_title": contact.get("JobTitle"), "phone_number": contact.get("Phone1")},
            "stage": {"id": id_str(stage["Id"]), "name": stage["StageName"],
                      "details": {"probability": probability, "stage_order": stage["StageOrder"],
                                  "target_num_days": stage["TargetNumDays"], "checklist_items": []},
                      "reasons": []},
            "user": None if user is None else {"id": id_str(user["Id"]), "first_name": user["FirstName"],
                                               "last_name": user["LastName"]},
            "opportunity_title": lead["OpportunityTitle"],
            "next_action_time": v2_time(lead.get("NextActionDate")),
            "next_action_notes": lead.get("NextActionNotes"),
            "opportunity_notes": lead.get("OpportunityNotes"),
            "estimated_close_time": v2_time(lead.get("EstimatedCloseDate")),
            # The legacy table has no forecast flag; open opportunities are the ones forecast.
            "include_in_forecast": lead.get("StatusID") == 1,
            "projected_revenue_low": lead.get("ProjectedRevenueLow"),
            "projected_revenue_high": lead.get("ProjectedRevenueHigh"),
            "created_time": v2_time(lead["DateCreated"]), "last_updated_time": v2_time(lead["LastUpdated"]),
            "affiliate_id": ref_id(lead.get("AffiliateId")), "lead_source": lead.get("Leadsource"),
            # optional properties (`fields=`)
            "custom_fields": _custom_values(lead, fields), "created_by": ref_id(lead.get("CreatedBy")),
            "last_updated_by": ref_id(lead.get("LastUpdatedBy")), "status_id": ref_id(lead.get("StatusID")),
            "monthly_revenue": None, "order_revenue": None, "objection": lead.get("Objection"),
            "status": statuses.get(lead.get("StatusID")),
            "stage_entrance_time": v2_time(entered.get(lead["Id"], lead["DateCreated"])),
        })
    return out


def contact_name(opportunity: dict) -> str | None:
    """An opportunity's contact as "first last", lower-cased (its ``contact_name`` order)."""
    contact = opportunity["contact"]
    if contact is None:
        return None
    return f"{contact.get('first_name') or ''} {contact.get('last_name') or ''}".strip().lower()


OPPORTUNITY_OPTIONAL = ("custom_fields", "created_by", "last_updated_by", "status_id", "monthly_revenue",
                        "order_revenue", "objection", "status", "stage_entrance_time")


def actions(ds, kind: str) -> list[dict]:
    return [row for row in ds.tables["ContactAction"] if row["ObjectType"] == kind]


def task_records(ds) -> list[dict]:
    return [{"id": id_str(a["Id"]), "title": a.get("ActionDescription"), "description": a.get("CreationNotes"),
             "type": a["ActionType"].upper() if a.get("ActionType") else None,
             "priority": PRIORITIES.get(a.get("Priority")), "completed": "CompletionDate" in a,
             "create_time": v2_time(a["CreationDate"]), "modification_time": v2_time(a["LastUpdated"]),
             "completion_time": v2_time(a.get("CompletionDate")), "due_time": v2_time(a.get("ActionDate")),
             "remind_time_mins": None, "assigned_to_user_id": ref_id(a.get("UserID")),
             "created_by_user_id": ref_id(a.get("CreatedBy")), "last_updated_by_user_id": ref_id(a.get("LastUpdatedBy")),
             "contact_id": ref_id(a.get("ContactId")), "opportunity_id": ref_id(a.get("OpportunityId")),
             "accepted": bool(a.get("Accepted")), "custom_fields": []}
            for a in actions(ds, "Task")]


def note_records(ds) -> list[dict]:
    users = _users_by_id(ds)

    def user(uid):
        row = users.get(uid)
        return None if row is None else {"id": id_str(uid), "given_name": row["FirstName"],
                                         "family_name": row["LastName"], "email_address": row["Email"]}

    return [{"id": id_str(a["Id"]), "text": a.get("CreationNotes"), "title": a.get("ActionDescription"),
             "type": a.get("ActionType"), "contact_id": ref_id(a.get("ContactId")),
             "assigned_to_user": user(a.get("UserID")), "create_time": v2_time(a["CreationDate"]),
             "update_time": v2_time(a["LastUpdated"]), "last_updated_by_user_id": ref_id(a.get("LastUpdatedBy")),
             "pinned_at": None, "created_by_user_id": ref_id(a.get("CreatedBy")), "custom_fields": []}
            for a in actions(ds, "Note")]


def appointment_records(ds) -> list[dict]:
    return [{"id": id_str(a["Id"]), "title": a.get("ActionDescription"), "description": a.get("CreationNotes"),
             "location": None, "contact_id": ref_id(a.get("ContactId")), "user_id": ref_id(a.get("UserID")),
             "start_time": v2_time(a.get("ActionDate")), "end_time": v2_time(a.get("EndDate")),
             "create_time": v2_time(a["CreationDate"]), "update_time": v2_time(a["LastUpdated"])}
            for a in actions(ds, "Appointment")]


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
        created, _ = crm_times(ds, "Campaign", row["Id"])
        active, completed = counts.get(row["Id"], (0, 0))
        published = row["Status"] == "Active"
        out.append({"id": id_str(row["Id"]), "name": row["Name"], "locked": False, "date_created": created,
                    "published_date": created if published else None, "published_status": published,
                    "error_message": None, "time_zone": None, "published_time_zone": None,
                    "created_by_global_id": None, "active_contact_count": active,
                    "completed_contact_count": completed})
    return out


def expense_records(ds) -> list[dict]:
    # The legacy table has no create/update columns: an expense is recorded when incurred.
    return [{"id": id_str(e["Id"]), "title": e.get("Title"), "notes": e.get("Notes"), "amount": currency(e["Amount"]),
             "lead_source_id": id_str(e["LeadSourceId"]),
             "lead_source_recurring_expense_id": ref_id(e.get("LeadSourceRecurringExpenseId")),
             "create_time": v2_time(e["DateIncurred"]), "update_time": v2_time(e["DateIncurred"]),
             "incurred_time": v2_time(e["DateIncurred"])}
            for e in ds.tables["LeadSourceExpense"]]


def recurring_expense_records(ds) -> list[dict]:
    return [{"id": id_str(e["Id"]), "title": e.get("Title"), "notes": e.get("Notes"), "amount": currency(e["Amount"]),
             "lead_source_id": id_str(e["LeadSourceId"]), "start_time": v2_time(e.get("StartDate")),
             "end_time": v2_time(e.get("EndDate")), "next_expense_time": v2_time(e.get("NextExpenseDate")),
             "create_time": v2_time(e["StartDate"]), "update_time": v2_time(e["StartDate"])}
            for e in ds.tables["LeadSourceRecurringExpense"]]


def applied_tag_records(ds, contact_id: int, tags: dict[int, dict]) -> list[dict]:
    return [{"tag": tags[a["GroupId"]], "applied_time": v2_time(a["DateCreated"])}
            for a in applications_of_contact(ds).get(contact_id, ())]


def applications_of_contact(ds) -> dict[int, list[dict]]:
    index = ds.collections.get("_tag_applications_by_contact")
    if index is None:
        index = {}
        for row in ds.tables["ContactGroupAssign"]:
            index.setdefault(row["ContactId"], []).append(row)
        ds.collections["_tag_applications_by_contact"] = index
    return index


def association(row: dict) -> dict:
    """A ``TagContactAssociation``: one tag application, as the cross-tag/contact lists give it."""
    return {"contact_id": id_str(row["ContactId"]), "tag_id": id_str(row["GroupId"]),
            "applied_at": v2_time(row["DateCreated"])}

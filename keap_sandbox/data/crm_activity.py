"""The CRM domain's activity: opportunities, campaigns, notes/tasks/appointments, files, saved searches, forms.

``build(ds)`` runs after :mod:`.crm` (it reads the Contact, User and ContactGroup rows) and adds, as
that module does, legacy rows to ``ds.tables`` and collections to ``ds.collections``.

Tables: Lead, Stage, StageMove, Status, MtgLead, Campaign, CampaignStep, Campaignee, ActionSequence,
Template, ContactAction, FileBox, SavedFilter, Ticket, TicketStage, TicketType, LinkedContactType.

Collections:

* ``crm_times`` (see :mod:`.crm`): adds Stage, Campaign, FileBox and SavedFilter.
* ``file_data``: ``{file_id: bytes}`` — FileBox contents (``FileSize == len(bytes)``).
* ``webforms``: ``[{"id": int, "xid": str, "name": str, "type": "LEGACY"|..., "html": str,
  "create_ms": int, "update_ms": int}]`` — WebFormService / ``/v2/webforms``.
* ``saved_searches``: ``{saved_filter_id: {"columns": {key: label}, "contact_ids": [int]}}`` — what a
  saved report selects; :func:`saved_search_rows` renders its rows (all values strings).
"""

from __future__ import annotations

from datetime import timedelta

from ..wire import from_ms
from .crm import OPPORTUNITY_DEAL_SOURCES, Clock, contact_index, created_updated, run_builders
from .pools import DAY_MS, HISTORY_DAYS, LINK_TYPES

STAGES = (("Lead", 1, 7, 10), ("Qualified", 2, 14, 25), ("Proposal Sent", 3, 10, 50),
          ("Negotiation", 4, 14, 75), ("Won", 5, 0, 100), ("Lost", 6, 0, 0))
STATUSES = ("Open", "Won", "Lost", "On Hold")
CAMPAIGN_NAMES = ("Welcome Sequence", "Webinar Follow-up", "Abandoned Cart", "Re-engagement",
                  "New Customer Onboarding", "Birthday Greetings", "Lead Nurture", "Event Reminder")
TEMPLATE_TYPES = ("Email", "Email", "Email", "Task", "Letter", "Fax", "Voice Broadcast",
                  "Fulfillment List", "Actions", "Activity History")
_ACTION_KINDS = ("Note", "Note", "Task", "Task", "Appointment")
ACTION_TYPES = ("Call", "Email", "Other", "Appointment", "Fax", "Letter")
NOTE_TITLES = ("Called, left voicemail", "Follow-up needed", "Asked about pricing", "Sent proposal",
               "Meeting notes", "Interested in coaching", "Requested a callback")
TASK_TITLES = ("Call back", "Send quote", "Schedule demo", "Follow up on invoice", "Check in")
FILE_KINDS = (("pdf", "Contract"), ("png", "Logo"), ("jpg", "Photo"), ("docx", "Proposal"),
              ("csv", "Import"), ("txt", "Notes"))
WEBFORM_TYPES = ("LEGACY", "LEGACY", "LEGACY", "STANDALONE", "LANDING_PAGE", "FUNNEL", "INTERNAL")
WEBFORM_NAMES = ("Newsletter Signup", "Contact Us", "Free Consultation", "Webinar Registration",
                 "Ebook Download", "Event RSVP", "Customer Survey", "Quote Request")
SAVED_SEARCH_COLUMNS = {"ContactId": "Contact Id", "ContactName.firstName": "First Name",
                        "ContactName.lastName": "Last Name", "Email": "Email", "Phone1": "Phone 1",
                        "City": "City", "State": "State", "Tags": "Tag Ids",
                        "DateCreated": "Date Created", "Follow-UpSequence": "Follow-up Sequence"}


def build(ds) -> None:
    """After :func:`.crm.build`; each builder on its own stream ``crm:<builder name>``, as there."""
    run_builders(ds, (_opportunities, _opportunity_custom_values, _campaigns, _contact_actions, _files,
                      _saved_searches, _webforms, _legacy_modules))


# --------------------------------------------------------------------------- sales pipeline


def _opportunities(ds, tables, collections, rng):
    clock = Clock(ds, rng)
    tables["Stage"] = [{"Id": i + 1, "StageName": name, "StageOrder": order, "TargetNumDays": days}
                       for i, (name, order, days, _) in enumerate(STAGES)]
    collections["crm_times"]["Stage"] = {row["Id"]: created_updated(clock) for row in tables["Stage"]}
    tables["Status"] = [{"Id": i + 1, "StatusName": name, "StatusOrder": str(i + 1), "TargetNumDays": "0"}
                        for i, name in enumerate(STATUSES)]
    contacts = tables["Contact"]
    leads, moves = [], []
    for i in range(max(5, ds.scale // 10)):
        contact = contacts[int(rng.random() * len(contacts))] if contacts else None
        lead = _lead(ds, rng, clock, len(leads) + 1, contact)
        leads.append(lead)
        moves.extend(_stage_moves(rng, lead, len(moves), ds))
    tables["Lead"] = leads
    tables["StageMove"] = moves
    tables["MtgLead"] = [{"Id": i + 1, "OpportunityId": lead["Id"],
                          "ApplicationDate": lead["DateCreated"],
                          "EstimatedCloseDate": lead.get("EstimatedCloseDate", lead["DateCreated"])}
                         for i, lead in enumerate(leads[:3])]


def _opportunity_custom_values(ds, tables, collections, rng):
    """The opportunity custom field ``dealsource`` (DataFormField 20) on ~60% of the leads.

    Its own random stream, so adding it left every other generated value unchanged.
    """
    options = OPPORTUNITY_DEAL_SOURCES
    for lead in tables["Lead"]:
        if rng.random() < 0.6:
            lead["_dealsource"] = options[int(rng.random() * len(options))]


def _lead(ds, rng, clock, lead_id, contact) -> dict:
    created = clock.created(HISTORY_DAYS // 2)
    updated = clock.updated(created)
    user = int(rng.choice(ds.user_ids))
    low = round(rng.uniform(200, 5000), 2)
    row = {"Id": lead_id, "OpportunityTitle": f"{rng.choice(('Coaching', 'Website', 'Annual plan', 'Consulting', 'Workshop'))} deal",
           "UserID": user, "CreatedBy": user, "LastUpdatedBy": int(rng.choice(ds.user_ids)),
           "DateCreated": from_ms(created - created % 1000), "LastUpdated": from_ms(updated - updated % 1000),
           "ProjectedRevenueLow": low, "ProjectedRevenueHigh": round(low * rng.uniform(1, 3), 2),
           "StatusID": 1}
    if contact is not None:
        row["ContactID"] = contact["Id"]
        if "Leadsource" in contact:
            row["Leadsource"] = contact["Leadsource"]
    if rng.random() < 0.7:
        close = clock.between(created, ds.now_ms + 60 * DAY_MS)
        row["EstimatedCloseDate"] = from_ms(close - close % DAY_MS)
    if rng.random() < 0.5:
        row["NextActionDate"] = from_ms(clock.between(created, ds.now_ms - 1) // 1000 * 1000)
        row["NextActionNotes"] = rng.choice(("Call to discuss", "Send proposal", "Follow up"))
    if rng.random() < 0.3:
        row["OpportunityNotes"] = "Budget approved in principle"
    if rng.random() < 0.1:
        row["Objection"] = "Price"
    return row


def _stage_moves(rng, lead: dict, start_id: int, ds) -> list[dict]:
    """A lead walks forward through the stages; its StageID is where the last move put it."""
    created = int(lead["DateCreated"].timestamp() * 1000)
    updated = int(lead["LastUpdated"].timestamp() * 1000)
    hops = rng.randrange(0, 4)
    stage, moves, previous = 1, [], None
    times = sorted(created + int((updated - created) * rng.random()) for _ in range(hops))
    for moved in times:
        target = 6 if rng.random() < 0.15 else min(stage + 1, 5)
        move_time = from_ms(moved - moved % 1000)
        move = {"Id": start_id + len(moves) + 1, "OpportunityId": lead["Id"], "MoveFromStage": stage,
                "MoveToStage": target, "MoveDate": move_time, "DateCreated": move_time,
                "UserId": lead["UserID"], "CreatedBy": lead["UserID"]}
        if previous is not None:
            move["PrevStageMoveDate"] = previous
        moves.append(move)
        stage, previous = target, move_time
        if target == 6:
            break
    lead["StageID"] = stage
    lead["StatusID"] = 2 if stage == 5 else 3 if stage == 6 else 1
    return moves


# --------------------------------------------------------------------------- marketing


def _campaigns(ds, tables, collections, rng):
    clock, times = Clock(ds, rng), {}
    templates = [{"Id": i + 1, "PieceTitle": f"{kind} template {i + 1}", "PieceType": kind,
                  "Categories": rng.choice(("Newsletters", "Sales", "Onboarding", "General"))}
                 for i, kind in enumerate(TEMPLATE_TYPES * 2)]
    campaigns = [{"Id": i + 1, "Name": name, "Status": "Active" if rng.random() < 0.75 else "Inactive"}
                 for i, name in enumerate(CAMPAIGN_NAMES)]
    for row in campaigns:
        times[row["Id"]] = created_updated(clock)
    steps = []
    for campaign in campaigns:
        for n in range(rng.randrange(2, 6)):
            steps.append({"Id": len(steps) + 1, "CampaignId": campaign["Id"],
                          "StepTitle": f"{campaign['Name']} step {n + 1}",
                          "StepStatus": rng.choice(("Active", "Active", "Paused")),
                          "TemplateId": rng.choice(templates)["Id"]})
    members = []
    for contact in tables["Contact"]:
        if rng.random() < 0.2:
            campaign = campaigns[int(rng.random() * len(campaigns))]
            members.append({"CampaignId": campaign["Id"], "ContactId": contact["Id"],
                            "Campaign": campaign["Name"],
                            "Status": "Active" if rng.random() < 0.6 else "Inactive"})
    tables["Template"] = templates
    tables["Campaign"] = campaigns
    tables["CampaignStep"] = steps
    tables["Campaignee"] = members
    tables["ActionSequence"] = [{"Id": i + 1, "TemplateName": name, "VisibleToTheseUsers": "All Users"}
                                for i, name in enumerate(("Apply VIP tag", "Start onboarding",
                                                          "Notify sales rep", "Send welcome kit"))]
    collections["crm_times"]["Campaign"] = times


def _contact_actions(ds, tables, collections, rng):
    """Notes (ObjectType Note), tasks (Task) and appointments (Appointment) on ~half the contacts."""
    clock, rows = Clock(ds, rng), []
    for contact in tables["Contact"]:
        if rng.random() >= 0.45:
            continue
        created_contact = int(contact["DateCreated"].timestamp() * 1000)
        for _ in range(1 + (rng.random() < 0.3)):
            rows.append(_contact_action(ds, rng, clock, len(rows) + 1, contact, created_contact))
    tables["ContactAction"] = rows


def _contact_action(ds, rng, clock, action_id, contact, contact_created) -> dict:
    r = rng.random
    kind = _ACTION_KINDS[int(r() * 5)]
    created = clock.between(contact_created, ds.now_ms - 1)
    updated = clock.between(created, ds.now_ms - 1) if rng.random() < 0.5 else created
    user = int(ds.user_ids[int(r() * len(ds.user_ids))])
    row = {"Id": action_id, "ContactId": contact["Id"], "ObjectType": kind, "UserID": user,
           "CreatedBy": user, "LastUpdatedBy": user, "CreationDate": from_ms(created - created % 1000),
           "LastUpdated": from_ms(updated - updated % 1000), "IsAppointment": int(kind == "Appointment"),
           "ActionType": "Appointment" if kind == "Appointment" else ACTION_TYPES[int(r() * 3)]}
    if kind == "Note":
        row["ActionDescription"] = NOTE_TITLES[int(r() * len(NOTE_TITLES))]
        row["CreationNotes"] = "Spoke with the contact about next steps."
    else:
        due = clock.between(created, ds.now_ms + 14 * DAY_MS)
        row["ActionDescription"] = TASK_TITLES[int(r() * len(TASK_TITLES))] if kind == "Task" else "Consultation"
        row["ActionDate"] = from_ms(due - due % 60_000)
        row["Priority"] = 1 + int(r() * 3)
        if kind == "Appointment":
            row["EndDate"] = row["ActionDate"] + timedelta(minutes=30)
        if due < ds.now_ms and rng.random() < 0.6:
            row["CompletionDate"] = from_ms(clock.between(due, ds.now_ms - 1) // 1000 * 1000)
    return row


# --------------------------------------------------------------------------- files, searches, forms


def _files(ds, tables, collections, rng):
    clock, rows, data, times = Clock(ds, rng), [], {}, {}
    contacts = tables["Contact"]
    for i in range(max(5, ds.scale // 20)):
        ext, kind = rng.choice(FILE_KINDS)
        contact = contacts[int(rng.random() * len(contacts))] if contacts else None
        fid = 10 + 2 * i
        payload = f"{kind} #{fid} for contact {contact['Id'] if contact else '-'}\n".encode() * rng.randrange(1, 8)
        row = {"Id": fid, "FileName": f"{kind.lower()}-{fid}.{ext}", "Extension": ext,
               "FileSize": len(payload), "Public": int(rng.random() < 0.2)}
        if contact is not None:
            row["ContactId"] = contact["Id"]
        rows.append(row)
        data[fid] = payload
        times[fid] = created_updated(clock)
    tables["FileBox"] = rows
    collections["file_data"] = data
    collections["crm_times"]["FileBox"] = times


def _saved_searches(ds, tables, collections, rng):
    """Saved contact reports: each selects contacts by a simple rule over the Contact rows."""
    clock, contacts = Clock(ds, rng), tables["Contact"]
    first_tag = tables["ContactGroup"][0]
    rules = (("All Contacts With Email", "ContactReport", lambda c: "Email" in c),
             (f"Tagged {first_tag['GroupName']}", "ContactReport",
              lambda c: str(first_tag["Id"]) in c.get("Groups", "").split(",")),
             ("Customers in Texas", "ContactReport", lambda c: c.get("State") == "Texas"),
             ("Contacts Without Phone", "ContactReport", lambda c: "Phone1" not in c))
    filters, searches, times = [], {}, {}
    users = [u["Id"] for u in tables["User"]]
    for i, (name, stored, rule) in enumerate(rules):
        sid = 100 + i
        owners = sorted(rng.sample(users, k=min(len(users), 1 + (i % 2))))
        filters.append({"Id": sid, "FilterName": name, "ReportStoredName": stored,
                        "UserId": ",".join(str(u) for u in owners)})
        searches[sid] = {"columns": dict(SAVED_SEARCH_COLUMNS),
                         "contact_ids": [c["Id"] for c in contacts if rule(c)]}
        times[sid] = created_updated(clock)
    tables["SavedFilter"] = filters
    collections["saved_searches"] = searches
    collections["crm_times"]["SavedFilter"] = times

def saved_search_rows(ds, search_id: int, start: int = 0, stop: int | None = None) -> list[dict]:
    """Rows ``start:stop`` of a saved search, keyed by its column keys, every value a string.

    NULL columns are left out of a row, as XML-RPC omits NULL struct members.
    """
    search = ds.collections["saved_searches"][search_id]
    by_id = contact_index(ds)
    campaigns = {m["ContactId"]: m["Campaign"] for m in ds.tables.get("Campaignee", ())}
    out = []
    for cid in search["contact_ids"][start:stop]:
        contact = by_id[cid]
        values = {"ContactId": str(cid), "ContactName.firstName": contact.get("FirstName"),
                  "ContactName.lastName": contact.get("LastName"), "Email": contact.get("Email"),
                  "Phone1": contact.get("Phone1"), "City": contact.get("City"),
                  "State": contact.get("State"), "Tags": contact.get("Groups"),
                  "DateCreated": contact["DateCreated"].strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                  "Follow-UpSequence": campaigns.get(cid)}
        out.append({k: v for k, v in values.items() if v is not None})
    return out


def _webforms(ds, tables, collections, rng):
    clock, forms = Clock(ds, rng), []
    for i, name in enumerate(WEBFORM_NAMES):
        created, updated = created_updated(clock)
        fid = 40 + 2 * i
        forms.append({"id": fid, "xid": f"{rng.getrandbits(64):016x}", "name": name,
                      "type": WEBFORM_TYPES[i % len(WEBFORM_TYPES)], "create_ms": created,
                      "update_ms": updated, "html": _webform_html(fid, name)})
    collections["webforms"] = forms


def _webform_html(form_id: int, name: str) -> str:
    return (f'<form accept-charset="UTF-8" action="https://{ "sandbox.infusionsoft.com" }/app/form/process/'
            f'{form_id:08x}" class="infusion-form" id="inf_form_{form_id:08x}" method="POST">\n'
            f'<input name="inf_form_name" type="hidden" value="{name}" />\n'
            '<div class="infusion-field"><label for="inf_field_Email">Email *</label>\n'
            '<input id="inf_field_Email" name="inf_field_Email" type="text" /></div>\n'
            '<div class="infusion-submit"><button type="submit">Submit</button></div>\n</form>\n')


def _legacy_modules(ds, tables, collections, rng):
    """Deprecated help-desk tables and linked-contact types: a handful of rows each."""
    tables["TicketStage"] = [{"Id": i + 1, "StageName": n} for i, n in enumerate(("New", "Open", "Closed"))]
    tables["TicketType"] = [{"Id": i + 1, "Label": n, "CategoryId": 1}
                            for i, n in enumerate(("Question", "Problem", "Refund"))]
    contacts = tables["Contact"]
    tickets = []
    for i in range(min(5, len(contacts))):
        created = from_ms(Clock(ds, rng).created() // 1000 * 1000)
        tickets.append({"Id": i + 1, "ContactId": contacts[i]["Id"], "TicketTitle": f"Ticket {i + 1}",
                        "Summary": "Legacy help-desk ticket", "Stage": 1 + i % 3, "TicketTypeId": 1 + i % 3,
                        "DateCreated": created, "LastUpdated": created, "Priority": 1 + i % 3,
                        "UserId": int(ds.user_ids[0])})
    tables["Ticket"] = tickets
    tables["LinkedContactType"] = [{"Id": int(tid), "TypeName": name, "MaxLinked": 1 if tid == "1" else 0}
                                   for tid, name in LINK_TYPES]

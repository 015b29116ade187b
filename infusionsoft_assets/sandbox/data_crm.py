"""The CRM domain: Keap's legacy CRM tables (contacts, companies, tags, users, opportunities, ...).

``build(ds)`` adds rows to ``ds.tables`` (table/field names exactly as in xmlrpc-tables.json; ints,
floats, strs, aware UTC datetimes — Date fields at UTC midnight; an absent key is NULL) and a few
collections to ``ds.collections``. The ``Contact`` rows are *derived* from ``ds.contacts`` (the v2
dicts stay the source of truth), so a contact reads the same through v2, v1 and XML-RPC.

Tables: Contact, Company, ContactGroup, ContactGroupCategory, ContactGroupAssign, User, UserGroup,
GroupAssign, LeadSource, LeadSourceCategory, LeadSourceExpense, LeadSourceRecurringExpense, Expense,
Campaign, CampaignStep, Campaignee, ActionSequence, Template, ContactAction, Lead, Stage, StageMove,
Status, DataFormTab, DataFormGroup, DataFormField, FileBox, SavedFilter, MtgLead, Ticket,
TicketStage, TicketType, LinkedContactType.

``ContactGroupAssign`` rows store only ``ContactId, GroupId, ContactGroup, DateCreated``; its joined
``Contact.*`` columns are resolved from the Contact rows by the DataService engine (storing them
would copy every contact once per tag).

Collections:

* ``crm_times``: ``{table: {id: (create_ms, update_ms)}}`` — create/update times REST shows for
  tables whose legacy schema has no such columns (ContactGroup, ContactGroupCategory, User,
  LeadSource, LeadSourceCategory, Stage, Campaign, FileBox, SavedFilter).
* ``file_data``: ``{file_id: bytes}`` — FileBox contents (``FileSize == len(bytes)``).
* ``webforms``: ``[{"id": int, "xid": str, "name": str, "type": "LEGACY"|..., "html": str,
  "create_ms": int, "update_ms": int}]`` — WebFormService / ``/v2/webforms``.
* ``saved_searches``: ``{saved_filter_id: {"columns": {key: label}, "contact_ids": [int]}}`` — what a
  saved report selects; :func:`saved_search_rows` renders its rows (all values strings).
* ``tag_applications``: ``{tag_id: [ContactGroupAssign rows sorted by (DateCreated, ContactId)]}``.
"""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta, timezone
from random import Random

from .dataset import CONTACT_CUSTOM_FIELDS, DAY_MS, EPOCH, HISTORY_DAYS, LINK_TYPES

STAGES = (("Lead", 1, 7, 10), ("Qualified", 2, 14, 25), ("Proposal Sent", 3, 10, 50),
          ("Negotiation", 4, 14, 75), ("Won", 5, 0, 100), ("Lost", 6, 0, 0))
STATUSES = ("Open", "Won", "Lost", "On Hold")
TAG_CATEGORIES = (("Lead Source", "Where a contact came from"), ("Customer Type", "Segments"),
                  ("Interests", "Products and topics of interest"), ("Events", "Webinars and events"),
                  ("Nurture", "Automation status"))
TAG_WORDS = ("Newsletter", "Webinar", "VIP", "Customer", "Prospect", "Hot Lead", "Cold Lead",
             "Referral", "Workshop", "Trial", "Purchased", "Abandoned Cart", "Ebook", "Podcast",
             "Event 2025", "Partner", "Coaching", "Membership", "Survey", "Unsubscribed")
LEAD_SOURCE_CATEGORIES = ("Online Advertising", "Referrals", "Events", "Organic", "Direct Mail")
LEAD_SOURCE_NAMES = ("Google Ads", "Facebook Ads", "Referral Partner", "Trade Show", "Website",
                     "Podcast", "LinkedIn", "Postcard", "Webinar", "Yelp", "Bing Ads", "Newsletter")
MEDIUMS = ("cpc", "social", "referral", "event", "organic", "mail", "email")
CAMPAIGN_NAMES = ("Welcome Sequence", "Webinar Follow-up", "Abandoned Cart", "Re-engagement",
                  "New Customer Onboarding", "Birthday Greetings", "Lead Nurture", "Event Reminder")
TEMPLATE_TYPES = ("Email", "Email", "Email", "Task", "Letter", "Fax", "Voice Broadcast",
                  "Fulfillment List", "Actions", "Activity History")
_ACTION_KINDS = ("Note", "Note", "Task", "Task", "Appointment")
ACTION_TYPES = ("Call", "Email", "Other", "Appointment", "Fax", "Letter")
NOTE_TITLES = ("Called, left voicemail", "Follow-up needed", "Asked about pricing", "Sent proposal",
               "Meeting notes", "Interested in coaching", "Requested a callback")
TASK_TITLES = ("Call back", "Send quote", "Schedule demo", "Follow up on invoice", "Check in")
USER_GROUPS = ("Administrators", "Sales", "Marketing", "Support")
FILE_KINDS = (("pdf", "Contract"), ("png", "Logo"), ("jpg", "Photo"), ("docx", "Proposal"),
              ("csv", "Import"), ("txt", "Notes"))
WEBFORM_TYPES = ("LEGACY", "LEGACY", "LEGACY", "STANDALONE", "LANDING_PAGE", "FUNNEL", "INTERNAL")
WEBFORM_NAMES = ("Newsletter Signup", "Contact Us", "Free Consultation", "Webinar Registration",
                 "Ebook Download", "Event RSVP", "Customer Survey", "Quote Request")
# DataFormField.DataType codes (keap-xmlrpc.md §5.1) for the v2 field types the dataset uses.
DATA_TYPE_CODES = {"TEXT": 15, "WHOLE_NUMBER": 12, "DATE": 13, "DECIMAL": 11, "DATE_TIME": 14}
CONTACT_CUSTOM_GROUP_ID = 2
OPPORTUNITY_CUSTOM_FIELD_ID = 20  # DataFormField "dealsource" (FormId -4), a dropdown
OPPORTUNITY_DEAL_SOURCES = ("Inbound", "Outbound", "Partner")
SAVED_SEARCH_COLUMNS = {"ContactId": "Contact Id", "ContactName.firstName": "First Name",
                        "ContactName.lastName": "Last Name", "Email": "Email", "Phone1": "Phone 1",
                        "City": "City", "State": "State", "Tags": "Tag Ids",
                        "DateCreated": "Date Created", "Follow-UpSequence": "Follow-up Sequence"}


def _dt(ms: int) -> datetime:
    """Aware UTC datetime of epoch ms (``EPOCH + timedelta`` is ~2x faster than fromtimestamp)."""
    return EPOCH + timedelta(milliseconds=ms)


def _ms_of_iso(iso: str) -> int:
    return round(datetime.fromisoformat(iso).timestamp() * 1000)


def _date_of(iso_date: str) -> datetime:
    """A Date field: the calendar day at UTC midnight."""
    return datetime.fromisoformat(iso_date[:10]).replace(tzinfo=timezone.utc)


class _Clock:
    """Creation/update times for generated rows: spread over years, updates clustering near now."""

    def __init__(self, ds, rng: Random):
        self.ds, self.rng, self.now = ds, rng, ds.now_ms

    def created(self, max_days: int = HISTORY_DAYS) -> int:
        return self.now - 1 - int(max_days * DAY_MS * self.rng.random() ** 1.6)

    def updated(self, created: int) -> int:
        return self.ds._update_time(self.rng, created)

    def between(self, start: int, end: int) -> int:
        return start + int(max(0, end - start) * self.rng.random())


def build(ds) -> None:
    tables, collections = ds.tables, ds.collections
    collections["crm_times"] = {}
    builders = (_users, _lead_sources, _tags, _companies, _custom_field_model, _contacts,
                _tag_assignments, _opportunities, _opportunity_custom_values, _campaigns, _contact_actions,
                _files, _saved_searches, _webforms, _legacy_modules)
    for builder in builders:
        builder(ds, tables, collections, ds._rng(f"crm:{builder.__name__.strip('_')}"))


# --------------------------------------------------------------------------- people and reference data


def _users(ds, tables, collections, rng):
    from .dataset import FAMILY_NAMES, GIVEN_NAMES, PLACES
    clock, times, users = _Clock(ds, rng), {}, []
    for uid in ds.user_ids:
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        place = rng.choice(PLACES)
        users.append({"Id": int(uid), "FirstName": given, "LastName": family,
                      "Email": f"{given.lower()}.{family.lower().replace(chr(39), '')}@sandbox-team.example.com",
                      "Phone1": f"({place[7]}) 555-{rng.randrange(10000):04d}", "Phone1Type": "Work",
                      "City": place[0], "State": place[1], "PostalCode": place[3] + "01",
                      "Title": rng.choice(("Owner", "Sales Rep", "Marketing", "Support", "Admin"))})
        created = clock.created()
        times[int(uid)] = (created, clock.updated(created))
    tables["User"] = users
    collections["crm_times"]["User"] = times
    tables["UserGroup"] = [{"Id": i + 1, "Name": name, "OwnerId": users[0]["Id"]}
                           for i, name in enumerate(USER_GROUPS)]
    tables["GroupAssign"] = [{"Id": i + 1, "UserId": u["Id"], "GroupId": 1 if i == 0 else 2 + i % 3,
                              "Admin": 1 if i == 0 else 0} for i, u in enumerate(users)]


def _lead_sources(ds, tables, collections, rng):
    clock = _Clock(ds, rng)
    times = collections["crm_times"]
    tables["LeadSourceCategory"] = [{"Id": i + 1, "Name": name, "Description": f"{name} channels"}
                                    for i, name in enumerate(LEAD_SOURCE_CATEGORIES)]
    times["LeadSourceCategory"] = {row["Id"]: _created_updated(clock) for row in tables["LeadSourceCategory"]}
    sources, source_times = [], {}
    for i, sid in enumerate(ds.lead_source_ids):
        name = LEAD_SOURCE_NAMES[i % len(LEAD_SOURCE_NAMES)]
        if i >= len(LEAD_SOURCE_NAMES):
            name = f"{name} {i // len(LEAD_SOURCE_NAMES) + 1}"
        created, updated = _created_updated(clock)
        row = {"Id": int(sid), "Name": name, "Description": f"Leads from {name}",
               "LeadSourceCategoryId": 1 + i % len(LEAD_SOURCE_CATEGORIES), "Medium": MEDIUMS[i % len(MEDIUMS)],
               "Vendor": rng.choice(("Google", "Meta", "In-house", "Eventbrite", "LinkedIn")),
               "Status": "Active" if rng.random() < 0.8 else "Inactive",
               "StartDate": _dt(created).replace(hour=0, minute=0, second=0, microsecond=0),
               "CostPerLead": f"{rng.uniform(1, 40):.2f}"}
        if row["Status"] == "Inactive":
            row["EndDate"] = _dt(clock.between(created, ds.now_ms)).replace(hour=0, minute=0, second=0,
                                                                           microsecond=0)
        if rng.random() < 0.5:
            row["Message"] = f"Spring promo via {name}"
        sources.append(row)
        source_times[row["Id"]] = (created, updated)
    tables["LeadSource"] = sources
    times["LeadSource"] = source_times
    _lead_source_expenses(ds, tables, rng, clock)


def _lead_source_expenses(ds, tables, rng, clock):
    recurring, expenses, general = [], [], []
    for source in tables["LeadSource"]:
        start_ms = int(source["StartDate"].timestamp() * 1000)
        if rng.random() < 0.4:
            rid = len(recurring) + 1
            start = source["StartDate"]
            recurring.append({"Id": rid, "LeadSourceId": source["Id"], "Title": f"{source['Name']} monthly",
                              "Amount": round(rng.uniform(50, 900), 2), "StartDate": start,
                              "NextExpenseDate": _month_after(ds.now), "Notes": "Monthly retainer"})
        for _ in range(rng.randrange(0, 4)):
            incurred = clock.between(start_ms, ds.now_ms - 1)
            row = {"Id": len(expenses) + 1, "LeadSourceId": source["Id"], "Title": f"{source['Name']} spend",
                   "Amount": round(rng.uniform(20, 2000), 2), "DateIncurred": _dt(incurred - incurred % 1000)}
            if recurring and recurring[-1]["LeadSourceId"] == source["Id"]:
                row["LeadSourceRecurringExpenseId"] = recurring[-1]["Id"]
            expenses.append(row)
            general.append({"Id": len(general) + 1, "TypeId": source["Id"], "ExpenseType": "LeadSource",
                            "ExpenseAmt": row["Amount"], "DateIncurred": row["DateIncurred"]})
    tables["LeadSourceRecurringExpense"] = recurring
    tables["LeadSourceExpense"] = expenses
    tables["Expense"] = general


def _month_after(now: datetime) -> datetime:
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


def _created_updated(clock: _Clock) -> tuple[int, int]:
    created = clock.created()
    return created, clock.updated(created)


def _tags(ds, tables, collections, rng):
    clock, times = _Clock(ds, rng), collections["crm_times"]
    tables["ContactGroupCategory"] = [{"Id": i + 1, "CategoryName": name, "CategoryDescription": desc}
                                      for i, (name, desc) in enumerate(TAG_CATEGORIES)]
    times["ContactGroupCategory"] = {row["Id"]: _created_updated(clock)
                                     for row in tables["ContactGroupCategory"]}
    tags, tag_times = [], {}
    for i, tid in enumerate(ds.tag_ids):
        name = TAG_WORDS[i % len(TAG_WORDS)]
        if i >= len(TAG_WORDS):
            name = f"{name} {i // len(TAG_WORDS) + 1}"
        row = {"Id": int(tid), "GroupName": name}
        roll = rng.random()
        if roll < 0.6:
            row["GroupDescription"] = f"Contacts tagged {name.lower()}"
        elif roll < 0.75:
            row["GroupDescription"] = ""  # cleared in the UI: empty, not NULL
        if rng.random() < 0.85:
            row["GroupCategoryId"] = 1 + i % len(TAG_CATEGORIES)
        tags.append(row)
        tag_times[row["Id"]] = _created_updated(clock)
    tables["ContactGroup"] = tags
    times["ContactGroup"] = tag_times


def _companies(ds, tables, collections, rng):
    from .dataset import PLACES, STREETS
    clock, times, rows = _Clock(ds, rng), {}, []
    for company in ds.companies:
        place = rng.choice(PLACES)
        cid = int(company["id"])
        created, updated = _created_updated(clock)
        domain = company["company_name"].split()[0].lower() + ".example.com"
        row = {"Id": cid, "Company": company["company_name"], "CompanyID": cid,
               "Email": f"info@{domain}", "Website": f"https://www.{domain}",
               "Phone1": f"({place[7]}) 555-{rng.randrange(10000):04d}", "Phone1Type": "Work",
               "StreetAddress1": f"{rng.randrange(100, 9999)} {rng.choice(STREETS)}", "City": place[0],
               "State": place[1], "PostalCode": place[3] + f"{rng.randrange(100):02d}", "Country": place[4],
               "DateCreated": _dt(created), "LastUpdated": _dt(updated),
               "CreatedBy": int(rng.choice(ds.user_ids)), "LastUpdatedBy": int(rng.choice(ds.user_ids))}
        if rng.random() < 0.3:
            row["ContactNotes"] = "Key account" if rng.random() < 0.5 else "Annual contract"
        rows.append(row)
        times[cid] = (created, updated)
    tables["Company"] = rows


def _custom_field_model(ds, tables, collections, rng):
    """Contact custom fields (ids from CONTACT_CUSTOM_FIELDS) plus one opportunity field."""
    tables["DataFormTab"] = [{"Id": 1, "FormId": 1, "TabName": "Custom Fields"},
                             {"Id": 2, "FormId": 4, "TabName": "Opportunity Details"}]
    tables["DataFormGroup"] = [{"Id": CONTACT_CUSTOM_GROUP_ID, "TabId": 1, "Name": "Profile"},
                               {"Id": 4, "TabId": 2, "Name": "Deal"}]
    fields = [{"Id": int(fid), "FormId": -1, "GroupId": CONTACT_CUSTOM_GROUP_ID, "Name": label,
               "Label": label, "DataType": DATA_TYPE_CODES[ftype], "ListRows": 0}
              for fid, label, ftype in CONTACT_CUSTOM_FIELDS]
    fields.append({"Id": OPPORTUNITY_CUSTOM_FIELD_ID, "FormId": -4, "GroupId": 4, "Name": "dealsource",
                   "Label": "Deal Source", "DataType": 21, "Values": "\n".join(OPPORTUNITY_DEAL_SOURCES),
                   "ListRows": 0})
    tables["DataFormField"] = fields


# --------------------------------------------------------------------------- contacts


_EMAIL_COLUMNS = {"EMAIL1": "Email", "EMAIL2": "EmailAddress2", "EMAIL3": "EmailAddress3"}
_PHONE_COLUMNS = {f"PHONE{i}": (f"Phone{i}", f"Phone{i}Type", f"Phone{i}Ext") for i in range(1, 6)}
_FAX_COLUMNS = {"FAX1": ("Fax1", "Fax1Type"), "FAX2": ("Fax2", "Fax2Type")}
# address slot -> (street1, street2, city, state, postal, zip4, country) columns
_ADDRESS_COLUMNS = {
    "BILLING": ("StreetAddress1", "StreetAddress2", "City", "State", "PostalCode", "ZipFour1", "Country"),
    "SHIPPING": ("Address2Street1", "Address2Street2", "City2", "State2", "PostalCode2", "ZipFour2", "Country2"),
    "OTHER": ("Address3Street1", "Address3Street2", "City3", "State3", "PostalCode3", "ZipFour3", "Country3"),
}
_ADDRESS_KEYS = ("line1", "line2", "locality", "region", "postal_code", "zip_four", "country")
_SCALARS = (("given_name", "FirstName"), ("family_name", "LastName"), ("middle_name", "MiddleName"),
            ("preferred_name", "Nickname"), ("prefix", "Title"), ("suffix", "Suffix"),
            ("spouse_name", "SpouseName"), ("website", "Website"), ("job_title", "JobTitle"),
            ("contact_type", "ContactType"), ("time_zone", "TimeZone"), ("preferred_locale", "Language"))
_ID_SCALARS = (("owner_id", "OwnerID"), ("leadsource_id", "LeadSourceId"), ("created_by", "CreatedBy"),
               ("last_updated_by", "LastUpdatedBy"))


def _contacts(ds, tables, collections, rng):
    source_names = {row["Id"]: row["Name"] for row in tables["LeadSource"]}
    custom = {fid: ("_" + label, ftype) for fid, label, ftype in CONTACT_CUSTOM_FIELDS}
    rows = [_contact_row(c, source_names, custom, ds) for c in ds.contacts]
    rows.sort(key=lambda r: r["Id"])
    tables["Contact"] = rows


def _contact_row(c: dict, source_names: dict, custom: dict, ds) -> dict:
    # Comprehensions, not loops with ifs: this runs once per contact (100k at full scale).
    row = {"Id": int(c["id"])}
    row.update({column: v for key, column in _SCALARS if (v := c[key]) is not None})
    row.update({column: int(v) for key, column in _ID_SCALARS if (v := c[key]) is not None})
    source = c["leadsource_id"]
    if source is not None and (name := source_names.get(int(source))) is not None:
        row["Leadsource"] = name
    company = c["company"]
    if company is not None:
        row["Company"] = company["company_name"]
        row["CompanyID"] = int(company["id"])
    row.update({_EMAIL_COLUMNS[e["field"]]: e["email"] for e in c["email_addresses"]})
    for phone in c["phone_numbers"]:
        number, kind, ext = _PHONE_COLUMNS[phone["field"]]
        row[number], row[kind] = phone["number"], phone["type"]
        if phone["extension"] is not None:
            row[ext] = phone["extension"]
    for fax in c["fax_numbers"]:
        number, kind = _FAX_COLUMNS[fax["field"]]
        row[number], row[kind] = fax["number"], fax["type"]
    for address in c["addresses"]:
        row.update({column: v for column, key in zip(_ADDRESS_COLUMNS[address["field"]], _ADDRESS_KEYS)
                    if (v := address[key]) is not None})
    if c["birth_date"]:
        row["Birthday"] = _date_of(c["birth_date"])
    if c["anniversary_date"]:
        row["Anniversary"] = _date_of(c["anniversary_date"])
    if c["tag_ids"]:
        row["Groups"] = ",".join(c["tag_ids"])
    for value in c["custom_fields"]:
        if value["content"] is not None:
            name, ftype = custom[value["id"]]
            row[name] = _date_of(value["content"]) if ftype == "DATE" else value["content"]
    # fromisoformat reads the trailing "Z" (3.11+) into an aware UTC datetime, ms included.
    row["DateCreated"] = datetime.fromisoformat(c["create_time"])
    row["LastUpdated"] = datetime.fromisoformat(c["update_time"])
    return row


def _tag_assignments(ds, tables, collections, rng):
    """One row per (contact, tag) in v2 ``tag_ids``; applied between the contact's creation and now."""
    names = {row["Id"]: row["GroupName"] for row in tables["ContactGroup"]}
    rows, now = [], ds.now_ms
    for contact in tables["Contact"]:
        groups = contact.get("Groups")
        if not groups:
            continue
        created = int(contact["DateCreated"].timestamp() * 1000)
        for tag in groups.split(","):
            applied = created + int((now - 1 - created) * rng.random() ** 0.7)
            gid = int(tag)
            rows.append({"ContactId": contact["Id"], "GroupId": gid, "ContactGroup": names[gid],
                         "DateCreated": _dt(applied - applied % 1000)})
    tables["ContactGroupAssign"] = rows
    by_tag: dict[int, list] = {}
    for row in rows:
        by_tag.setdefault(row["GroupId"], []).append(row)
    for applications in by_tag.values():
        applications.sort(key=lambda r: (r["DateCreated"], r["ContactId"]))
    collections["tag_applications"] = by_tag


# --------------------------------------------------------------------------- sales pipeline


def _opportunities(ds, tables, collections, rng):
    clock = _Clock(ds, rng)
    tables["Stage"] = [{"Id": i + 1, "StageName": name, "StageOrder": order, "TargetNumDays": days}
                       for i, (name, order, days, _) in enumerate(STAGES)]
    collections["crm_times"]["Stage"] = {row["Id"]: _created_updated(clock) for row in tables["Stage"]}
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
           "DateCreated": _dt(created - created % 1000), "LastUpdated": _dt(updated - updated % 1000),
           "ProjectedRevenueLow": low, "ProjectedRevenueHigh": round(low * rng.uniform(1, 3), 2),
           "StatusID": 1}
    if contact is not None:
        row["ContactID"] = contact["Id"]
        if "Leadsource" in contact:
            row["Leadsource"] = contact["Leadsource"]
    if rng.random() < 0.7:
        close = clock.between(created, ds.now_ms + 60 * DAY_MS)
        row["EstimatedCloseDate"] = _dt(close - close % DAY_MS)
    if rng.random() < 0.5:
        row["NextActionDate"] = _dt(clock.between(created, ds.now_ms - 1) // 1000 * 1000)
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
        move_time = _dt(moved - moved % 1000)
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
    clock, times = _Clock(ds, rng), {}
    templates = [{"Id": i + 1, "PieceTitle": f"{kind} template {i + 1}", "PieceType": kind,
                  "Categories": rng.choice(("Newsletters", "Sales", "Onboarding", "General"))}
                 for i, kind in enumerate(TEMPLATE_TYPES * 2)]
    campaigns = [{"Id": i + 1, "Name": name, "Status": "Active" if rng.random() < 0.75 else "Inactive"}
                 for i, name in enumerate(CAMPAIGN_NAMES)]
    for row in campaigns:
        times[row["Id"]] = _created_updated(clock)
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
    clock, rows = _Clock(ds, rng), []
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
           "CreatedBy": user, "LastUpdatedBy": user, "CreationDate": _dt(created - created % 1000),
           "LastUpdated": _dt(updated - updated % 1000), "IsAppointment": int(kind == "Appointment"),
           "ActionType": "Appointment" if kind == "Appointment" else ACTION_TYPES[int(r() * 3)]}
    if kind == "Note":
        row["ActionDescription"] = NOTE_TITLES[int(r() * len(NOTE_TITLES))]
        row["CreationNotes"] = "Spoke with the contact about next steps."
    else:
        due = clock.between(created, ds.now_ms + 14 * DAY_MS)
        row["ActionDescription"] = TASK_TITLES[int(r() * len(TASK_TITLES))] if kind == "Task" else "Consultation"
        row["ActionDate"] = _dt(due - due % 60_000)
        row["Priority"] = 1 + int(r() * 3)
        if kind == "Appointment":
            row["EndDate"] = row["ActionDate"] + timedelta(minutes=30)
        if due < ds.now_ms and rng.random() < 0.6:
            row["CompletionDate"] = _dt(clock.between(due, ds.now_ms - 1) // 1000 * 1000)
    return row


# --------------------------------------------------------------------------- files, searches, forms


def _files(ds, tables, collections, rng):
    clock, rows, data, times = _Clock(ds, rng), [], {}, {}
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
        times[fid] = _created_updated(clock)
    tables["FileBox"] = rows
    collections["file_data"] = data
    collections["crm_times"]["FileBox"] = times


def _saved_searches(ds, tables, collections, rng):
    """Saved contact reports: each selects contacts by a simple rule over the Contact rows."""
    clock, contacts = _Clock(ds, rng), tables["Contact"]
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
        times[sid] = _created_updated(clock)
    tables["SavedFilter"] = filters
    collections["saved_searches"] = searches
    collections["crm_times"]["SavedFilter"] = times


def saved_search_rows(ds, search_id: int, start: int = 0, stop: int | None = None) -> list[dict]:
    """Rows ``start:stop`` of a saved search, keyed by its column keys, every value a string.

    NULL columns are left out of a row, as XML-RPC omits NULL struct members.
    """
    search = ds.collections["saved_searches"][search_id]
    by_id = _contact_index(ds)
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


def _contact_index(ds) -> dict:
    """Contact rows by Id (Contact rows are Id-sorted, so bisect would do; a dict is simpler)."""
    index = ds.collections.get("_contact_by_id")
    if index is None:
        index = ds.collections["_contact_by_id"] = {row["Id"]: row for row in ds.tables["Contact"]}
    return index


def contact_row(ds, contact_id: int) -> dict | None:
    rows = ds.tables["Contact"]
    i = bisect.bisect_left(rows, contact_id, key=lambda r: r["Id"])
    return rows[i] if i < len(rows) and rows[i]["Id"] == contact_id else None


def _webforms(ds, tables, collections, rng):
    clock, forms = _Clock(ds, rng), []
    for i, name in enumerate(WEBFORM_NAMES):
        created, updated = _created_updated(clock)
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
        created = _dt(_Clock(ds, rng).created() // 1000 * 1000)
        tickets.append({"Id": i + 1, "ContactId": contacts[i]["Id"], "TicketTitle": f"Ticket {i + 1}",
                        "Summary": "Legacy help-desk ticket", "Stage": 1 + i % 3, "TicketTypeId": 1 + i % 3,
                        "DateCreated": created, "LastUpdated": created, "Priority": 1 + i % 3,
                        "UserId": int(ds.user_ids[0])})
    tables["Ticket"] = tickets
    tables["LinkedContactType"] = [{"Id": int(tid), "TypeName": name, "MaxLinked": 1 if tid == "1" else 0}
                                   for tid, name in LINK_TYPES]

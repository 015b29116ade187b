"""The CRM domain's people and reference data: Keap's legacy tables of contacts, companies, tags and users.

``build(ds)`` adds rows to ``ds.tables`` (table/field names exactly as in xmlrpc-tables.json; ints,
floats, strs, aware UTC datetimes — Date fields at UTC midnight; an absent key is NULL) and a few
collections to ``ds.collections``; :mod:`.crm_activity` then adds what happens to those people. The
``Contact`` rows are *derived* from ``ds.contacts`` (the v2 dicts stay the source of truth), so a
contact reads the same through v2, v1 and XML-RPC.

Tables: Contact, Company, ContactGroup, ContactGroupCategory, ContactGroupAssign, User, UserGroup,
GroupAssign, LeadSource, LeadSourceCategory, LeadSourceExpense, LeadSourceRecurringExpense, Expense,
DataFormTab, DataFormGroup, DataFormField.

``ContactGroupAssign`` rows store only ``ContactId, GroupId, ContactGroup, DateCreated``; its joined
``Contact.*`` columns are resolved from the Contact rows by the DataService engine (storing them
would copy every contact once per tag).

Collections:

* ``crm_times``: ``{table: {id: (create_ms, update_ms)}}`` — create/update times REST shows for
  tables whose legacy schema has no such columns (ContactGroup, ContactGroupCategory, User,
  LeadSource, LeadSourceCategory; :mod:`.crm_activity` adds Stage, Campaign, FileBox, SavedFilter).
* ``tag_applications``: ``{tag_id: [ContactGroupAssign rows sorted by (DateCreated, ContactId)]}``.
"""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta, timezone
from random import Random

from ..wire import from_ms
from .pools import (CONTACT_CUSTOM_FIELDS, DAY_MS, FAMILY_NAMES, GIVEN_NAMES, HISTORY_DAYS, PLACES,
                    STREETS)

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
USER_GROUPS = ("Administrators", "Sales", "Marketing", "Support")
# DataFormField.DataType codes (keap-xmlrpc.md §5.1) for the v2 field types the dataset uses.
DATA_TYPE_CODES = {"TEXT": 15, "WHOLE_NUMBER": 12, "DATE": 13, "DECIMAL": 11, "DATE_TIME": 14}
CONTACT_CUSTOM_GROUP_ID = 2
OPPORTUNITY_CUSTOM_FIELD_ID = 20  # DataFormField "dealsource" (FormId -4), a dropdown
OPPORTUNITY_DEAL_SOURCES = ("Inbound", "Outbound", "Partner")


def _date_of(iso_date: str) -> datetime:
    """A Date field: the calendar day at UTC midnight."""
    return datetime.fromisoformat(iso_date[:10]).replace(tzinfo=timezone.utc)


class Clock:
    """Creation/update times for generated rows: spread over years, updates clustering near now."""

    def __init__(self, ds, rng: Random):
        self.ds, self.rng, self.now = ds, rng, ds.now_ms

    def created(self, max_days: int = HISTORY_DAYS) -> int:
        return self.now - 1 - int(max_days * DAY_MS * self.rng.random() ** 1.6)

    def updated(self, created: int) -> int:
        return self.ds._update_time(self.rng, created)

    def between(self, start: int, end: int) -> int:
        return start + int(max(0, end - start) * self.rng.random())


def created_updated(clock: Clock) -> tuple[int, int]:
    created = clock.created()
    return created, clock.updated(created)


def build(ds) -> None:
    """The builders run in this order, each on its own stream ``crm:<builder name>``."""
    ds.collections["crm_times"] = {}
    run_builders(ds, (_users, _lead_sources, _tags, _companies, _custom_field_model, _contacts,
                      _tag_assignments))


def run_builders(ds, builders) -> None:
    for builder in builders:
        builder(ds, ds.tables, ds.collections, ds._rng(f"crm:{builder.__name__.strip('_')}"))


# --------------------------------------------------------------------------- people and reference data


def _users(ds, tables, collections, rng):
    clock, times, users = Clock(ds, rng), {}, []
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
    clock = Clock(ds, rng)
    times = collections["crm_times"]
    tables["LeadSourceCategory"] = [{"Id": i + 1, "Name": name, "Description": f"{name} channels"}
                                    for i, name in enumerate(LEAD_SOURCE_CATEGORIES)]
    times["LeadSourceCategory"] = {row["Id"]: created_updated(clock) for row in tables["LeadSourceCategory"]}
    sources, source_times = [], {}
    for i, sid in enumerate(ds.lead_source_ids):
        name = LEAD_SOURCE_NAMES[i % len(LEAD_SOURCE_NAMES)]
        if i >= len(LEAD_SOURCE_NAMES):
            name = f"{name} {i // len(LEAD_SOURCE_NAMES) + 1}"
        created, updated = created_updated(clock)
        row = {"Id": int(sid), "Name": name, "Description": f"Leads from {name}",
               "LeadSourceCategoryId": 1 + i % len(LEAD_SOURCE_CATEGORIES), "Medium": MEDIUMS[i % len(MEDIUMS)],
               "Vendor": rng.choice(("Google", "Meta", "In-house", "Eventbrite", "LinkedIn")),
               "Status": "Active" if rng.random() < 0.8 else "Inactive",
               "StartDate": from_ms(created).replace(hour=0, minute=0, second=0, microsecond=0),
               "CostPerLead": f"{rng.uniform(1, 40):.2f}"}
        if row["Status"] == "Inactive":
            row["EndDate"] = from_ms(clock.between(created, ds.now_ms)).replace(hour=0, minute=0, second=0,
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
                   "Amount": round(rng.uniform(20, 2000), 2), "DateIncurred": from_ms(incurred - incurred % 1000)}
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


def _tags(ds, tables, collections, rng):
    clock, times = Clock(ds, rng), collections["crm_times"]
    tables["ContactGroupCategory"] = [{"Id": i + 1, "CategoryName": name, "CategoryDescription": desc}
                                      for i, (name, desc) in enumerate(TAG_CATEGORIES)]
    times["ContactGroupCategory"] = {row["Id"]: created_updated(clock)
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
        tag_times[row["Id"]] = created_updated(clock)
    tables["ContactGroup"] = tags
    times["ContactGroup"] = tag_times


def _companies(ds, tables, collections, rng):
    clock, times, rows = Clock(ds, rng), {}, []
    for company in ds.companies:
        place = rng.choice(PLACES)
        cid = int(company["id"])
        created, updated = created_updated(clock)
        domain = company["company_name"].split()[0].lower() + ".example.com"
        row = {"Id": cid, "Company": company["company_name"], "CompanyID": cid,
               "Email": f"info@{domain}", "Website": f"https://www.{domain}",
               "Phone1": f"({place[7]}) 555-{rng.randrange(10000):04d}", "Phone1Type": "Work",
               "StreetAddress1": f"{rng.randrange(100, 9999)} {rng.choice(STREETS)}", "City": place[0],
               "State": place[1], "PostalCode": place[3] + f"{rng.randrange(100):02d}", "Country": place[4],
               "DateCreated": from_ms(created), "LastUpdated": from_ms(updated),
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
                         "DateCreated": from_ms(applied - applied % 1000)})
    tables["ContactGroupAssign"] = rows
    by_tag: dict[int, list] = {}
    for row in rows:
        by_tag.setdefault(row["GroupId"], []).append(row)
    for applications in by_tag.values():
        applications.sort(key=lambda r: (r["DateCreated"], r["ContactId"]))
    collections["tag_applications"] = by_tag


# --------------------------------------------------------------------------- lookups


def contact_index(ds) -> dict:
    """Contact rows by Id (Contact rows are Id-sorted, so bisect would do; a dict is simpler)."""
    index = ds.collections.get("_contact_by_id")
    if index is None:
        index = ds.collections["_contact_by_id"] = {row["Id"]: row for row in ds.tables["Contact"]}
    return index


def contact_row(ds, contact_id: int) -> dict | None:
    rows = ds.tables["Contact"]
    i = bisect.bisect_left(rows, contact_id, key=lambda r: r["Id"])
    return rows[i] if i < len(rows) and rows[i]["Id"] == contact_id else None

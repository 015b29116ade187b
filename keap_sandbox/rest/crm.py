"""REST v2 list endpoints of the CRM domain, declared (:mod:`.listing`), and their registration.

Records are rendered once from the legacy rows (:mod:`.crm_records`); the handlers that are not lists
are :mod:`.crm_handlers`'. Ids are the legacy ids as strings. Windows: ``since_*`` keeps ``time >= T``
and ``until_*`` keeps ``time < T`` (half-open, like contacts), although the spec says "on or before"
for some; times declared with ``==`` alone match the same instant.

Implemented: ``/v2/tags`` (+``/{tag_id}``, ``/{tag_id}/contacts`` (+``/count``), ``/-/contacts``),
``/v2/tags/categories``, ``/v2/companies`` (+``/{company_id}``), ``/v2/users`` (+``/{user_id}``),
``/v2/opportunities`` (+``/{opportunity_id}``, ``/model``, ``/stages`` (+``/{stage_id}``), ``/stageMoves``),
``/v2/tasks`` (+``/{task_id}``), ``/v2/notes``, ``/v2/taskAppointments``, ``/v2/campaigns``
(+``/{campaign_id}``), ``/v2/leadSources`` (+``/{lead_source_id}``, ``/{lead_source_id}/expenses``,
``/{lead_source_id}/recurringExpenses``), ``/v2/leadSourceCategories`` (+``/{lead_source_category_id}``),
``/v2/files`` (+``/{file_id}``, ``/{file_id}:data``), ``/v2/webforms`` (+``/{webform_id}:data``),
``/v2/reporting/reports`` (+``/{report_id}``, ``/{report_id}/model``, ``/{report_id}:run``), ``/v2/contacts/{contact_id}/notes``
(+``/{note_id}``), ``/v2/contacts/{contact_id}/tags``, ``/v2/contacts/-/tags``,
``/v2/emailAddresses/{email}/status``.
"""

from __future__ import annotations

from dataclasses import replace

from ..data.crm import contact_row
from ..wire import iso_ms, parse_v2_time, to_ms
from . import contacts
from .crm_handlers import (by_id_handler, contact_note_handler, email_status_handler, file_data_handler,
                           opportunity_model_handler, report_model_handler, run_report_handler,
                           tagged_contacts_count_handler, webform_html_handler)
from .crm_records import (COMPANY_LIST_OPTIONAL, COMPANY_OPTIONAL, OPPORTUNITY_OPTIONAL, appointment_records,
                          applications_of_contact, applied_tag_records, association, campaign_records,
                          company_records, contact_name, expense_records, file_records, form_fields, lead_source_category_records,
                          lead_source_records, note_records, opportunity_records, recurring_expense_records,
                          report_records, stage_move_records, stage_records, tag_category_records, tag_records,
                          tagged_contact_records, task_records, user_records, webform_records)
from .listing import (ListEndpoint, Parent, applied, at_most_100, at_time, by_id, compared_time, custom, exact,
                      ids, not_together, number, ordered, register as register_list, required_one_of, since,
                      sort_key, until, wildcard)
from .v2 import EXACT, LIST, TIME, WILDCARD, matches_text


def _orders(**keys) -> dict:
    """``order_by`` field -> record key, each ordered as MySQL would (:func:`~.listing.sort_key`)."""
    return {name: sort_key(key) for name, key in keys.items()}


_CREATE_UPDATE = {"since_create_time": since("create_time"), "until_create_time": until("create_time"),
                  "since_update_time": since("update_time"), "until_update_time": until("update_time")}


# --------------------------------------------------------------------------- filter tests


def _has_email(record: dict, cond) -> bool:
    return any(matches_text(e["email"], cond) for e in record["email_addresses"])


def _company_email(record: dict) -> str | None:
    return record["email_address"]["email"] if record["email_address"] else None


def _contains_or_prefix(key: str):
    """Keap's note/campaign title match: a bare value matches anywhere, ``Foo*`` is a prefix."""
    def test(record, cond):
        value = record.get(key)
        if value is None:
            return False
        value = value.lower()
        return value.startswith(cond.stem) if cond.wildcard else cond.stem in value
    return test


def _user_or_unassigned(key: str):
    def test(record, cond):
        if cond.value.upper() == "UNASSIGNED":
            return record.get(key) is None
        return record.get(key) == cond.value
    return test


def _category_or_none(record, cond) -> bool:
    category = record["tag"]["category"]
    if cond.value.upper() == "NONE":
        return category is None
    return category is not None and category["id"] == cond.value


def _or_none(key: str):
    """The SDK's tag-contact filters: ``NONE`` matches a contact without the field, else equality."""
    def test(record, cond):
        if cond.value.upper() == "NONE":
            return record.get(key) is None
        return record.get(key) is not None and matches_text(record[key], cond)
    return test


def _custom_content(field_id: str):
    def content(record):
        return next((cf["content"] for cf in record["custom_fields"] if cf["id"] == field_id), None)
    return content


# --------------------------------------------------------------------------- endpoints

TAGS = ListEndpoint(
    "/rest/v2/tags", "Tag", "tags", tag_records,
    filters={"name": exact(), "description": exact(), "category_id": exact("category.id"), "tag_ids": ids("id"),
             **_CREATE_UPDATE},
    orders=_orders(name="name", create_time="create_time", update_time="update_time"), default_order=by_id)
TAG_CATEGORIES = ListEndpoint(
    "/rest/v2/tags/categories", "TagCategory", "tag_categories", tag_category_records,
    filters={"name": exact(), "description": exact(), **_CREATE_UPDATE},
    orders=_orders(name="name", create_time="create_time", update_time="update_time"), default_order=by_id)
# `city`/`state` read the company's one (billing) address.
COMPANIES = ListEndpoint(
    "/rest/v2/companies", "Company", "companies", company_records,
    filters={"company_name": exact(), "name": wildcard("company_name"), "email": exact(_company_email),
             "city": wildcard("address.locality"), "state": wildcard("address.region"),
             "since_time": since("update_time"), "until_time": until("update_time"), "company_id": ordered("id")},
    orders=_orders(id=by_id, create_time="create_time", name="company_name", email=_company_email),
    default_order=by_id, optional=COMPANY_LIST_OPTIONAL)
# page_size 1..100 for users (the spec's only list with that range).
USERS = ListEndpoint(
    "/rest/v2/users", "User", "users", user_records,
    filters={"email": custom(EXACT, _has_email), "given_name": exact(),
             "include_inactive": custom(EXACT, lambda r, c: c.value.lower() == "true" or r["status"] == "ACTIVE"),
             "include_partners": custom(EXACT, lambda r, c: c.value.lower() == "true" or not r["partner"]),
             "user_ids": ids("id")},
    orders=_orders(create_time="create_time", email=lambda r: r["email_addresses"][0]["email"],
                   name=lambda r: (r["family_name"].lower(), int(r["id"]))),
    default_order=by_id, page_sizes=(1, 100))
STAGES = ListEndpoint(
    "/rest/v2/opportunities/stages", "OpportunityStage", "stages", stage_records,
    filters={"opportunity_stage_name": wildcard("name"), "opportunity_stage_id": ordered("id")},
    orders=_orders(stage_order="order"), default_order=by_id)
STAGE_MOVES = ListEndpoint(
    "/rest/v2/opportunities/stageMoves", "OpportunityStageMove", "stage_moves", stage_move_records,
    filters={"opportunity_id": exact(), "user_id": exact()},
    orders=_orders(move_date="move_time", id=by_id), default_order=by_id)
# `start_time==T`/`end_time==T` are declared with `==` alone and no word on their meaning: the sandbox
# reads them literally, as the same instant (a source starting or ending exactly at T).
LEAD_SOURCES = ListEndpoint(
    "/rest/v2/leadSources", "LeadSource", "lead_sources", lead_source_records,
    filters={"id": number(), "name": wildcard(), "status": exact(), "lead_source_category_id": exact(),
             "vendor": wildcard(), "medium": wildcard(), "message": wildcard(), "description": wildcard(),
             "start_time": at_time(), "end_time": at_time()},
    orders=_orders(name="name", status="status", vendor="vendor", medium="medium", start_time="start_time",
                   end_time="end_time", create_time="create_time", update_time="update_time"),
    default_order=by_id)
LEAD_SOURCE_CATEGORIES = ListEndpoint(
    "/rest/v2/leadSourceCategories", "LeadSourceCategory", "lead_source_categories", lead_source_category_records,
    filters={"name": wildcard(), "description": wildcard()},
    orders=_orders(name="name", create_time="create_time"), default_order=by_id)
# `user_id` is the file's creator, which FileBox does not keep: it matches no file.
FILES = ListEndpoint(
    "/rest/v2/files", "File", "files", file_records,
    filters={"is_public": exact(), "contact_id": exact(), "user_id": exact("created_by_id"), "category": exact(),
             "file_box_type": exact(), "file_name": exact(), "created_time": at_time(), "updated_time": at_time()},
    orders=_orders(file_name="file_name", updated_time="updated_time"), default_order=by_id)
WEBFORMS = ListEndpoint(
    "/rest/v2/webforms", "Webform", "webforms", webform_records,
    filters={"name": exact(), "webform_type": exact(), **_CREATE_UPDATE},
    orders=_orders(name="name", webform_type="webform_type", create_time="create_time", update_time="update_time"),
    default_order=by_id)
REPORTS = ListEndpoint(
    "/rest/v2/reporting/reports", "Report", "reports", report_records,
    filters={"name": exact(), "since_created_time": since("created_time"),
             "until_created_time": until("created_time")},
    orders=_orders(name="name", created_time="created_time"), default_order=by_id)
TASKS = ListEndpoint(
    "/rest/v2/tasks", "Task", "tasks", task_records,
    filters={"contact_id": exact(), "has_due_date": exact(lambda r: r["due_time"] is not None),
             "is_completed": exact("completed"), "user_id": custom(EXACT, _user_or_unassigned("assigned_to_user_id")),
             "opportunity_id": exact(), "task_ids": ids("id"), "priority": exact(),
             "since_time": since("modification_time"), "until_time": until("modification_time"), "id": number(),
             "title": wildcard()},
    orders=_orders(id=by_id, create_time="create_time", due_time="due_time", update_time="modification_time"),
    default_order=by_id, optional=("custom_fields",), rules=(at_most_100("task_ids"),))
NOTES = ListEndpoint(
    "/rest/v2/notes", "Note", "notes", note_records,
    filters={"id": number(), "ids": ids("id"), "title": custom(WILDCARD, _contains_or_prefix("title")),
             "contact_id": exact(), "assigned_to_user_id": exact("assigned_to_user.id"),
             "since_time": since("update_time"), "until_time": until("update_time")},
    orders=_orders(id=by_id, create_time="create_time", update_time="update_time"), default_order=by_id,
    optional=("custom_fields",), rules=(not_together("id", "ids"),))
_APPOINTMENT_TIMES = ("start_time", "end_time", "create_time", "update_time")
APPOINTMENTS = ListEndpoint(
    "/rest/v2/taskAppointments", "TaskAppointment", "taskAppointments", appointment_records,
    filters={"contact_id": exact(), "user_id": exact(), **{t: compared_time() for t in _APPOINTMENT_TIMES}},
    orders=_orders(**{t: t for t in _APPOINTMENT_TIMES}), default_order=by_id)


def opportunities_endpoint(ds) -> ListEndpoint:
    """Opportunities filter on the tenant's opportunity custom fields (DataFormField FormId -4) too."""
    fields = {f["Name"]: f for f in form_fields(ds, -4)}
    return ListEndpoint(
        "/rest/v2/opportunities", "Opportunity", "opportunities", opportunity_records,
        filters={"stage_id": exact("stage.id"), "user_id": exact("user.id"), "contact_id": exact("contact.id"),
                 "opportunity_title": wildcard(), "lead_source_name": wildcard("lead_source"),
                 "affiliate_id": exact(), "opportunity_id": ordered("id"), "ids": ids("id"),
                 "contact_phone": wildcard("contact.phone_number"), "contact_city": wildcard("contact.city"),
                 "contact_state": wildcard("contact.state"), "projected_revenue_high": number(),
                 "projected_revenue_low": number(),
                 **{name: wildcard(_custom_content(str(f["Id"]))) for name, f in fields.items()}},
        orders=_orders(next_action_time="next_action_time", contact_name=contact_name,
                       opportunity_title="opportunity_title", created_time="created_time",
                       update_time="last_updated_time"),
        default_order=by_id, optional=OPPORTUNITY_OPTIONAL,
        rules=(at_most_100("ids"), not_together("opportunity_id", "ids")))


def campaigns_endpoint(ds) -> ListEndpoint:
    updated = {cid: iso_ms(times[1]) for cid, times in ds.collections["crm_times"]["Campaign"].items()}
    return ListEndpoint(
        "/rest/v2/campaigns", "Campaign", "campaigns", campaign_records,
        filters={"name": custom(EXACT, _contains_or_prefix("name"))},
        orders=_orders(name="name", publisheddate="published_date", id=by_id,
                       completedContactCount="completed_contact_count", activeContacts="active_contact_count",
                       datecreated="date_created", lastupdated=lambda r: updated[int(r["id"])]),
        default_order=by_id)


def _known_contact(ds, raw: str) -> int | None:
    return int(raw) if raw.isdigit() and contact_row(ds, int(raw)) is not None else None


def contact_notes_endpoint(notes) -> ListEndpoint:
    """``/contacts/{contact_id}/notes``: the notes list's records (``notes()``) of one contact."""
    def records(ds, raw):
        cid = _known_contact(ds, raw)
        return None if cid is None else [n for n in notes() if n["contact_id"] == str(cid)]
    return replace(NOTES, path="/rest/v2/contacts/{contact_id}/notes", records=records,
                   parent=Parent("contact_id", "Contact"))


def contact_tags_endpoint(ds) -> ListEndpoint:
    """``/contacts/{contact_id}/tags``: the tags applied to one contact, each with when."""
    tags: dict | None = None

    def records(ds, raw):
        nonlocal tags
        cid = _known_contact(ds, raw)
        if cid is None:
            return None
        tags = tags or {int(t["id"]): t for t in tag_records(ds)}
        return applied_tag_records(ds, cid, tags)

    on_tag = {name: since(f"tag.{key}") if name.startswith("since") else until(f"tag.{key}")
              for name, key in (("since_create_time", "create_time"), ("until_create_time", "create_time"),
                                ("since_update_time", "update_time"), ("until_update_time", "update_time"))}
    return ListEndpoint(
        "/rest/v2/contacts/{contact_id}/tags", "Tag", "tags", records,
        filters={"name": exact("tag.name"), "description": exact("tag.description"),
                 "category_id": custom(EXACT, _category_or_none), "since_applied_time": since("applied_time"),
                 "until_applied_time": until("applied_time"), **on_tag},
        orders=_orders(name="tag.name", create_time="tag.create_time", update_time="tag.update_time",
                       applied_time="applied_time",
                       category_id=lambda r: int(r["tag"]["category"]["id"]) if r["tag"]["category"] else None),
        default_order=lambda r: (r["applied_time"], int(r["tag"]["id"])), parent=Parent("contact_id", "Contact"))


def expenses_endpoint(ds, suffix: str, resource: str, envelope: str, render, times: tuple[str, ...]) -> ListEndpoint:
    """A lead source's expenses; ``{lead_source_id}`` is a source's id or ``-`` for every lead source."""
    sources = {str(row["Id"]) for row in ds.tables["LeadSource"]}
    everything: list | None = None

    def records(ds, raw):
        nonlocal everything
        if raw != "-" and raw not in sources:
            return None
        everything = everything or render(ds)
        return everything if raw == "-" else [r for r in everything if r["lead_source_id"] == raw]

    return ListEndpoint(
        f"/rest/v2/leadSources/{{lead_source_id}}/{suffix}", resource, envelope, records,
        filters={"title": exact(), "amount": number("amount.amount"), **{t: compared_time() for t in times}},
        orders=_orders(title="title", amount="amount.amount", **{t: t for t in times}), default_order=by_id,
        parent=Parent("lead_source_id", "LeadSource"))


def tagged_contacts_endpoint(ds) -> ListEndpoint:
    """``/tags/{tag_id}/contacts``: the contacts a tag is applied to."""
    known = {row["Id"] for row in ds.tables["ContactGroup"]}

    def records(ds, raw):
        if not raw.isdigit() or int(raw) not in known:
            return None
        return tagged_contact_records(ds, int(raw))

    return ListEndpoint(
        "/rest/v2/tags/{tag_id}/contacts", "TaggedContact", "contacts", records,
        filters={"given_name": custom(EXACT, _or_none("given_name")),
                 "family_name": custom(EXACT, _or_none("family_name")), "email": custom(EXACT, _or_none("email")),
                 "since_applied_time": since("applied_time"), "until_applied_time": until("applied_time")},
        orders=_orders(given_name="given_name", family_name="family_name", email="email",
                       applied_time="applied_time"),
        default_order=by_id, parent=Parent("tag_id", "Tag"))


def associations_endpoint(path: str, envelope: str, id_filter: str, index) -> ListEndpoint:
    """``/v2/tags/-/contacts`` and ``/v2/contacts/-/tags``: tag applications across many tags or contacts.

    SDK 2.0.26 declares the filter "at least one is required" of the id list, ``since_applied_time``
    and ``until_applied_time`` (its prose still calls the id list required; the parameter's own doc is
    the later word). The id list picks applications from ``index(ds)``; a time window alone scans them
    all, on the raw rows, before any is rendered. ``since`` is inclusive, ``until`` exclusive, as every
    other sandbox window.
    """
    def order_of(r):
        return r["applied_at"], int(r["contact_id"]), int(r["tag_id"])

    def select(ds, _, conditions, order):
        by_key = index(ds)
        wanted = [int(v) for c in conditions if c.field == id_filter for v in c.value.split(",")]
        groups = [by_key.get(key, ()) for key in sorted(set(wanted))] if wanted else by_key.values()
        starts = [parse_v2_time(c.value) for c in conditions if c.field == "since_applied_time"]
        ends = [parse_v2_time(c.value) for c in conditions if c.field == "until_applied_time"]
        lo, hi = max(starts, default=None), min(ends, default=None)
        rows = [association(row) for group in groups for row in group
                if _in_window(to_ms(row["DateCreated"]), lo, hi)]
        rows.sort(key=order_of)
        return rows[::-1] if order is not None and order[1] else rows

    filters = {id_filter: applied(LIST), "since_applied_time": applied(TIME), "until_applied_time": applied(TIME)}
    return ListEndpoint(path, "TagContactAssociation", envelope, lambda ds: [], filters=filters,
                        orders={"applied_time": order_of}, select=select,
                        rules=(required_one_of(*filters), at_most_100(id_filter)))


def _in_window(ms: int, lo: int | None, hi: int | None) -> bool:
    return (lo is None or ms >= lo) and (hi is None or ms < hi)


APPLICATIONS_BY_TAG = associations_endpoint("/rest/v2/tags/-/contacts", "contacts", "tag_ids",
                                         lambda ds: ds.collections["tag_applications"])
APPLICATIONS_BY_CONTACT = associations_endpoint("/rest/v2/contacts/-/tags", "tags", "contact_ids", applications_of_contact)


# --------------------------------------------------------------------------- registration

# Lists with a by-id route beside them: (list, by-id path parameter, optional properties of one record).
_WITH_BY_ID = ((TAGS, "tag_id", ()), (COMPANIES, "company_id", COMPANY_OPTIONAL), (USERS, "user_id", ()),
               (FILES, "file_id", ()), (LEAD_SOURCES, "lead_source_id", ()), (STAGES, "stage_id", ()),
               (REPORTS, "report_id", ()), (LEAD_SOURCE_CATEGORIES, "lead_source_category_id", ()))


def register(router, ds) -> None:
    if "ContactGroup" not in ds.tables:
        return
    served = {endpoint.path: register_list(router, ds, endpoint)
              for endpoint in (TAGS, TAG_CATEGORIES, COMPANIES, USERS, STAGES, STAGE_MOVES, LEAD_SOURCES,
                               LEAD_SOURCE_CATEGORIES, FILES, WEBFORMS, REPORTS)}
    for endpoint, param, optional in _WITH_BY_ID:
        records = served[endpoint.path]
        router.add(f"{endpoint.path}/{{{param}}}", by_id_handler(lambda r=records: r.records, endpoint.resource,
                                                                  optional))
    router.add("/rest/v2/files/{file_id}:data", file_data_handler(ds))
    router.add("/rest/v2/webforms/{webform_id}:data", webform_html_handler(ds))
    tagged = register_list(router, ds, tagged_contacts_endpoint(ds))
    router.add("/rest/v2/tags/{tag_id}/contacts/count", tagged_contacts_count_handler(tagged))
    router.add("/rest/v2/reporting/reports/{report_id}/model", report_model_handler(ds))
    router.add("/rest/v2/reporting/reports/{report_id}:run", run_report_handler(ds), methods=("POST",))
    contacts.register(router, ds)
    _register_activity(router, ds)
    register_list(router, ds, contact_tags_endpoint(ds))
    register_list(router, ds, APPLICATIONS_BY_TAG)
    register_list(router, ds, APPLICATIONS_BY_CONTACT)
    router.add("/rest/v2/emailAddresses/{email}/status", email_status_handler(ds))


def _register_activity(router, ds) -> None:
    """Opportunities, tasks, notes, appointments, campaigns and lead-source expenses."""
    opportunities = register_list(router, ds, opportunities_endpoint(ds))
    router.add("/rest/v2/opportunities/model", opportunity_model_handler(ds))
    router.add("/rest/v2/opportunities/{opportunity_id}",
               by_id_handler(lambda: opportunities.records, "Opportunity", OPPORTUNITY_OPTIONAL))
    tasks = register_list(router, ds, TASKS)
    router.add("/rest/v2/tasks/{task_id}", by_id_handler(lambda: tasks.records, "Task", ("custom_fields",)))
    notes = register_list(router, ds, NOTES)
    register_list(router, ds, contact_notes_endpoint(lambda: notes.records))
    router.add("/rest/v2/contacts/{contact_id}/notes/{note_id}", contact_note_handler(ds, lambda: notes.records))
    register_list(router, ds, APPOINTMENTS)
    campaigns = register_list(router, ds, campaigns_endpoint(ds))
    router.add("/rest/v2/campaigns/{campaign_id}", by_id_handler(lambda: campaigns.records, "Campaign"))
    for suffix, resource, envelope, render, times in (
            ("expenses", "LeadSourceExpense", "lead_source_expenses", expense_records,
             ("incurred_time", "create_time", "update_time")),
            ("recurringExpenses", "LeadSourceRecurringExpense", "lead_source_recurring_expenses",
             recurring_expense_records, ("start_time", "end_time", "next_expense_time", "create_time", "update_time"))):
        register_list(router, ds, expenses_endpoint(ds, suffix, resource, envelope, render, times))

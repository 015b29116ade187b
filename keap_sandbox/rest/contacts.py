"""REST v2 contacts: ``GET /v2/contacts`` (the bench's hot path), ``/v2/contacts/{contact_id}``, ``/v2/contacts/model``.

The list is declared as every other (:class:`~.listing.ListEndpoint`) but selects for itself: a time
window is a bisect over the dataset's ``(update_time, id)``-sorted contacts, never a scan, and every
other filter a predicate over the window.

Time window: ``start_update_time==T`` keeps ``update_time >= T`` (inclusive) and ``end_update_time==T``
keeps ``update_time < T`` (exclusive). Keap does not document the bounds; half-open windows tile
without overlap or gaps, which is what an incremental loader needs, and a loader that double-counts a
boundary record will still see it in the sandbox. Default order (no ``order_by``): ``id`` ascending;
descending orders reverse the ascending one. ``keap_build`` (see :mod:`keap_sandbox.builds`): a build
older than 2026-05 does not know ``order_by=update_time`` and answers it with a 400.
"""

from __future__ import annotations

from dataclasses import replace

from ..builds import has_feature
from ..data.pools import CONTACT_CUSTOM_FIELDS
from ..wire import parse_v2_time
from .listing import ListEndpoint, applied
from .listing import register as register_list
from .v2 import EXACT, LIST, ORDERED, TIME, WILDCARD, ApiError, Condition, json_response, matches_text, \
    number_matches, parse_fields

# Selectable contact fields, verbatim from the spec's `fields` parameter description.
CONTACT_FIELDS = tuple(
    "addresses,anniversary_date,birth_date,company,contact_type,create_time,custom_fields,email_addresses,"
    "family_name,fax_numbers,given_name,id,job_title,leadsource_id,links,middle_name,notes,origin,owner_id,"
    "phone_numbers,preferred_locale,preferred_name,prefix,referral_code,score_value,social_accounts,"
    "source_type,spouse_name,suffix,tag_ids,time_zone,update_time,utm_parameters,website,account_id,"
    "assistant_name,assistant_phone,billing_information,created_by,groups,last_updated_by".split(",")
)
# Keap returns a reduced field set when `fields` is absent (keap-rest.md §2.3, §2.5). Keap's
# /v2/contacts/model lists everything but id/given_name/family_name under "optional_properties"
# ("not transmitted by default"; wire sample custom-fields__contacts-v2.json); the sandbox also
# returns the two contact channels, as the research notes describe the default. Crucially the
# default never carries update_time/create_time/custom_fields/tag_ids, so a pipeline that forgets
# to ask for them gets nulls here just as it would from Keap.
DEFAULT_CONTACT_FIELDS = ("id", "given_name", "family_name", "email_addresses", "phone_numbers")

_ADDRESS_PARTS = ("line1", "locality", "region", "postal_code", "country_code")
# filter name -> (address slot, address key); `city`/`state` read the primary (billing) address.
ADDRESS_FILTERS = {f"{slot.lower()}_address_{part}": (slot, part)
                   for slot in ("BILLING", "SHIPPING", "OTHER") for part in _ADDRESS_PARTS}
ADDRESS_FILTERS.update({"city": ("BILLING", "locality"), "state": ("BILLING", "region")})
_WILDCARD_ADDRESS = {"city", "state"}
_TIME_FILTERS = {"start_update_time", "end_update_time"}  # applied by bisect, not as predicates


def _email_key(contact: dict) -> str:
    emails = contact["email_addresses"]
    return emails[0]["email"].lower() if emails else ""


def select_contacts(ds, contacts: list[dict], conditions: list[Condition], order) -> list[dict]:
    fields = {c.field for c in conditions}
    if ("phone_number" in fields) != ("phone_fields" in fields):
        raise ApiError(400, "phone_number and phone_fields must be used together", domain="filter",
                       resource="Contact")
    starts = [parse_v2_time(c.value) for c in conditions if c.field == "start_update_time"]
    ends = [parse_v2_time(c.value) for c in conditions if c.field == "end_update_time"]
    lo, hi = ds.update_window(max(starts) if starts else None, min(ends) if ends else None)
    rows = contacts[lo:hi]
    # phone_fields only narrows which slots phone_number searches; it is not a filter alone.
    slots = {v.strip().upper() for c in conditions if c.field == "phone_fields" for v in c.value.split(",")}
    predicates = [_predicate(ds, c, slots) for c in conditions
                  if c.field not in _TIME_FILTERS and c.field != "phone_fields"]
    if predicates:
        rows = [row for row in rows if all(p(row) for p in predicates)]
    return _ordered(ds, rows, order, windowed=len(rows) != len(contacts))


def _predicate(ds, cond: Condition, phone_slots: set[str]):
    field = cond.field
    if field in ("ids", "contact_ids"):
        wanted = {v.strip() for v in cond.value.split(",")}
        return lambda c: c["id"] in wanted
    if field == "contact_id":
        return lambda c: number_matches(c["id"], cond)
    if field == "email":
        return lambda c: any(matches_text(e["email"], cond) for e in c["email_addresses"])
    if field == "lead_source_name":
        sources = {str(row["Id"]) for row in ds.tables.get("LeadSource", ()) if matches_text(row.get("Name"), cond)}
        return lambda c: c["leadsource_id"] in sources
    if field == "company_id":
        return lambda c: c["company"] is not None and c["company"]["id"] == cond.value
    if field == "phone_number":
        return lambda c: any(p["field"] in phone_slots and matches_text(p["number"], cond) for p in c["phone_numbers"])
    if field in ADDRESS_FILTERS:
        slot, key = ADDRESS_FILTERS[field]
        return lambda c: any(a["field"] == slot and matches_text(a[key], cond) for a in c["addresses"])
    return lambda c: matches_text(c[field], cond)  # given/family/middle name, website


def _ordered(ds, rows: list[dict], order, *, windowed: bool) -> list[dict]:
    field, descending = order or ("id", False)
    if field == "update_time":
        ordered = rows  # already (update_time, id) sorted
    elif field == "id" and not windowed:
        ordered = _all_by_id(ds)
    else:
        key = {"id": lambda c: int(c["id"]),
               "create_time": lambda c: (c["create_time"], int(c["id"])),
               "email": lambda c: (_email_key(c), int(c["id"]))}[field]
        ordered = sorted(rows, key=key)
    return ordered[::-1] if descending else ordered


def _all_by_id(ds) -> list[dict]:
    index = ds.collections.get("_contacts_by_id")
    if index is None:
        index = ds.collections["_contacts_by_id"] = sorted(ds.contacts, key=lambda c: int(c["id"]))
    return index


CONTACTS = ListEndpoint(
    "/rest/v2/contacts", "Contact", "contacts", lambda ds: ds.contacts,
    filters={
        "email": applied(WILDCARD), "given_name": applied(WILDCARD), "family_name": applied(WILDCARD),
        "middle_name": applied(WILDCARD), "website": applied(WILDCARD), "company_id": applied(EXACT),
        "contact_ids": applied(LIST), "ids": applied(LIST), "start_update_time": applied(TIME),
        "end_update_time": applied(TIME), "contact_id": applied(ORDERED), "phone_number": applied(WILDCARD),
        "phone_fields": applied(EXACT), "lead_source_name": applied(WILDCARD),
        **{name: applied(WILDCARD if name in _WILDCARD_ADDRESS else EXACT) for name in ADDRESS_FILTERS},
    },
    # Ordered by select_contacts; the keys here name the order_by fields.
    orders={"id": None, "create_time": None, "email": None, "update_time": None},
    selectable=CONTACT_FIELDS, default_fields=DEFAULT_CONTACT_FIELDS,
    # The spec lists `notes` as selectable, but the Contact schema has no such property.
    unrendered=frozenset({"notes"}),
    select=select_contacts,
)


def contacts_endpoint(keap_build: str | None) -> ListEndpoint:
    """The contacts list as a tenant on ``keap_build`` (None: current) serves it."""
    if has_feature(keap_build, "contacts_order_by_update_time"):
        return CONTACTS
    return replace(CONTACTS, orders={k: v for k, v in CONTACTS.orders.items() if k != "update_time"})


# --------------------------------------------------------------------------- one contact, the model


def contact_model_handler(ds):
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


def contact_handler(ds):
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


def register_list_endpoint(router, ds, keap_build: str | None = None) -> None:
    register_list(router, ds, contacts_endpoint(keap_build))


def register(router, ds) -> None:
    """One contact and the contacts model (the list is :func:`register_list_endpoint`'s)."""
    router.add("/rest/v2/contacts/model", contact_model_handler(ds))
    router.add("/rest/v2/contacts/{contact_id}", contact_handler(ds))

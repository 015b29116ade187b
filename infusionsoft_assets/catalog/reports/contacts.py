"""Contacts: the Contact table by update day, and Domo's contact lookups (by email, by id, by tags)."""

from __future__ import annotations

from ..extract import TARGET, by_field
from ..sources import FanOut, Listing, RestList
from ..spec import Column, CustomFields, Dates, ReportSpec


def _address(kind: str, prefix: str) -> tuple[Column, ...]:
    return tuple(Column(f"{prefix}_{attr}", "VARCHAR", by_field("addresses", kind, attr),
                        f"{kind.lower()} address: {attr.replace('_', ' ')}")
                 for attr in ("line1", "line2", "locality", "region", "postal_code", "country_code"))


CONTACT_COLUMNS: tuple[Column, ...] = (
    Column("contact_id", "BIGINT", "id", "Keap's contact id (Contact.Id)"),
    Column("given_name", "VARCHAR", "given_name", "first name"),
    Column("middle_name", "VARCHAR", "middle_name"),
    Column("family_name", "VARCHAR", "family_name", "last name"),
    Column("preferred_name", "VARCHAR", "preferred_name"),
    Column("prefix", "VARCHAR", "prefix"),
    Column("suffix", "VARCHAR", "suffix"),
    Column("job_title", "VARCHAR", "job_title"),
    Column("contact_type", "VARCHAR", "contact_type", "Lead, Customer, ..."),
    Column("company_id", "BIGINT", "company.id"),
    Column("company_name", "VARCHAR", "company.company_name"),
    Column("owner_id", "BIGINT", "owner_id", "the Keap user who owns the contact"),
    Column("leadsource_id", "BIGINT", "leadsource_id"),
    Column("email", "VARCHAR", by_field("email_addresses", "EMAIL1", "email"), "Email (EMAIL1)"),
    Column("email_2", "VARCHAR", by_field("email_addresses", "EMAIL2", "email"), "EmailAddress2"),
    Column("email_3", "VARCHAR", by_field("email_addresses", "EMAIL3", "email"), "EmailAddress3"),
    Column("email_opt_status", "VARCHAR", by_field("email_addresses", "EMAIL1", "email_opt_status")),
    Column("phone_1", "VARCHAR", by_field("phone_numbers", "PHONE1", "number")),
    Column("phone_2", "VARCHAR", by_field("phone_numbers", "PHONE2", "number")),
    *_address("BILLING", "billing"),
    *_address("SHIPPING", "shipping"),
    Column("birth_date", "DATE", "birth_date"),
    Column("anniversary_date", "DATE", "anniversary_date"),
    Column("spouse_name", "VARCHAR", "spouse_name"),
    Column("website", "VARCHAR", "website"),
    Column("time_zone", "VARCHAR", "time_zone"),
    Column("preferred_locale", "VARCHAR", "preferred_locale"),
    Column("source_type", "VARCHAR", "source_type"),
    Column("score_value", "VARCHAR", "score_value"),
    Column("referral_code", "VARCHAR", "referral_code"),
    Column("tag_ids", "JSON", "tag_ids", "ids of the tags applied (Contact.Groups)"),
    Column("custom_fields", "JSON", "custom_fields", "raw custom field values by id; by name in the custom_ columns"),
    Column("email_addresses", "JSON", "email_addresses"),
    Column("phone_numbers", "JSON", "phone_numbers"),
    Column("addresses", "JSON", "addresses"),
    Column("create_time", "TIMESTAMPTZ", "create_time", "DateCreated"),
    Column("update_time", "TIMESTAMPTZ", "update_time", "LastUpdated"),
)
CONTACT_CUSTOM_FIELDS = (CustomFields(model="/contacts/model", label="contact custom field"),)

CONTACTS = ReportSpec(
    name="contacts",
    domo_report="Data - Query a Data Table (table Contact)",
    group="data",
    description=("Keap contacts, partitioned by the UTC day of their last update (LastUpdated). A contact "
                 "updated again later moves to the later day when that day is loaded; keap.contacts_latest "
                 "holds each contact's newest version."),
    # Keap's default field set is reduced: fields= is derived from the columns. Ordered by id: order_by
    # update_time exists only on Keap builds since May 2026, and within a window the order does not matter.
    source=RestList("/contacts", "contacts", window=("start_update_time", "end_update_time"), fields=True,
                    params={"order_by": "id asc"}),
    dates=Dates.RANGE,
    partition_field="update_time",
    primary_key=("contact_id",),
    latest_by="update_time",
    columns=CONTACT_COLUMNS,
    custom_fields=CONTACT_CUSTOM_FIELDS,
)

CONTACTS_BY_EMAIL = ReportSpec(
    name="contacts_by_email",
    domo_report="Contacts - By Email Address",
    group="contacts",
    description=("Contacts whose Email, Email 2 or Email 3 is one of the given addresses (Keap's v2 email filter "
                 "matches all three), as they are now. Each row names the address it was found by."),
    source=RestList("/contacts", "contacts", fields=True, params={"order_by": "id asc"}),
    fan_out=FanOut("emails", "email", kind="email", bind="filter",
                   description="one or more email addresses"),
    dates=Dates.LOOKUP,
    primary_key=("searched_email", "contact_id"),
    columns=(Column("searched_email", "VARCHAR", TARGET, "the address asked for"), *CONTACT_COLUMNS),
    custom_fields=CONTACT_CUSTOM_FIELDS,
)

CONTACTS_BY_ID = ReportSpec(
    name="contacts_by_id",
    domo_report="Contacts - By ID",
    group="contacts",
    description="The contacts with the given ids, as they are now (one list call per 100 ids).",
    source=RestList("/contacts", "contacts", fields=True, params={"order_by": "id asc"}),
    fan_out=FanOut("contact_ids", "ids", bind="filter_all", batch=100, description="one or more contact ids"),
    dates=Dates.LOOKUP,
    primary_key=("contact_id",),
    columns=CONTACT_COLUMNS,
    custom_fields=CONTACT_CUSTOM_FIELDS,
)

CONTACTS_BY_TAGS = ReportSpec(
    name="contacts_by_tags",
    domo_report="Contacts - By Tags",
    group="contacts",
    description=("Contacts carrying the given tags, partitioned by the UTC day the tag was applied "
                 "(ContactGroupAssign.DateCreated). Keap's per-tag contact count for the same window is "
                 "checked against the stored rows. Removals are not visible in Keap's API."),
    source=RestList("/tags/{tag_id}/contacts", "contacts", window=("since_applied_time", "until_applied_time"),
                    params={"order_by": "applied_time asc"}),
    fan_out=FanOut("tag_ids", "tag_id", all_from=Listing("/tags", "tags"), default_all=True,
                   description="tag ids, or all"),
    dates=Dates.RANGE,
    partition_field="applied_time",
    count_endpoint="/tags/{tag_id}/contacts/count",
    primary_key=("tag_id", "contact_id"),
    columns=(
        Column("tag_id", "BIGINT", TARGET, "the tag (ContactGroup.Id)"),
        Column("contact_id", "BIGINT", "id"),
        Column("email", "VARCHAR", "email"),
        Column("given_name", "VARCHAR", "given_name"),
        Column("family_name", "VARCHAR", "family_name"),
        Column("applied_time", "TIMESTAMPTZ", "applied_time", "when the tag was applied"),
    ),
)

REPORTS = (CONTACTS, CONTACTS_BY_EMAIL, CONTACTS_BY_ID, CONTACTS_BY_TAGS)

"""The report specs. Adding a report means adding a spec here; the factory does the rest."""

from __future__ import annotations

from .extract import by_field
from .spec import Column, Dates, ReportSpec, Transport

_CONTACT_FIELDS = (
    "id,given_name,middle_name,family_name,preferred_name,prefix,suffix,job_title,contact_type,company,"
    "owner_id,leadsource_id,email_addresses,phone_numbers,addresses,birth_date,anniversary_date,spouse_name,"
    "website,time_zone,preferred_locale,source_type,score_value,referral_code,tag_ids,custom_fields,"
    "create_time,update_time"
)


def _address(kind: str, prefix: str) -> tuple[Column, ...]:
    return tuple(Column(f"{prefix}_{attr}", "VARCHAR", by_field("addresses", kind, attr))
                 for attr in ("line1", "line2", "locality", "region", "postal_code", "country_code"))


CONTACTS = ReportSpec(
    name="contacts",
    domo_report="Data - Query a Data Table (table Contact)",
    group="data",
    description=("Keap contacts, partitioned by the UTC day of their last update. A contact updated again "
                 "later moves to the later day when that day is loaded."),
    transport=Transport.REST_V2,
    endpoint="/contacts",
    items_key="contacts",
    dates=Dates.RANGE,
    # Keap's default field set is reduced; ask for everything the columns need.
    params={"fields": _CONTACT_FIELDS, "order_by": "id asc"},  # update_time needs a May-2026 build
    window_filter=("start_update_time=={}", "end_update_time=={}"),
    partition_field="update_time",
    primary_key=("contact_id",),
    columns=(
        Column("contact_id", "BIGINT", "id"),
        Column("given_name", "VARCHAR", "given_name"),
        Column("middle_name", "VARCHAR", "middle_name"),
        Column("family_name", "VARCHAR", "family_name"),
        Column("preferred_name", "VARCHAR", "preferred_name"),
        Column("prefix", "VARCHAR", "prefix"),
        Column("suffix", "VARCHAR", "suffix"),
        Column("job_title", "VARCHAR", "job_title"),
        Column("contact_type", "VARCHAR", "contact_type"),
        Column("company_id", "BIGINT", "company.id"),
        Column("company_name", "VARCHAR", "company.company_name"),
        Column("owner_id", "BIGINT", "owner_id"),
        Column("leadsource_id", "BIGINT", "leadsource_id"),
        Column("email", "VARCHAR", by_field("email_addresses", "EMAIL1", "email")),
        Column("email_2", "VARCHAR", by_field("email_addresses", "EMAIL2", "email")),
        Column("email_3", "VARCHAR", by_field("email_addresses", "EMAIL3", "email")),
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
        Column("tag_ids", "JSON", "tag_ids"),
        Column("custom_fields", "JSON", "custom_fields"),
        Column("email_addresses", "JSON", "email_addresses"),
        Column("phone_numbers", "JSON", "phone_numbers"),
        Column("addresses", "JSON", "addresses"),
        Column("create_time", "TIMESTAMPTZ", "create_time"),
        Column("update_time", "TIMESTAMPTZ", "update_time"),
    ),
)

AFFILIATE_PROGRAMS = ReportSpec(
    name="affiliate_programs",
    domo_report="Affiliate Program - All Programs",
    group="affiliate",
    description="Every affiliate commission program, as a daily snapshot.",
    transport=Transport.REST_V2,
    endpoint="/affiliates/commissionPrograms",
    items_key="commission_programs",
    dates=Dates.SNAPSHOT,
    primary_key=("program_id",),
    columns=(
        Column("program_id", "BIGINT", "id"),
        Column("name", "VARCHAR", "name"),
        # v2 sends priority as a string; XML-RPC and v1 as an integer. Keep the number.
        Column("priority", "BIGINT", "priority"),
        Column("notes", "VARCHAR", "notes"),
        Column("create_time", "TIMESTAMPTZ", "create_time"),
        Column("affiliate_ids", "JSON", "affiliate_ids"),
    ),
)

REPORTS: tuple[ReportSpec, ...] = (CONTACTS, AFFILIATE_PROGRAMS)

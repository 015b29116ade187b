"""Affiliates: clawbacks, commissions, payouts, redirect links, summaries, running totals, programs,
program members and program resources (Domo reports 1–10)."""

from __future__ import annotations

from ..extract import ITEM, TARGET
from ..sources import Detail, FanOut, Listing, Lookup, RestList, Sum
from ..spec import Column, CustomFields, Dates, Reconcile, ReportSpec

EVERY_AFFILIATE = Listing("/affiliates", "affiliates")
EVERY_PROGRAM = Listing("/affiliates/commissionPrograms", "commission_programs")


def _each_affiliate(bind: str = "path") -> FanOut:
    """One request per affiliate (``{affiliate_id}`` in the path); "all" (the default) = every affiliate."""
    return FanOut("affiliate_ids", "affiliate_id", bind=bind, all_from=EVERY_AFFILIATE, default_all=True,
                  description="affiliate ids, or all")


def _affiliates_filtered(as_: str, bind: str = "filter") -> FanOut:
    """The list filtered by affiliate; "all" (the default) = the list unfiltered, one request."""
    return FanOut("affiliate_ids", as_, bind=bind, all_unfiltered=True, default_all=True, batch=100,
                  description="affiliate ids, or all")


AFFILIATE_CLAWBACKS = ReportSpec(
    name="affiliate_clawbacks",
    domo_report="Affiliate - Clawbacks",
    group="affiliate",
    description=("Commissions clawed back from an affiliate (refunded orders), partitioned by the UTC day "
                 "earned. REST v1 only: v2 states clawback totals but no rows. Keap gives clawbacks no id; "
                 "a row is keyed by affiliate, invoice, product, time and amount."),
    source=RestList("/affiliates/{affiliate_id}/clawbacks", "clawbacks", api="v1", window=("since", "until"),
                    params={"order": "DATE_EARNED", "order_direction": "ASCENDING"}),
    fan_out=_each_affiliate(),
    dates=Dates.RANGE,
    partition_field="date_earned",
    primary_key=("affiliate_id", "invoice_id", "product_name", "date_earned", "amount"),
    columns=(
        Column("affiliate_id", "BIGINT", TARGET, "the affiliate the clawback was taken from"),
        Column("sale_affiliate_id", "BIGINT", "sale_affiliate_id"),
        Column("invoice_id", "BIGINT", "invoice_id"),
        Column("contact_id", "BIGINT", "contact_id", "the customer"),
        Column("given_name", "VARCHAR", "given_name", "the customer's first name"),
        Column("family_name", "VARCHAR", "family_name", "the customer's last name"),
        Column("sold_by_given_name", "VARCHAR", "sold_by_given_name"),
        Column("sold_by_family_name", "VARCHAR", "sold_by_family_name"),
        Column("product_name", "VARCHAR", "product_name"),
        Column("subscription_plan_name", "VARCHAR", "subscription_plan_name"),
        Column("description", "VARCHAR", "description"),
        Column("amount", "DOUBLE", "amount", "amount clawed back"),
        Column("date_earned", "TIMESTAMPTZ", "date_earned"),
    ),
)

AFFILIATE_COMMISSIONS = ReportSpec(
    name="affiliate_commissions",
    domo_report="Affiliate - Commissions",
    group="affiliate",
    description=("Commissions earned by an affiliate, partitioned by the UTC day earned. Keap gives "
                 "commissions no id; a row is keyed by affiliate, invoice, product, time and amount. Each "
                 "page's rows are checked against the amount_earned total Keap states on the page."),
    source=RestList("/affiliates/{affiliate_id}:commissions", "affiliate_commissions",
                    window=("since_time", "until_time"), params={"order_by": "time_earned asc"}),
    fan_out=_each_affiliate(),
    dates=Dates.RANGE,
    partition_field="time_earned",
    page_totals=(("amount_earned", "amount_earned"),),
    primary_key=("affiliate_id", "invoice_id", "product_name", "time_earned", "amount_earned"),
    columns=(
        Column("affiliate_id", "BIGINT", TARGET, "the affiliate asked for"),
        Column("sales_affiliate_id", "BIGINT", "sales_affiliate_id"),
        Column("sales_affiliate_name", "VARCHAR", "sales_affiliate_name"),
        Column("invoice_id", "BIGINT", "invoice_id"),
        Column("contact_id", "BIGINT", "contact_id", "the customer"),
        Column("contact_first_name", "VARCHAR", "contact_first_name"),
        Column("contact_last_name", "VARCHAR", "contact_last_name"),
        Column("product_name", "VARCHAR", "product_name"),
        Column("description", "VARCHAR", "description"),
        Column("amount_earned", "DOUBLE", "amount_earned"),
        Column("time_earned", "TIMESTAMPTZ", "time_earned"),
    ),
)

AFFILIATE_PAYMENTS = ReportSpec(
    name="affiliate_payments",
    domo_report="Affiliate - Payments",
    group="affiliate",
    description="Payouts to an affiliate, partitioned by the UTC day of the payout (pay_date).",
    source=RestList("/affiliates/{affiliate_id}/payments", "affiliate_payments", window=("since_time", "until_time"),
                    params={"order_by": "pay_date asc"}),
    fan_out=_each_affiliate(),
    dates=Dates.RANGE,
    partition_field="pay_date",
    primary_key=("payment_id",),
    columns=(
        Column("payment_id", "BIGINT", "id"),
        Column("affiliate_id", "BIGINT", TARGET),
        Column("pay_date", "TIMESTAMPTZ", "pay_date"),
        Column("pay_amount", "DOUBLE", "pay_amount"),
        Column("pay_type", "VARCHAR", "pay_type", "CASH, CHECK, CREDIT_CARD, ..."),
        Column("pay_notes", "VARCHAR", "pay_notes"),
        Column("create_time", "TIMESTAMPTZ", "create_time"),
    ),
)

AFFILIATE_REDIRECT_LINKS = ReportSpec(
    name="affiliate_redirect_links",
    domo_report="Affiliate - Redirect Links",
    group="affiliate",
    description="The affiliates' redirect links as they are now (all affiliates' in one list by default).",
    source=RestList("/affiliates/redirects", "affiliate_links", params={"order_by": "date_created asc"}),
    fan_out=_affiliates_filtered("affiliate_id"),
    dates=Dates.SNAPSHOT,
    primary_key=("link_id",),
    columns=(
        Column("link_id", "BIGINT", "id"),
        Column("affiliate_id", "BIGINT", "affiliate_id"),
        Column("name", "VARCHAR", "name"),
        Column("code", "VARCHAR", "code"),
        Column("local_url_code", "VARCHAR", "local_url_code"),
        Column("redirect_url", "VARCHAR", "redirect_url"),
        Column("website_address", "VARCHAR", "website_address"),
        Column("program_ids", "JSON", "program_ids"),
        Column("date_created", "TIMESTAMPTZ", "date_created"),
    ),
)

_SUMMARY_COLUMNS = (
    Column("affiliate_id", "BIGINT", "affiliateId"),
    Column("amount_earned", "DOUBLE", "amountEarned"),
    Column("clawbacks", "DOUBLE", "clawbacks"),
    Column("balance", "DOUBLE", "balance"),
)

AFFILIATE_SUMMARY = ReportSpec(
    name="affiliate_summary",
    domo_report="Affiliate Summary",
    group="affiliate",
    description=("Per affiliate and UTC day: amount earned, clawbacks and balance over that day. Keap sums "
                 "over the window it is asked for, so each day is asked on its own (one call per day and 100 "
                 "affiliates). Checked against the affiliate_commissions rows of the same days."),
    source=RestList("/affiliates/summaries", "affiliate_summaries", window=("since_time", "until_time"),
                    params={"order_by": "affiliate_id asc"}),
    fan_out=_affiliates_filtered("affiliate_ids", bind="filter_all"),
    dates=Dates.RANGE,
    per_day=True,
    partition_field="__day__",
    reconcile=Reconcile("affiliate_commissions", "amount_earned", "amount_earned",
                        (("affiliate_id", "affiliate_id"), ("day", "_partition_date"))),
    primary_key=("affiliate_id", "day"),
    columns=(Column("day", "DATE", "__day__", "the UTC day summed"), *_SUMMARY_COLUMNS),
)

AFFILIATE_RUNNING_TOTALS = ReportSpec(
    name="affiliate_running_totals",
    domo_report="Affiliate - Running Totals",
    group="affiliate",
    description=("Per affiliate, now: amount earned, clawbacks, payments and running balance. Derived, as "
                 "Keap has no running-totals endpoint: earned, clawbacks and balance are the all-time "
                 "affiliate summary (no window); payments is the sum of the affiliate's payouts "
                 "(/affiliates/{id}/payments); running_balance is the summary's balance."),
    source=RestList("/affiliates/summaries", "affiliate_summaries", params={"order_by": "affiliate_id asc"}),
    fan_out=_affiliates_filtered("affiliate_ids", bind="filter_all"),
    sums=(Sum("payments", "/affiliates/{affiliate_id}/payments", "affiliate_payments",
              keys={"affiliate_id": "affiliateId"}, field="pay_amount"),),
    dates=Dates.SNAPSHOT,
    primary_key=("affiliate_id",),
    columns=(
        Column("affiliate_id", "BIGINT", "affiliateId"),
        Column("amount_earned", "DOUBLE", "amountEarned"),
        Column("clawbacks", "DOUBLE", "clawbacks"),
        Column("payments", "DOUBLE", "__payments__", "sum of the affiliate's payouts"),
        Column("running_balance", "DOUBLE", "balance"),
    ),
)

_PROGRAM_COLUMNS = (
    Column("program_id", "BIGINT", "id"),
    Column("name", "VARCHAR", "name"),
    # v2 sends priority as a string; XML-RPC and v1 as an integer. Keep the number.
    Column("priority", "BIGINT", "priority"),
    Column("notes", "VARCHAR", "notes"),
    Column("create_time", "TIMESTAMPTZ", "create_time"),
    Column("affiliate_ids", "JSON", "affiliate_ids", "affiliates in the program"),
)

AFFILIATE_PROGRAMS = ReportSpec(
    name="affiliate_programs",
    domo_report="Affiliate Program - All Programs",
    group="affiliate",
    description="Every affiliate commission program, as a daily snapshot.",
    source=RestList("/affiliates/commissionPrograms", "commission_programs"),
    dates=Dates.SNAPSHOT,
    primary_key=("program_id",),
    columns=_PROGRAM_COLUMNS,
)

AFFILIATE_PROGRAMS_OF_AFFILIATE = ReportSpec(
    name="affiliate_programs_of_affiliate",
    domo_report="Affiliate Program - Affiliate's Programs",
    group="affiliate",
    description="The programs each given affiliate belongs to (every affiliate's by default), as they are now.",
    source=RestList("/affiliates/commissionPrograms", "commission_programs"),
    fan_out=_each_affiliate(bind="filter"),
    dates=Dates.LOOKUP,
    primary_key=("affiliate_id", "program_id"),
    columns=(Column("affiliate_id", "BIGINT", TARGET), *_PROGRAM_COLUMNS),
)

AFFILIATES_OF_PROGRAM = ReportSpec(
    name="affiliates_of_program",
    domo_report="Affiliate Program - Program's Affiliates",
    group="affiliate",
    description=("The affiliates of each given program (every program's by default), with their contact "
                 "data and the custom fields of both, as they are now. Derived: the program's affiliate_ids "
                 "(/affiliates/commissionPrograms/{id}), each affiliate (/affiliates/{id}) and its contact "
                 "(/contacts/{id}); custom fields by name from /affiliates/model and /contacts/model."),
    source=Detail("/affiliates/commissionPrograms/{program_id}"),
    fan_out=FanOut("program_ids", "program_id", all_from=EVERY_PROGRAM, default_all=True,
                   description="program ids, or all"),
    explode="affiliate_ids",
    lookups=(
        Lookup("affiliate", "/affiliates/{affiliate_id}", keys={"affiliate_id": ITEM}),
        Lookup("contact", "/contacts/{contact_id}", keys={"contact_id": "__affiliate__.contact_id"},
               params={"fields": "given_name,family_name,email_addresses,phone_numbers,company,custom_fields"}),
    ),
    custom_fields=(CustomFields("/affiliates/model", "__affiliate__.custom_fields", "affiliate_custom_",
                                "affiliate custom field"),
                   CustomFields("/contacts/model", "__contact__.custom_fields", "contact_custom_",
                                "contact custom field")),
    dates=Dates.LOOKUP,
    primary_key=("program_id", "affiliate_id"),
    columns=(
        Column("program_id", "BIGINT", TARGET),
        Column("program_name", "VARCHAR", "name"),
        Column("affiliate_id", "BIGINT", ITEM),
        Column("affiliate_code", "VARCHAR", "__affiliate__.code"),
        Column("affiliate_name", "VARCHAR", "__affiliate__.name"),
        Column("affiliate_status", "VARCHAR", "__affiliate__.status"),
        Column("parent_affiliate_id", "BIGINT", "__affiliate__.parent_affiliate_id"),
        Column("notify_on_lead", "BOOLEAN", "__affiliate__.notify_on_lead"),
        Column("notify_on_sale", "BOOLEAN", "__affiliate__.notify_on_sale"),
        Column("track_leads_days", "BIGINT", "__affiliate__.track_leads_days"),
        Column("affiliate_created", "TIMESTAMPTZ", "__affiliate__.date_created"),
        Column("contact_id", "BIGINT", "__affiliate__.contact_id"),
        Column("contact_given_name", "VARCHAR", "__contact__.given_name"),
        Column("contact_family_name", "VARCHAR", "__contact__.family_name"),
        Column("contact_email", "VARCHAR", lambda r: _first_email(r.get("__contact__"))),
        Column("contact_company", "VARCHAR", "__contact__.company.company_name"),
    ),
)


def _first_email(contact: dict | None) -> str | None:
    for item in (contact or {}).get("email_addresses") or ():
        if item.get("field") == "EMAIL1":
            return item.get("email")
    return None


AFFILIATE_PROGRAM_RESOURCES = ReportSpec(
    name="affiliate_program_resources",
    domo_report="Affiliate Program - Resources",
    group="affiliate",
    description="The resources (emails, banners, pages) attached to each given program (every program's by default).",
    source=RestList("/affiliates/commissionPrograms/{program_id}/resources", "resources"),
    fan_out=FanOut("program_ids", "program_id", all_from=EVERY_PROGRAM, default_all=True,
                   description="program ids, or all"),
    dates=Dates.LOOKUP,
    primary_key=("program_id", "resource_id"),
    columns=(
        Column("program_id", "BIGINT", TARGET),
        Column("resource_id", "BIGINT", "id"),
        Column("title", "VARCHAR", "title"),
        Column("type", "VARCHAR", "type", "EMAIL, BANNER or PAGE"),
        Column("notes", "VARCHAR", "notes"),
        Column("url", "VARCHAR", "url"),
        Column("display_order", "BIGINT", "order"),
        Column("content_html", "VARCHAR", "content_html"),
        Column("page_width", "BIGINT", "page_width"),
        Column("page_height", "BIGINT", "page_height"),
        Column("commission_programs", "JSON", "commission_programs"),
    ),
)

REPORTS = (AFFILIATE_CLAWBACKS, AFFILIATE_COMMISSIONS, AFFILIATE_PAYMENTS, AFFILIATE_REDIRECT_LINKS,
           AFFILIATE_SUMMARY, AFFILIATE_RUNNING_TOTALS, AFFILIATE_PROGRAMS, AFFILIATE_PROGRAMS_OF_AFFILIATE,
           AFFILIATES_OF_PROGRAM, AFFILIATE_PROGRAM_RESOURCES)

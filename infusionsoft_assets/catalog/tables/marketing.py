"""REST homes of the affiliate, lead-source, expense and custom-field-definition tables.

Not here (read over XML-RPC until a home can be declared):

* ``DataFormField``, ``DataFormGroup``, ``DataFormTab``: their rows are spread over one v2 list per record
  type (``/contacts/model``, ``/companies/model``, ``/affiliates/model``, ... and their
  ``/model/customFields/groups|tabs``); a RestHome reads one list, optionally fanned out over the ids a
  v2 list gives, and no v2 list enumerates the record types.
"""

from __future__ import annotations

from ..sources import FanOut, Listing, RestList
from . import RestHome
from .mapping import coded, dollars, flag, joined_items, via

AFFILIATE = RestHome(
    source=RestList("/affiliates", "affiliates"),
    detail="/affiliates/{id}",
    custom_fields="/affiliates/model",
    fields={
        "Id": "id", "AffCode": "code", "AffName": "name", "ContactId": "contact_id",
        "ParentId": "parent_affiliate_id", "Status": coded("status", {"ACTIVE": 1, "INACTIVE": 0}),
        "NotifyLead": flag("notify_on_lead"), "NotifySale": flag("notify_on_sale"),
        "LeadCookieFor": "track_leads_days",
    },
    note="The commission settings (DefCommissionType, PayoutType, LeadAmt, LeadPercent, SaleAmt, SalePercent) "
         "are the affiliate's own in XML-RPC; v2 keeps commission rules per program "
         "(/affiliates/commissionPrograms/{id}), not per affiliate. Password: not served.",
)

# One list per program; a resource shared by several programs comes once per program and the warehouse
# keeps one copy per Id (the last of a run).
AFF_RESOURCE = RestHome(
    source=RestList("/affiliates/commissionPrograms/{commission_program_id}/resources", "resources"),
    fan_out=FanOut("program_ids", "commission_program_id",
                   all_from=Listing("/affiliates/commissionPrograms", "commission_programs"), default_all=True,
                   description="program ids, or all"),
    fields={
        "Id": "id", "Title": "title", "Notes": "notes", "ResourceHREF": "url", "ResourceHTML": "content_html",
        "ResourceType": coded("type", {"BANNER": "Banner", "EMAIL": "Email", "PAGE": "Page"}),
        "ResourceOrder": via("order", str),
        "ProgramIds": joined_items("commission_programs", "commission_program_id"),
    },
    note="No GET of one resource in v2 (only DELETE /affiliates/commissionPrograms/resources/{id}).",
)

# /referrals has no time filter (order_by referral_time only): a run reads the list and keeps its days.
REFERRAL = RestHome(
    source=RestList("/referrals", "referrals", params={"order_by": "id asc"}),
    fields={
        "Id": "id", "AffiliateId": "referral_partner_id", "ContactId": "contact_id", "DateSet": "referral_time",
        "DateExpires": "expiration_time", "Info": "description", "IPAddress": "ip_address", "Source": "source",
        "Type": coded("referral_type", {"COOKIE": 0, "PERMANENT": 1, "MANUAL": 2}),
    },
    note="No GET of one referral in v2.",
)

LEAD_SOURCE = RestHome(
    source=RestList("/leadSources", "lead_sources"),
    detail="/leadSources/{id}",
    fields={
        "Id": "id", "Name": "name", "Description": "description", "Vendor": "vendor", "Medium": "medium",
        "Message": "message", "Status": coded("status", {"ACTIVE": "Active", "INACTIVE": "Inactive"}),
        "LeadSourceCategoryId": "lead_source_category_id", "StartDate": "start_time", "EndDate": "end_time",
    },
    note="CostPerLead: not in the v2 LeadSource.",
)

LEAD_SOURCE_CATEGORY = RestHome(
    source=RestList("/leadSourceCategories", "lead_source_categories"),
    detail="/leadSourceCategories/{id}",
    fields={"Id": "id", "Name": "name", "Description": "description"},
)

_EXPENSES = RestList("/leadSources/-/expenses", "lead_source_expenses")

# `incurred_time` filters with `==` only (one instant), so it cannot window a day: a run reads the list and
# keeps its days. The GET of one expense needs its lead source's id (/leadSources/{ls}/expenses/{id}).
LEAD_SOURCE_EXPENSE = RestHome(
    source=_EXPENSES,
    fields={
        "Id": "id", "Title": "title", "Notes": "notes", "Amount": dollars("amount"), "LeadSourceId": "lead_source_id",
        "LeadSourceRecurringExpenseId": "lead_source_recurring_expense_id", "DateIncurred": "incurred_time",
    },
)

LEAD_SOURCE_RECURRING_EXPENSE = RestHome(
    source=RestList("/leadSources/-/recurringExpenses", "lead_source_recurring_expenses"),
    fields={
        "Id": "id", "Title": "title", "Notes": "notes", "Amount": dollars("amount"), "LeadSourceId": "lead_source_id",
        "StartDate": "start_time", "EndDate": "end_time", "NextExpenseDate": "next_expense_time",
    },
    note="The GET of one recurring expense needs its lead source's id.",
)

# Only the lead-source part of Expense has a REST home (opportunity expenses have none): its rows are the
# lead-source expenses, whose TypeId is the lead source.
EXPENSE = RestHome(
    source=_EXPENSES,
    fields={
        "Id": "id", "TypeId": "lead_source_id", "ExpenseAmt": dollars("amount"), "DateIncurred": "incurred_time",
    },
    note="ContactId and ExpenseType are not served; opportunity expenses are not in REST at all.",
)

HOMES: dict[str, RestHome] = {
    "Affiliate": AFFILIATE, "AffResource": AFF_RESOURCE, "Referral": REFERRAL, "LeadSource": LEAD_SOURCE,
    "LeadSourceCategory": LEAD_SOURCE_CATEGORY, "LeadSourceExpense": LEAD_SOURCE_EXPENSE,
    "LeadSourceRecurringExpense": LEAD_SOURCE_RECURRING_EXPENSE, "Expense": EXPENSE,
}

"""REST v2 endpoints of the affiliate domain, rendered from :mod:`keap_sandbox.data.affiliates`' rows.

v2 shapes follow the v2 spec / SDK 2.0.26 models (ids strings, money doubles, ISO times with ``Z``);
v1 shapes follow the v1 spec (ids int64, ``…+0000`` times, ``limit``/``offset`` envelope with
``count`` = total matches and ``next``/``previous`` URLs; ``next`` is sent even on the last page).

Window semantics chosen where Keap documents none: v2 ``since_time`` is inclusive and ``until_time``
exclusive (as the sandbox's contacts window); v1 ``since``/``until`` are inclusive (documented so for
clawbacks and payments). Commissions and clawbacks are windowed on the time earned/refunded, payouts
on ``pay_date``. The v2 ``:commissions`` page-level totals are computed over the commissions *on that
page* ("from the returned commissions"): ``clawbacks`` sums the clawbacks reversing those commissions
and ``commission_total = amount_earned − clawbacks``. Summaries are window-scoped throughout:
``balance = amountEarned − clawbacks − payouts`` in the window (all-time without one).
"""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response

from ..data.affiliate_ledger import ledger_for
from ..wire import dollars, id_str, iso_ms, parse_v2_time, ref_id, v2_time
from . import affiliates_v1
from .listing import (BY_ID, EndpointList, Filter, ListEndpoint, Parent, applied, by_id, custom, exact, number, since,
                      until, wildcard)
from .listing import register as register_list
from .v2 import EXACT, LIST, TIME, V2, ApiError, json_response, matches_text

REFERRAL_TYPES = {0: "COOKIE", 1: "PERMANENT", 2: "MANUAL"}


# --------------------------------------------------------------------------- v2 renderers


def v2_affiliate(row: dict, created_ms: int, fields: list[dict]) -> dict:
    return {
        "id": id_str(row["Id"]), "code": row.get("AffCode"), "name": row.get("AffName"),
        "status": "ACTIVE" if row.get("Status") == 1 else "INACTIVE",
        "contact_id": id_str(row["ContactId"]), "unique_site_id": None,
        "date_created": iso_ms(created_ms), "parent_affiliate_id": id_str(row.get("ParentId", 0)),
        "notify_on_sale": bool(row.get("NotifySale")), "notify_on_lead": bool(row.get("NotifyLead")),
        "track_leads_days": row.get("LeadCookieFor", 0),
        "custom_fields": [{"id": id_str(f["id"]), "content": row.get("_" + f["name"])} for f in fields],
    }


def v2_commission(c: dict, affiliate_name: str | None) -> dict:
    return {
        "sales_affiliate_id": id_str(c["affiliate_id"]), "sales_affiliate_name": affiliate_name,
        "invoice_id": id_str(c["invoice_id"]),
        "contact_id": ref_id(c["contact_id"]),
        "contact_first_name": c["contact_first_name"], "contact_last_name": c["contact_last_name"],
        "product_name": c["product_name"], "description": c["description"],
        "amount_earned": dollars(c["amount"]), "time_earned": iso_ms(c["earned_ms"]),
    }


def v2_payment(p: dict) -> dict:
    return {"id": id_str(p["id"]), "pay_date": iso_ms(p["pay_ms"]), "pay_notes": p["notes"],
            "pay_amount": dollars(p["amount"]), "pay_type": p["pay_type"], "create_time": iso_ms(p["create_ms"])}


def v2_link(link: dict) -> dict:
    return {"id": id_str(link["id"]), "name": link["name"], "code": link["code"],
            "affiliate_id": id_str(link["affiliate_id"]), "local_url_code": link["code"],
            "redirect_url": link["website_address"], "website_address": link["website_address"],
            "program_ids": [id_str(p) for p in link["program_ids"]], "date_created": iso_ms(link["created_ms"])}


def v2_referral(row: dict) -> dict:
    expires = row.get("DateExpires")
    return {"id": id_str(row["Id"]), "description": row.get("Info"), "source": row.get("Source"),
            "contact_id": id_str(row["ContactId"]), "referral_partner_id": id_str(row["AffiliateId"]),
            "referral_time": v2_time(row["DateSet"]),
            "expiration_time": v2_time(expires) if expires else None,
            "ip_address": row.get("IPAddress"), "referral_type": REFERRAL_TYPES[row.get("Type", 0)]}


def v2_resource(row: dict, size: tuple[int, int] | None) -> dict:
    return {"id": id_str(row["Id"]), "title": row.get("Title"), "type": row["ResourceType"].upper(),
            "notes": row.get("Notes"), "url": row.get("ResourceHREF"),
            "order": int(row.get("ResourceOrder") or 0), "content_html": row.get("ResourceHTML"),
            "page_width": size[0] if size else None, "page_height": size[1] if size else None,
            "commission_programs": [{"commission_program_id": p} for p in row["ProgramIds"].split(",") if p]}


def v2_summary(aff: int, totals) -> dict:
    # The one camelCase v2 list, with an int64 id (AffiliateSummaryRecord).
    return {"affiliateId": aff, "amountEarned": dollars(totals.earned), "clawbacks": dollars(totals.clawbacks),
            "balance": dollars(totals.balance)}


# --------------------------------------------------------------------------- v2 lists


def _by_id_then(*keys: str):
    """Sort key: the record's ``keys`` in turn, then its numeric id."""
    return lambda r: (*(r[k] for k in keys), int(r["id"]))


def _affiliate_or_none(ds, raw: str) -> int | None:
    return int(raw) if raw.isdigit() and int(raw) in ledger_for(ds).affiliates else None


def _referrers_of(ds):
    def make(cond):
        referrers = {str(x["AffiliateId"]) for x in ds.tables["Referral"] if str(x["ContactId"]) == cond.value}
        return lambda r: r["id"] in referrers
    return make


def _custom_field(field_id: str):
    def make(cond):
        return lambda r: any(cf["id"] == field_id and matches_text(cf["content"], cond) for cf in r["custom_fields"])
    return make


def affiliates_endpoint(ds) -> ListEndpoint:
    """``/affiliates``; also filters on the affiliate custom fields (lower-cased names)."""
    created, fields = ds.collections["affiliate_created_ms"], ds.collections["affiliate_custom_fields"]
    return ListEndpoint(
        f"{V2}/affiliates", "Affiliate", "affiliates",
        lambda ds: [v2_affiliate(r, created[r["Id"]], fields) for r in ds.tables["Affiliate"]],
        filters={"id": number(), "name": wildcard(), "contact_id": exact(),
                 "referral_contact_id": Filter(EXACT, _referrers_of(ds)), "status": exact(), "code": exact(),
                 **{f["name"].lower(): Filter(EXACT, _custom_field(str(f["id"]))) for f in fields}},
        orders={"id": by_id, "date_created": _by_id_then("date_created"),
                "name": lambda r: ((r["name"] or "").lower(), int(r["id"])), "status": _by_id_then("status"),
                "code": lambda r: (r["code"] or "", int(r["id"]))},
        default_order=by_id)


def _commission_totals(ds, page: list[dict]) -> dict:
    """Over the commissions *on this page*: ``clawbacks`` sums the clawbacks reversing them."""
    earned = round(sum((c["amount_earned"] for c in page), 0.0), 2)
    clawed = 0.0
    if page:
        reversed_ = {(id_str(c["invoice_id"]), c["product_name"]): c["amount"]
                     for c in ledger_for(ds).clawbacks(int(page[0]["sales_affiliate_id"]))}
        clawed = round(sum((reversed_.get((c["invoice_id"], c["product_name"]), 0.0) for c in page), 0.0), 2)
    return {"amount_earned": earned, "clawbacks": clawed, "commission_total": round(earned - clawed, 2)}


def _commissions_of(ds, raw: str) -> list[dict] | None:
    aff = _affiliate_or_none(ds, raw)
    if aff is None:
        return None
    ledger = ledger_for(ds)
    name = ledger.affiliates[aff].get("AffName")
    return [v2_commission(c, name) for c in ledger.commissions(aff)]


_BELOW_AFFILIATE = Parent("affiliate_id", "Affiliate", **BY_ID)
_WINDOW = {"since_time": since, "until_time": until}
COMMISSIONS = ListEndpoint(
    f"{V2}/affiliates/{{affiliate_id}}:commissions", "AffiliateCommission", "affiliate_commissions", _commissions_of,
    filters={name: window("time_earned") for name, window in _WINDOW.items()},
    orders={"invoice_id": lambda c: (int(c["invoice_id"]), c["time_earned"]),
            "time_earned": lambda c: (c["time_earned"], int(c["invoice_id"]))},
    default_order=lambda c: (c["time_earned"], int(c["invoice_id"])), totals=_commission_totals,
    parent=_BELOW_AFFILIATE)
PAYMENTS = ListEndpoint(
    f"{V2}/affiliates/{{affiliate_id}}/payments", "AffiliatePayment", "affiliate_payments",
    lambda ds, raw: None if (aff := _affiliate_or_none(ds, raw)) is None else
    [v2_payment(p) for p in ledger_for(ds).payouts(aff)],
    filters={name: window("pay_date") for name, window in _WINDOW.items()},
    orders={"create_time": _by_id_then("create_time"), "pay_date": _by_id_then("pay_date"),
            "pay_amount": _by_id_then("pay_amount")},
    default_order=_by_id_then("pay_date"), parent=_BELOW_AFFILIATE)
REFERRALS = ListEndpoint(
    f"{V2}/referrals", "Referral", "referrals", lambda ds: [v2_referral(r) for r in ds.tables["Referral"]],
    filters={"referral_partner_id": number(), "contact_id": number(), "source": wildcard(),
             "description": wildcard(), "type": exact("referral_type")},
    orders={"id": by_id, "referral_time": _by_id_then("referral_time")}, default_order=by_id)
AFFILIATE_REFERRALS = replace(
    REFERRALS, path=f"{V2}/affiliates/{{affiliate_id}}/referrals", filters={"source": wildcard()},
    records=lambda ds, raw: None if (aff := _affiliate_or_none(ds, raw)) is None else
    [v2_referral(r) for r in ds.tables["Referral"] if r["AffiliateId"] == aff],
    parent=_BELOW_AFFILIATE)
REDIRECTS = ListEndpoint(
    f"{V2}/affiliates/redirects", "AffiliateLink", "affiliate_links",
    lambda ds: [v2_link(link) for link in ds.collections["redirect_links"]],
    filters={"name": exact(), "affiliate_id": exact()},
    orders={"name": lambda r: (r["name"].lower(), int(r["id"])), "date_created": _by_id_then("date_created")},
    default_order=by_id)


def _select_summaries(ds, _, conditions, order) -> list[dict]:
    """Window-scoped totals of the affiliates asked for (all of them without ``affiliate_ids``)."""
    ledger, wanted = ledger_for(ds), None
    for cond in conditions:
        if cond.field == "affiliate_ids":
            wanted = {int(v) for v in cond.value.split(",")}
    starts = [parse_v2_time(c.value) for c in conditions if c.field == "since_time"]
    ends = [parse_v2_time(c.value) for c in conditions if c.field == "until_time"]
    lo, hi = (max(starts) if starts else None), (min(ends) if ends else None)
    rows = [v2_summary(a, ledger.totals(a, lo, hi)) for a in sorted(a for a in ledger.affiliates
                                                                     if wanted is None or a in wanted)]
    field, descending = order or ("affiliate_id", False)
    return sorted(rows, key=SUMMARIES.orders[field], reverse=descending)


SUMMARIES = ListEndpoint(
    f"{V2}/affiliates/summaries", "AffiliateSummary", "affiliate_summaries", lambda ds: [],
    filters={"affiliate_ids": applied(LIST), "since_time": applied(TIME), "until_time": applied(TIME)},
    orders={"affiliate_id": lambda s: s["affiliateId"], "amount_earned": lambda s: (s["amountEarned"], s["affiliateId"]),
            "balance": lambda s: (s["balance"], s["affiliateId"]), "clawbacks": lambda s: (s["clawbacks"], s["affiliateId"])},
    select=_select_summaries)


def _program_resources(ds, program_id: str) -> list[dict] | None:
    if not any(p["id"] == program_id for p in ds.commission_programs):
        return None
    sizes = ds.collections["resource_page_sizes"]
    return [v2_resource(r, sizes.get(r["Id"])) for r in ds.tables["AffResource"]
            if program_id in r["ProgramIds"].split(",")]


# Declared without paging parameters, yet the response carries `next_page_token` (always empty here:
# a program has a handful of resources).
PROGRAM_RESOURCES = ListEndpoint(
    f"{V2}/affiliates/commissionPrograms/{{commission_program_id}}/resources", "AffiliateProgramResource",
    "resources", _program_resources, default_order=lambda r: (r["order"], int(r["id"])), paging="whole",
    parent=Parent("commission_program_id", "CommissionProgram", **BY_ID))
# `name==` is an exact, case-insensitive match (the spec marks no wildcard); `affiliate_id==X` keeps
# programs whose `affiliate_ids` include X. No `fields` parameter in the spec.
COMMISSION_PROGRAMS = ListEndpoint(
    f"{V2}/affiliates/commissionPrograms", "AffiliateProgram", "commission_programs",
    lambda ds: ds.commission_programs,
    filters={"name": exact(), "affiliate_id": custom(EXACT, lambda p, cond: cond.value in p["affiliate_ids"])},
    orders={"name": lambda p: (p["name"].lower(), int(p["id"])), "date_created": lambda p: (p["create_time"], int(p["id"]))},
    default_order=by_id)


# --------------------------------------------------------------------------- v2 handlers


def _not_found(resource: str, what: str) -> Response:
    return ApiError(404, f"{resource} not found: {what}", domain="id", resource=resource).response()


class V2Affiliates:
    """The affiliate handlers that are not lists: one record, the model, totals, one program or link."""

    def __init__(self, ds, affiliates: EndpointList):
        self.ds = ds
        self.ledger = ledger_for(ds)
        self.list = affiliates
        self.programs = {p["id"]: p for p in ds.collections["commission_program_details"].values()}
        self.links = {id_str(link["id"]): v2_link(link) for link in ds.collections["redirect_links"]}

    def _affiliate_id(self, raw: str) -> int | None:
        return int(raw) if raw.isdigit() and int(raw) in self.ledger.affiliates else None

    async def one(self, request: Request, id: str) -> Response:
        record = next((r for r in self.list.records if r["id"] == id), None)
        return json_response(record) if record else _not_found("Affiliate", id)

    async def model(self, request: Request) -> Response:
        fields = [{"id": id_str(f["id"]), "label": f["label"],
                   "options": [{"id": o, "label": o} for o in f["options"]] or None,
                   "record_type": "REFERRAL_PARTNER", "field_type": f["field_type"], "default_value": None,
                   "group_id": None, "group_name": None, "field_name": f["name"].lower()}
                  for f in self.ds.collections["affiliate_custom_fields"]]
        return json_response({"custom_fields": fields, "optional_properties": []})

    async def commission_total(self, request: Request, affiliate_id: str) -> Response:
        aff = self._affiliate_id(affiliate_id)
        if aff is None:
            return _not_found("Affiliate", affiliate_id)
        totals = self.ledger.totals(aff)
        return json_response({"affiliate_commission_total": round(totals.earned - totals.clawbacks, 2),
                              "view_ledger_url": f"https://{self.ds.tenant_host}/app/affiliate/ledger?affiliateId={aff}"})

    async def program(self, request: Request, commission_program_id: str) -> Response:
        program = self.programs.get(commission_program_id)
        return json_response(program) if program else _not_found("CommissionProgram", commission_program_id)

    async def link(self, request: Request, redirect_id: str) -> Response:
        link = self.links.get(redirect_id)
        return json_response(link) if link else _not_found("AffiliateLink", redirect_id)


# --------------------------------------------------------------------------- registration


def register(router, ds) -> None:
    if "Affiliate" not in ds.tables:
        return
    affiliates = register_list(router, ds, affiliates_endpoint(ds))
    v2 = V2Affiliates(ds, affiliates)
    router.add(f"{V2}/affiliates/model", v2.model)
    for endpoint in (REDIRECTS, SUMMARIES, REFERRALS):
        register_list(router, ds, endpoint)
    router.add(f"{V2}/affiliates/redirects/{{redirect_id}}", v2.link)
    router.add(f"{V2}/affiliates/commissionPrograms/{{commission_program_id}}", v2.program)
    register_list(router, ds, PROGRAM_RESOURCES)
    for endpoint in (COMMISSIONS, PAYMENTS, AFFILIATE_REFERRALS):
        register_list(router, ds, endpoint)
    router.add(f"{V2}/affiliates/{{affiliate_id}}/commissionTotal", v2.commission_total)
    router.add(f"{V2}/affiliates/{{id}}", v2.one)
    affiliates_v1.register(router, ds)

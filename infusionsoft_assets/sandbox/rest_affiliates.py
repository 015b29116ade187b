"""REST v2 and v1 endpoints of the affiliate domain, rendered from :mod:`.data_affiliates`' rows.

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

from starlette.requests import Request
from starlette.responses import Response

from .dataset import iso_ms, to_ms
from .ledger_affiliates import ledger_for
from .rest_v1 import V1, V1Error, v1_endpoint, v1_int, v1_order, v1_page, v1_time, v1_window
from .rest_v2 import (EXACT, LIST, NUMBER, TIME, WILDCARD, ApiError, ListResource, json_response,
                      matches_text, number_matches, page_body, parse_time_ms)

V2 = "/rest/v2"
PAY_TYPE_V1 = {"CASH": "Cash", "CHECK": "Check", "CREDIT_CARD": "Credit Card",
               "CREDIT_CARD_MANUAL": "Credit Card (Manual)", "MONEY_ORDER": "Money Order",
               "ADJUSTMENT": "Adjustment", "CREDIT": "Credit", "REFUND": "Refund"}
REFERRAL_TYPES = {0: "COOKIE", 1: "PERMANENT", 2: "MANUAL"}


# --------------------------------------------------------------------------- v2 renderers


def v2_affiliate(row: dict, created_ms: int, fields: list[dict]) -> dict:
    return {
        "id": str(row["Id"]), "code": row.get("AffCode"), "name": row.get("AffName"),
        "status": "ACTIVE" if row.get("Status") == 1 else "INACTIVE",
        "contact_id": str(row["ContactId"]), "unique_site_id": None,
        "date_created": iso_ms(created_ms), "parent_affiliate_id": str(row.get("ParentId", 0)),
        "notify_on_sale": bool(row.get("NotifySale")), "notify_on_lead": bool(row.get("NotifyLead")),
        "track_leads_days": row.get("LeadCookieFor", 0),
        "custom_fields": [{"id": str(f["id"]), "content": row.get("_" + f["name"])} for f in fields],
    }


def v2_commission(c: dict, affiliate_name: str | None) -> dict:
    return {
        "sales_affiliate_id": str(c["affiliate_id"]), "sales_affiliate_name": affiliate_name,
        "invoice_id": str(c["invoice_id"]),
        "contact_id": None if c["contact_id"] is None else str(c["contact_id"]),
        "contact_first_name": c["contact_first_name"], "contact_last_name": c["contact_last_name"],
        "product_name": c["product_name"], "description": c["description"],
        "amount_earned": c["amount"], "time_earned": iso_ms(c["earned_ms"]),
    }


def v2_payment(p: dict) -> dict:
    return {"id": str(p["id"]), "pay_date": iso_ms(p["pay_ms"]), "pay_notes": p["notes"],
            "pay_amount": p["amount"], "pay_type": p["pay_type"], "create_time": iso_ms(p["create_ms"])}


def v2_link(link: dict) -> dict:
    return {"id": str(link["id"]), "name": link["name"], "code": link["code"],
            "affiliate_id": str(link["affiliate_id"]), "local_url_code": link["code"],
            "redirect_url": link["website_address"], "website_address": link["website_address"],
            "program_ids": [str(p) for p in link["program_ids"]], "date_created": iso_ms(link["created_ms"])}


def v2_referral(row: dict) -> dict:
    expires = row.get("DateExpires")
    return {"id": str(row["Id"]), "description": row.get("Info"), "source": row.get("Source"),
            "contact_id": str(row["ContactId"]), "referral_partner_id": str(row["AffiliateId"]),
            "referral_time": iso_ms(to_ms(row["DateSet"])),
            "expiration_time": iso_ms(to_ms(expires)) if expires else None,
            "ip_address": row.get("IPAddress"), "referral_type": REFERRAL_TYPES[row.get("Type", 0)]}


def v2_resource(row: dict, size: tuple[int, int] | None) -> dict:
    return {"id": str(row["Id"]), "title": row.get("Title"), "type": row["ResourceType"].upper(),
            "notes": row.get("Notes"), "url": row.get("ResourceHREF"),
            "order": int(row.get("ResourceOrder") or 0), "content_html": row.get("ResourceHTML"),
            "page_width": size[0] if size else None, "page_height": size[1] if size else None,
            "commission_programs": [{"commission_program_id": p} for p in row["ProgramIds"].split(",") if p]}


def v2_summary(aff: int, totals) -> dict:
    # The one camelCase v2 list, with an int64 id (AffiliateSummaryRecord).
    return {"affiliateId": aff, "amountEarned": totals.earned, "clawbacks": totals.clawbacks,
            "balance": totals.balance}


# --------------------------------------------------------------------------- v2 list resources


def _window(conditions, since: str = "since_time", until: str = "until_time") -> tuple[int | None, int | None]:
    lo = [parse_time_ms(c.value) for c in conditions if c.field == since]
    hi = [parse_time_ms(c.value) for c in conditions if c.field == until]
    return (max(lo) if lo else None), (min(hi) if hi else None)


def _sorted(rows: list[dict], order, default: str, keys: dict) -> list[dict]:
    field, descending = order or (default, False)
    return sorted(rows, key=keys[field], reverse=descending)


class AffiliatesResource(ListResource):
    resource = "Affiliate"
    envelope = "affiliates"
    order_fields = ("id", "date_created", "name", "status", "code")

    def __init__(self, ds):
        super().__init__()
        self.ds = ds
        created, self.custom = ds.collections["affiliate_created_ms"], ds.collections["affiliate_custom_fields"]
        self.records = [v2_affiliate(r, created[r["Id"]], self.custom) for r in ds.tables["Affiliate"]]
        self.by_id = {r["id"]: r for r in self.records}
        self.filters = {"id": NUMBER, "name": WILDCARD, "contact_id": EXACT, "referral_contact_id": EXACT,
                        "status": EXACT, "code": EXACT, **{f["name"].lower(): EXACT for f in self.custom}}

    def select(self, conditions, order):
        rows = self.records
        for cond in conditions:
            rows = [r for r in rows if self._predicate(cond)(r)]
        return _sorted(rows, order, "id", {
            "id": lambda r: int(r["id"]), "date_created": lambda r: (r["date_created"], int(r["id"])),
            "name": lambda r: ((r["name"] or "").lower(), int(r["id"])),
            "status": lambda r: (r["status"], int(r["id"])), "code": lambda r: (r["code"] or "", int(r["id"]))})

    def _predicate(self, cond):
        if cond.field == "id":
            return lambda r: number_matches(r["id"], cond)
        if cond.field == "referral_contact_id":
            referrers = {str(x["AffiliateId"]) for x in self.ds.tables["Referral"]
                         if str(x["ContactId"]) == cond.value}
            return lambda r: r["id"] in referrers
        if cond.field in ("name", "contact_id", "status", "code"):
            return lambda r: matches_text(r[cond.field], cond)
        field_id = next(str(f["id"]) for f in self.custom if f["name"].lower() == cond.field)
        return lambda r: any(cf["id"] == field_id and matches_text(cf["content"], cond)
                             for cf in r["custom_fields"])


class _AffiliateScoped(ListResource):
    """A list under ``/affiliates/{affiliate_id}/…``: one instance per affiliate, made on demand."""

    filters = {"since_time": TIME, "until_time": TIME}

    def __init__(self, ds, aff: int):
        super().__init__()
        self.ds, self.aff, self.ledger = ds, aff, ledger_for(ds)


class CommissionsResource(_AffiliateScoped):
    resource = "AffiliateCommission"
    envelope = "affiliate_commissions"
    order_fields = ("invoice_id", "time_earned")

    def select(self, conditions, order):
        rows = self.ledger.commissions(self.aff, *_window(conditions))
        return _sorted(rows, order, "time_earned", {
            "time_earned": lambda c: (c["earned_ms"], c["invoice_id"]),
            "invoice_id": lambda c: (c["invoice_id"], c["earned_ms"])})

    def body(self, params) -> bytes:
        chunk, _, next_token = self.page(params)
        reversed_ = {(c["invoice_id"], c["product_name"]): c["amount"] for c in self.ledger.clawbacks(self.aff)}
        earned = round(sum((c["amount"] for c in chunk), 0.0), 2)
        clawed = round(sum((reversed_.get((c["invoice_id"], c["product_name"]), 0.0) for c in chunk), 0.0), 2)
        name = self.ledger.affiliates[self.aff].get("AffName")
        return page_body(self.envelope, [v2_commission(c, name) for c in chunk], next_token,
                           amount_earned=earned, clawbacks=clawed, commission_total=round(earned - clawed, 2))


class PaymentsResource(_AffiliateScoped):
    resource = "AffiliatePayment"
    envelope = "affiliate_payments"
    order_fields = ("create_time", "pay_date", "pay_amount")

    def select(self, conditions, order):
        rows = [v2_payment(p) for p in self.ledger.payouts(self.aff, *_window(conditions))]
        return _sorted(rows, order, "pay_date", {
            "pay_date": lambda p: (p["pay_date"], int(p["id"])), "create_time": lambda p: (p["create_time"], int(p["id"])),
            "pay_amount": lambda p: (p["pay_amount"], int(p["id"]))})


class ReferralsResource(ListResource):
    """``/referrals`` (all) and ``/affiliates/{affiliate_id}/referrals`` (``aff`` set; filter ``source`` only)."""

    resource = "Referral"
    envelope = "referrals"
    order_fields = ("id", "referral_time")

    def __init__(self, ds, aff: int | None = None):
        super().__init__()
        rows = ds.tables["Referral"]
        if aff is None:
            self.filters = {"referral_partner_id": NUMBER, "contact_id": NUMBER, "source": WILDCARD,
                            "description": WILDCARD, "type": EXACT}
        else:
            self.filters = {"source": WILDCARD}
            rows = [r for r in rows if r["AffiliateId"] == aff]
        self.records = [v2_referral(r) for r in rows]

    def select(self, conditions, order):
        rows = self.records
        for cond in conditions:
            key = "referral_type" if cond.field == "type" else cond.field
            if self.filters[cond.field] == NUMBER:
                rows = [r for r in rows if number_matches(r[key], cond)]
            else:
                rows = [r for r in rows if matches_text(r[key], cond)]
        return _sorted(rows, order, "id", {"id": lambda r: int(r["id"]),
                                           "referral_time": lambda r: (r["referral_time"], int(r["id"]))})


class RedirectsResource(ListResource):
    resource = "AffiliateLink"
    envelope = "affiliate_links"
    filters = {"name": EXACT, "affiliate_id": EXACT}
    order_fields = ("name", "date_created")

    def __init__(self, ds):
        super().__init__()
        self.records = [v2_link(link) for link in ds.collections["redirect_links"]]

    def select(self, conditions, order):
        rows = [r for r in self.records if all(matches_text(r[c.field], c) for c in conditions)]
        return _sorted(rows, order, "id", {"id": lambda r: int(r["id"]),
                                           "name": lambda r: (r["name"].lower(), int(r["id"])),
                                           "date_created": lambda r: (r["date_created"], int(r["id"]))})


class SummariesResource(ListResource):
    resource = "AffiliateSummary"
    envelope = "affiliate_summaries"
    filters = {"affiliate_ids": LIST, "since_time": TIME, "until_time": TIME}
    order_fields = ("affiliate_id", "amount_earned", "balance", "clawbacks")

    def __init__(self, ds):
        super().__init__()
        self.ledger = ledger_for(ds)

    def select(self, conditions, order):
        wanted = None
        for cond in conditions:
            if cond.field == "affiliate_ids":
                wanted = {int(v) for v in cond.value.split(",")}
        lo, hi = _window(conditions)
        ids = [a for a in self.ledger.affiliates if wanted is None or a in wanted]
        rows = [v2_summary(a, self.ledger.totals(a, lo, hi)) for a in sorted(ids)]
        return _sorted(rows, order, "affiliate_id", {
            "affiliate_id": lambda s: s["affiliateId"], "amount_earned": lambda s: (s["amountEarned"], s["affiliateId"]),
            "balance": lambda s: (s["balance"], s["affiliateId"]), "clawbacks": lambda s: (s["clawbacks"], s["affiliateId"])})


class ProgramResourcesResource(ListResource):
    """Declared without paging parameters, yet the response carries ``next_page_token`` (always empty
    here: a program has a handful of resources)."""

    resource = "AffiliateProgramResource"
    envelope = "resources"

    def __init__(self, ds, program_id: str):
        super().__init__()
        sizes = ds.collections["resource_page_sizes"]
        self.records = [v2_resource(r, sizes.get(r["Id"])) for r in ds.tables["AffResource"]
                        if program_id in r["ProgramIds"].split(",")]

    def select(self, conditions, order):
        return sorted(self.records, key=lambda r: (r["order"], int(r["id"])))

    def page(self, params):
        rows = self.select([], None)
        return rows, None, ""


# --------------------------------------------------------------------------- v2 handlers


def _not_found(resource: str, what: str) -> Response:
    return ApiError(404, f"{resource} not found: {what}", domain="id", resource=resource).response()


class V2Affiliates:
    def __init__(self, ds):
        self.ds = ds
        self.ledger = ledger_for(ds)
        self.list = AffiliatesResource(ds)
        self._scoped: dict[tuple, ListResource] = {}
        self.programs = {p["id"]: p for p in ds.collections["commission_program_details"].values()}
        self.links = {str(link["id"]): v2_link(link) for link in ds.collections["redirect_links"]}

    def _affiliate_id(self, raw: str) -> int | None:
        return int(raw) if raw.isdigit() and int(raw) in self.ledger.affiliates else None

    async def one(self, request: Request, id: str) -> Response:
        record = self.list.by_id.get(id)
        return json_response(record) if record else _not_found("Affiliate", id)

    async def model(self, request: Request) -> Response:
        fields = [{"id": str(f["id"]), "label": f["label"],
                   "options": [{"id": o, "label": o} for o in f["options"]] or None,
                   "record_type": "REFERRAL_PARTNER", "field_type": f["field_type"], "default_value": None,
                   "group_id": None, "group_name": None, "field_name": f["name"].lower()}
                  for f in self.ds.collections["affiliate_custom_fields"]]
        return json_response({"custom_fields": fields, "optional_properties": []})

    async def scoped(self, request: Request, affiliate_id: str, kind) -> Response:
        aff = self._affiliate_id(affiliate_id)
        if aff is None:
            return _not_found("Affiliate", affiliate_id)
        resource = self._scoped.get((kind, aff))
        if resource is None:
            resource = self._scoped[(kind, aff)] = kind(self.ds, aff)
        return await resource.handle(request)

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

    async def program_resources(self, request: Request, commission_program_id: str) -> Response:
        if commission_program_id not in self.programs:
            return _not_found("CommissionProgram", commission_program_id)
        return await ProgramResourcesResource(self.ds, commission_program_id).handle(request)

    async def link(self, request: Request, redirect_id: str) -> Response:
        link = self.links.get(redirect_id)
        return json_response(link) if link else _not_found("AffiliateLink", redirect_id)


# --------------------------------------------------------------------------- v1


class V1Affiliates:
    def __init__(self, ds):
        self.ds, self.ledger = ds, ledger_for(ds)
        self.programs_of: dict[int, set[str]] = {}
        for program in ds.commission_programs:
            for aff in program["affiliate_ids"]:
                self.programs_of.setdefault(int(aff), set()).add(program["id"])

    @staticmethod
    def affiliate(row: dict) -> dict:
        return {"code": row.get("AffCode"), "contact_id": row["ContactId"], "id": row["Id"],
                "name": row.get("AffName"), "notify_on_lead": bool(row.get("NotifyLead")),
                "notify_on_sale": bool(row.get("NotifySale")), "parent_id": row.get("ParentId", 0),
                "status": "Active" if row.get("Status") == 1 else "Inactive",
                "track_leads_for": row.get("LeadCookieFor", 0)}

    @staticmethod
    def commission(c: dict) -> dict:
        return {"amount_earned": c["amount"], "contact_first_name": c["contact_first_name"],
                "contact_id": c["contact_id"], "contact_last_name": c["contact_last_name"],
                "date_earned": v1_time(c["earned_ms"]), "description": c["description"],
                "invoice_id": c["invoice_id"], "product_name": c["product_name"],
                "sales_affiliate_id": c["affiliate_id"], "sold_by_first_name": c["sold_by_first_name"],
                "sold_by_last_name": c["sold_by_last_name"]}

    @staticmethod
    def clawback(c: dict) -> dict:
        return {"amount": c["amount"], "contact_id": c["contact_id"], "date_earned": v1_time(c["earned_ms"]),
                "description": c["description"], "family_name": c["contact_last_name"],
                "given_name": c["contact_first_name"], "invoice_id": c["invoice_id"],
                "product_name": c["product_name"], "sale_affiliate_id": c["affiliate_id"],
                "sold_by_family_name": c["sold_by_last_name"], "sold_by_given_name": c["sold_by_first_name"],
                "subscription_plan_name": c["subscription_plan_name"]}

    def _known(self, raw: str) -> int:
        if not raw.isdigit() or int(raw) not in self.ledger.affiliates:
            raise V1Error(404, f"Unable to find this Affiliate: {raw}")
        return int(raw)

    def list(self, request: Request) -> Response:
        p = request.query_params
        rows = list(self.ledger.affiliates.values())
        checks = {"name": lambda r, v: (r.get("AffName") or "").lower() == v.lower(),
                  "code": lambda r, v: (r.get("AffCode") or "").lower() == v.lower(),
                  "parent_id": lambda r, v: str(r.get("ParentId", 0)) == v,
                  "contact_id": lambda r, v: str(r["ContactId"]) == v,
                  "program_id": lambda r, v: v in self.programs_of.get(r["Id"], ()),
                  "status": lambda r, v: (r.get("Status") == 1) == (v.lower() == "active")}
        for name, check in checks.items():
            if p.get(name):
                rows = [r for r in rows if check(r, p[name])]
        key, desc = v1_order(p, {"id": lambda r: r["Id"], "name": lambda r: ((r.get("AffName") or "").lower(), r["Id"])}, "id")
        return v1_page(request, "affiliates", [self.affiliate(r) for r in sorted(rows, key=key, reverse=desc)])

    def one(self, request: Request, id: str) -> Response:
        return json_response(self.affiliate(self.ledger.affiliates[self._known(id)]))

    def model(self, request: Request) -> Response:
        v1_types = {"DROPDOWN": "Dropdown", "TEXT": "Text"}
        fields = [{"id": f["id"], "label": f["label"], "field_name": f["name"], "default_value": None,
                   "field_type": v1_types[f["field_type"]], "record_type": "REFERRAL_PARTNER",
                   "options": [{"id": o, "label": o} for o in f["options"]]}
                  for f in self.ds.collections["affiliate_custom_fields"]]
        return json_response({"custom_fields": fields, "optional_properties": []})

    def commissions(self, request: Request) -> Response:
        p = request.query_params
        lo, hi = v1_window(p)
        aff = v1_int(p, "affiliateId")
        if aff is not None:
            rows = self.ledger.commissions(aff, lo, hi)
        else:  # no affiliate: every affiliate's commissions in the window
            rows = [c for a in self.ledger.affiliates for c in self.ledger.commissions(a, lo, hi)]
        _, desc = v1_order(p, {"DATE_EARNED": None}, "DATE_EARNED")
        rows = sorted(rows, key=lambda c: (c["earned_ms"], c["affiliate_id"], c["invoice_id"]), reverse=desc)
        return v1_page(request, "commissions", [self.commission(c) for c in rows])

    def clawbacks(self, request: Request, affiliateId: str) -> Response:
        aff = self._known(affiliateId)
        _, desc = v1_order(request.query_params, {"DATE_EARNED": None}, "DATE_EARNED")
        rows = self.ledger.clawbacks(aff, *v1_window(request.query_params))
        return v1_page(request, "clawbacks", [self.clawback(c) for c in (rows[::-1] if desc else rows)])

    def payments(self, request: Request, affiliateId: str) -> Response:
        aff = self._known(affiliateId)
        key, desc = v1_order(request.query_params, {"ID": lambda x: x["id"], "DATE": lambda x: (x["pay_ms"], x["id"]),
                                                     "AMOUNT": lambda x: (x["amount"], x["id"])}, "DATE")
        rows = sorted(self.ledger.payouts(aff, *v1_window(request.query_params)), key=key, reverse=desc)
        return v1_page(request, "payments", [{"amount": x["amount"], "date": v1_time(x["pay_ms"]), "id": x["id"],
                                              "notes": x["notes"], "type": PAY_TYPE_V1[x["pay_type"]]} for x in rows])

    def programs(self, request: Request) -> Response:
        p = request.query_params
        rows = self.ds.commission_programs
        aff = v1_int(p, "affiliate_id")
        if aff is not None:
            rows = [r for r in rows if str(aff) in r["affiliate_ids"]]
        key, desc = v1_order(p, {"id": lambda r: int(r["id"]), "name": lambda r: (r["name"].lower(), int(r["id"])),
                                  "priority": lambda r: (int(r["priority"]), int(r["id"]))}, "id")
        # affiliate_id is non-zero only for a per-affiliate override program; the sandbox has none.
        return v1_page(request, "programs", [{"affiliate_id": 0, "id": int(r["id"]), "name": r["name"],
                                              "notes": r["notes"], "priority": int(r["priority"])}
                                             for r in sorted(rows, key=key, reverse=desc)])

    def redirects(self, request: Request) -> Response:
        p = request.query_params
        rows = self.ds.collections["redirect_links"]
        if p.get("affiliate_id"):
            rows = [r for r in rows if str(r["affiliate_id"]) == p["affiliate_id"]]
        key, desc = v1_order(p, {"id": lambda r: r["id"], "name": lambda r: (r["name"].lower(), r["id"])}, "id")
        return v1_page(request, "redirects", [
            {"affiliate_id": r["affiliate_id"], "id": r["id"], "local_url_code": r["code"], "name": r["name"],
             "program_ids": r["program_ids"], "redirect_url": r["website_address"]}
            for r in sorted(rows, key=key, reverse=desc)])

    def summaries(self, request: Request) -> Response:
        """All-time (v1 has no date filter); ``summaries`` + ``count`` only, no paging links."""
        p = request.query_params
        wanted = {int(v) for raw in p.getlist("affiliate_ids") for v in raw.split(",") if v.strip().isdigit()}
        ids = [a for a in sorted(self.ledger.affiliates) if not wanted or a in wanted]
        rows = []
        for aff in ids:
            t = self.ledger.totals(aff)
            rows.append({"affiliate_id": aff, "amount_earned": t.earned, "balance": t.balance, "clawbacks": t.clawbacks})
        key, desc = v1_order(p, {name: (lambda n: lambda r: (r[n], r["affiliate_id"]))(name)
                                  for name in ("affiliate_id", "amount_earned", "balance", "clawbacks")}, "affiliate_id")
        rows.sort(key=key, reverse=desc)
        return json_response({"summaries": rows, "count": len(rows)})


# --------------------------------------------------------------------------- registration


def register(router, ds) -> None:
    if "Affiliate" not in ds.tables:
        return
    v2 = V2Affiliates(ds)
    router.add(f"{V2}/affiliates", v2.list)
    router.add(f"{V2}/affiliates/model", v2.model)
    router.add(f"{V2}/affiliates/redirects", RedirectsResource(ds))
    router.add(f"{V2}/affiliates/summaries", SummariesResource(ds))
    router.add(f"{V2}/referrals", ReferralsResource(ds))
    router.add(f"{V2}/affiliates/redirects/{{redirect_id}}", v2.link)
    router.add(f"{V2}/affiliates/commissionPrograms/{{commission_program_id}}", v2.program)
    router.add(f"{V2}/affiliates/commissionPrograms/{{commission_program_id}}/resources", v2.program_resources)
    for suffix, kind in ((":commissions", CommissionsResource), ("/payments", PaymentsResource),
                         ("/referrals", ReferralsResource)):
        router.add(f"{V2}/affiliates/{{affiliate_id}}{suffix}",
                   (lambda k: lambda request, affiliate_id: v2.scoped(request, affiliate_id, k))(kind))
    router.add(f"{V2}/affiliates/{{affiliate_id}}/commissionTotal", v2.commission_total)
    router.add(f"{V2}/affiliates/{{id}}", v2.one)

    v1 = V1Affiliates(ds)
    for path, fn in (("affiliates", v1.list), ("affiliates/model", v1.model),
                     ("affiliates/commissions", v1.commissions), ("affiliates/programs", v1.programs),
                     ("affiliates/redirectlinks", v1.redirects), ("affiliates/summaries", v1.summaries),
                     ("affiliates/{affiliateId}/clawbacks", v1.clawbacks),
                     ("affiliates/{affiliateId}/payments", v1.payments), ("affiliates/{id}", v1.one)):
        router.add(f"{V1}/{path}", v1_endpoint(fn))

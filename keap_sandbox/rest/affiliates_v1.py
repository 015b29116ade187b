"""REST v1 endpoints of the affiliate domain (v1 spec shapes: ids int64, ``…+0000`` times,
``limit``/``offset`` envelope with ``count`` and ``next``/``previous`` URLs).

``since``/``until`` are inclusive (documented so for clawbacks and payments); summaries are all-time
(v1 has no date filter).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..data.affiliate_ledger import ledger_for
from ..data.ecommerce_codes import PAY_TYPE_LABELS
from ..wire import dollars, v1_time
from .v1 import V1, V1Error, v1_endpoint, v1_int, v1_order, v1_page, v1_window
from .v2 import json_response


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
        return {"amount_earned": dollars(c["amount"]), "contact_first_name": c["contact_first_name"],
                "contact_id": c["contact_id"], "contact_last_name": c["contact_last_name"],
                "date_earned": v1_time(c["earned_ms"]), "description": c["description"],
                "invoice_id": c["invoice_id"], "product_name": c["product_name"],
                "sales_affiliate_id": c["affiliate_id"], "sold_by_first_name": c["sold_by_first_name"],
                "sold_by_last_name": c["sold_by_last_name"]}

    @staticmethod
    def clawback(c: dict) -> dict:
        return {"amount": dollars(c["amount"]), "contact_id": c["contact_id"], "date_earned": v1_time(c["earned_ms"]),
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
        return v1_page(request, "payments", [{"amount": dollars(x["amount"]), "date": v1_time(x["pay_ms"]), "id": x["id"],
                                              "notes": x["notes"], "type": PAY_TYPE_LABELS[x["pay_type"]]} for x in rows])

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


def register(router, ds) -> None:
    v1 = V1Affiliates(ds)
    for path, fn in (("affiliates", v1.list), ("affiliates/model", v1.model),
                     ("affiliates/commissions", v1.commissions), ("affiliates/programs", v1.programs),
                     ("affiliates/redirectlinks", v1.redirects), ("affiliates/summaries", v1.summaries),
                     ("affiliates/{affiliateId}/clawbacks", v1.clawbacks),
                     ("affiliates/{affiliateId}/payments", v1.payments), ("affiliates/{id}", v1.one)):
        router.add(f"{V1}/{path}", v1_endpoint(fn))

"""XML-RPC affiliate reports: ``APIAffiliateService``, ``AffiliateService``, ``AffiliateProgramService``.

Signatures and struct keys per keap-xmlrpc.md §2.3–2.4. Dates go out as zone-less
``dateTime.iso8601`` in the app's local time (:func:`keap_sandbox.wire.xmlrpc_time`), and the ``start``/``end`` arguments
are read as app-local too; the window is inclusive at both ends, to the second. Overloads are
resolved by exact argument types as on Keap's Java server: a wrong count or type is fault 0
``No method matching arguments: …``. NULL values are left out of the structs, as Keap does.
"""

from __future__ import annotations

from datetime import datetime

from ..data.affiliate_ledger import ledger_for
from ..data.crm import contact_index
from ..data.ecommerce_codes import PAY_TYPE_LABELS
from ..wire import dollars, from_ms, from_xmlrpc_time, to_ms, xmlrpc_time
from .data_service import table_view
from .query import check_signature
from .query import no_method


def app_local(ms: int) -> datetime:
    """An affiliate time (epoch ms) as XML-RPC carries it: zone-less, app-local."""
    return xmlrpc_time(from_ms(ms))


def _window(start: datetime, end: datetime) -> tuple[int, int]:
    """Inclusive app-local [start, end] to the second, as a half-open ms window."""
    return to_ms(from_xmlrpc_time(start)), to_ms(from_xmlrpc_time(end)) + 1000


def _ids(values, params) -> list[int]:
    if not all(type(v) is int for v in values):
        raise no_method(params)
    return list(values)


def _strip(struct: dict) -> dict:
    return {k: v for k, v in struct.items() if v is not None}


# --------------------------------------------------------------------------- APIAffiliateService


def _commission(c: dict) -> dict:
    return _strip({"ContactId": c["contact_id"], "ContactFirstName": c["contact_first_name"],
                   "ContactLastName": c["contact_last_name"], "SoldByFirstName": c["sold_by_first_name"],
                   "SoldByLastName": c["sold_by_last_name"], "Description": c["description"],
                   "ProductName": c["product_name"], "InvoiceId": c["invoice_id"],
                   "AmtEarned": dollars(c["amount"]), "DateEarned": app_local(c["earned_ms"]),
                   "SaleAffId": c["affiliate_id"]})


def _clawback(c: dict) -> dict:
    # Field list per the Novak SDK (uncertain, keap-xmlrpc.md §2.3): commission-like with `Amount`.
    return _strip({"ContactId": c["contact_id"], "FirstName": c["contact_first_name"],
                   "LastName": c["contact_last_name"], "SoldByFirstName": c["sold_by_first_name"],
                   "SoldByLastName": c["sold_by_last_name"], "Description": c["description"],
                   "ProductName": c["product_name"], "InvoiceId": c["invoice_id"], "Amount": dollars(c["amount"]),
                   "DateEarned": app_local(c["earned_ms"]), "SaleAffId": c["affiliate_id"]})


def _payout(p: dict) -> dict:
    # No source names affPayouts' fields (keap-xmlrpc.md §7.1); the Payment table's style is the
    # most plausible guess: PayDate / PayAmt / PayType / PayNote, plus the ids.
    return _strip({"Id": p["id"], "AffiliateId": p["affiliate_id"], "PayDate": app_local(p["pay_ms"]),
                   "PayAmt": dollars(p["amount"]), "PayType": PAY_TYPE_LABELS[p["pay_type"]], "PayNote": p["notes"]})


def _windowed(kind, render):
    def method(ds, params):
        check_signature(params, (int, datetime, datetime))
        aff, start, end = params
        return [render(row) for row in getattr(ledger_for(ds), kind)(aff, *_window(start, end))]
    return method


def aff_running_totals(ds, params):
    check_signature(params, (list,))
    ledger = ledger_for(ds)
    out = []
    for aff in _ids(params[0], params):
        if aff not in ledger.affiliates:
            continue
        t = ledger.totals(aff)
        out.append({"AffiliateId": aff, "AmountEarned": t.earned, "Clawbacks": t.clawbacks,
                    "Payments": t.payouts, "RunningBalance": t.balance})
    return out


def aff_summary(ds, params):
    """Window-scoped: Balance = AmountEarned − Clawbacks − payouts, all within [start, end]."""
    check_signature(params, (list, datetime, datetime))
    ledger = ledger_for(ds)
    lo, hi = _window(params[1], params[2])
    out = []
    for aff in _ids(params[0], params):
        if aff not in ledger.affiliates:
            continue
        t = ledger.totals(aff, lo, hi)
        out.append({"AffiliateId": aff, "AmountEarned": t.earned, "Clawbacks": t.clawbacks, "Balance": t.balance})
    return out


# --------------------------------------------------------------------------- AffiliateService


def redirect_links(ds, params):
    # Return fields are undocumented; the v1 AffiliateRedirect fields in Keap's PascalCase are the
    # most plausible (ProgramIds as a comma string, like AffResource.ProgramIds).
    check_signature(params, (int,))
    return [_strip({"Id": r["id"], "AffiliateId": r["affiliate_id"], "Name": r["name"],
                    "LocalUrlCode": r["code"], "RedirectUrl": r["website_address"],
                    "ProgramIds": ",".join(str(p) for p in r["program_ids"]) or None})
            for r in ds.collections["redirect_links"] if r["affiliate_id"] == params[0]]


# --------------------------------------------------------------------------- AffiliateProgramService


def _program(p: dict) -> dict:
    # AffiliateId is non-zero only for a per-affiliate override program; the sandbox has none.
    return _strip({"Id": int(p["id"]), "Name": p["name"], "Priority": int(p["priority"]),
                   "Notes": p["notes"], "AffiliateId": 0})


def affiliate_programs(ds, params):
    check_signature(params, ())
    return [_program(p) for p in ds.commission_programs]


def programs_for_affiliate(ds, params):
    check_signature(params, (int,))
    return [_program(p) for p in ds.commission_programs if str(params[0]) in p["affiliate_ids"]]


def _contact_struct(ds, contact_id: int) -> dict:
    """The affiliate's Contact fields as DataService renders them (crm's Contact row, when built), or a
    minimal struct derived from the v2 contact."""
    if ds.tables.get("Contact"):
        row = contact_index(ds).get(contact_id)
        view = table_view(ds, "Contact")
        return {} if row is None else view.render(row, [field for field in row if field in view.fields])
    contact = next((c for c in ds.contacts if c["id"] == str(contact_id)), None)
    if contact is None:
        return {}
    emails = contact["email_addresses"]
    phones = contact["phone_numbers"]
    return _strip({"Id": contact_id, "FirstName": contact["given_name"], "LastName": contact["family_name"],
                   "Email": emails[0]["email"] if emails else None,
                   "Phone1": phones[0]["number"] if phones else None,
                   "DateCreated": xmlrpc_time(datetime.fromisoformat(contact["create_time"])),
                   "LastUpdated": xmlrpc_time(datetime.fromisoformat(contact["update_time"]))})


def affiliates_by_program(ds, params):
    """Affiliate fields + affiliate custom fields (``_Name``) + the contact's fields in one struct.

    Keap documents no rule for the clashing ``Id``; the affiliate's wins (the contact's id is the
    affiliate's ``ContactId``). Passwords are never returned.
    """
    check_signature(params, (int,))
    program = next((p for p in ds.commission_programs if p["id"] == str(params[0])), None)
    if program is None:
        return []
    ledger = ledger_for(ds)
    out = []
    for aff in program["affiliate_ids"]:
        row = ledger.affiliates.get(int(aff))
        if row is None:
            continue
        merged = _contact_struct(ds, row["ContactId"])
        merged.update(row)
        merged.pop("Password", None)
        out.append(_strip(merged))
    return out


def program_resources(ds, params):
    # Fields undocumented; the AffResource columns are the plausible answer (keap-xmlrpc.md §2.4).
    check_signature(params, (int,))
    return [dict(r) for r in ds.tables.get("AffResource", []) if str(params[0]) in r["ProgramIds"].split(",")]


METHODS = {
    "APIAffiliateService.affClawbacks": _windowed("clawbacks", _clawback),
    "APIAffiliateService.affCommissions": _windowed("commissions", _commission),
    "APIAffiliateService.affPayouts": _windowed("payouts", _payout),
    "APIAffiliateService.affRunningTotals": aff_running_totals,
    "APIAffiliateService.affSummary": aff_summary,
    "AffiliateService.getRedirectLinksForAffiliate": redirect_links,
    "AffiliateProgramService.getAffiliatePrograms": affiliate_programs,
    "AffiliateProgramService.getProgramsForAffiliate": programs_for_affiliate,
    "AffiliateProgramService.getAffiliatesByProgram": affiliates_by_program,
    "AffiliateProgramService.getResourcesForAffiliateProgram": program_resources,
}

"""The affiliate (referral partner) domain: affiliates, programs, commissions, clawbacks, payouts, links.

Built after :mod:`.crm` and :mod:`.ecommerce` (it reads their ``Invoice``/``OrderItem``/``User`` rows
when present and invents plausible invoice references when they are absent). Everything is a pure
function of the dataset; each object type draws from its own ``Random("<seed>:aff.<name>")`` stream.

Tables (rows exactly as in ``xmlrpc-tables.json``; absent key = NULL):

* ``Affiliate`` — one row per ``ds.affiliate_ids`` entry; ``ContactId`` is a real contact, ``AffName``
  is that contact's name. Custom-field values ride along as ``_Tier`` / ``_Region`` (Keap addresses
  custom fields as ``_<Name>``); their definitions are appended to ``DataFormField`` (FormId −3).
* ``Referral`` — who referred which contact (``Type`` 0 cookie / 1 permanent / 2 manual; ``DateSet``
  and ``DateExpires`` are Date fields, i.e. UTC midnight).
* ``AffResource`` — program resources (``ProgramIds`` is a comma string, ``ResourceOrder`` a string).

Collections:

* ``affiliate_created_ms``: ``{affiliate_id: epoch ms}`` (v2 ``date_created``; no legacy column).
* ``affiliate_custom_fields``: ``[{"id", "name", "label", "field_type", "options"}]`` (v2 model).
* ``commission_program_details``: ``{program_id: GetRestCommissionProgram dict}`` — the v2 detail of
  each ``ds.commission_programs`` entry (same id/name/priority/notes/create_time/affiliate_ids) plus
  ``default_commission``, ``product_commissions[]``, ``subscription_commissions[]``.
* ``commissions``: ``[{"affiliate_id", "invoice_id", "contact_id", "contact_first_name",
  "contact_last_name", "product_name", "subscription_plan_name", "description", "amount", "earned_ms",
  "sold_by_first_name", "sold_by_last_name"}]`` sorted by ``(earned_ms, affiliate_id, invoice_id)``;
  ints for ids, ``amount`` a float in dollars, names may be ``None``. No commission id (Keap has none).
* ``clawbacks``: same keys; ``amount`` is the (positive) amount taken back and ``earned_ms`` the
  refund time, after the commission it reverses. Same sort.
* ``affiliate_payouts``: ``[{"id", "affiliate_id", "pay_ms", "create_ms", "amount", "pay_type",
  "notes"}]`` sorted by ``(pay_ms, id)``; ``pay_type`` is the v2 enum (CHECK, CASH, ...).
* ``redirect_links``: ``[{"id", "affiliate_id", "name", "code", "website_address", "program_ids",
  "created_ms"}]`` sorted by id (``program_ids`` ints).
* ``resource_page_sizes``: ``{resource_id: (width, height)}`` for PAGE resources (no legacy column).

Invariants the facades rely on: payouts never exceed what was earned minus clawed back before them,
so ``balance = earned − clawbacks − payouts >= 0`` at every payout; all times are whole seconds
(XML-RPC dates carry no milliseconds) and strictly before ``ds.now``.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import datetime
from random import Random

from ..wire import from_ms, iso_ms
from .pools import DAY_MS, FAMILY_NAMES, GIVEN_NAMES, HISTORY_DAYS

AFFILIATE_FORM_ID = -3  # DataFormField.FormId of affiliate custom fields
# (name, label, field_type, options); DataFormField.DataType codes 21 (Select) and 15 (Text).
AFFILIATE_CUSTOM_FIELDS = (
    ("Tier", "Tier", "DROPDOWN", ("Bronze", "Silver", "Gold", "Platinum")),
    ("Region", "Region", "TEXT", ()),
)
_DATA_TYPE = {"DROPDOWN": 21, "TEXT": 15}
REGIONS = ("Northeast", "Southeast", "Midwest", "Southwest", "West Coast", "Canada", "UK", "Australia")
FALLBACK_PRODUCTS = (("Starter Course", 97.0), ("Pro Membership", 299.0), ("Coaching Session", 150.0),
                     ("Annual Subscription", 499.0), ("E-book Bundle", 29.0), ("Mastermind Seat", 1997.0),
                     ("Workshop Ticket", 249.0), ("Template Pack", 49.0))
FALLBACK_PLANS = (("Monthly Pro Plan", 49.0), ("Annual Pro Plan", 499.0), ("Quarterly Coaching", 397.0))
PAY_TYPES = ((60, "CHECK"), (20, "CREDIT"), (8, "CASH"), (6, "ADJUSTMENT"), (4, "MONEY_ORDER"),
             (2, "CREDIT_CARD_MANUAL"))
REFERRAL_SOURCES = ("Email Marketing", "Facebook", "Blog post", "Podcast", "YouTube", "Webinar",
                    "Instagram", "Word of mouth")
RESOURCE_KINDS = ("Banner", "Email", "Page")
LINK_TARGETS = ("https://www.example.com/offer", "https://shop.example.com/course",
                "https://www.example.com/webinar", "https://www.example.com/membership")
COMMISSION_SHARE = 0.10  # share of invoices an affiliate earns on, when invoices carry no affiliate
CLAWBACK_SHARE = 0.06
SECOND = 1000


def build(ds) -> None:
    rng_names = ("affiliates", "programs", "commissions", "clawbacks", "payouts", "links",
                 "resources", "referrals")
    rngs = {name: Random(f"{ds.seed}:aff.{name}") for name in rng_names}
    contacts = {int(c["id"]): c for c in ds.contacts}
    affiliates, created = _affiliates(ds, rngs["affiliates"], contacts)
    ds.tables["Affiliate"] = affiliates
    ds.collections["affiliate_created_ms"] = created
    ds.collections["affiliate_custom_fields"] = _custom_field_definitions(ds)
    ds.collections["commission_program_details"] = _program_details(ds, rngs["programs"])
    commissions = _commissions(ds, rngs["commissions"], contacts, affiliates)
    ds.collections["commissions"] = commissions
    _created_before_first_sale(created, commissions)
    clawbacks = _clawbacks(ds, rngs["clawbacks"], commissions)
    ds.collections["clawbacks"] = clawbacks
    ds.collections["affiliate_payouts"] = _payouts(ds, rngs["payouts"], commissions, clawbacks)
    ds.collections["redirect_links"] = _redirect_links(ds, rngs["links"], affiliates)
    resources, sizes = _resources(ds, rngs["resources"])
    ds.tables["AffResource"] = resources
    ds.collections["resource_page_sizes"] = sizes
    ds.tables["Referral"] = _referrals(ds, rngs["referrals"], commissions, contacts)


# --------------------------------------------------------------------------- time helpers


def _whole_second(ms: int) -> int:
    return ms - ms % SECOND


def _past_ms(ds, rng: Random, *, not_before: int | None = None) -> int:
    """A moment over the history, denser towards now; ~10% fall in the last 7 days."""
    now = ds.now_ms
    if rng.random() < 0.10:
        moment = now - 1 - int(7 * DAY_MS * rng.random() ** 2)
    else:
        moment = now - 1 - int(HISTORY_DAYS * DAY_MS * rng.random() ** 1.6)
    if not_before is not None and moment < not_before:
        moment = not_before + int((now - 1 - not_before) * rng.random())
    return _whole_second(moment)


def _midnight(ms: int) -> datetime:
    return from_ms(ms - ms % DAY_MS)


# --------------------------------------------------------------------------- affiliates


def _affiliates(ds, rng: Random, contacts: dict[int, dict]) -> tuple[list[dict], dict[int, int]]:
    contact_ids = sorted(contacts)
    count = len(ds.affiliate_ids)
    chosen = rng.sample(contact_ids, k=min(count, len(contact_ids))) if contact_ids else []
    rows, created = [], {}
    for index, aff_id in enumerate(int(a) for a in ds.affiliate_ids):
        contact = contacts[chosen[index % len(chosen)]] if chosen else None
        given = (contact or {}).get("given_name") or GIVEN_NAMES[index % len(GIVEN_NAMES)]
        family = (contact or {}).get("family_name") or FAMILY_NAMES[index % len(FAMILY_NAMES)]
        sale_percent = rng.choice((0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0))
        row = {
            "Id": aff_id,
            "ContactId": int(contact["id"]) if contact else 0,
            "AffName": f"{given} {family}",
            "AffCode": f"{given[:1]}{family}{aff_id}".upper().replace("'", "").replace(" ", ""),
            "Status": 0 if rng.random() < 0.15 else 1,
            "ParentId": rng.randint(1, aff_id - 1) if aff_id > 1 and rng.random() < 0.2 else 0,
            "LeadCookieFor": rng.choice((0, 30, 60, 90, 365)),
            "NotifyLead": int(rng.random() < 0.5),
            "NotifySale": int(rng.random() < 0.7),
            "PayoutType": rng.choice((4, 5)),
            "DefCommissionType": rng.choice((2, 3)),
            "SalePercent": sale_percent,
            "SaleAmt": 0.0 if sale_percent else float(rng.choice((5, 10, 25))),
            "LeadPercent": 0.0,
            "LeadAmt": float(rng.choice((0, 0, 1, 2))),
            "_Tier": rng.choice(AFFILIATE_CUSTOM_FIELDS[0][3]),
        }
        if rng.random() < 0.6:
            row["_Region"] = rng.choice(REGIONS)
        rows.append(row)
        contact_created = _contact_created_ms(contact, ds)
        created[aff_id] = _past_ms(ds, rng, not_before=contact_created)
    return rows, created


def _created_before_first_sale(created: dict[int, int], commissions: list[dict]) -> None:
    """An affiliate exists before it earns: pull its creation to a day before its first sale."""
    for c in commissions:  # time-ordered, so the first hit per affiliate is its first sale
        aff = c["affiliate_id"]
        if created[aff] >= c["earned_ms"] - DAY_MS:
            created[aff] = max(c["earned_ms"] - DAY_MS - 1000 * (aff % 86_400), 0)


def _contact_created_ms(contact: dict | None, ds) -> int:
    if not contact:
        return ds.now_ms - HISTORY_DAYS * DAY_MS
    return int(datetime.fromisoformat(contact["create_time"].replace("Z", "+00:00")).timestamp() * 1000)


def _custom_field_definitions(ds) -> list[dict]:
    """Adds the DataFormField rows (after crm's, ids above theirs) and returns the v2-model view."""
    form_fields = ds.tables.setdefault("DataFormField", [])
    next_id = max((row.get("Id", 0) for row in form_fields), default=0) + 1
    out = []
    for offset, (name, label, field_type, options) in enumerate(AFFILIATE_CUSTOM_FIELDS):
        field_id = next_id + offset
        row = {"Id": field_id, "FormId": AFFILIATE_FORM_ID, "Name": name, "Label": label,
               "DataType": _DATA_TYPE[field_type], "ListRows": 0}
        if options:
            row["Values"] = "\n".join(options)
        form_fields.append(row)
        out.append({"id": field_id, "name": name, "label": label, "field_type": field_type,
                     "options": list(options)})
    return out


# --------------------------------------------------------------------------- programs


def _products(ds) -> list[tuple[int, str, float]]:
    rows = ds.tables.get("Product") or []
    found = [(r["Id"], r.get("ProductName") or f"Product {r['Id']}", float(r.get("ProductPrice") or 0.0))
             for r in rows if "Id" in r]
    if found:
        return found
    return [(i + 1, name, price) for i, (name, price) in enumerate(FALLBACK_PRODUCTS)]


def _plans(ds) -> list[tuple[int, str, float]]:
    rows = ds.tables.get("SubscriptionPlan") or []
    names = {p[0]: p[1] for p in _products(ds)}
    found = [(r["Id"], f"{names.get(r.get('ProductId'), 'Subscription')} plan", float(r.get("PlanPrice") or 0.0))
             for r in rows if "Id" in r]
    if found:
        return found
    return [(i + 1, name, price) for i, (name, price) in enumerate(FALLBACK_PLANS)]


def _commission_rule(rng: Random) -> dict:
    """The rate fields shared by DefaultCommission / ProductCommission / SubscriptionCommission."""
    percent = float(rng.choice((5, 10, 15, 20, 25, 30)))
    return {
        "payout_type": rng.choice(("UPFRONT", "PAYMENT_RECEIVED")),
        "dollar_amount": 0.0,
        "percentage": percent,  # deprecated mirror of level_1.sale_percent
        "unused": {"sale_percent": 0.0, "sale_amount": 0.0, "lead_percent": 0.0, "lead_amount": 0.0},
        "level_1": {"sale_percent": percent, "sale_amount": 0.0, "lead_percent": 0.0,
                    "lead_amount": float(rng.choice((0, 1, 2)))},
        "level_2": {"sale_percent": float(rng.choice((0, 2, 5))), "sale_amount": 0.0,
                    "lead_percent": 0.0, "lead_amount": 0.0},
    }


def _program_details(ds, rng: Random) -> dict[int, dict]:
    products, plans = _products(ds), _plans(ds)
    details = {}
    for program in ds.commission_programs:
        picked = rng.sample(products, k=min(len(products), rng.randint(0, 3)))
        picked_plans = rng.sample(plans, k=min(len(plans), rng.randint(0, 2)))
        detail = dict(program)
        detail["default_commission"] = _commission_rule(rng)
        detail["product_commissions"] = [
            dict(_commission_rule(rng), product_id=str(pid), product_name=name, product_price=price)
            for pid, name, price in sorted(picked)]
        detail["subscription_commissions"] = [
            dict(_commission_rule(rng), name=name, subscription_id=str(pid), plan_price=price)
            for pid, name, price in sorted(picked_plans)]
        details[int(program["id"])] = detail
    return details


# --------------------------------------------------------------------------- commissions


def _user_names(ds) -> dict[int, tuple[str, str]]:
    rows = ds.tables.get("User") or []
    if rows:
        return {r["Id"]: (r.get("FirstName"), r.get("LastName")) for r in rows if "Id" in r}
    # No crm users yet: name the dataset's user ids deterministically.
    return {int(u): (GIVEN_NAMES[(7 * int(u)) % len(GIVEN_NAMES)], FAMILY_NAMES[(11 * int(u)) % len(FAMILY_NAMES)])
            for u in ds.user_ids}


def _invoice_products(ds) -> dict[int, str]:
    """JobId -> first order line's name, when ecommerce built OrderItem rows."""
    names: dict[int, str] = {}
    for item in ds.tables.get("OrderItem") or []:
        order_id, name = item.get("OrderId"), item.get("ItemName")
        if order_id is not None and name and order_id not in names:
            names[order_id] = name
    return names


def _sales(ds, rng: Random, contacts: dict[int, dict], affiliate_ids: list[int]) -> list[tuple]:
    """(affiliate_id, invoice_id, contact_id, earned_ms, invoice_total, product_name) per sale."""
    invoices = ds.tables.get("Invoice") or []
    if invoices:
        return _sales_from_invoices(ds, rng, invoices, affiliate_ids)
    return _invented_sales(ds, rng, contacts, affiliate_ids)


def _sales_from_invoices(ds, rng: Random, invoices: list[dict], affiliate_ids: list[int]) -> list[tuple]:
    known = set(affiliate_ids)
    attributed = any(inv.get("AffiliateId") in known for inv in invoices)
    products = _invoice_products(ds)
    weights = _affiliate_weights(rng, affiliate_ids)
    out = []
    for inv in invoices:
        when = inv.get("DateCreated")
        if "Id" not in inv or not isinstance(when, datetime):
            continue
        if attributed:
            aff = inv.get("AffiliateId")
            if aff not in known:
                continue
        elif rng.random() < COMMISSION_SHARE:
            aff = _pick_affiliate(rng, weights)
        else:
            continue
        name = products.get(inv.get("JobId")) or inv.get("Description") or rng.choice(FALLBACK_PRODUCTS)[0]
        total = float(inv.get("InvoiceTotal") or rng.choice(FALLBACK_PRODUCTS)[1])
        earned = _whole_second(min(int(when.timestamp() * 1000), ds.now_ms - 1))
        out.append((aff, inv["Id"], inv.get("ContactId"), earned, total, name))
    return out


def _invented_sales(ds, rng: Random, contacts: dict[int, dict], affiliate_ids: list[int]) -> list[tuple]:
    # Buyers must exist when they buy: pick among contacts created before the sale (ISO strings sort).
    by_creation = sorted((c["create_time"], cid) for cid, c in contacts.items())
    creation_keys = [t for t, _ in by_creation]
    if not by_creation:
        return []
    weights = _affiliate_weights(rng, affiliate_ids)
    # Invoice ids well above anything a small ecommerce domain would use, in creation order.
    count = max(10, ds.scale // 5)
    times = sorted(_past_ms(ds, rng) for _ in range(count))
    out, invoice_id = [], 100_000
    for earned in times:
        invoice_id += 1 + int(rng.random() * 40)
        name, price = rng.choice(FALLBACK_PRODUCTS)
        existing = bisect.bisect_right(creation_keys, iso_ms(earned)) or 1
        buyer = by_creation[int(rng.random() * existing)][1]
        out.append((_pick_affiliate(rng, weights), invoice_id, buyer, earned, price, name))
    return out


def _affiliate_weights(rng: Random, affiliate_ids: list[int]) -> tuple[list[float], list[int]]:
    """A few affiliates sell most (Pareto-ish weights), as in real programs."""
    total, cumulative = 0.0, []
    for _ in affiliate_ids:
        total += rng.paretovariate(1.2)
        cumulative.append(total)
    return [c / total for c in cumulative], affiliate_ids


def _pick_affiliate(rng: Random, weights) -> int:
    cumulative, ids = weights
    return ids[min(bisect.bisect_right(cumulative, rng.random()), len(ids) - 1)]


def _commissions(ds, rng: Random, contacts: dict[int, dict], affiliates: list[dict]) -> list[dict]:
    if not affiliates:
        return []
    rates = {a["Id"]: (a["SalePercent"], a["SaleAmt"]) for a in affiliates}
    users = _user_names(ds)
    plans = [p[1] for p in _plans(ds)]
    out = []
    for aff, invoice_id, contact_id, earned, total, product in _sales(ds, rng, contacts, list(rates)):
        percent, flat = rates[aff]
        amount = round(total * percent / 100, 2) if percent else flat
        if amount <= 0:
            continue
        contact = contacts.get(contact_id) if contact_id is not None else None
        owner = contact.get("owner_id") if contact else None
        sold_by = users.get(int(owner), (None, None)) if owner else (None, None)
        out.append({
            "affiliate_id": aff,
            "invoice_id": invoice_id,
            "contact_id": contact_id,
            "contact_first_name": contact.get("given_name") if contact else None,
            "contact_last_name": contact.get("family_name") if contact else None,
            "product_name": product,
            "subscription_plan_name": rng.choice(plans) if plans and rng.random() < 0.2 else None,
            "description": f"{percent:g}% of {product}" if percent else f"Flat commission on {product}",
            "amount": amount,
            "earned_ms": earned,
            "sold_by_first_name": sold_by[0],
            "sold_by_last_name": sold_by[1],
        })
    out.sort(key=_commission_key)
    return out


def _commission_key(c: dict) -> tuple:
    return c["earned_ms"], c["affiliate_id"], c["invoice_id"]


def _clawbacks(ds, rng: Random, commissions: list[dict]) -> list[dict]:
    """Refunded orders: a share of commissions is reversed 1–60 days later (never in the future)."""
    out = []
    for commission in commissions:
        if rng.random() >= CLAWBACK_SHARE:
            continue
        later = commission["earned_ms"] + int(DAY_MS * (1 + 59 * rng.random()))
        if later >= ds.now_ms:
            continue
        out.append(dict(commission, earned_ms=_whole_second(later),
                        description=f"Refund: {commission['product_name']}"))
    out.sort(key=_commission_key)
    return out


def _payouts(ds, rng: Random, commissions: list[dict], clawbacks: list[dict]) -> list[dict]:
    """Every 1–3 months an affiliate is paid most of the balance accrued so far (if worth paying)."""
    ledger: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for c in commissions:
        ledger[c["affiliate_id"]].append((c["earned_ms"], c["amount"]))
    for c in clawbacks:
        ledger[c["affiliate_id"]].append((c["earned_ms"], -c["amount"]))
    pay_types = [t for w, t in PAY_TYPES for _ in range(w)]
    raw = []
    for aff in sorted(ledger):
        entries = sorted(ledger[aff])
        moment, balance, index = entries[0][0], 0.0, 0
        while True:
            moment += int(DAY_MS * (30 + 60 * rng.random()))
            if moment >= ds.now_ms:
                break
            while index < len(entries) and entries[index][0] < moment:
                balance += entries[index][1]
                index += 1
            if balance < 25:
                continue
            amount = round(balance if rng.random() < 0.7 else balance * 0.5, 2)
            balance = round(balance - amount, 2)
            pay_ms = _whole_second(moment)
            raw.append((pay_ms, aff, amount, rng.choice(pay_types), rng.random()))
    raw.sort()
    out = []
    for number, (pay_ms, aff, amount, pay_type, roll) in enumerate(raw, start=1):
        out.append({"id": number, "affiliate_id": aff, "pay_ms": pay_ms,
                    "create_ms": min(pay_ms + int(roll * 3600) * SECOND, _whole_second(ds.now_ms - 1)),
                    "amount": amount, "pay_type": pay_type,
                    "notes": "Commission payout" if roll < 0.8 else None})
    return out


# --------------------------------------------------------------------------- links, resources, referrals


def _programs_of(ds) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for program in ds.commission_programs:
        for aff in program["affiliate_ids"]:
            out[int(aff)].append(int(program["id"]))
    return out


def _redirect_links(ds, rng: Random, affiliates: list[dict]) -> list[dict]:
    programs_of, created = _programs_of(ds), ds.collections["affiliate_created_ms"]
    out, next_id = [], 1
    for row in affiliates:
        for slot in range(int(rng.random() ** 2 * 4)):
            target = rng.choice(LINK_TARGETS)
            programs = programs_of.get(row["Id"], [])
            out.append({
                "id": next_id, "affiliate_id": row["Id"],
                "name": f"{target.rsplit('/', 1)[-1].title()} link {slot + 1}",
                "code": f"{row['AffCode'][:6].lower()}{next_id}",
                "website_address": f"{target}?src={row['AffCode'].lower()}",
                "program_ids": sorted(rng.sample(programs, k=min(len(programs), rng.randint(0, 2)))),
                "created_ms": _past_ms(ds, rng, not_before=created[row["Id"]]),
            })
            next_id += 1
    return out


def _resources(ds, rng: Random) -> tuple[list[dict], dict[int, tuple[int, int]]]:
    rows, sizes, next_id = [], {}, 1
    program_ids = [int(p["id"]) for p in ds.commission_programs]
    for program_id in program_ids:
        for order in range(rng.randint(1, 3)):
            kind = rng.choice(RESOURCE_KINDS)
            extra = [p for p in program_ids if p != program_id and rng.random() < 0.1]
            row = {"Id": next_id, "Title": f"{kind} {order + 1} for program {program_id}",
                   "ProgramIds": ",".join(str(p) for p in sorted([program_id, *extra])),
                   "ResourceType": kind, "ResourceOrder": str(order)}
            if rng.random() < 0.5:
                row["Notes"] = f"Use this {kind.lower()} in your promotions"
            if kind == "Banner":
                row["ResourceHREF"] = f"https://cdn.example.com/banners/{next_id}.png"
            else:
                row["ResourceHTML"] = f"<h1>{kind} {next_id}</h1><p>Join through my link!</p>"
            if kind == "Page":
                sizes[next_id] = rng.choice(((728, 90), (300, 250), (1024, 768)))
            rows.append(row)
            next_id += 1
    return rows, sizes


def _referrals(ds, rng: Random, commissions: list[dict], contacts: dict[int, dict]) -> list[dict]:
    """A buyer was usually referred by the affiliate shortly before; plus stray clicks that never bought."""
    seen, pairs = set(), []
    for c in commissions:
        key = (c["affiliate_id"], c["contact_id"])
        if c["contact_id"] is None or key in seen or rng.random() >= 0.6:
            continue
        seen.add(key)
        pairs.append((max(c["earned_ms"] - int(DAY_MS * 30 * rng.random()), 0), *key))
    affiliate_ids = [int(a) for a in ds.affiliate_ids]
    contact_ids = sorted(contacts)
    for _ in range(ds.scale // 40 if contact_ids else 0):
        key = (rng.choice(affiliate_ids), rng.choice(contact_ids))
        if key not in seen:
            seen.add(key)
            pairs.append((_past_ms(ds, rng), *key))
    pairs.sort()
    rows = []
    for number, (moment, aff, contact_id) in enumerate(pairs, start=1):
        kind = 0 if rng.random() < 0.8 else rng.choice((1, 2))
        row = {"Id": number, "AffiliateId": aff, "ContactId": contact_id, "DateSet": _midnight(moment),
               "Type": kind, "Source": rng.choice(REFERRAL_SOURCES)}
        if kind == 0:
            row["DateExpires"] = _midnight(moment + 90 * DAY_MS)
            row["IPAddress"] = f"198.51.100.{int(rng.random() * 254) + 1}"
        if rng.random() < 0.3:
            row["Info"] = "Referred via affiliate link"
        rows.append(row)
    return rows


__all__ = ["build"]

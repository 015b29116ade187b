"""Ground truth per report, read from the sandbox's dataset (its canonical tables and collections), never
from the sandbox's REST renderers nor from the pipeline: what each report instance must store.

Each function takes the dataset, the instance's validated parameters and the run's days (range reports),
and returns ``{primary key tuple: {column: expected value}}`` — the key set must match exactly, and the
listed columns must hold those values. Keys and values are typed as the warehouse returns them.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Callable

ALL = "all"
Truth = dict[tuple, dict[str, Any]]


def utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def day_of(value: datetime | int) -> date:
    return (utc(value) if isinstance(value, int) else value.astimezone(timezone.utc)).date()


def chosen(params: dict, name: str, every: list[int]) -> list[int]:
    value = params.get(name, ALL)
    return every if value == ALL else [int(v) for v in value]


def email_of(contact: dict, field: str = "EMAIL1") -> str | None:
    return next((e["email"] for e in contact.get("email_addresses") or () if e["field"] == field), None)


def affiliate_ids(ds) -> list[int]:
    return [row["Id"] for row in ds.tables["Affiliate"]]


def program_ids(ds) -> list[int]:
    return [int(p["id"]) for p in ds.commission_programs]


# -- contacts ---------------------------------------------------------------------------------------------

def contacts(ds, params, days) -> Truth:
    return {(int(c["id"]),): {"email": email_of(c), "update_time": datetime.fromisoformat(c["update_time"])}
            for c in ds.contacts if datetime.fromisoformat(c["update_time"]).date() in days}


def contacts_by_email(ds, params, days) -> Truth:
    out = {}
    for address in params["emails"]:
        for c in ds.contacts:
            if any((e.get("email") or "").lower() == address.lower() for e in c.get("email_addresses") or ()):
                out[(address, int(c["id"]))] = {"family_name": c.get("family_name")}
    return out


def contacts_by_id(ds, params, days) -> Truth:
    wanted = set(params["contact_ids"])
    return {(int(c["id"]),): {"email": email_of(c)} for c in ds.contacts if int(c["id"]) in wanted}


def contacts_by_tags(ds, params, days) -> Truth:
    tags = chosen(params, "tag_ids", [row["Id"] for row in ds.tables["ContactGroup"]])
    out = {}
    for tag in tags:
        for a in ds.collections["tag_applications"].get(tag, ()):
            if day_of(a["DateCreated"]) in days:
                out[(tag, a["ContactId"])] = {"applied_time": a["DateCreated"]}
    return out


# -- affiliates -------------------------------------------------------------------------------------------

def _ledger(ds, name, params, days, time_field="earned_ms") -> list[dict]:
    wanted = set(chosen(params, "affiliate_ids", affiliate_ids(ds)))
    return [c for c in ds.collections[name] if c["affiliate_id"] in wanted and day_of(c[time_field]) in days]


def affiliate_clawbacks(ds, params, days) -> Truth:
    return {(c["affiliate_id"], c["invoice_id"], c["product_name"], utc(c["earned_ms"]), c["amount"]):
            {"contact_id": c["contact_id"]} for c in _ledger(ds, "clawbacks", params, days)}


def affiliate_commissions(ds, params, days) -> Truth:
    return {(c["affiliate_id"], c["invoice_id"], c["product_name"], utc(c["earned_ms"]), c["amount"]):
            {"contact_id": c["contact_id"], "description": c["description"]}
            for c in _ledger(ds, "commissions", params, days)}


def affiliate_payments(ds, params, days) -> Truth:
    return {(p["id"],): {"affiliate_id": p["affiliate_id"], "pay_amount": p["amount"], "pay_date": utc(p["pay_ms"])}
            for p in _ledger(ds, "affiliate_payouts", params, days, "pay_ms")}


def affiliate_redirect_links(ds, params, days) -> Truth:
    wanted = set(chosen(params, "affiliate_ids", affiliate_ids(ds)))
    return {(link["id"],): {"affiliate_id": link["affiliate_id"], "code": link["code"]}
            for link in ds.collections["redirect_links"] if link["affiliate_id"] in wanted}


def _sums(ds, affiliate: int, day: date | None) -> tuple[float, float, float]:
    def total(name, field="earned_ms"):
        return round(sum(x["amount"] for x in ds.collections[name] if x["affiliate_id"] == affiliate
                         and (day is None or day_of(x[field]) == day)), 2)

    return total("commissions"), total("clawbacks"), total("affiliate_payouts", "pay_ms")


def affiliate_summary(ds, params, days) -> Truth:
    out = {}
    for affiliate in chosen(params, "affiliate_ids", affiliate_ids(ds)):
        for day in days:
            earned, clawed, paid = _sums(ds, affiliate, day)
            out[(affiliate, day)] = {"amount_earned": earned, "clawbacks": clawed,
                                     "balance": round(earned - clawed - paid, 2)}
    return out


def affiliate_running_totals(ds, params, days) -> Truth:
    out = {}
    for affiliate in chosen(params, "affiliate_ids", affiliate_ids(ds)):
        earned, clawed, paid = _sums(ds, affiliate, None)
        out[(affiliate,)] = {"amount_earned": earned, "clawbacks": clawed, "payments": paid,
                             "running_balance": round(earned - clawed - paid, 2)}
    return out


def affiliate_programs(ds, params, days) -> Truth:
    return {(int(p["id"]),): {"name": p["name"]} for p in ds.commission_programs}


def affiliate_programs_of_affiliate(ds, params, days) -> Truth:
    out = {}
    for affiliate in chosen(params, "affiliate_ids", affiliate_ids(ds)):
        for p in ds.commission_programs:
            if str(affiliate) in p["affiliate_ids"]:
                out[(affiliate, int(p["id"]))] = {"name": p["name"]}
    return out


def affiliates_of_program(ds, params, days) -> Truth:
    rows = {row["Id"]: row for row in ds.tables["Affiliate"]}
    contacts_by_id = {int(c["id"]): c for c in ds.contacts}
    out = {}
    for program in chosen(params, "program_ids", program_ids(ds)):
        details = ds.collections["commission_program_details"][program]
        for affiliate in map(int, details["affiliate_ids"]):
            contact = contacts_by_id.get(rows[affiliate]["ContactId"], {})
            out[(program, affiliate)] = {"affiliate_code": rows[affiliate].get("AffCode"),
                                         "contact_id": rows[affiliate]["ContactId"],
                                         "contact_email": email_of(contact)}
    return out


def affiliate_program_resources(ds, params, days) -> Truth:
    out = {}
    for program in chosen(params, "program_ids", program_ids(ds)):
        for row in ds.tables["AffResource"]:
            if str(program) in row["ProgramIds"].split(","):
                out[(program, row["Id"])] = {"title": row.get("Title")}
    return out


# -- discounts --------------------------------------------------------------------------------------------

def _discounts(kind: str) -> Callable:
    def truth(ds, params, days) -> Truth:
        found = ds.collections["discounts"].get(kind, [])
        wanted = {d["id"] for d in found} if params.get("discount_ids", ALL) == ALL else set(params["discount_ids"])
        return {(d["id"],): {"name": d["name"]} for d in found if d["id"] in wanted}
    return truth


def discount_category_assignments(ds, params, days) -> Truth:
    found = ds.collections["discounts"].get("category", [])
    wanted = {d["id"] for d in found} if params.get("discount_ids", ALL) == ALL else set(params["discount_ids"])
    return {(d["id"], a["product_category_id"]): {"discount_name": d["name"]}
            for d in found if d["id"] in wanted for a in d["assignments"]}


# -- commerce ---------------------------------------------------------------------------------------------

def get_file(ds, params, days) -> Truth:
    rows = {row["Id"]: row for row in ds.tables["FileBox"]}
    wanted = list(rows) if params["file_ids"] == ALL else params["file_ids"]
    return {(f,): {"file_name": rows[f]["FileName"], "data": ds.collections["file_data"][f]} for f in wanted}


def invoice_amount_due(ds, params, days) -> Truth:
    rows = {row["Id"]: row for row in ds.tables["Invoice"]}
    wanted = list(rows) if params["invoice_ids"] == ALL else params["invoice_ids"]
    return {(i,): {"order_id": rows[i]["JobId"], "total_due": Decimal(str(rows[i]["TotalDue"])).quantize(Decimal("0.0001"))}
            for i in wanted}


def invoice_payment_options(ds, params, days) -> Truth:
    return {(name,): {} for name in ds.collections["app_settings"]["payment_types"]}


def invoice_payments(ds, params, days) -> Truth:
    invoices = {row["Id"]: row for row in ds.tables["Invoice"]}
    wanted = None if params.get("invoice_ids", ALL) == ALL else set(params["invoice_ids"])
    times = ds.collections["ecommerce_times"]["payment"]
    return {(p["Id"],): {"amount": p["PayAmt"], "contact_id": p["ContactId"]}
            for p in ds.tables["Payment"] if day_of(times[p["Id"]]) in days
            and (wanted is None or p["InvoiceId"] in wanted) and p["InvoiceId"] in invoices}


def shipping_options(ds, params, days) -> Truth:
    return {(o["id"],): {"name": o["name"]} for o in ds.collections["shipping_options"]}


def product_inventory(ds, params, days) -> Truth:
    rows = {row["Id"]: row for row in ds.tables["Product"]}
    wanted = list(rows) if params.get("product_ids", ALL) == ALL else params["product_ids"]
    return {(p,): {"inventory_count": ds.collections["product_inventory"][p]} for p in wanted}


def webforms(ds, params, days) -> Truth:
    return {(f["id"],): {"name": f["name"]} for f in ds.collections["webforms"]}


def _searches(ds, params) -> list[int]:
    searches = ds.collections["saved_searches"]
    names = {row["Id"]: row["FilterName"] for row in ds.tables["SavedFilter"]}
    value = params.get("saved_searches", ALL)
    if value == ALL:
        return list(searches)
    out = []
    for v in value:
        if v == "*":
            out += list(searches)
        elif isinstance(v, int):
            out.append(v)
        else:
            out += [i for i, name in names.items() if name.lower() == v.lower()]
    return out


def search_available_fields(ds, params, days) -> Truth:
    return {(s, name): {"label": label} for s in _searches(ds, params)
            for name, label in ds.collections["saved_searches"][s]["columns"].items()}


def saved_search(ds, params, days) -> Truth:
    """Rows are keyed by their place in Keap's answer: the row count per search must match."""
    return {(s, n): {} for s in _searches(ds, params)
            for n in range(1, len(ds.collections["saved_searches"][s]["contact_ids"]) + 1)}


TRUTH: dict[str, Callable[[Any, dict, list[date]], Truth]] = {
    "contacts": contacts, "contacts_by_email": contacts_by_email, "contacts_by_id": contacts_by_id,
    "contacts_by_tags": contacts_by_tags,
    "affiliate_clawbacks": affiliate_clawbacks, "affiliate_commissions": affiliate_commissions,
    "affiliate_payments": affiliate_payments, "affiliate_redirect_links": affiliate_redirect_links,
    "affiliate_summary": affiliate_summary, "affiliate_running_totals": affiliate_running_totals,
    "affiliate_programs": affiliate_programs, "affiliate_programs_of_affiliate": affiliate_programs_of_affiliate,
    "affiliates_of_program": affiliates_of_program, "affiliate_program_resources": affiliate_program_resources,
    "discount_category": _discounts("category"), "discount_category_assignments": discount_category_assignments,
    "discount_order_total": _discounts("order_total"), "discount_product_total": _discounts("product"),
    "discount_shipping": _discounts("shipping"), "discount_free_trial": _discounts("free_trial"),
    "get_file": get_file, "invoice_amount_due": invoice_amount_due,
    "invoice_payment_options": invoice_payment_options, "invoice_payments": invoice_payments,
    "invoice_shipping_options": shipping_options, "shipping_options": shipping_options,
    "product_inventory": product_inventory, "webforms": webforms,
    "search_available_fields": search_available_fields, "saved_search": saved_search, "saved_search_new": saved_search,
}


def busiest_days(truth_of_day: Callable[[list[date]], Truth], candidates: list[date], width: int = 3) -> list[date]:
    """``width`` consecutive days ending at the candidate day with the most expected rows (recent first on
    ties), so a range report's test window holds data."""
    counts = {d: len(truth_of_day([d])) for d in candidates}
    best = max(candidates, key=lambda d: (counts[d], d))
    index = candidates.index(best)
    start = max(0, min(index - width + 1, len(candidates) - width))
    return candidates[start:start + width]


# -- legacy tables and XML-RPC-only reports ----------------------------------------------------------------

def legacy_value(value: Any, column_type: str) -> Any:
    """A dataset value as the warehouse holds it: Date fields a day, times to the second (XML-RPC has no
    milliseconds; REST keeps them, so both are compared to the second), ids and numbers as they are."""
    if isinstance(value, datetime):
        return value.date() if column_type == "DATE" else value.replace(microsecond=0)
    return value


def compared_columns(spec) -> dict[str, str]:
    """The columns a table instance must fill from the dataset: every one its transport serves (for every
    row: a column one of a table's REST lists lacks is not compared)."""
    return {c.name: c.type for c in spec.columns
            if c.name != "record_id" and "not served by REST" not in c.description}


def _legacy_rows(ds, spec, rows) -> Truth:
    from infusionsoft_assets.catalog.tables import TABLES

    table = TABLES[spec.table]
    columns = compared_columns(spec)
    contacts = {c["Id"]: c for c in ds.tables.get("Contact", [])}

    def value(row: dict, name: str) -> Any:
        if "." in name:  # ContactGroupAssign's Contact.X: the tagged contact's X (Keap joins it)
            return (contacts.get(row["ContactId"]) or {}).get(name.split(".", 1)[1])
        return row.get(name)

    return {tuple(r[k] for k in table.key): {name: legacy_value(value(r, name), kind) for name, kind in columns.items()}
            for r in rows}


def data_table(ds, params, days, spec=None) -> Truth:
    from infusionsoft_assets.catalog.tables import TABLES

    table = TABLES[params["table"]]
    field = spec.partition_field
    rows = [r for r in ds.tables.get(table.name, [])
            if field is None or (r.get(field) is not None and day_of(r[field]) in days)]
    return _legacy_rows(ds, spec, rows)


def data_record(ds, params, days, spec=None) -> Truth:
    from infusionsoft_assets.catalog.tables import TABLES

    table = TABLES[params["table"]]
    wanted = set(params["ids"])
    truth = _legacy_rows(ds, spec, [r for r in ds.tables[table.name] if r["Id"] in wanted])
    return {(key[0],): values for key, values in truth.items()}  # keyed by the id asked for


def _shipping(kind: str) -> Callable:
    def truth(ds, params, days) -> Truth:
        found = [o for o in ds.collections["shipping_options"] if o["type"] == kind]
        wanted = {o["id"] for o in found} if params.get("option_ids", ALL) == ALL else set(params["option_ids"])
        return {(o["id"],): {"name": o["name"], "active": o["active"]} for o in found if o["id"] in wanted}
    return truth


def shipping_order_ranges(ds, params, days) -> Truth:
    found = [o for o in ds.collections["shipping_options"] if o["type"] == "OrderTotal"]
    wanted = {o["id"] for o in found} if params.get("option_ids", ALL) == ALL else set(params["option_ids"])
    return {(o["id"], r["id"]): {"price": r["price"]} for o in found if o["id"] in wanted for r in o["ranges"]}


TRUTH.update({
    "data_table": data_table, "data_record": data_record,
    "shipping_flat_rate": _shipping("Flat"), "shipping_order_quantity": _shipping("Quantity"),
    "shipping_order_total": _shipping("OrderTotal"), "shipping_product_based": _shipping("Product"),
    "shipping_ups": _shipping("UPS"), "shipping_weight_based": _shipping("Weight"),
    "shipping_order_ranges": shipping_order_ranges,
})
#: Reports whose truth needs the instance's own spec (its table's columns and partition field).
NEEDS_SPEC = {"data_table", "data_record"}

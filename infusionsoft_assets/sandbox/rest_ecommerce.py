"""REST v2 and v1 endpoints of the e-commerce domain, rendered from :mod:`.data_ecommerce` tables.

Every record is derived from the legacy rows in ``dataset.tables`` (plus the documented
``dataset.collections``), so an order, invoice or payment has the same number in v2 (as a string),
v1 and XML-RPC. Shapes follow the SDK models of ``keap-core-v2-sdk`` 2.0.26 (v2) and the v1 OpenAPI
file (v1): v2 money on orders/products/plans is a ``CurrencyValue`` in minor units, elsewhere
(payments, transactions, subscriptions, discounts) a plain double; v1 money is always a double.

Windows (sandbox choices where Keap documents no bound semantics):

* v2 ``*_since_time`` / ``since_time`` keep ``time >= T`` and ``*_until_time`` / ``until_time`` keep
  ``time < T`` (half-open, like contacts' ``start/end_update_time``). Orders window on
  ``creation_time`` (created_*) and ``modification_time`` (modified_*); payments on
  ``payment_time``; transactions on ``transaction_time``; payment methods on ``created_time``.
* v1 ``since``/``until`` are inclusive on both ends (Keap documents "inclusive" for v1 affiliate
  reports); ``/v1/orders`` windows on ``modification_date``, ``/v1/transactions`` on
  ``transaction_date``.
"""

from __future__ import annotations

from starlette.responses import Response

from .dataset import Dataset, iso_ms, to_ms
from .rest_v1 import V1List, v1_filter_window, v1_int, v1_time, v1_where_ints
from .rest_v2 import (
    BOOL, DECIMAL, EXACT, LIST, NUMBER, NUMBER_OPS, TIME, WILDCARD, ApiError, ListResource, compact_json,
    json_response, list_fields, matches_text, parse_time_ms,
)

V2 = "/rest/v2"
V1 = "/rest/v1"


# --------------------------------------------------------------------------- generic list machinery


class Records(ListResource):
    """A v2 list over prebuilt records: ``filters`` maps a filter name to ``(kind, predicate maker)``.

    A predicate maker takes a :class:`Condition` and returns ``record -> bool``; ``orders`` maps an
    ``order_by`` field to a sort key; records are returned in ``default`` order otherwise.
    """

    def __init__(self, resource: str, envelope: str, records, filters=None, orders=None,
                 default=None, paged: bool = True):
        super().__init__()
        self.resource, self.envelope, self._records = resource, envelope, records
        self.specs = filters or {}
        self.filters = {name: kind for name, (kind, _) in self.specs.items()}
        self.orders = orders or {}
        self.order_fields = tuple(self.orders)
        self.default, self.paged = default, paged

    def records(self) -> list[dict]:
        return self._records() if callable(self._records) else self._records

    def select(self, conditions, order):
        rows = self.records()
        for cond in conditions:
            predicate = self.specs[cond.field][1](cond)
            rows = [row for row in rows if predicate(row)]
        if order is None:
            return sorted(rows, key=self.default) if self.default else list(rows)
        field, descending = order
        return sorted(rows, key=self.orders[field], reverse=descending)

    def body(self, params) -> bytes:
        if not self.paged:  # declared without paging parameters and without next_page_token
            return compact_json(list_fields(self.envelope, self.records()))
        return super().body(params)


def _field(name):
    return lambda record: record[name]


def eq(getter):
    """Case-insensitive equality with the filter value (ids, enums)."""
    getter = _field(getter) if isinstance(getter, str) else getter
    return lambda cond: lambda r: str(getter(r)).lower() == cond.value.lower()


def among(getter):
    """Value in a comma list (``ids==1,2,3``); ``getter`` may return a list (any-of)."""
    getter = _field(getter) if isinstance(getter, str) else getter

    def make(cond):
        wanted = {v.strip() for v in cond.value.split(",")}
        return lambda r: bool(wanted & set(_as_list(getter(r))))
    return make


def _as_list(value):
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def text(name):
    return lambda cond: lambda r: matches_text(r[name], cond)


def compare(getter, cast=float):
    getter = _field(getter) if isinstance(getter, str) else getter

    def make(cond):
        target, test = cast(cond.value), NUMBER_OPS[cond.op]
        return lambda r: getter(r) is not None and test(cast(getter(r)), target)
    return make


def boolean(name):
    return lambda cond: lambda r: bool(r[name]) == (cond.value.lower() == "true")


def since(name):
    """``record[name] >= T`` — ISO-8601 ms strings with ``Z`` sort like the instants they name."""
    return lambda cond: (lambda bound: lambda r: r[name] is not None and r[name] >= bound)(
        iso_ms(parse_time_ms(cond.value)))


def until(name):
    return lambda cond: (lambda bound: lambda r: r[name] is not None and r[name] < bound)(
        iso_ms(parse_time_ms(cond.value)))


def by(*names):
    """Sort key on record fields, ties broken by numeric id."""
    def key(r):
        return tuple((r[n] is None, r[n] if r[n] is not None else "") for n in names) + (_num(r.get("id")),)
    return key


def _num(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def by_id(r):
    return int(r["id"])


def one(record: dict | None, resource: str, what: str) -> Response:
    if record is None:
        return ApiError(404, f"{resource} not found: {what}", domain="id", resource=resource).response()
    return json_response(record)


# --------------------------------------------------------------------------- money and time


def currency(dollars: float | None) -> dict | None:
    if dollars is None:
        return None
    cents = round(dollars * 100)
    sign = "-" if cents < 0 else ""
    return {"amount": cents, "currency_code": "USD", "formatted_amount": f"{sign}${abs(cents) / 100:,.2f}"}


def _iso(value) -> str | None:
    """v2 timestamp of an aware datetime or epoch ms."""
    if value is None:
        return None
    return iso_ms(value if isinstance(value, int) else to_ms(value))


def _date(value) -> str | None:
    return value.date().isoformat() if value is not None else None


def _sid(value) -> str | None:
    return None if value in (None, 0) else str(value)


def _zero_none(value):
    return None if value in (None, 0) else value


# --------------------------------------------------------------------------- the shared index


class Catalog:
    """Lookups over the e-commerce tables, and the v2/v1 renderings built from them (lazily, once)."""

    def __init__(self, ds: Dataset):
        self.ds = ds
        t = ds.tables
        self.t = t
        self.c = ds.collections
        self.times = self.c.get("ecommerce_times", {})
        self.contacts = {int(c["id"]): c for c in ds.contacts}
        self.products = {p["Id"]: p for p in t.get("Product", [])}
        self.plans = {p["Id"]: p for p in t.get("SubscriptionPlan", [])}
        self.jobs = {j["Id"]: j for j in t.get("Job", [])}
        self.invoices = {i["Id"]: i for i in t.get("Invoice", [])}
        self.invoice_of_job = {i["JobId"]: i for i in t.get("Invoice", [])}
        self.payments = {p["Id"]: p for p in t.get("Payment", [])}
        self.cards = {c["Id"]: c for c in t.get("CreditCard", [])}
        self.subscriptions = {s["Id"]: s for s in t.get("RecurringOrder", [])}
        self.items_of = _group(t.get("OrderItem", []), "OrderId")
        self.invoice_payments_of = _group(t.get("InvoicePayment", []), "InvoiceId")
        self.pay_plan_of = {p["InvoiceId"]: p for p in t.get("PayPlan", [])}
        self.plan_items_of = _group(t.get("PayPlanItem", []), "PayPlanId")
        self.options_of = _group(t.get("ProductOption", []), "ProductId")
        self.values_of = _group(t.get("ProductOptValue", []), "ProductOptionId")
        self.plans_of = _group(t.get("SubscriptionPlan", []), "ProductId")
        self.categories_of = _group(t.get("ProductCategoryAssign", []), "ProductId")
        self.charge_of_payment = {c["PaymentId"]: c for c in t.get("CCharge", [])}
        self.transactions = self.c.get("transactions", [])
        self.transactions_of = {}
        for txn in self.transactions:
            for oid in txn["order_ids"]:
                self.transactions_of.setdefault(oid, []).append(txn)
        self.merchants = {m["id"]: m for m in self.c.get("merchant_accounts", [])}
        self._cache: dict[str, object] = {}

    def cached(self, name: str, build):
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    # ----------------------------------------------------------------- v2 orders

    def v2_orders(self) -> list[dict]:
        return self.cached("v2_orders", lambda: [self.v2_order(j) for j in self.t.get("Job", [])])

    def v2_order_by_id(self) -> dict[str, dict]:
        return self.cached("v2_order_by_id", lambda: {o["id"]: o for o in self.v2_orders()})

    def basic_contact(self, cid: int) -> dict:
        c = self.contacts.get(cid)
        if c is None:
            return {"id": str(cid), "email": None, "given_name": None, "family_name": None}
        email = c["email_addresses"][0]["email"] if c["email_addresses"] else None
        return {"id": str(cid), "email": email, "given_name": c["given_name"], "family_name": c["family_name"]}

    def v2_order(self, job: dict) -> dict:
        invoice = self.invoice_of_job[job["Id"]]
        meta = self.c["order_meta"][job["Id"]]
        created, modified = self.times["order"][job["Id"]]
        plan = self.pay_plan_of.get(invoice["Id"])
        return {
            "id": str(job["Id"]), "title": job["JobTitle"], "status": meta["status"],
            "total": currency(invoice["InvoiceTotal"]), "contact": self.basic_contact(job["ContactId"]),
            "notes": job.get("JobNotes"), "terms": meta["terms"], "order_type": job["OrderType"].upper(),
            "source_type": meta["source_type"], "creation_time": iso_ms(created),
            "modification_time": iso_ms(modified), "order_time": iso_ms(created),
            "lead_affiliate_id": _sid(invoice.get("LeadAffiliateId")),
            "sales_affiliate_id": _sid(invoice.get("AffiliateId")),
            "total_paid": currency(invoice["TotalPaid"]), "total_due": currency(invoice["TotalDue"]),
            "shipping_information": self.v2_shipping(job), "refund_total": currency(meta["refund_cents"] / 100),
            "allow_payment": meta["allow_payment"], "allow_paypal": False,
            "order_items": [self.v2_item(item) for item in self.items_of.get(job["Id"], [])],
            "payment_plan": self.v2_payment_plan(plan) if plan else None,
            "invoice_number": str(invoice["Id"]), "files": [], "credit_status": None,
            "promo_code": invoice.get("PromoCode"), "refund_status": None, "synced": bool(invoice["Synced"]),
            "invoice_id": str(invoice["Id"]), "custom_fields": [],
            "sent_time": iso_ms(created) if meta["status"] != "DRAFT" else None,
            "due_time": _iso(job["DueDate"]), "external_create_user": None, "external_create_time": None,
            "external_update_time": None,
        }

    @staticmethod
    def v2_shipping(job: dict) -> dict | None:
        if "ShipStreet1" not in job and "ShipFirstName" not in job:
            return None
        address = {"country": job.get("ShipCountry"), "line1": job.get("ShipStreet1"),
                   "line2": job.get("ShipStreet2"), "locality": job.get("ShipCity"), "region": job.get("ShipState"),
                   "field": "SHIPPING", "country_code": None, "postal_code": job.get("ShipZip"),
                   "region_code": None, "zip_code": job.get("ShipZip"), "zip_four": None}
        return {"id": str(job["Id"]), "address": address, "company": job.get("ShipCompany"),
                "given_name": job.get("ShipFirstName"), "family_name": job.get("ShipLastName"),
                "phone_number": job.get("ShipPhone"), "invoice_to_company": False}

    def v2_item(self, item: dict) -> dict:
        from .data_ecommerce import ITEM_TYPES

        product = self.products.get(item["ProductId"])
        plan = self.plans.get(item.get("SubscriptionPlanId"))
        return {
            "id": str(item["Id"]), "name": item["ItemName"], "description": item["ItemDescription"],
            "notes": item.get("Notes"), "quantity": item["Qty"], "discount": currency(0.0), "special": None,
            "product": None if product is None else {
                "id": str(product["Id"]), "name": product["ProductName"], "sku": product["Sku"],
                "description": product["ShortDescription"], "shippable": bool(product["Shippable"]),
                "taxable": bool(product["Taxable"])},
            "subscription_id": _sid(self.c.get("subscription_of_item", {}).get(item["Id"])),
            "item_type": ITEM_TYPES.get(item["ItemType"], "UNKNOWN"),
            "cost_per_unit": currency(item["CPU"]), "price_per_unit": currency(item["PPU"]),
            "subscription_plan": self.v2_item_plan(plan) if plan else None,
        }

    def v2_item_plan(self, plan: dict) -> dict:
        """The ``SubscriptionPlan`` model of order items and ``/products/{id}/subscriptions``."""
        from .data_ecommerce import CYCLES

        product = self.products[plan["ProductId"]]
        siblings = self.plans_of.get(plan["ProductId"], [])
        return {"id": str(plan["Id"]), "frequency": plan["Frequency"], "active": plan["Active"],
                "subscription_plan_name": f"{product['ProductName']} ({CYCLES[plan['Cycle']][1].lower()})",
                "cycle_type": CYCLES[plan["Cycle"]][1], "total_cycles": 0,
                "plan_price": currency(plan["PlanPrice"]),
                "display_order_index": next(i for i, p in enumerate(siblings) if p["Id"] == plan["Id"])}

    def v2_payment_plan(self, plan: dict) -> dict:
        from .data_ecommerce import PLAN_ITEM_STATUS

        items = self.plan_items_of.get(plan["Id"], [])
        return {"auto_charge": True, "max_charge_attempts": 3, "days_between_retries": 2,
                "payment_method_id": None, "initial_payment_amount": currency(plan["FirstPayAmt"]),
                "initial_payment_percent": None, "initial_payment_date": _date(plan["InitDate"]),
                "plan_start_date": _date(plan["StartDate"]), "number_of_payments": len(items),
                "days_between_payments": 30,
                "payment_plan_items": [{"status": PLAN_ITEM_STATUS[i["Status"]], "due_date": _date(i["DateDue"]),
                                        "amount_due": currency(i["AmtDue"]), "amount_paid": currency(i["AmtPaid"])}
                                       for i in items]}

    def v2_invoice_payments(self, order_id: int) -> list[dict]:
        invoice = self.invoice_of_job.get(order_id)
        rows = self.invoice_payments_of.get(invoice["Id"], []) if invoice else []
        out = []
        for row in rows:
            payment = self.payments[row["PaymentId"]]
            pay_ms = self.times["payment"][row["PaymentId"]]
            refund = payment.get("RefundId")
            refund_link = next((r["Id"] for r in rows if r["PaymentId"] == refund), None) if refund else None
            out.append({"id": str(row["Id"]), "amount": row["Amt"], "note": payment.get("PayNote"),
                        "invoice_id": str(row["InvoiceId"]), "payment_id": str(row["PaymentId"]),
                        "pay_time": iso_ms(pay_ms), "pay_status": row["PayStatus"],
                        "last_updated_time": iso_ms(pay_ms), "skip_commission": bool(row["SkipCommission"]),
                        "refund_invoice_payment_id": _sid(refund_link)})
        return out

    # ----------------------------------------------------------------- payments, transactions, cards

    def v2_payments(self) -> list[dict]:
        return self.cached("v2_payments", lambda: [self.v2_payment(p) for p in self.t.get("Payment", [])])

    def v2_payment(self, p: dict) -> dict:
        from .data_ecommerce import V2_PAY_TYPE

        charge = self.charge_of_payment.get(p["Id"])
        pay_ms = self.times["payment"][p["Id"]]
        merchant = self.merchants.get(charge["MerchantId"]) if charge else None
        return {"id": str(p["Id"]), "type": V2_PAY_TYPE.get(p["PayType"], "CREDIT"), "amount": p["PayAmt"],
                "note": p.get("PayNote"), "status": "APPROVED" if charge else "COMPLETED",
                "commissioned": bool(p["Commission"]), "synced": bool(p["Synced"]),
                "payment_time": iso_ms(pay_ms), "refund_payment_id": _sid(p.get("RefundId")),
                "contact_id": str(p["ContactId"]), "order_ids": [str(self.invoices[p["InvoiceId"]]["JobId"])],
                "update_time": iso_ms(pay_ms), "external_transaction_id": charge["RefNum"] if charge else None,
                "merchant_account_id": _sid(merchant and merchant["id"]),
                "merchant_account_type": merchant["type"] if merchant else None,
                "payment_method": self.v2_payment_method(self.cards[charge["CCId"]]) if charge else None}

    def v2_payment_method(self, card: dict) -> dict:
        expired = (int(card["ExpirationYear"]), int(card["ExpirationMonth"])) < (self.ds.now.year, self.ds.now.month)
        return {"contact_id": str(card["ContactId"]), "payment_method_id": str(card["Id"]),
                "credit_card_id": str(card["Id"]), "merchant_account_type": "KEAP_PAY",
                "merchant_account_id": "1", "payment_method_type": "CARD",
                "created_time": iso_ms(self.times["credit_card"][card["Id"]]),
                "card_info": {"brand": card["CardType"], "fingerprint": None, "card_type": "CREDIT",
                              "last_four": card["Last4"], "expiration_year": card["ExpirationYear"],
                              "expiration_month": card["ExpirationMonth"]},
                "status": "EXPIRED" if expired else None}

    def v2_payment_methods(self) -> list[dict]:
        return self.cached("v2_cards", lambda: [self.v2_payment_method(c) for c in self.t.get("CreditCard", [])])

    def v2_transactions(self) -> list[dict]:
        return self.cached("v2_txns", lambda: [self.v2_transaction(t) for t in self.transactions])

    def v2_transaction(self, txn: dict) -> dict:
        card = self.cards.get(txn["credit_card_id"])
        merchant = self.merchants[txn["merchant_account_id"]]
        return {"amount": txn["amount"], "status": txn["status"],
                "description": f"{txn['pay_type']} {txn['method'].lower()}",
                "contact": self.basic_contact(txn["contact_id"]), "order_ids": [str(o) for o in txn["order_ids"]],
                "contact_id": str(txn["contact_id"]), "transaction_method": txn["method"],
                "transaction_time": iso_ms(txn["time_ms"]), "external_reference_id": txn["reference"],
                "external_response_code": txn["response_code"], "error_details": txn["error"],
                "payment_id": _sid(txn["payment_id"]), "is_successful": txn["status"] == "APPROVED",
                "merchant_account_id": str(merchant["id"]), "merchant_account_type": merchant["type"],
                "payment_method": self.v2_payment_method(card) if card else None}

    # ----------------------------------------------------------------- subscriptions and products

    def v2_subscriptions(self) -> list[dict]:
        return self.cached("v2_subs", lambda: [self.v2_subscription(s) for s in self.t.get("RecurringOrder", [])])

    def v2_subscription(self, s: dict) -> dict:
        from .data_ecommerce import CYCLES

        return {"id": str(s["Id"]), "quantity": s["Qty"], "active": s["Status"] == "Active",
                "contact_id": str(s["ContactId"]), "product_id": str(s["ProductId"]),
                "subscription_plan_id": str(s["SubscriptionPlanId"]), "billing_amount": s["BillingAmt"],
                "auto_charge": bool(s["AutoCharge"]), "billing_frequency": s["Frequency"],
                "billing_cycle": CYCLES[s["BillingCycle"]][0], "start_date": _date(s.get("StartDate")),
                "last_bill_date": _date(s.get("LastBillDate")), "next_bill_date": _date(s.get("NextBillDate")),
                "end_date": _date(s.get("EndDate")), "merchant_account_id": _sid(s.get("MerchantAccountId")),
                "payment_method_id": _sid(s.get("CC1")), "allow_tax": False, "max_charge_attempts": s["MaxRetry"],
                "days_between_retries": s["NumDaysBetweenRetry"],
                "lead_affiliate_id": _sid(s.get("LeadAffiliateId")), "sale_affiliate_id": _sid(s.get("AffiliateId")),
                "shipping_address": None, "promo_code": s.get("PromoCode"),
                "shipping_option_id": _sid(s.get("ShippingOptionId")), "reason_stopped": s.get("ReasonStopped"),
                "modification_time": iso_ms(self.times["subscription"][s["Id"]]), "custom_fields": []}

    def v2_products(self, detail: bool = False) -> list[dict]:
        key = "v2_products_detail" if detail else "v2_products"
        return self.cached(key, lambda: [self.v2_product(p, detail) for p in self.t.get("Product", [])])

    def v2_product(self, p: dict, detail: bool) -> dict:
        from .data_ecommerce import CYCLES

        created, updated = self.times["product"][p["Id"]]
        inventory = {"inventory_limit": p["InventoryLimit"], "out_of_stock_enabled": bool(p["InventoryLimit"]),
                     "email_for_inventory_notifications": p.get("InventoryNotifiee")}
        if detail:
            inventory["inventory_count"] = self.c["product_inventory"][p["Id"]]
        plans = self.plans_of.get(p["Id"], [])
        return {
            "id": str(p["Id"]), "name": p["ProductName"], "price": currency(p["ProductPrice"]),
            "active": p["Status"] == 1, "description": p["Description"], "sku": p["Sku"],
            "shippable": bool(p["Shippable"]), "weight": p["Weight"], "taxable": bool(p["Taxable"]),
            "categories": [str(a["ProductCategoryId"]) for a in self.categories_of.get(p["Id"], [])],
            "options": [self._product_option_summary(o) for o in self.options_of.get(p["Id"], [])],
            "inventory": inventory, "short_description": p["ShortDescription"],
            "subscription_only": False, "storefront_hidden": bool(p["HideInStore"]),
            "country_taxable": bool(p["CountryTaxable"]), "state_taxable": bool(p["StateTaxable"]),
            "city_taxable": bool(p["CityTaxable"]),
            "subscription_plans": [{"id": str(s["Id"]), "active": s["Active"], "prorate": s["Prorate"],
                                    "billing_cycle": CYCLES[s["Cycle"]][1], "billing_frequency": s["Frequency"],
                                    "number_of_cycles": 0, "plan_price": currency(s["PlanPrice"]),
                                    "order_index": i} for i, s in enumerate(plans)],
            "top_html": p["TopHTML"], "bottom_html": p["BottomHTML"], "is_package": bool(p["IsPackage"]),
            "needs_digital_delivery": bool(p["NeedsDigitalDelivery"]), "has_legacy_image": False,
            "delivery_description": p["ShippingTime"] or None,
            "create_time": iso_ms(created), "update_time": iso_ms(updated),
        }

    def _product_option_summary(self, option: dict) -> dict:
        fixed = option["OptionType"] == "FixedList"
        return {"name": option["Label"], "type": "FIXED" if fixed else "VARIABLE", "required": bool(option["IsRequired"]),
                "fixed_options": [{"value": v["Label"], "code": v["Sku"], "price_adjustment": v["PriceAdjustment"]}
                                  for v in self.values_of.get(option["Id"], [])] if fixed else None,
                "variable_setting": None if fixed else {
                    "contains": "BOTH", "min_chars": option["MinChars"], "max_chars": option["MaxChars"],
                    "contain_spaces": bool(option["AllowSpaces"]), "start_with": "LETTER", "end_with": None,
                    "validation_msg": None}}

    def v2_product_option(self, option: dict) -> dict:
        fixed = option["OptionType"] == "FixedList"
        return {"id": str(option["Id"]), "required": bool(option["IsRequired"]), "option_label": option["Label"],
                "product_id": str(option["ProductId"]), "option_type": "LIST" if fixed else "TEXT",
                "display_order": option["Order"],
                "list_items": [{"item_id": str(v["Id"]), "item_label": v["Label"], "item_code": v["Sku"],
                                "item_display_order": v["OptionIndex"], "price_adjustment": v["PriceAdjustment"]}
                               for v in self.values_of.get(option["Id"], [])] if fixed else None,
                "text_rules": None if fixed else {
                    "minimum_characters": option["MinChars"], "maximum_characters": option["MaxChars"],
                    "allow_spaces": bool(option["AllowSpaces"]), "only_starts_with": "LETTER",
                    "only_ends_with": "NONE", "only_contains": "BOTH", "error_message": None}}

    def v2_categories(self) -> list[dict]:
        return [{"id": str(c["Id"]), "name": c["CategoryDisplayName"], "display_order_index": c["CategoryOrder"],
                 "parent_category_id": _sid(c.get("ParentId"))} for c in self.t.get("ProductCategory", [])]

    def products_of_category(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for a in self.t.get("ProductCategoryAssign", []):
            out.setdefault(a["ProductCategoryId"], []).append(a["ProductId"])
        return out

    # ----------------------------------------------------------------- discounts, shipping, settings

    def v2_discounts(self, kind: str) -> list[dict]:
        return self.cached(f"v2_discounts_{kind}",
                           lambda: [v2_discount(kind, d) for d in self.c.get("discounts", {}).get(kind, [])])

    def v2_shipping_methods(self) -> list[dict]:
        out = []
        for option in self.c.get("shipping_options", []):
            settings = {k: v for k, v in option.items() if k not in _SHIPPING_COMMON}
            out.append({"id": str(option["id"]), "name": option["name"], "description": option["description"],
                        "type": option["type"], "status": "ACTIVE" if option["active"] else "INACTIVE",
                        "international": option["international"], "settings": settings})
        return out

    # ----------------------------------------------------------------- v1

    def v1_order(self, job: dict) -> dict:
        v2 = self.v2_order_by_id()[str(job["Id"])]
        invoice = self.invoice_of_job[job["Id"]]
        contact = self.contacts.get(job["ContactId"])
        plan = self.pay_plan_of.get(invoice["Id"])
        return {
            "id": job["Id"], "title": job["JobTitle"], "status": v2["status"],
            "recurring": "JobRecurringId" in job, "total": invoice["InvoiceTotal"],
            "total_paid": invoice["TotalPaid"], "total_due": invoice["TotalDue"],
            "refund_total": v2["refund_total"]["amount"] / 100,
            "contact": {"id": job["ContactId"], "first_name": v2["contact"]["given_name"],
                        "last_name": v2["contact"]["family_name"], "email": v2["contact"]["email"],
                        "company_name": contact["company"]["company_name"] if contact and contact["company"] else None,
                        "job_title": contact["job_title"] if contact else None},
            "order_date": v1_time(job["DateCreated"]), "creation_date": v1_time(job["DateCreated"]),
            "modification_date": v1_time(self.times["order"][job["Id"]][1]),
            "lead_affiliate_id": invoice.get("LeadAffiliateId", 0), "sales_affiliate_id": invoice.get("AffiliateId", 0),
            "invoice_number": invoice["Id"], "source_type": v2["source_type"], "terms": v2["terms"],
            "notes": job.get("JobNotes"), "allow_payment": v2["allow_payment"], "allow_paypal": False,
            "shipping_information": self.v1_shipping(job),
            "payment_plan": None if plan is None else {
                "auto_charge": True, "credit_card_id": 0, "days_between_payments": 30,
                "initial_payment_amount": plan["FirstPayAmt"], "initial_payment_date": _date(plan["InitDate"]),
                "number_of_payments": len(self.plan_items_of.get(plan["Id"], [])),
                "payment_gateway": {"merchant_account_id": 1, "use_default": True},
                "plan_start_date": _date(plan["StartDate"])},
            "order_items": [self.v1_item(i) for i in self.items_of.get(job["Id"], [])],
        }

    @staticmethod
    def v1_shipping(job: dict) -> dict | None:
        if "ShipFirstName" not in job:
            return None
        return {"id": job["Id"], "first_name": job.get("ShipFirstName"), "middle_name": None,
                "last_name": job.get("ShipLastName"), "company": job.get("ShipCompany"),
                "phone": job.get("ShipPhone"), "street1": job.get("ShipStreet1"), "street2": job.get("ShipStreet2"),
                "city": job.get("ShipCity"), "state": job.get("ShipState"), "zip": job.get("ShipZip"),
                "country": job.get("ShipCountry"), "invoiceToCompany": False}

    def v1_item(self, item: dict) -> dict:
        from .data_ecommerce import ITEM_TYPES

        product = self.products.get(item["ProductId"])
        plan = self.plans.get(item.get("SubscriptionPlanId"))
        return {"id": item["Id"], "name": item["ItemName"], "description": item["ItemDescription"],
                "type": ITEM_TYPES.get(item["ItemType"], "UNKNOWN").title().replace("_", ""),
                "quantity": item["Qty"], "price": item["PPU"], "cost": item["CPU"], "discount": 0.0,
                "notes": item.get("Notes"),
                "jobRecurringId": self.c.get("subscription_of_item", {}).get(item["Id"], 0),
                "specialId": 0, "specialAmount": 0.0, "specialPctOrAmt": 0,
                "product": None if product is None else {
                    "id": product["Id"], "name": product["ProductName"], "sku": product["Sku"],
                    "description": product["ShortDescription"], "shippable": bool(product["Shippable"]),
                    "taxable": bool(product["Taxable"])},
                "subscriptionPlan": None if plan is None else self.v1_plan(plan)}

    def v1_plan(self, plan: dict, index: int = 0) -> dict:
        v2 = self.v2_item_plan(plan)
        return {"id": plan["Id"], "subscription_plan_name": v2["subscription_plan_name"],
                "cycle": int(plan["Cycle"]), "frequency": plan["Frequency"], "number_of_cycles": 0,
                "plan_price": plan["PlanPrice"], "subscription_plan_index": v2["display_order_index"],
                "active": plan["Active"]}

    def v1_invoice_payments(self, order_id: int) -> list[dict]:
        return [{"id": int(p["id"]), "amount": p["amount"], "note": p["note"], "invoice_id": int(p["invoice_id"]),
                 "payment_id": int(p["payment_id"]), "pay_date": p["pay_time"][:-1] + "+0000",
                 "pay_status": p["pay_status"], "last_updated": p["last_updated_time"][:-1] + "+0000",
                 "skip_commission": p["skip_commission"],
                 "refund_invoice_payment_id": int(p["refund_invoice_payment_id"] or 0)}
                for p in self.v2_invoice_payments(order_id)]

    def v1_transaction(self, txn: dict, with_orders: bool = True) -> dict:
        merchant = self.merchants[txn["merchant_account_id"]]
        return {"id": txn["id"], "amount": txn["amount"], "currency": "USD", "status": txn["status"].title(),
                "type": {"CAPTURE": "Sale", "REFUND": "Refund", "MANUAL": "Manual"}[txn["method"]],
                "collection_method": "Automatic" if txn["credit_card_id"] else "Manual",
                "gateway": merchant["type"].replace("_", " ").title(), "gateway_account_name": merchant["name"],
                "test": False, "errors": txn["error"], "contact_id": txn["contact_id"],
                "transaction_date": v1_time(txn["time_ms"]), "paymentDate": v1_time(txn["time_ms"]),
                "order_ids": ",".join(str(o) for o in txn["order_ids"]),
                "orders": [self.v1_order(self.jobs[o]) for o in txn["order_ids"]] if with_orders else []}

    def v1_product(self, p: dict) -> dict:
        plans = self.plans_of.get(p["Id"], [])
        return {"id": p["Id"], "product_name": p["ProductName"], "product_desc": p["Description"],
                "product_short_desc": p["ShortDescription"], "product_price": p["ProductPrice"], "sku": p["Sku"],
                "url": None, "status": p["Status"], "subscription_only": False,
                "product_options": [self.v1_option(o) for o in self.options_of.get(p["Id"], [])],
                "subscription_plans": [{**self.v1_plan(s), "url": None} for s in plans]}

    def v1_option(self, o: dict) -> dict:
        fixed = o["OptionType"] == "FixedList"
        return {"id": o["Id"], "name": o["Name"], "label": o["Label"], "required": bool(o["IsRequired"]),
                "type": "FixedList" if fixed else "Variable", "display_index": o["Order"],
                "allow_spaces": bool(o["AllowSpaces"]), "min_chars": o["MinChars"], "max_chars": o["MaxChars"],
                "text_message": None, "can_contain_character": True, "can_contain_number": True,
                "can_start_with_character": True, "can_start_with_number": False,
                "can_end_with_character": True, "can_end_with_number": True,
                "values": [{"id": v["Id"], "label": v["Label"], "sku": v["Sku"], "index": v["OptionIndex"],
                            "is_default": bool(v["IsDefault"]), "price_adjustment": v["PriceAdjustment"]}
                           for v in self.values_of.get(o["Id"], [])]}

    def v1_subscription(self, s: dict) -> dict:
        v2 = self.v2_subscription(s)
        return {"id": s["Id"], "contact_id": s["ContactId"], "product_id": s["ProductId"],
                "subscription_plan_id": s["SubscriptionPlanId"], "active": v2["active"], "quantity": s["Qty"],
                "billing_amount": s["BillingAmt"], "billing_cycle": v2["billing_cycle"],
                "billing_frequency": s["Frequency"], "start_date": v2["start_date"],
                "next_bill_date": v2["next_bill_date"], "end_date": v2["end_date"],
                "auto_charge": bool(s["AutoCharge"]), "allow_tax": False, "credit_card_id": s.get("CC1", 0),
                "payment_gateway_id": s.get("MerchantAccountId", 0), "use_default_payment_gateway": True,
                "sale_affiliate_id": s.get("AffiliateId", 0)}


_SHIPPING_COMMON = frozenset({"id", "name", "description", "type", "active", "international"})


def _group(rows: list[dict], key: str) -> dict:
    out: dict = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def v2_discount(kind: str, d: dict) -> dict:
    """One discount in its v2 model (CategoryDiscount, OrderTotalDiscount, ...)."""
    out = {"id": str(d["id"]), "name": d["name"], "description": d["description"],
           "criteria": [_v2_criterion(kind, c) for c in d["criteria"]]}
    if kind == "category":
        out.update(discount_percent=d["discount_percent"], apply_to_commissions=d["apply_to_commissions"],
                   product_categories=[str(a["product_category_id"]) for a in d["assignments"]])
    elif kind == "order_total":
        out.update(apply_to_commissions=d["apply_to_commissions"], discount_type=d["discount_type"],
                   discount_value=d["discount_value"], discount_strategy=d["discount_strategy"])
    elif kind == "product":
        out.update(apply_to_commissions=d["apply_to_commissions"], product_id=str(d["product_id"]),
                   discount_type=d["discount_type"], discount_value=d["discount_value"])
    elif kind == "shipping":
        out.update(discount_type=d["discount_type"], discount_value=d["discount_value"])
    else:
        out.update(hide_price=d["hide_price"], subscription_plan_id=str(d["subscription_plan_id"]),
                   free_trial_days=d["free_trial_days"])
    return out


def _v2_criterion(kind: str, c: dict) -> dict:
    out = {"type": c["type"], "code": c.get("code"), "criteria_id": str(c["criteria_id"]),
           "range_start_time": _iso(c.get("range_start_ms")), "range_end_time": _iso(c.get("range_end_ms"))}
    if kind != "category":  # CategoryDiscountCriteriaResponse has only the promo/date members
        out.update(product_id=_sid(c.get("product_id")), product_quantity_min=c.get("product_quantity_min"),
                   product_quantity_max=None, plan_id=_sid(c.get("plan_id")),
                   subscription_quantity=c.get("subscription_quantity"), total_amount=c.get("total_amount"),
                   operator=c.get("operator"))
    return out


# --------------------------------------------------------------------------- registration


def register(router, ds: Dataset) -> None:
    cat = Catalog(ds)
    _register_orders(router, cat)
    _register_sales(router, cat)
    _register_products(router, cat)
    _register_discounts(router, cat)
    _register_settings(router, cat)
    _register_v1(router, cat)


def _register_orders(router, cat: Catalog) -> None:
    shipping = lambda part: lambda r: (r["shipping_information"] or {}).get("address", {}).get(part)  # noqa: E731
    router.add(f"{V2}/orders", Records("Order", "orders", cat.v2_orders, filters={
        "id": (NUMBER, compare("id", int)), "ids": (LIST, among("id")),
        "product_id": (EXACT, among(lambda r: [i["product"]["id"] for i in r["order_items"] if i["product"]])),
        "contact_id": (EXACT, eq(lambda r: r["contact"]["id"])), "invoice_id": (EXACT, eq("invoice_id")),
        "invoice_xid": (EXACT, eq("invoice_number")),
        "paid": (BOOL, lambda cond: lambda r: (r["total_due"]["amount"] <= 0) == (cond.value.lower() == "true")),
        "created_since_time": (TIME, since("creation_time")), "created_until_time": (TIME, until("creation_time")),
        "modified_since_time": (TIME, since("modification_time")),
        "modified_until_time": (TIME, until("modification_time")),
        "title": (WILDCARD, text("title")), "order_type": (EXACT, eq("order_type")),
        "shipping_locality": (EXACT, eq(shipping("locality"))), "shipping_region_code": (EXACT, eq(shipping("region_code"))),
        "shipping_postal_code": (EXACT, eq(shipping("postal_code"))),
        "shipping_country_code": (EXACT, eq(shipping("country_code"))),
    }, orders={"id": by_id, "order_time": by("order_time"), "modification_time": by("modification_time")},
        default=by_id))

    async def get_order(request, order_id):
        return one(cat.v2_order_by_id().get(order_id), "Order", order_id)

    async def get_item(request, order_id, order_item_id):
        order = cat.v2_order_by_id().get(order_id)
        item = next((i for i in order["order_items"] if i["id"] == order_item_id), None) if order else None
        return one(item, "OrderItem", order_item_id)

    router.add(f"{V2}/orders/{{order_id}}", get_order)
    router.add(f"{V2}/orders/{{order_id}}/items/{{order_item_id}}", get_item)
    payment_filters = {"invoice_id": (EXACT, eq("invoice_id")), "payment_id": (EXACT, eq("payment_id")),
                       "amount": (DECIMAL, compare("amount")), "pay_status": (EXACT, eq("pay_status")),
                       "skip_commission": (BOOL, boolean("skip_commission"))}
    payment_orders = {name: by(name) for name in ("invoice_id", "payment_id", "amount", "pay_time", "pay_status",
                                                  "skip_commission", "last_updated_time")}

    async def order_payments(request, order_id):
        if order_id not in cat.v2_order_by_id():
            return one(None, "Order", order_id)
        rows = cat.v2_invoice_payments(int(order_id))
        return await Records("InvoicePayment", "invoice_order_payments", rows, payment_filters,
                             payment_orders, default=by_id).handle(request)

    router.add(f"{V2}/orders/{{order_id}}/payments", order_payments)


def _register_sales(router, cat: Catalog) -> None:
    merchant = {"merchant_account_id": (EXACT, eq("merchant_account_id")),
                "merchant_account_type": (EXACT, eq("merchant_account_type"))}
    router.add(f"{V2}/sales/payments", Records("Payment", "payments", cat.v2_payments, filters={
        "id": (NUMBER, compare("id", int)), "ids": (LIST, among("id")), "amount": (DECIMAL, compare("amount")),
        "order_id": (EXACT, among("order_ids")), "order_ids": (LIST, among("order_ids")),
        "contact_id": (EXACT, eq("contact_id")), "since_time": (TIME, since("payment_time")),
        "until_time": (TIME, until("payment_time")), **merchant,
    }, orders={"id": by_id, "amount": by("amount"), "payment_time": by("payment_time"),
               "contact_id": lambda r: (int(r["contact_id"]), int(r["id"]))}, default=by_id))
    router.add(f"{V2}/sales/transactions", Records("Transaction", "transactions", cat.v2_transactions, filters={
        "amount": (DECIMAL, compare("amount")), "order_id": (EXACT, among("order_ids")),
        "contact_id": (EXACT, eq("contact_id")), "since_time": (TIME, since("transaction_time")),
        "until_time": (TIME, until("transaction_time")), "status": (EXACT, eq("status")),
        "transaction_method": (EXACT, eq("transaction_method")), "is_successful": (BOOL, boolean("is_successful")),
        **merchant,
    }, orders={"amount": lambda r: r["amount"], "transaction_time": lambda r: r["transaction_time"],
               "contact_id": lambda r: int(r["contact_id"])}))
    router.add(f"{V2}/paymentMethods", Records("PaymentMethod", "payment_methods", cat.v2_payment_methods, filters={
        "payment_method_id": (EXACT, eq("payment_method_id")), "credit_card_id": (EXACT, eq("credit_card_id")),
        "contact_id": (EXACT, eq("contact_id")), "merchant_account_id": (EXACT, eq("merchant_account_id")),
        "since_time": (TIME, since("created_time")), "until_time": (TIME, until("created_time")),
    }, orders={"payment_method_id": lambda r: int(r["payment_method_id"]), "created_time": lambda r: r["created_time"],
               "contact_id": lambda r: int(r["contact_id"]), "merchant_account_id": lambda r: r["merchant_account_id"]},
        default=lambda r: int(r["payment_method_id"])))
    router.add(f"{V2}/subscriptions", Records("Subscription", "subscriptions", cat.v2_subscriptions, filters={
        "contact_id": (EXACT, eq("contact_id")), "subscription_plan_id": (EXACT, eq("subscription_plan_id")),
        "status": (EXACT, eq(lambda r: "ACTIVE" if r["active"] else "INACTIVE")),
        "id": (NUMBER, compare("id", int)), "billing_amount": (DECIMAL, compare("billing_amount")),
        "ids": (LIST, among("id")), "subscription_plan_ids": (LIST, among("subscription_plan_id")),
    }, orders={"id": by_id, "contact_id": lambda r: (int(r["contact_id"]), int(r["id"])),
               "subscription_plan_id": lambda r: (int(r["subscription_plan_id"]), int(r["id"])),
               "modification_time": by("modification_time")}, default=by_id))

    async def get_subscription(request, subscription_id):
        found = next((s for s in cat.v2_subscriptions() if s["id"] == subscription_id), None)
        return one(found, "Subscription", subscription_id)

    router.add(f"{V2}/subscriptions/{{subscription_id}}", get_subscription)


def _register_products(router, cat: Catalog) -> None:
    router.add(f"{V2}/products", Records("Product", "products", lambda: cat.v2_products(False), filters={
        "name": (WILDCARD, text("name")), "sku": (WILDCARD, text("sku")), "description": (WILDCARD, text("description")),
        "short_description": (WILDCARD, text("short_description")), "product_id": (NUMBER, compare("id", int)),
        "product_ids": (LIST, among("id")),
    }, orders={"name": by("name"), "sku": by("sku"), "last_updated_time": by("update_time")}, default=by_id))

    def product(product_id):
        return next((p for p in cat.v2_products(True) if p["id"] == product_id), None)

    async def get_product(request, product_id):
        return one(product(product_id), "Product", product_id)

    async def product_options(request, product_id):
        if product(product_id) is None:
            return one(None, "Product", product_id)
        options = [cat.v2_product_option(o) for o in cat.options_of.get(int(product_id), [])]
        return json_response(list_fields("product_options", options))

    async def product_plans(request, product_id):
        if product(product_id) is None:
            return one(None, "Product", product_id)
        plans = [cat.v2_item_plan(p) for p in cat.plans_of.get(int(product_id), [])]
        return await Records("SubscriptionPlan", "subscriptions", plans, filters={
            "active": (BOOL, boolean("active")), "cycle_type": (EXACT, eq("cycle_type"))},
            orders={"id": by_id, "product_id": by_id}, default=by_id).handle(request)

    router.add(f"{V2}/products/{{product_id}}", get_product)
    router.add(f"{V2}/products/{{product_id}}/options", product_options)
    router.add(f"{V2}/products/{{product_id}}/subscriptions", product_plans)
    members = cat.products_of_category()
    router.add(f"{V2}/productCategories", Records("ProductCategory", "product_categories", cat.v2_categories(), filters={
        "product_id": (EXACT, lambda cond: lambda r: int(cond.value) in members.get(int(r["id"]), [])),
        "name": (WILDCARD, text("name")), "product_category_id": (NUMBER, compare("id", int)),
    }, orders={"id": by_id}, default=by_id))
    assigned = [{"product_category_id": str(c), "product_ids": [str(p) for p in ps]} for c, ps in sorted(members.items())]
    router.add(f"{V2}/productCategories/assignedProducts", Records(
        "ProductCategory", "assigned_product_categories", assigned, filters={
            "product_ids": (LIST, among("product_ids")), "product_category_ids": (LIST, among("product_category_id"))},
        orders={"product_category_id": lambda r: int(r["product_category_id"])},
        default=lambda r: int(r["product_category_id"])))

    async def get_category(request, category_id):
        return one(next((c for c in cat.v2_categories() if c["id"] == category_id), None), "ProductCategory", category_id)

    router.add(f"{V2}/productCategories/{{category_id}}", get_category)


_DISCOUNT_PATHS = {"productCategories": "category", "orderTotals": "order_total", "products": "product",
                   "shipping": "shipping", "freeTrials": "free_trial"}


def _discount_filters(kind: str) -> dict:
    typed = {"discount_type": (EXACT, eq("discount_type")), "discount_value": (DECIMAL, compare("discount_value"))}
    commissions = {"apply_to_commissions": (BOOL, boolean("apply_to_commissions"))}
    return {
        "category": {"id": (NUMBER, compare("id", int)), "ids": (LIST, among("id")), "name": (WILDCARD, text("name")),
                     "description": (WILDCARD, text("description")),
                     "product_category_id": (EXACT, among("product_categories"))},
        "order_total": {**commissions, **typed, "discount_strategy": (EXACT, eq("discount_strategy"))},
        "product": {**commissions, **typed, "product_id": (EXACT, eq("product_id"))},
        "shipping": typed,
        "free_trial": {"free_trial_days": (NUMBER, compare("free_trial_days", int)),
                       "hide_price": (BOOL, boolean("hide_price")),
                       "subscription_plan_id": (EXACT, eq("subscription_plan_id"))},
    }[kind]


def _discount_orders(kind: str) -> dict:
    names = {"category": ("id", "name"),
             "order_total": ("apply_to_commissions", "discount_strategy", "discount_type", "discount_value", "id", "name"),
             "product": ("apply_to_commissions", "discount_type", "discount_value", "id", "name", "product_id"),
             "shipping": ("discount_type", "discount_value", "id", "name"),
             "free_trial": ("free_trial_days", "hide_price", "id", "name", "subscription_plan_id")}[kind]
    return {n: (by_id if n == "id" else by(n)) for n in names}


def _register_discounts(router, cat: Catalog) -> None:
    for segment, kind in _DISCOUNT_PATHS.items():
        router.add(f"{V2}/discounts/{segment}", Records(
            "Discount", "discounts", lambda kind=kind: cat.v2_discounts(kind), _discount_filters(kind),
            _discount_orders(kind), default=by_id))

        async def get_discount(request, discount_id, kind=kind):
            found = next((d for d in cat.v2_discounts(kind) if d["id"] == discount_id), None)
            return one(found, "Discount", discount_id)

        router.add(f"{V2}/discounts/{segment}/{{discount_id}}", get_discount)


_SETTING_MODULES = ("AFFILIATE", "APPOINTMENT", "CONTACT", "ECOMMERCE", "EMAIL", "FORMS", "FULFILLMENT",
                    "INVOICE", "NOTE", "OPPORTUNITY", "TASK", "TEMPLATE")


def _register_settings(router, cat: Catalog) -> None:
    router.add(f"{V2}/shipping", Records("ShippingMethod", "shipping_methods", cat.v2_shipping_methods(), paged=False))

    async def configuration(request):
        requested = [f.strip().upper() for v in request.query_params.getlist("fields") for f in v.split(",") if f.strip()]
        unknown = [f for f in requested if f not in _SETTING_MODULES]
        if unknown:
            return ApiError(400, f"Invalid fields: {', '.join(unknown)}", domain="fields",
                            resource="ApplicationConfiguration").response()
        return json_response(application_configuration(cat.c.get("app_settings", {}), requested))

    router.add(f"{V2}/settings/applications:getConfiguration", configuration)

    async def v1_configuration(request):
        # v1 has no `fields`: every module, from the same settings as v2's.
        return json_response(application_configuration(cat.c.get("app_settings", {}), list(_SETTING_MODULES)))

    router.add(f"{V1}/setting/application/configuration", v1_configuration)


def application_configuration(settings: dict, modules: list[str]) -> dict:
    """``GetSettingsResponse``: the application block always, other modules when asked for."""
    company = settings.get("company", {})
    body = {"application": {"company": {**company, "street_address_2": None, "phone_ext": None,
                                        "caller_id_number": None, "web_logo_url": None},
                            "time_zone": settings.get("time_zone"), "default_view_locale": "en_US",
                            "features_enabled": {"marketing": True}}}
    if "ECOMMERCE" in modules:
        body["ecommerce"] = {
            "currency": settings.get("currency"), "default_country": settings.get("default_country"),
            "default_merchant": settings.get("default_merchant"), "credit_card_types": settings.get("credit_card_types"),
            "default_tax": "0.0", "payment_types": ",".join(settings.get("payment_types", [])),
            "default_to_auto_charge": True, "default_charge_max_retry_attempts": 3,
            "default_number_of_days_between_charge_attempts": 2, "merchant_account_max_retry_attempts": 3,
            "promo_codes": ",".join(settings.get("promo_codes", [])), "track_cost_per_unit": True,
            "track_inventory": True}
    if "INVOICE" in modules:
        body["invoice"] = {"tax_label": "Sales Tax"}
    for module in modules:
        body.setdefault(module.lower(), {})
    return body


def _register_v1(router, cat: Catalog) -> None:
    t = cat.t

    def orders(params):
        rows = v1_where_ints(params, t.get("Job", []), {"contact_id": "ContactId"})
        product = v1_int(params, "product_id")
        if product is not None:
            rows = [j for j in rows if any(i["ProductId"] == product for i in cat.items_of.get(j["Id"], []))]
        paid = params.get("paid")
        if paid is not None:
            want = paid.lower() == "true"
            rows = [j for j in rows if (cat.invoice_of_job[j["Id"]]["TotalDue"] <= 0) == want]
        rows = v1_filter_window(params, rows, lambda j: cat.times["order"][j["Id"]][1])
        order = params.get("order") or "order_date"
        if order not in ("order_date", "update_date"):
            raise ValueError(f"Invalid order '{order}'")
        index = 0 if order == "order_date" else 1
        rows = sorted(rows, key=lambda j: (cat.times["order"][j["Id"]][index], j["Id"]), reverse=True)
        return [cat.v1_order(j) for j in rows]

    def order_transactions(params, orderId):
        oid = _order_id(orderId)
        rows = v1_filter_window(params, cat.transactions_of.get(oid, []), lambda x: x["time_ms"])
        return [cat.v1_transaction(x) for x in rows]

    def transactions(params):
        rows = cat.transactions
        rows = v1_where_ints(params, rows, {"contact_id": "contact_id"})
        rows = v1_filter_window(params, rows, lambda x: x["time_ms"])
        return [cat.v1_transaction(x) for x in rows]

    def products(params):
        rows = t.get("Product", [])
        active = params.get("active")
        if active is not None:
            rows = [p for p in rows if (p["Status"] == 1) == (active.lower() == "true")]
        return [cat.v1_product(p) for p in rows]

    def subscriptions(params):
        rows = v1_where_ints(params, t.get("RecurringOrder", []), {"contact_id": "ContactId"})
        return [cat.v1_subscription(s) for s in rows]

    def _order_id(text_id: str) -> int:
        if not text_id.isdigit() or int(text_id) not in cat.jobs:
            raise LookupError("Unable to find this Order")
        return int(text_id)

    async def get_order(request, orderId):
        try:
            return json_response(cat.v1_order(cat.jobs[_order_id(orderId)]))
        except LookupError as exc:
            return json_response({"message": str(exc)}, status=404)

    async def order_payments(request, orderId):
        try:
            return json_response(cat.v1_invoice_payments(_order_id(orderId)))
        except LookupError as exc:
            return json_response({"message": str(exc)}, status=404)

    router.add(f"{V1}/orders", V1List("orders", orders))
    router.add(f"{V1}/orders/{{orderId}}", get_order)
    router.add(f"{V1}/orders/{{orderId}}/payments", order_payments)
    router.add(f"{V1}/orders/{{orderId}}/transactions", V1List("transactions", order_transactions))
    router.add(f"{V1}/transactions", V1List("transactions", transactions))
    router.add(f"{V1}/products", V1List("products", products))
    router.add(f"{V1}/subscriptions", V1List("subscriptions", subscriptions))

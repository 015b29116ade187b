"""REST v2 records of the e-commerce domain, rendered from :mod:`keap_sandbox.data.ecommerce`'s tables.

Every record is derived from the legacy rows in ``dataset.tables`` (plus the documented
``dataset.collections``), so an order, invoice or payment has the same number in v2 (as a string),
v1 and XML-RPC. Shapes follow the SDK models of ``keap-core-v2-sdk`` 2.0.26: money on
orders/products/plans is a ``CurrencyValue`` in minor units, elsewhere (payments, transactions,
subscriptions, discounts) a plain double (formats in :mod:`keap_sandbox.wire`).
"""

from __future__ import annotations

from ..data.dataset import Dataset
from ..data.ecommerce_codes import CYCLES, ITEM_TYPES, PLAN_ITEM_STATUS, V2_PAY_TYPE
from ..wire import currency, dollars, id_str, iso_ms, ref_id, v2_date, v2_time


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
            return {"id": id_str(cid), "email": None, "given_name": None, "family_name": None}
        email = c["email_addresses"][0]["email"] if c["email_addresses"] else None
        return {"id": id_str(cid), "email": email, "given_name": c["given_name"], "family_name": c["family_name"]}

    def v2_order(self, job: dict) -> dict:
        invoice = self.invoice_of_job[job["Id"]]
        meta = self.c["order_meta"][job["Id"]]
        created, modified = self.times["order"][job["Id"]]
        plan = self.pay_plan_of.get(invoice["Id"])
        return {
            "id": id_str(job["Id"]), "title": job["JobTitle"], "status": meta["status"],
            "total": currency(invoice["InvoiceTotal"]), "contact": self.basic_contact(job["ContactId"]),
            "notes": job.get("JobNotes"), "terms": meta["terms"], "order_type": job["OrderType"].upper(),
            "source_type": meta["source_type"], "creation_time": iso_ms(created),
            "modification_time": iso_ms(modified), "order_time": iso_ms(created),
            "lead_affiliate_id": ref_id(invoice.get("LeadAffiliateId")),
            "sales_affiliate_id": ref_id(invoice.get("AffiliateId")),
            "total_paid": currency(invoice["TotalPaid"]), "total_due": currency(invoice["TotalDue"]),
            "shipping_information": self.v2_shipping(job), "refund_total": currency(meta["refund_cents"] / 100),
            "allow_payment": meta["allow_payment"], "allow_paypal": False,
            "order_items": [self.v2_item(item) for item in self.items_of.get(job["Id"], [])],
            "payment_plan": self.v2_payment_plan(plan) if plan else None,
            "invoice_number": id_str(invoice["Id"]), "files": [], "credit_status": None,
            "promo_code": invoice.get("PromoCode"), "refund_status": None, "synced": bool(invoice["Synced"]),
            "invoice_id": id_str(invoice["Id"]), "custom_fields": [],
            "sent_time": iso_ms(created) if meta["status"] != "DRAFT" else None,
            "due_time": v2_time(job["DueDate"]), "external_create_user": None, "external_create_time": None,
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
        return {"id": id_str(job["Id"]), "address": address, "company": job.get("ShipCompany"),
                "given_name": job.get("ShipFirstName"), "family_name": job.get("ShipLastName"),
                "phone_number": job.get("ShipPhone"), "invoice_to_company": False}

    def v2_item(self, item: dict) -> dict:
        product = self.products.get(item["ProductId"])
        plan = self.plans.get(item.get("SubscriptionPlanId"))
        return {
            "id": id_str(item["Id"]), "name": item["ItemName"], "description": item["ItemDescription"],
            "notes": item.get("Notes"), "quantity": item["Qty"], "discount": currency(0.0), "special": None,
            "product": None if product is None else {
                "id": id_str(product["Id"]), "name": product["ProductName"], "sku": product["Sku"],
                "description": product["ShortDescription"], "shippable": bool(product["Shippable"]),
                "taxable": bool(product["Taxable"])},
            "subscription_id": ref_id(self.c.get("subscription_of_item", {}).get(item["Id"])),
            "item_type": ITEM_TYPES.get(item["ItemType"], "UNKNOWN"),
            "cost_per_unit": currency(item["CPU"]), "price_per_unit": currency(item["PPU"]),
            "subscription_plan": self.v2_item_plan(plan) if plan else None,
        }

    def v2_item_plan(self, plan: dict) -> dict:
        """The ``SubscriptionPlan`` model of order items and ``/products/{id}/subscriptions``."""
        product = self.products[plan["ProductId"]]
        siblings = self.plans_of.get(plan["ProductId"], [])
        return {"id": id_str(plan["Id"]), "frequency": plan["Frequency"], "active": plan["Active"],
                "subscription_plan_name": f"{product['ProductName']} ({CYCLES[plan['Cycle']][1].lower()})",
                "cycle_type": CYCLES[plan["Cycle"]][1], "total_cycles": 0,
                "plan_price": currency(plan["PlanPrice"]),
                "display_order_index": next(i for i, p in enumerate(siblings) if p["Id"] == plan["Id"])}

    def v2_payment_plan(self, plan: dict) -> dict:
        items = self.plan_items_of.get(plan["Id"], [])
        return {"auto_charge": True, "max_charge_attempts": 3, "days_between_retries": 2,
                "payment_method_id": None, "initial_payment_amount": currency(plan["FirstPayAmt"]),
                "initial_payment_percent": None, "initial_payment_date": v2_date(plan["InitDate"]),
                "plan_start_date": v2_date(plan["StartDate"]), "number_of_payments": len(items),
                "days_between_payments": 30,
                "payment_plan_items": [{"status": PLAN_ITEM_STATUS[i["Status"]], "due_date": v2_date(i["DateDue"]),
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
            out.append({"id": id_str(row["Id"]), "amount": dollars(row["Amt"]), "note": payment.get("PayNote"),
                        "invoice_id": id_str(row["InvoiceId"]), "payment_id": id_str(row["PaymentId"]),
                        "pay_time": iso_ms(pay_ms), "pay_status": row["PayStatus"],
                        "last_updated_time": iso_ms(pay_ms), "skip_commission": bool(row["SkipCommission"]),
                        "refund_invoice_payment_id": ref_id(refund_link)})
        return out

    # ----------------------------------------------------------------- payments, transactions, cards

    def v2_payments(self) -> list[dict]:
        return self.cached("v2_payments", lambda: [self.v2_payment(p) for p in self.t.get("Payment", [])])

    def v2_payment(self, p: dict) -> dict:
        charge = self.charge_of_payment.get(p["Id"])
        pay_ms = self.times["payment"][p["Id"]]
        merchant = self.merchants.get(charge["MerchantId"]) if charge else None
        return {"id": id_str(p["Id"]), "type": V2_PAY_TYPE.get(p["PayType"], "CREDIT"), "amount": dollars(p["PayAmt"]),
                "note": p.get("PayNote"), "status": "APPROVED" if charge else "COMPLETED",
                "commissioned": bool(p["Commission"]), "synced": bool(p["Synced"]),
                "payment_time": iso_ms(pay_ms), "refund_payment_id": ref_id(p.get("RefundId")),
                "contact_id": id_str(p["ContactId"]), "order_ids": [id_str(self.invoices[p["InvoiceId"]]["JobId"])],
                "update_time": iso_ms(pay_ms), "external_transaction_id": charge["RefNum"] if charge else None,
                "merchant_account_id": ref_id(merchant and merchant["id"]),
                "merchant_account_type": merchant["type"] if merchant else None,
                "payment_method": self.v2_payment_method(self.cards[charge["CCId"]]) if charge else None}

    def v2_payment_method(self, card: dict) -> dict:
        expired = (int(card["ExpirationYear"]), int(card["ExpirationMonth"])) < (self.ds.now.year, self.ds.now.month)
        return {"contact_id": id_str(card["ContactId"]), "payment_method_id": id_str(card["Id"]),
                "credit_card_id": id_str(card["Id"]), "merchant_account_type": "KEAP_PAY",
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
        return {"amount": dollars(txn["amount"]), "status": txn["status"],
                "description": f"{txn['pay_type']} {txn['method'].lower()}",
                "contact": self.basic_contact(txn["contact_id"]), "order_ids": [id_str(o) for o in txn["order_ids"]],
                "contact_id": id_str(txn["contact_id"]), "transaction_method": txn["method"],
                "transaction_time": iso_ms(txn["time_ms"]), "external_reference_id": txn["reference"],
                "external_response_code": txn["response_code"], "error_details": txn["error"],
                "payment_id": ref_id(txn["payment_id"]), "is_successful": txn["status"] == "APPROVED",
                "merchant_account_id": id_str(merchant["id"]), "merchant_account_type": merchant["type"],
                "payment_method": self.v2_payment_method(card) if card else None}

    # ----------------------------------------------------------------- subscriptions and products

    def v2_subscriptions(self) -> list[dict]:
        return self.cached("v2_subs", lambda: [self.v2_subscription(s) for s in self.t.get("RecurringOrder", [])])

    def v2_subscription(self, s: dict) -> dict:
        return {"id": id_str(s["Id"]), "quantity": s["Qty"], "active": s["Status"] == "Active",
                "contact_id": id_str(s["ContactId"]), "product_id": id_str(s["ProductId"]),
                "subscription_plan_id": id_str(s["SubscriptionPlanId"]), "billing_amount": dollars(s["BillingAmt"]),
                "auto_charge": bool(s["AutoCharge"]), "billing_frequency": s["Frequency"],
                "billing_cycle": CYCLES[s["BillingCycle"]][0], "start_date": v2_date(s.get("StartDate")),
                "last_bill_date": v2_date(s.get("LastBillDate")), "next_bill_date": v2_date(s.get("NextBillDate")),
                "end_date": v2_date(s.get("EndDate")), "merchant_account_id": ref_id(s.get("MerchantAccountId")),
                "payment_method_id": ref_id(s.get("CC1")), "allow_tax": False, "max_charge_attempts": s["MaxRetry"],
                "days_between_retries": s["NumDaysBetweenRetry"],
                "lead_affiliate_id": ref_id(s.get("LeadAffiliateId")), "sale_affiliate_id": ref_id(s.get("AffiliateId")),
                "shipping_address": None, "promo_code": s.get("PromoCode"),
                "shipping_option_id": ref_id(s.get("ShippingOptionId")), "reason_stopped": s.get("ReasonStopped"),
                "modification_time": iso_ms(self.times["subscription"][s["Id"]]), "custom_fields": []}

    def v2_products(self, detail: bool = False) -> list[dict]:
        key = "v2_products_detail" if detail else "v2_products"
        return self.cached(key, lambda: [self.v2_product(p, detail) for p in self.t.get("Product", [])])

    def v2_product(self, p: dict, detail: bool) -> dict:
        created, updated = self.times["product"][p["Id"]]
        inventory = {"inventory_limit": p["InventoryLimit"], "out_of_stock_enabled": bool(p["InventoryLimit"]),
                     "email_for_inventory_notifications": p.get("InventoryNotifiee")}
        if detail:
            inventory["inventory_count"] = self.c["product_inventory"][p["Id"]]
        plans = self.plans_of.get(p["Id"], [])
        return {
            "id": id_str(p["Id"]), "name": p["ProductName"], "price": currency(p["ProductPrice"]),
            "active": p["Status"] == 1, "description": p["Description"], "sku": p["Sku"],
            "shippable": bool(p["Shippable"]), "weight": p["Weight"], "taxable": bool(p["Taxable"]),
            "categories": [id_str(a["ProductCategoryId"]) for a in self.categories_of.get(p["Id"], [])],
            "options": [self._product_option_summary(o) for o in self.options_of.get(p["Id"], [])],
            "inventory": inventory, "short_description": p["ShortDescription"],
            "subscription_only": False, "storefront_hidden": bool(p["HideInStore"]),
            "country_taxable": bool(p["CountryTaxable"]), "state_taxable": bool(p["StateTaxable"]),
            "city_taxable": bool(p["CityTaxable"]),
            "subscription_plans": [{"id": id_str(s["Id"]), "active": s["Active"], "prorate": s["Prorate"],
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
        return {"id": id_str(option["Id"]), "required": bool(option["IsRequired"]), "option_label": option["Label"],
                "product_id": id_str(option["ProductId"]), "option_type": "LIST" if fixed else "TEXT",
                "display_order": option["Order"],
                "list_items": [{"item_id": id_str(v["Id"]), "item_label": v["Label"], "item_code": v["Sku"],
                                "item_display_order": v["OptionIndex"], "price_adjustment": v["PriceAdjustment"]}
                               for v in self.values_of.get(option["Id"], [])] if fixed else None,
                "text_rules": None if fixed else {
                    "minimum_characters": option["MinChars"], "maximum_characters": option["MaxChars"],
                    "allow_spaces": bool(option["AllowSpaces"]), "only_starts_with": "LETTER",
                    "only_ends_with": "NONE", "only_contains": "BOTH", "error_message": None}}

    def v2_categories(self) -> list[dict]:
        return [{"id": id_str(c["Id"]), "name": c["CategoryDisplayName"], "display_order_index": c["CategoryOrder"],
                 "parent_category_id": ref_id(c.get("ParentId"))} for c in self.t.get("ProductCategory", [])]

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
            out.append({"id": id_str(option["id"]), "name": option["name"], "description": option["description"],
                        "type": option["type"], "status": "ACTIVE" if option["active"] else "INACTIVE",
                        "international": option["international"], "settings": settings})
        return out



_SHIPPING_COMMON = frozenset({"id", "name", "description", "type", "active", "international"})


def _group(rows: list[dict], key: str) -> dict:
    out: dict = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def v2_discount(kind: str, d: dict) -> dict:
    """One discount in its v2 model (CategoryDiscount, OrderTotalDiscount, ...)."""
    out = {"id": id_str(d["id"]), "name": d["name"], "description": d["description"],
           "criteria": [_v2_criterion(kind, c) for c in d["criteria"]]}
    if kind == "category":
        out.update(discount_percent=d["discount_percent"], apply_to_commissions=d["apply_to_commissions"],
                   product_categories=[id_str(a["product_category_id"]) for a in d["assignments"]])
    elif kind == "order_total":
        out.update(apply_to_commissions=d["apply_to_commissions"], discount_type=d["discount_type"],
                   discount_value=d["discount_value"], discount_strategy=d["discount_strategy"])
    elif kind == "product":
        out.update(apply_to_commissions=d["apply_to_commissions"], product_id=id_str(d["product_id"]),
                   discount_type=d["discount_type"], discount_value=d["discount_value"])
    elif kind == "shipping":
        out.update(discount_type=d["discount_type"], discount_value=d["discount_value"])
    else:
        out.update(hide_price=d["hide_price"], subscription_plan_id=id_str(d["subscription_plan_id"]),
                   free_trial_days=d["free_trial_days"])
    return out


def _v2_criterion(kind: str, c: dict) -> dict:
    out = {"type": c["type"], "code": c.get("code"), "criteria_id": id_str(c["criteria_id"]),
           "range_start_time": v2_time(c.get("range_start_ms")), "range_end_time": v2_time(c.get("range_end_ms"))}
    if kind != "category":  # CategoryDiscountCriteriaResponse has only the promo/date members
        out.update(product_id=ref_id(c.get("product_id")), product_quantity_min=c.get("product_quantity_min"),
                   product_quantity_max=None, plan_id=ref_id(c.get("plan_id")),
                   subscription_quantity=c.get("subscription_quantity"), total_amount=c.get("total_amount"),
                   operator=c.get("operator"))
    return out

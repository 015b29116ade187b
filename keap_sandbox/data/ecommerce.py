"""The sandbox tenant's e-commerce domain: products, orders, invoices, payments, subscriptions.

:func:`build` adds Keap's legacy tables (names and fields exactly as in
``shared/reference/xmlrpc-tables.json``) to ``dataset.tables``:

``Product ProductCategory ProductCategoryAssign ProductOption ProductOptValue SubscriptionPlan CProgram
ProductInterestBundle ProductInterest Job OrderItem Invoice InvoiceItem Payment InvoicePayment CCharge
CreditCard PayPlan PayPlanItem RecurringOrder RecurringOrderWithContact JobRecurringInstance``

Money is kept in integer cents while generating and stored as float dollars in the rows, so every
invoice satisfies ``InvoiceTotal == sum(PPU * Qty of its OrderItems)`` and
``TotalDue == InvoiceTotal - TotalPaid`` exactly (to the cent). ``TotalPaid`` sums the positive
payments; refunds are separate negative ``Payment`` rows (``PayType == "Refund"``) whose id the
refunded payment carries in ``RefundId``, and they do not reopen the invoice (Keap reports them as
``refund_total``). Ids: orders, invoices, payments, ... each have their own counter with gaps (deleted
rows), so an order id is *not* its invoice id — a consumer that mixes them up gets wrong joins here.

Codes used where Keap documents none (sandbox choices, used consistently by every facade):

* ``OrderItem.ItemType``: 1 shipping, 2 tax, 3 service, 4 product, 5 upsell, 6 finance charge,
  7 special, 8 program, 9 subscription, 10-14 special free trial/order total/product/category/shipping
  (:data:`ITEM_TYPES` maps them to v2 ``item_type``).
* ``Job.OrderStatus``: 0 unpaid, 1 paid; ``Invoice.PayStatus``: 0 unpaid, 1 paid;
  ``Invoice.RefundStatus``: 0 none, 1 partial, 2 full; ``PayPlanItem.Status``: :data:`PLAN_ITEM_STATUS`.
* ``SubscriptionPlan.Cycle``/``RecurringOrder.BillingCycle``: "1" year, "2" month, "3" week, "6" day
  (Novak SDK field notes).

``dataset.collections`` (data with no legacy table; ids are ints, times epoch ms):

* ``ecommerce_times``: ``{"product": {id: (create_ms, update_ms)}, "order": {id: (create_ms,
  modify_ms)}, "payment": {id: pay_ms}, "subscription": {id: modify_ms}, "credit_card": {id:
  create_ms}}`` — the time of day behind Date-only columns, and the update times Keap keeps but the
  legacy schema does not document.
* ``subscription_of_item``: ``{OrderItem id: RecurringOrder id}`` for subscription lines.
* ``product_inventory``: ``{product_id: on_hand}`` (``ProductService.getInventory``).
* ``order_meta``: ``{order_id: {"source_type", "status", "terms", "allow_payment", "refund_cents"}}``
  — v2/v1 enums. Orders with equal values share one dict (read-only, like every row here).
* ``transactions``: list of gateway transactions ``{"id", "payment_id"|None, "contact_id",
  "order_ids": [int], "amount" (float), "status" (APPROVED|ERROR|FAILED), "method" (CAPTURE|REFUND|
  MANUAL), "time_ms", "merchant_account_id", "credit_card_id"|None, "reference", "response_code",
  "error"|None, "pay_type"}`` sorted by (time_ms, id). Successful card ones are also ``CCharge`` rows
  (same id).
* ``merchant_accounts``: ``[{"id", "name", "type"}]`` (type = v2 ``merchant_account_type``).
* ``discounts``: ``{"category"|"order_total"|"product"|"shipping"|"free_trial": [discount]}``; one
  id sequence over all kinds (Keap keeps all specials in one table). A discount is
  ``{"id", "name", "description", "apply_to_commissions": bool, "criteria": [criterion], ...}`` plus
  per kind: category ``discount_percent``, ``assignments: [{"id", "product_category_id"}]``;
  order_total ``discount_type`` (AMOUNT|PERCENT), ``discount_value``, ``discount_strategy``
  (GROSS|NET); product ``product_id``, ``discount_type``, ``discount_value``; shipping
  ``discount_type``, ``discount_value``; free_trial ``free_trial_days``, ``hide_price`` (bool),
  ``subscription_plan_id``. A criterion is ``{"criteria_id", "type", ...}`` with ``code``
  (PROMO_CODE), ``range_start_ms``/``range_end_ms`` (DATE_RANGE), ``total_amount``/``operator``
  (ORDER_TOTAL), ``product_id``/``product_quantity_min`` (PRODUCT), ``plan_id``/
  ``subscription_quantity`` (SUBSCRIPTION_PLAN).
* ``shipping_options``: ``[{"id", "type" (Flat|Quantity|OrderTotal|Product|UPS|Weight), "name",
  "description", "active", "international", "orderBased", ...type fields}]`` in XML-RPC member
  names (Flat: ``price``; Quantity: ``baseShippingPrice``, ``pricePerItem``,
  ``minimumShippingPrice``; UPS: ``accountNumber``, ``accessLicenseNumber``, ``accessUserId``,
  ``accessPassword``, ``deliveryType``, ``pickupType``, ``packagingType``, ``destinationType``;
  OrderTotal: ``ranges: [{"id", "lowerBound", "upperBound", "price"}]``).
* ``app_settings``: ``{"payment_types": [names], "currency", "default_country", "default_merchant",
  "credit_card_types", "promo_codes": [codes], "time_zone", "company": {...}}``.
"""


from __future__ import annotations

from datetime import datetime
from operator import itemgetter

from ..wire import APP_TIMEZONE, EPOCH
from .ecommerce_codes import (CARD_BRANDS, CATEGORY_NAMES, MERCHANT_ACCOUNTS, OPTION_LABELS, PAYMENT_OPTION_NAMES,
                              PRODUCT_NAMES, Ids, clear_money, money)
from .ecommerce_sales import Sales
from .pools import DAY_MS, HISTORY_DAYS


# --------------------------------------------------------------------------- build


def build(ds) -> None:
    try:
        builder = _Builder(ds)
        builder.catalogue()
        builder.orders()
        builder.subscriptions_with_contacts()
        builder.configuration()
    finally:
        clear_money()
    ds.tables.update(builder.tables)
    ds.collections.update(builder.collections)


class _Builder(Sales):
    """Builds the domain: the catalogue here, sales in :class:`.ecommerce_sales.Sales`, then the settings."""

    def __init__(self, ds):
        self.ds = ds
        self.now_ms = ds.now_ms
        t = self.tables = {name: [] for name in (
            "Product", "ProductCategory", "ProductCategoryAssign", "ProductOption", "ProductOptValue",
            "SubscriptionPlan", "CProgram", "ProductInterestBundle", "ProductInterest", "Job",
            "OrderItem", "Invoice", "InvoiceItem", "Payment", "InvoicePayment", "CCharge", "CreditCard",
            "PayPlan", "PayPlanItem", "RecurringOrder", "RecurringOrderWithContact",
            "JobRecurringInstance")}
        self.t = t
        self.times = {"product": {}, "order": {}, "payment": {}, "subscription": {}, "credit_card": {}}
        self.collections = {"ecommerce_times": self.times, "product_inventory": {}, "order_meta": {},
                            "transactions": [], "merchant_accounts": [dict(m) for m in MERCHANT_ACCOUNTS]}
        self.contacts = self._contact_index()
        self.meta_of: dict[tuple, dict] = {}
        self.first_instance_of_item: dict[int, dict] = {}  # OrderItem id -> its JobRecurringInstance

    def _rng(self, name: str):
        return self.ds._rng(f"ecommerce:{name}")

    def _contact_index(self) -> list[tuple[int, int, dict]]:
        """(contact id, create ms, v2 contact) sorted by create time — orders come after signup."""
        parse = datetime.fromisoformat
        out = []
        for c in self.ds.contacts:
            age = parse(c["create_time"]) - EPOCH  # exact integer arithmetic, cheaper than timestamp()
            out.append((int(c["id"]), age.days * DAY_MS + age.seconds * 1000 + age.microseconds // 1000, c))
        out.sort(key=itemgetter(1, 0))
        return out

    # ----------------------------------------------------------------- catalogue

    def catalogue(self) -> None:
        rng = self._rng("catalogue")
        n_products = max(12, min(400, self.ds.scale // 250))
        self._categories(rng)
        product_ids = Ids(rng)
        for i in range(n_products):
            self._product(rng, product_ids(), i)
        self._options(rng)
        self._plans(rng)
        self._programs(rng)
        self._bundles(rng)
        self.products = self.t["Product"]
        self.active_products = [p for p in self.products if p["Status"] == 1]
        self.plans_of = {}
        for plan in self.t["SubscriptionPlan"]:
            if plan["Active"]:
                self.plans_of.setdefault(plan["ProductId"], []).append(plan)

    def _categories(self, rng) -> None:
        for i, name in enumerate(CATEGORY_NAMES):
            row = {"Id": i + 1, "CategoryDisplayName": name, "CategoryOrder": i}
            if i >= 6:
                row["ParentId"] = 1 + int(rng.random() * 4)
            else:
                row["ParentId"] = 0  # Keap stores 0, not NULL, for a top-level category
            self.t["ProductCategory"].append(row)

    def _product(self, rng, pid: int, i: int) -> None:
        r = rng.random
        base = PRODUCT_NAMES[i % len(PRODUCT_NAMES)]
        name = base if i < len(PRODUCT_NAMES) else f"{base} {i // len(PRODUCT_NAMES) + 1}"
        digital = "eBook" in name or "Course" in name or "Gift" in name
        shippable = not digital and r() < 0.5
        price = int(r() ** 2 * 490 + 10) * 100 - (r() < 0.6) * 1  # $9.99 .. $499.00
        created = self.now_ms - 1 - int(HISTORY_DAYS * DAY_MS * r() ** 0.8)
        updated = created if r() < 0.3 else created + int((self.now_ms - 1 - created) * r())
        row = {
            "Id": pid, "ProductName": name, "ProductPrice": money(price),
            "Sku": f"SKU-{pid:05d}", "Status": 0 if r() < 0.1 else 1,
            "ShortDescription": f"{name} — short description",
            "Description": f"<p>{name}: everything you need, delivered by our team.</p>",
            "Shippable": int(shippable), "Weight": round(0.2 + r() * 9, 2) if shippable else 0.0,
            "Taxable": int(not digital and r() < 0.7), "CountryTaxable": 0, "StateTaxable": int(r() < 0.5),
            "CityTaxable": 0, "HideInStore": int(r() < 0.1), "IsPackage": int(r() < 0.05),
            "NeedsDigitalDelivery": int(digital), "InventoryLimit": int(r() * 50) if shippable else 0,
            "ShippingTime": "3-5 business days" if shippable else "",
            "TopHTML": "", "BottomHTML": "",
        }
        if shippable:
            row["InventoryNotifiee"] = "inventory@sandbox.example.com"
        self.t["Product"].append(row)
        self.times["product"][pid] = (created, updated)
        self.collections["product_inventory"][pid] = int(r() * 500) if shippable else 0
        for cat in rng.sample(range(1, len(CATEGORY_NAMES) + 1), k=int(r() * 3)):
            self.t["ProductCategoryAssign"].append(
                {"Id": len(self.t["ProductCategoryAssign"]) + 1, "ProductCategoryId": cat, "ProductId": pid})

    def _options(self, rng) -> None:
        option_ids, value_ids = Ids(rng), Ids(rng)
        for product in self.t["Product"]:
            if rng.random() >= 0.25:
                continue
            if rng.random() < 0.8:
                label, values = OPTION_LABELS[int(rng.random() * len(OPTION_LABELS))]
                oid = option_ids()
                self.t["ProductOption"].append({
                    "Id": oid, "ProductId": product["Id"], "Name": label.lower().replace(" ", "_"),
                    "Label": label, "OptionType": "FixedList", "IsRequired": 1, "Order": 0,
                    "AllowSpaces": 0, "MaxChars": 0, "MinChars": 0, "TextMessage": 0})
                for index, value in enumerate(values):
                    self.t["ProductOptValue"].append({
                        "Id": value_ids(), "ProductOptionId": oid, "Name": value, "Label": value,
                        "Sku": f"{product['Sku']}-{value[:2].upper()}", "OptionIndex": index,
                        "IsDefault": int(index == 0), "PriceAdjustment": float(index * 2)})
            else:
                self.t["ProductOption"].append({
                    "Id": option_ids(), "ProductId": product["Id"], "Name": "engraving",
                    "Label": "Engraving text", "OptionType": "Variable", "IsRequired": 0, "Order": 1,
                    "AllowSpaces": 1, "MinChars": 1, "MaxChars": 20, "CanContain": "Both",
                    "CanStartWith": "Letter", "CanEndWith": 0, "TextMessage": 0})

    def _plans(self, rng) -> None:
        plan_ids = Ids(rng)
        for product in self.t["Product"]:
            if product["Shippable"] or rng.random() >= 0.45:
                continue
            codes = ("2", "1") if rng.random() < 0.6 else ("2",)
            for code in codes:
                monthly = int(product["ProductPrice"] * 100 * (0.25 if code == "2" else 2.5))
                self.t["SubscriptionPlan"].append({
                    "Id": plan_ids(), "ProductId": product["Id"], "Cycle": code, "Frequency": 1,
                    "PlanPrice": money(max(500, monthly)), "PreAuthorizeAmount": 0.0,
                    "Prorate": rng.random() < 0.3, "Active": rng.random() < 0.9})

    def _programs(self, rng) -> None:
        for i, product in enumerate(self.t["Product"][:3]):
            self.t["CProgram"].append({
                "Id": i + 1, "ProgramName": f"{product['ProductName']} (legacy program)",
                "ProductId": product["Id"], "DefaultPrice": product["ProductPrice"], "DefaultCycle": "2",
                "DefaultFrequency": 1, "BillingType": "Service" if i else "Product", "Status": int(i < 2),
                "Active": i < 2, "Family": "Legacy", "Sku": f"PRG-{i + 1}", "Taxable": 0,
                "HideInStore": 1, "Description": "Continuity program from the classic app",
                "ShortDescription": "Continuity program"})

    def _bundles(self, rng) -> None:
        for i, name in enumerate(("Starter Bundle", "Growth Bundle", "Enterprise Bundle")):
            bid = i + 1
            self.t["ProductInterestBundle"].append(
                {"Id": bid, "BundleName": name, "Description": f"{name} for opportunities"})
            for product in rng.sample(self.t["Product"], k=2 + i):
                self.t["ProductInterest"].append({
                    "Id": len(self.t["ProductInterest"]) + 1, "ObjectId": bid, "ObjType": "Bundle",
                    "ProductId": product["Id"], "ProductType": "Product", "Qty": 1 + int(rng.random() * 3),
                    "DiscountPercent": int(rng.random() * 3) * 5})

    # ----------------------------------------------------------------- configuration

    def configuration(self) -> None:
        rng = self._rng("configuration")
        self.collections["discounts"] = self._discounts(rng)
        self.collections["shipping_options"] = _shipping_options()
        self.collections["app_settings"] = {
            "payment_types": list(PAYMENT_OPTION_NAMES), "currency": "USD", "default_country": "United States",
            "default_merchant": str(MERCHANT_ACCOUNTS[0]["id"]),
            "credit_card_types": ",".join(brand for brand, _ in CARD_BRANDS),
            "promo_codes": ["SPRING10", "WELCOME", "VIP20"], "time_zone": APP_TIMEZONE,
            "company": {"name": "Sandbox Fitness & Wellness LLC", "email": "owner@sandbox.example.com",
                        "city": "Phoenix", "state": "Arizona", "zip": "85004", "country": "United States",
                        "phone": "(602) 555-0100", "website": "https://www.sandbox.example.com",
                        "street_address_1": "100 N Central Ave"}}

    def _discounts(self, rng) -> dict:
        ids, criteria_ids = Ids(rng), Ids(rng)
        now = self.now_ms
        products = self.t["Product"]
        plans = self.t["SubscriptionPlan"]

        def criteria(*kinds):
            out = []
            for kind in kinds:
                c = {"criteria_id": criteria_ids(), "type": kind}
                if kind == "PROMO_CODE":
                    c["code"] = ("SPRING10", "WELCOME", "VIP20", "FREESHIP")[int(rng.random() * 4)]
                elif kind == "DATE_RANGE":
                    start = now - int(rng.random() * 400) * DAY_MS
                    c["range_start_ms"], c["range_end_ms"] = start - start % DAY_MS, start - start % DAY_MS + 90 * DAY_MS
                elif kind == "ORDER_TOTAL":
                    c["total_amount"], c["operator"] = 100.0, "GREATER_THAN"
                elif kind == "PRODUCT":
                    c["product_id"], c["product_quantity_min"] = products[int(rng.random() * len(products))]["Id"], 2
                elif kind == "SUBSCRIPTION_PLAN" and plans:
                    c["plan_id"], c["subscription_quantity"] = plans[0]["Id"], 1
                out.append(c)
            return out

        def base(name, description, *kinds):
            return {"id": ids(), "name": name, "description": description,
                    "apply_to_commissions": rng.random() < 0.5, "criteria": criteria(*kinds)}

        out = {"category": [], "order_total": [], "product": [], "shipping": [], "free_trial": []}
        for i, name in enumerate(("Coaching 15% off", "Merch clearance", "Events early bird")):
            d = base(name, f"{name} on the whole category", "PROMO_CODE", "DATE_RANGE")
            d["discount_percent"] = (15.0, 30.0, 10.0)[i]
            cats = rng.sample(range(1, len(CATEGORY_NAMES) + 1), k=1 + i % 2)
            d["assignments"] = [{"id": criteria_ids(), "product_category_id": c} for c in cats]
            out["category"].append(d)
        for i, name in enumerate(("$10 off orders over $100", "5% off everything", "Net $25 loyalty credit")):
            d = base(name, f"{name}", "ORDER_TOTAL") if i == 0 else base(name, name, "PROMO_CODE")
            d.update(discount_type=("AMOUNT", "PERCENT", "AMOUNT")[i], discount_value=(10.0, 5.0, 25.0)[i],
                     discount_strategy=("GROSS", "GROSS", "NET")[i])
            out["order_total"].append(d)
        for i in range(4):
            product = products[(i * 3) % len(products)]
            d = base(f"{product['ProductName']} deal", f"Discount on {product['ProductName']}", "PRODUCT")
            d.update(product_id=product["Id"], discount_type=("PERCENT", "AMOUNT")[i % 2],
                     discount_value=(20.0, 5.0)[i % 2])
            out["product"].append(d)
        for i, name in enumerate(("Free shipping", "Half-price shipping")):
            d = base(name, f"{name} with code", "PROMO_CODE")
            d.update(discount_type=("PERCENT", "PERCENT")[i], discount_value=(100.0, 50.0)[i])
            out["shipping"].append(d)
        for i, plan in enumerate(plans[:3]):
            d = base(f"{(7, 14, 30)[i]}-day free trial", "Try before you buy", "SUBSCRIPTION_PLAN")
            d.update(free_trial_days=(7, 14, 30)[i], hide_price=bool(i % 2), subscription_plan_id=plan["Id"])
            out["free_trial"].append(d)
        return out


def _shipping_options() -> list[dict]:
    """The tenant's configured shipping options, one of each ShippingService type."""
    common = {"description": "", "active": True, "international": False, "orderBased": True}
    return [
        {**common, "id": 1, "type": "Flat", "name": "Flat Rate Per Order", "price": 5.95},
        {**common, "id": 3, "type": "Product", "name": "Specific Price Per Product", "orderBased": False},
        {**common, "id": 7, "type": "Quantity", "name": "Per Item Shipping", "orderBased": False,
         "baseShippingPrice": 4.0, "pricePerItem": 1.5, "minimumShippingPrice": 5.0},
        {**common, "id": 9, "type": "OrderTotal", "name": "Shipping by Order Total",
         "ranges": [{"id": 1, "lowerBound": 0.0, "upperBound": 50.0, "price": 7.95},
                    {"id": 2, "lowerBound": 50.0, "upperBound": 150.0, "price": 4.95},
                    {"id": 3, "lowerBound": 150.0, "upperBound": 0.0, "price": 0.0}]},
        {**common, "id": 11, "type": "Weight", "name": "Ship by Weight"},
        {**common, "id": 13, "type": "UPS", "name": "UPS", "orderBased": False, "international": True,
         "accountNumber": "39208234", "accessLicenseNumber": "SANDBOXLICENSE", "accessUserId": "sandbox",
         "accessPassword": "sandbox-secret", "deliveryType": "01,03,07", "pickupType": "01",
         "packagingType": "01", "destinationType": "0"},
        {**common, "id": 15, "type": "Flat", "name": "International Flat Rate", "price": 24.95,
         "international": True, "active": False},
    ]

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

from datetime import date, datetime, timedelta
from operator import itemgetter

from .dataset import DAY_MS, EPOCH, HISTORY_DAYS, RECENT_DAYS, to_ms

ITEM_TYPES = {1: "SHIPPING", 2: "TAX", 3: "SERVICE", 4: "PRODUCT", 5: "UPSELL", 6: "FINANCE_CHARGE",
              7: "DISCOUNT", 8: "PROGRAM", 9: "SUBSCRIPTION", 10: "DISCOUNT_FREE_TRIAL",
              11: "DISCOUNT_ORDER_TOTAL", 12: "DISCOUNT_PRODUCT", 13: "DISCOUNT_PRODUCT_CATEGORY",
              14: "DISCOUNT_SHIPPING"}
PLAN_ITEM_STATUS = {0: "UNPAID_MANUAL", 1: "PAID", 2: "FAILED", 3: "UNPAID_AUTOCHARGE"}
CYCLES = {"1": ("YEAR", "YEARLY", 12), "2": ("MONTH", "MONTHLY", 1), "3": ("WEEK", "WEEKLY", 0),
          "6": ("DAY", "DAILY", 0)}  # code -> (subscription cycle, plan cycle_type, months per period)
CYCLE_DAYS = {"3": 7, "6": 1}
# (legacy PayType, v2 payment type, paid by card, weight)
PAY_TYPES = (("Credit Card", "CREDIT_CARD", True, 74), ("Check", "CHECK", False, 10),
             ("Cash", "CASH", False, 8), ("Credit Card (Manual)", "CREDIT_CARD_MANUAL", True, 5),
             ("Money Order", "MONEY_ORDER", False, 2), ("Adjustment", "ADJUSTMENT", False, 1))
PAYMENT_OPTION_NAMES = ("Credit Card (Manual)", "Check", "Cash", "Money Order", "Adjustment",
                        "Credit Card", "Credit", "Refund")
V2_PAY_TYPE = {row[0]: row[1] for row in PAY_TYPES} | {"Refund": "REFUND", "Credit": "CREDIT"}
MERCHANT_ACCOUNTS = ({"id": 1, "name": "Keap Payments", "type": "KEAP_PAY"},
                     {"id": 3, "name": "Stripe", "type": "STRIPE"},
                     {"id": 5, "name": "Authorize.Net", "type": "AUTHORIZE"})
CARD_BRANDS = (("Visa", "4"), ("MasterCard", "5"), ("American Express", "3"), ("Discover", "6"))
PRODUCT_NAMES = (
    "Starter Coaching Package", "Monthly Membership", "Growth Playbook (eBook)", "Wellness Kit",
    "60-Minute Consultation", "Workshop Ticket", "Premium Support Plan", "Logo T-Shirt",
    "Insulated Water Bottle", "Online Course: Marketing Basics", "VIP Mastermind", "Gift Card",
    "Yoga Mat", "Protein Bundle", "Tax Prep Session", "Website Audit", "Photo Session",
    "Dental Whitening Kit", "Home Inspection", "Landscape Design Plan", "Bakery Box",
    "Realtor Lead Pack", "Legal Document Review", "Tutoring Hour (4-pack)", "Detailing Package")
CATEGORY_NAMES = ("Coaching", "Memberships", "Digital Products", "Merchandise", "Services",
                  "Events", "Gift Cards", "Bundles")
OPTION_LABELS = (("Size", ("Small", "Medium", "Large", "X-Large")), ("Color", ("Black", "Blue", "Red")),
                 ("Format", ("PDF", "Paperback")), ("Session Length", ("30 min", "60 min", "90 min")))
REASONS_STOPPED = ("Cancelled by customer", "Card declined", "Moved to annual plan", "Trial ended")


# --------------------------------------------------------------------------- small helpers


def _dt(ms: int) -> datetime:
    """Aware UTC datetime of epoch ms (DateTime columns)."""
    return EPOCH + timedelta(milliseconds=ms)


_DAYS: dict[int, datetime] = {}


def _instant(ms: int) -> datetime:
    """Like :func:`_dt`, but a midnight shares :func:`_day`'s object (billing periods start at one)."""
    return _day(ms) if ms % DAY_MS == 0 else _dt(ms)


def _day(ms: int) -> datetime:
    """Midnight UTC of the day holding ``ms`` (Date columns); shared objects, as days repeat a lot."""
    number = ms // DAY_MS
    value = _DAYS.get(number)
    if value is None:
        value = _DAYS[number] = EPOCH + timedelta(days=number)
    return value


_MONEY: dict[int, float] = {}


def _money(cents: int) -> float:
    """Dollars of ``cents``, one shared float per amount (prices and totals repeat across ~500k
    money cells at scale 100,000; :func:`build` empties the cache when it is done). The cache only
    ever maps cents to their own value, so builds in concurrent threads cannot disturb each other."""
    value = _MONEY.get(cents)
    if value is None:
        # A correctly rounded division is already the double nearest to the decimal amount.
        value = _MONEY[cents] = cents / 100
    return value


_SMALL_SET = 21  # random.sample's own threshold for k <= 5: below it, it samples from a list copy


def _sample(rng, population: list, k: int) -> list:
    """``rng.sample(population, k)``, the same draws and result, without its per-call overhead
    (the ABC check and set-up cost more than the draws for the 1-4 products of an order line)."""
    n = len(population)
    if k > 5 or n <= _SMALL_SET or k > n:
        return rng.sample(population, k)
    randbelow, selected, result = rng._randbelow, set(), []  # noqa: SLF001 - the draw sample() uses
    for _ in range(k):
        j = randbelow(n)
        while j in selected:
            j = randbelow(n)
        selected.add(j)
        result.append(population[j])
    return result


class _Ids:
    """Increasing ids with occasional gaps (deleted rows), one stream per table."""

    def __init__(self, rng, start: int = 1):
        self.rng, self.next = rng, start

    def __call__(self) -> int:
        value = self.next
        roll = self.rng.random()
        self.next += 1 if roll >= 0.08 else 1 + int(roll * 37.5)  # ~8% leave a gap of 1-3 ids
        return value


_PAY_TYPE_TOTAL = sum(row[-1] for row in PAY_TYPES)


def _weighted_pick(rng, rows, total=_PAY_TYPE_TOTAL):
    roll, acc = rng.random() * total, 0
    for row in rows:
        acc += row[-1]
        if roll < acc:
            return row
    return rows[-1]


def _add_period(start: date, code: str, frequency: int, n: int) -> date:
    """``start`` plus ``n`` billing periods of ``frequency`` cycles."""
    if code not in CYCLE_DAYS:
        months = CYCLES[code][2] * frequency * n
        total = start.month - 1 + months
        return date(start.year + total // 12, total % 12 + 1, min(start.day, 28))
    return start + timedelta(days=CYCLE_DAYS[code] * frequency * n)


def _date_ms(day: date) -> int:
    return (day.toordinal() - date(1970, 1, 1).toordinal()) * DAY_MS


# --------------------------------------------------------------------------- build


def build(ds) -> None:
    try:
        builder = _Builder(ds)
        builder.catalogue()
        builder.orders()
        builder.subscriptions_with_contacts()
        builder.configuration()
    finally:
        _MONEY.clear()
    ds.tables.update(builder.tables)
    ds.collections.update(builder.collections)


class _Builder:
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
        product_ids = _Ids(rng)
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
            "Id": pid, "ProductName": name, "ProductPrice": _money(price),
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
        option_ids, value_ids = _Ids(rng), _Ids(rng)
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
        plan_ids = _Ids(rng)
        for product in self.t["Product"]:
            if product["Shippable"] or rng.random() >= 0.45:
                continue
            codes = ("2", "1") if rng.random() < 0.6 else ("2",)
            for code in codes:
                monthly = int(product["ProductPrice"] * 100 * (0.25 if code == "2" else 2.5))
                self.t["SubscriptionPlan"].append({
                    "Id": plan_ids(), "ProductId": product["Id"], "Cycle": code, "Frequency": 1,
                    "PlanPrice": _money(max(500, monthly)), "PreAuthorizeAmount": 0.0,
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

    # ----------------------------------------------------------------- orders and money

    def orders(self) -> None:
        rng = self._rng("orders")
        self.ids = {name: _Ids(rng, start) for name, start in (
            ("order", 1), ("item", 1), ("invoice", 3), ("invoice_item", 1), ("payment", 5),
            ("invoice_payment", 1), ("transaction", 11), ("card", 1), ("plan", 1), ("plan_item", 1),
            ("subscription", 2), ("instance", 1))}
        self.card_of = {}  # contact id -> CreditCard row
        self.subscription_of_item = {}  # OrderItem id -> RecurringOrder id
        self.collections["subscription_of_item"] = self.subscription_of_item
        if not self.contacts:
            return
        for created, cid, contact in self._order_slots(rng):
            self._order(rng, created, cid, contact)
        self.collections["transactions"].sort(key=lambda t: (t["time_ms"], t["id"]))

    def _order_slots(self, rng):
        """(create ms, contact id, contact) for scale/3 orders, by create time; buyers skew to recent
        signups. The id is the index's int, so every row of a contact shares one int object."""
        n = len(self.contacts) // 3 + (1 if self.contacts else 0)
        slots = []
        for _ in range(n):
            cid, signed_up, contact = self.contacts[int(rng.random() ** 0.7 * len(self.contacts))]
            created = signed_up + int((self.now_ms - 1 - signed_up) * rng.random() ** 1.5)
            slots.append((created, cid, contact))
        slots.sort(key=lambda s: s[0])
        return slots

    def _order(self, rng, created: int, cid: int, contact: dict) -> None:
        r = rng.random
        oid, iid = self.ids["order"](), self.ids["invoice"]()
        lines = self._lines(rng, oid, cid, created)
        total = sum(ppu * qty for _, ppu, qty in lines)
        online = r() < 0.7
        job = self._job(rng, oid, cid, created, contact, lines, online)
        invoice = {"Id": iid, "ContactId": cid, "JobId": oid, "DateCreated": job["DateCreated"],
                   "InvoiceTotal": _money(total), "InvoiceType": "Online" if online else "Offline",
                   "CreditStatus": 0, "Synced": int(r() < 0.2), "PayPlanStatus": 0,
                   "Description": job["JobTitle"],
                   "ProductSold": ",".join(str(row["ProductId"]) for row, _, _ in lines if row.get("ProductId"))}
        if r() < 0.1:
            invoice["AffiliateId"] = int(self.ds.affiliate_ids[int(r() * len(self.ds.affiliate_ids))])
        if r() < 0.05:
            invoice["LeadAffiliateId"] = int(self.ds.affiliate_ids[int(r() * len(self.ds.affiliate_ids))])
        if r() < 0.06:
            invoice["PromoCode"] = ("SPRING10", "WELCOME", "VIP20")[int(r() * 3)]
        items = self._invoice_items(iid, job["DateCreated"], lines)
        paid, refunded, last_ms = self._settle(rng, invoice, items, created, total, contact)
        invoice["TotalPaid"], invoice["TotalDue"] = _money(paid), _money(total - paid)
        invoice["PayStatus"] = int(paid >= total)
        invoice["RefundStatus"] = 0 if not refunded else 2 if refunded >= paid else 1
        job["OrderStatus"] = invoice["PayStatus"]
        job["JobStatus"] = "Paid" if paid >= total else "Partially Paid" if paid else "Sent"
        self.t["Job"].append(job)
        self.t["Invoice"].append(invoice)
        self.times["order"][oid] = (created, self._modified(rng, created, last_ms))
        status = "PAID" if paid >= total else ("VIEWED" if r() < 0.4 else "SENT") if online or r() < 0.7 else "DRAFT"
        source = "CHECKOUT_FORM" if online else ("INVOICE", "MANUAL_PAYMENT", "API")[int(r() * 3)]
        self.collections["order_meta"][oid] = self._shared_meta(source, status, online, refunded)

    def _shared_meta(self, source: str, status: str, online: bool, refunded: int) -> dict:
        """One read-only dict per distinct combination: a few dozen serve ~all orders."""
        key = (source, status, online, refunded)
        meta = self.meta_of.get(key)
        if meta is None:
            meta = self.meta_of[key] = {"source_type": source, "status": status,
                                        "terms": None if online else "Net 30", "allow_payment": not online,
                                        "refund_cents": refunded}
        return meta

    def _modified(self, rng, created: int, last_ms: int) -> int:
        """Orders change when paid, and ~20% were touched again in the last week (notes, shipping)."""
        modified = max(created, last_ms)
        if rng.random() < 0.2:
            recent = self.now_ms - 1 - int(RECENT_DAYS * DAY_MS * rng.random() ** 2)
            modified = max(modified, recent)
        return modified

    def _lines(self, rng, oid: int, cid: int, created: int) -> list[tuple[dict, int, int]]:
        """OrderItem rows with (row, price per unit in cents, qty); also starts subscriptions."""
        r, lines = rng.random, []
        count = 1 + (r() < 0.35) + (r() < 0.15) + (r() < 0.05)
        shippable = taxable = False
        for product in _sample(rng, self.active_products, min(count, len(self.active_products))):
            qty = 1 + (r() < 0.2) + (r() < 0.05)
            plans = self.plans_of.get(product["Id"])
            if plans and r() < 0.4:
                plan = plans[int(r() * len(plans))]
                ppu = round(plan["PlanPrice"] * 100)
                row = self._item(oid, product, 9, ppu, 1, plan["Id"])
                lines.append((row, ppu, 1))
                self._start_subscription(rng, oid, cid, created, product, plan, row)
                continue
            ppu = round(product["ProductPrice"] * 100)
            lines.append((self._item(oid, product, 4, ppu, qty), ppu, qty))
            shippable |= bool(product["Shippable"])
            taxable |= bool(product["Taxable"])
        subtotal = sum(ppu * qty for _, ppu, qty in lines)
        if shippable:
            fee = (595, 995, 1495)[int(r() * 3)]
            lines.append((self._special(oid, 1, "Shipping", fee), fee, 1))
        if taxable and r() < 0.5:
            tax = round(subtotal * 0.07)
            lines.append((self._special(oid, 2, "Sales Tax", tax), tax, 1))
        if subtotal > 2000 and r() < 0.08:
            discount = -round(subtotal * 0.1)
            lines.append((self._special(oid, 11, "Order total discount (10%)", discount), discount, 1))
        return lines

    def _item(self, oid: int, product: dict, item_type: int, ppu: int, qty: int, plan_id: int | None = None):
        row = {"Id": self.ids["item"](), "OrderId": oid, "ProductId": product["Id"],
               "ItemName": product["ProductName"], "ItemDescription": product["ShortDescription"],
               "ItemType": item_type, "PPU": _money(ppu), "CPU": _money(ppu * 4 // 10), "Qty": qty}
        if plan_id is not None:
            row["SubscriptionPlanId"] = plan_id
        self.t["OrderItem"].append(row)
        return row

    def _special(self, oid: int, item_type: int, name: str, cents: int) -> dict:
        row = {"Id": self.ids["item"](), "OrderId": oid, "ProductId": 0, "ItemName": name,
               "ItemDescription": name, "ItemType": item_type, "PPU": _money(cents), "CPU": 0.0, "Qty": 1}
        self.t["OrderItem"].append(row)
        return row

    def _job(self, rng, oid, cid, created, contact, lines, online) -> dict:
        first = lines[0][0]
        job = {"Id": oid, "ContactId": cid, "DateCreated": _dt(created), "StartDate": _day(created),
               "DueDate": _day(created + (0 if online else 30 * DAY_MS)),
               "JobTitle": f"Order #{oid} — {first['ItemName']}", "OrderType": "Online" if online else "Offline",
               "ProductId": first["ProductId"]}
        if rng.random() < 0.1:
            job["JobNotes"] = "Customer asked for gift wrapping."
        subscriptions = [self.subscription_of_item[row["Id"]] for row, _, _ in lines
                         if row["Id"] in self.subscription_of_item]
        if subscriptions:
            job["JobRecurringId"] = subscriptions[0]
        if any(row["ItemType"] == 1 for row, _, _ in lines):
            job.update(self._ship_to(contact))
        return job

    @staticmethod
    def _ship_to(contact: dict) -> dict:
        out = {"ShipFirstName": contact["given_name"] or "", "ShipLastName": contact["family_name"] or ""}
        address = next((a for a in contact["addresses"] if a["field"] in ("SHIPPING", "BILLING")), None)
        if address:
            out.update({"ShipStreet1": address["line1"], "ShipCity": address["locality"],
                        "ShipState": address["region"], "ShipZip": address["postal_code"],
                        "ShipCountry": address["country"]})
            if address["line2"]:
                out["ShipStreet2"] = address["line2"]
        if contact["phone_numbers"]:
            out["ShipPhone"] = contact["phone_numbers"][0]["number"]
        if contact["company"]:
            out["ShipCompany"] = contact["company"]["company_name"]
        return out

    def _invoice_items(self, iid: int, created: datetime, lines) -> list[dict]:
        items = []
        for row, ppu, qty in lines:
            item = {"Id": self.ids["invoice_item"](), "InvoiceId": iid, "OrderItemId": row["Id"],
                    "InvoiceAmt": _money(ppu * qty), "Discount": 0.0, "DateCreated": created,
                    "Description": row["ItemName"], "CommissionStatus": 0}
            items.append(item)
            self.t["InvoiceItem"].append(item)
            instance = self.first_instance_of_item.pop(row["Id"], None)
            if instance is not None:
                instance["InvoiceItemId"] = item["Id"]
        return items

    # ----------------------------------------------------------------- payments

    def _settle(self, rng, invoice, items, created, total, contact) -> tuple[int, int, int]:
        """Pay the invoice (in full, in part, by plan, or not at all); returns (paid, refunded, last ms)."""
        r = rng.random
        if total <= 0:
            return 0, 0, created
        roll = r()
        if roll < 0.12:
            return 0, 0, created
        if total > 15000 and roll < 0.22:
            return self._pay_by_plan(rng, invoice, created, total, contact)
        pay_type = _weighted_pick(rng, PAY_TYPES)
        amount = total if roll >= 0.19 else total // 2
        pay_ms = created + int(r() * (DAY_MS if pay_type[2] else 10 * DAY_MS))
        if pay_ms >= self.now_ms:
            return 0, 0, created
        payment = self._payment(rng, invoice, contact, pay_type, amount, pay_ms)
        if payment is None:
            return 0, 0, pay_ms
        refunded, last = 0, pay_ms
        if amount == total and r() < 0.05:
            refund_ms = pay_ms + int(r() * 20 * DAY_MS)
            if refund_ms < self.now_ms:
                refunded = total if r() < 0.6 else total // 4
                self._refund(rng, invoice, contact, payment, refunded, refund_ms)
                last = refund_ms
        return amount, refunded, last

    def _payment(self, rng, invoice, contact, pay_type, cents, pay_ms) -> dict | None:
        """A Payment + InvoicePayment (+ CCharge and a card for card payments); None if declined."""
        legacy, v2_type, by_card, _ = pay_type
        cid = invoice["ContactId"]
        card = self._card(rng, contact, pay_ms) if by_card else None
        if by_card and rng.random() < 0.04:  # a decline before the customer gave up or retried later
            self._transaction(rng, None, invoice, card, cents, pay_ms, "ERROR", "CAPTURE", legacy)
            return None
        pid = self.ids["payment"]()
        payment = {"Id": pid, "PayDate": _day(pay_ms), "PayAmt": _money(cents), "PayType": legacy,
                   "ContactId": cid, "InvoiceId": invoice["Id"], "UserId": int(self.ds.user_ids[0]),
                   "Synced": 0, "Commission": int(rng.random() < 0.3)}
        if rng.random() < 0.15:
            payment["PayNote"] = "Thank you for your business!" if by_card else f"{legacy} received at front desk"
        self.times["payment"][pid] = pay_ms
        method = "CAPTURE" if by_card else "MANUAL"
        txn = self._transaction(rng, pid, invoice, card, cents, pay_ms, "APPROVED", method, legacy)
        if by_card:
            payment["ChargeId"] = txn["id"]
            self.t["CCharge"].append({"Id": txn["id"], "CCId": card["Id"], "PaymentId": pid,
                                      "Amt": _money(cents), "MerchantId": txn["merchant_account_id"],
                                      "ApprCode": f"{int(rng.random() * 10**6):06d}",
                                      "RefNum": txn["reference"], "OrderNum": str(invoice["JobId"])})
        self.t["Payment"].append(payment)
        self.t["InvoicePayment"].append({
            "Id": self.ids["invoice_payment"](), "InvoiceId": invoice["Id"], "PaymentId": pid,
            "Amt": _money(cents), "PayDate": _day(pay_ms),
            "PayStatus": "APPROVED" if by_card else "MANUAL_PAID", "SkipCommission": 0})
        return payment

    def _refund(self, rng, invoice, contact, original, cents, refund_ms) -> None:
        pid = self.ids["payment"]()
        original["RefundId"] = pid
        self.t["Payment"].append({
            "Id": pid, "PayDate": _day(refund_ms), "PayAmt": -_money(cents), "PayType": "Refund",
            "ContactId": invoice["ContactId"], "InvoiceId": invoice["Id"], "UserId": int(self.ds.user_ids[0]),
            "PayNote": f"Refund of payment {original['Id']}", "Synced": 0, "Commission": 0})
        self.times["payment"][pid] = refund_ms
        by_card = "ChargeId" in original
        card = self.card_of.get(invoice["ContactId"]) if by_card else None
        self._transaction(rng, pid, invoice, card, -cents, refund_ms, "APPROVED",
                          "REFUND" if by_card else "MANUAL", "Refund")
        self.t["InvoicePayment"].append({
            "Id": self.ids["invoice_payment"](), "InvoiceId": invoice["Id"], "PaymentId": pid,
            "Amt": -_money(cents), "PayDate": _day(refund_ms), "PayStatus": "REFUNDED", "SkipCommission": 1})

    def _pay_by_plan(self, rng, invoice, created, total, contact) -> tuple[int, int, int]:
        n = 3 + (rng.random() < 0.3) * 3
        first = total - (total // n) * (n - 1)
        plan_id = self.ids["plan"]()
        invoice["PayPlanStatus"] = 1
        self.t["PayPlan"].append({
            "Id": plan_id, "InvoiceId": invoice["Id"], "AmtDue": _money(total), "FirstPayAmt": _money(first),
            "InitDate": _day(created), "StartDate": _day(created), "DateDue": _day(created), "Type": 0})
        paid, last = 0, created
        card_type = PAY_TYPES[0]
        for k in range(n):
            due_ms = created + k * 30 * DAY_MS
            amount = first if k == 0 else total // n
            item = {"Id": self.ids["plan_item"](), "PayPlanId": plan_id, "DateDue": _day(due_ms),
                    "AmtDue": _money(amount), "AmtPaid": 0.0, "Status": 3}
            if due_ms + 3_600_000 < self.now_ms:
                payment = self._payment(rng, invoice, contact, card_type, amount, due_ms + 3_600_000)
                if payment is None:
                    item["Status"] = 2
                else:
                    item["AmtPaid"], item["Status"] = _money(amount), 1
                    paid, last = paid + amount, due_ms + 3_600_000
            self.t["PayPlanItem"].append(item)
        return paid, 0, last

    def _card(self, rng, contact, when_ms) -> dict:
        cid = int(contact["id"])
        card = self.card_of.get(cid)
        if card is not None:
            return card
        brand, prefix = CARD_BRANDS[int(rng.random() * len(CARD_BRANDS))]
        last4 = f"{int(rng.random() * 10000):04d}"
        expiry_year = _day(when_ms).year + int(rng.random() * 5)
        name = " ".join(p for p in (contact["given_name"], contact["family_name"]) if p)
        card = {"Id": self.ids["card"](), "ContactId": cid, "CardType": brand, "Last4": last4,
                "CardNumber": f"{prefix}{'*' * 11}{last4}", "ExpirationMonth": f"{1 + int(rng.random() * 12):02d}",
                "ExpirationYear": str(expiry_year), "NameOnCard": name, "FirstName": contact["given_name"] or "",
                "LastName": contact["family_name"] or "", "Status": 3}
        if contact["email_addresses"]:
            card["Email"] = contact["email_addresses"][0]["email"]
        billing = next((a for a in contact["addresses"] if a["field"] == "BILLING"), None)
        if billing:
            card.update({"BillName": name, "BillAddress1": billing["line1"], "BillCity": billing["locality"],
                         "BillState": billing["region"], "BillZip": billing["postal_code"],
                         "BillCountry": billing["country"]})
        self.card_of[cid] = card
        self.t["CreditCard"].append(card)
        self.times["credit_card"][card["Id"]] = max(0, when_ms - int(rng.random() * 60_000))
        return card

    def _transaction(self, rng, pid, invoice, card, cents, when_ms, status, method, pay_type) -> dict:
        merchant = MERCHANT_ACCOUNTS[0 if rng.random() < 0.7 else 1]["id"]
        txn = {"id": self.ids["transaction"](), "payment_id": pid, "contact_id": invoice["ContactId"],
               "order_ids": [invoice["JobId"]], "amount": _money(cents),
               "status": status, "method": method, "time_ms": when_ms, "merchant_account_id": merchant,
               "credit_card_id": card["Id"] if card else None,
               "reference": f"ch_{int(rng.random() * 16**12):012x}", "pay_type": pay_type,
               "response_code": "1" if status == "APPROVED" else "2",
               "error": None if status == "APPROVED" else "Card declined (insufficient funds)"}
        self.collections["transactions"].append(txn)
        return txn

    # ----------------------------------------------------------------- subscriptions

    def _start_subscription(self, rng, oid, cid, created, product, plan, item) -> None:
        r = rng.random
        sid = self.ids["subscription"]()
        self.subscription_of_item[item["Id"]] = sid
        code, frequency = plan["Cycle"], plan["Frequency"]
        start = date.fromordinal(date(1970, 1, 1).toordinal() + created // DAY_MS)
        start = start.replace(day=min(start.day, 28))
        today_ms = self.now_ms
        periods = self._periods_before(start, code, frequency, today_ms)
        active = r() < 0.75
        row = {"Id": sid, "ContactId": cid, "OriginatingOrderId": oid, "ProductId": product["Id"],
               "SubscriptionPlanId": plan["Id"], "BillingCycle": code, "Frequency": frequency,
               "BillingAmt": plan["PlanPrice"], "Qty": 1, "StartDate": _day(_date_ms(start)),
               "LastBillDate": _day(_date_ms(_add_period(start, code, frequency, periods))),
               "PaidThruDate": _day(_date_ms(_add_period(start, code, frequency, periods))),
               "Status": "Active" if active else "Inactive", "AutoCharge": int(r() < 0.9),
               "MaxRetry": 3, "NumDaysBetweenRetry": 2, "MerchantAccountId": MERCHANT_ACCOUNTS[0]["id"]}
        if active:
            row["NextBillDate"] = _day(_date_ms(_add_period(start, code, frequency, periods + 1)))
        else:
            end = _add_period(start, code, frequency, max(1, periods // 2 + 1))
            row["EndDate"] = _day(min(_date_ms(end), today_ms - DAY_MS))
            row["ReasonStopped"] = REASONS_STOPPED[int(r() * len(REASONS_STOPPED))]
        if cid in self.card_of:
            row["CC1"] = self.card_of[cid]["Id"]
        if r() < 0.1:
            row["AffiliateId"] = int(self.ds.affiliate_ids[int(r() * len(self.ds.affiliate_ids))])
        self.t["RecurringOrder"].append(row)
        modified = created if r() < 0.3 else created + int((today_ms - 1 - created) * r())
        self.times["subscription"][sid] = modified
        self._instances(rng, sid, start, code, frequency, periods, created, item, row)

    @staticmethod
    def _periods_before(start: date, code: str, frequency: int, limit_ms: int) -> int:
        """How many whole billing periods since ``start`` ended before ``limit_ms``."""
        days = (limit_ms - _date_ms(start)) // DAY_MS
        per = CYCLE_DAYS.get(code, 28 * CYCLES[code][2]) * frequency  # a lower bound on a period's days
        periods = max(0, days // per)
        while periods and _date_ms(_add_period(start, code, frequency, periods)) >= limit_ms:
            periods -= 1
        return periods

    def _instances(self, rng, sid, start, code, frequency, periods, created, item, sub) -> None:
        """One JobRecurringInstance per billed period (the latest 12); the first bills the originating order."""
        end_ms = to_ms(sub["EndDate"]) if "EndDate" in sub else self.now_ms
        first = max(0, periods - 11)
        finish = _add_period(start, code, frequency, first)
        for n in range(first, periods + 1):
            # Period n ends where n + 1 begins: one date computation per period, not two.
            begin, finish = finish, _add_period(start, code, frequency, n + 1)
            if _date_ms(begin) >= end_ms:
                break
            row = {"Id": self.ids["instance"](), "RecurringId": sid, "StartDate": _day(_date_ms(begin)),
                   "EndDate": _day(_date_ms(finish)), "DateCreated": _instant(max(created, _date_ms(begin))),
                   "Status": 1, "AutoCharge": sub["AutoCharge"], "Description": f"Billing period {n + 1}"}
            if n == 0:
                row["InvoiceItemId"] = -item["Id"]  # patched by _invoice_items once the item exists
                self.first_instance_of_item[item["Id"]] = row
            self.t["JobRecurringInstance"].append(row)

    def subscriptions_with_contacts(self) -> None:
        """The RecurringOrderWithContact join rows."""
        assert not self.first_instance_of_item, "every subscription's first period is invoiced"
        contacts = {c[0]: c[2] for c in self.contacts}
        for sub in self.t["RecurringOrder"]:
            # The join view has no Id (RecurringOrderId instead) and no OriginatingOrderId column.
            joined = {k: v for k, v in sub.items() if k not in ("Id", "OriginatingOrderId")}
            joined["RecurringOrderId"] = sub["Id"]
            joined.update(_contact_columns(contacts[sub["ContactId"]]))
            self.t["RecurringOrderWithContact"].append(joined)

    # ----------------------------------------------------------------- configuration

    def configuration(self) -> None:
        rng = self._rng("configuration")
        self.collections["discounts"] = self._discounts(rng)
        self.collections["shipping_options"] = _shipping_options()
        self.collections["app_settings"] = {
            "payment_types": list(PAYMENT_OPTION_NAMES), "currency": "USD", "default_country": "United States",
            "default_merchant": str(MERCHANT_ACCOUNTS[0]["id"]),
            "credit_card_types": ",".join(brand for brand, _ in CARD_BRANDS),
            "promo_codes": ["SPRING10", "WELCOME", "VIP20"], "time_zone": "America/New_York",
            "company": {"name": "Sandbox Fitness & Wellness LLC", "email": "owner@sandbox.example.com",
                        "city": "Phoenix", "state": "Arizona", "zip": "85004", "country": "United States",
                        "phone": "(602) 555-0100", "website": "https://www.sandbox.example.com",
                        "street_address_1": "100 N Central Ave"}}

    def _discounts(self, rng) -> dict:
        ids, criteria_ids = _Ids(rng), _Ids(rng)
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


def _contact_columns(contact: dict) -> dict:
    """The Contact-table columns RecurringOrderWithContact repeats, from the v2 contact."""
    out = {"FirstName": contact["given_name"]}
    for key, column in (("family_name", "LastName"), ("middle_name", "MiddleName"), ("suffix", "Suffix"),
                        ("prefix", "Title"), ("preferred_name", "Nickname"), ("spouse_name", "SpouseName")):
        if contact[key]:
            out[column] = contact[key]
    for email in contact["email_addresses"]:
        out[{"EMAIL1": "Email", "EMAIL2": "EmailAddress2", "EMAIL3": "EmailAddress3"}[email["field"]]] = email["email"]
    for i, phone in enumerate(contact["phone_numbers"][:2], start=1):
        out[f"Phone{i}"], out[f"Phone{i}Type"] = phone["number"], phone["type"]
        if phone["extension"]:
            out[f"Phone{i}Ext"] = phone["extension"]
    billing = next((a for a in contact["addresses"] if a["field"] == "BILLING"), None)
    if billing:
        out.update({"StreetAddress1": billing["line1"], "City": billing["locality"], "State": billing["region"],
                    "PostalCode": billing["postal_code"], "Country": billing["country"]})
        if billing["line2"]:
            out["StreetAddress2"] = billing["line2"]
        if billing["zip_four"]:
            out["ZipFour1"] = billing["zip_four"]
    return {k: v for k, v in out.items() if v is not None}


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

"""REST homes of the e-commerce tables: orders, invoices, payments, products, subscriptions.

One v2 order is one legacy ``Job`` and its one ``Invoice`` (``id`` is the order's, ``invoice_id`` the
invoice's); its ``order_items`` are ``OrderItem`` rows. v2 money on orders, items and products is a
``CurrencyValue`` in minor units (``dollars``); payments and subscriptions send plain doubles.

Tables left without a REST home here, and why (read over XML-RPC until 2026-12-31):

* ``InvoiceItem``, ``PayPlan``, ``PayPlanItem``, ``ProductCategoryAssign``: REST serves their contents
  but not their ``Id`` (an order item's id is the ``OrderItem`` id, not the ``InvoiceItem`` one; payment
  plans and category assignments have no id at all), so rows cannot be told apart by the table's key.
* ``CCharge``: v2 ``/sales/transactions`` has no id; v1 ``/v1/transactions`` has it but lists every
  gateway transaction (declines, refunds, manual payments), and a list's rows cannot be filtered here.
* ``RecurringOrderWithContact``: a join of ``/subscriptions`` with ``/contacts/{id}``; a REST home cannot
  look up a related record.
* ``ProductInterest``, ``ProductInterestBundle``: ``/productInterestBundles`` (Keap's v2 spec) is not
  served by the sandbox this project is tested against, so a home could not be checked.
"""

from __future__ import annotations

from ..sources import FanOut, Listing, RestList
from . import RestHome
from .mapping import coded, dollars, first_of, flag, id_or_zero, via

#: v2 ``order_type`` -> ``Job.OrderType``.
ORDER_TYPES = {"ONLINE": "Online", "OFFLINE": "Offline"}
#: v2 ``item_type`` -> ``OrderItem.ItemType`` (InvoiceService.addOrderItem's type codes). A type with no
#: legacy code (TIP, OTHER, FEE, UNKNOWN) is NULL rather than a failed run.
ITEM_TYPES = {"SHIPPING": 1, "TAX": 2, "SERVICE": 3, "PRODUCT": 4, "UPSELL": 5, "FINANCE_CHARGE": 6,
              "DISCOUNT": 7, "PROGRAM": 8, "SUBSCRIPTION": 9, "DISCOUNT_FREE_TRIAL": 10,
              "DISCOUNT_ORDER_TOTAL": 11, "DISCOUNT_PRODUCT": 12, "DISCOUNT_PRODUCT_CATEGORY": 13,
              "DISCOUNT_SHIPPING": 14}
#: v2 payment ``type`` -> ``Payment.PayType`` (Keap's payment option names).
PAY_TYPES = {"CREDIT_CARD": "Credit Card", "CREDIT_CARD_MANUAL": "Credit Card (Manual)", "CHECK": "Check",
             "CASH": "Cash", "MONEY_ORDER": "Money Order", "ADJUSTMENT": "Adjustment", "CREDIT": "Credit",
             "REFUND": "Refund"}
#: v2 subscription ``billing_cycle`` -> ``RecurringOrder.BillingCycle`` (1 year, 2 month, 3 week, 6 day).
BILLING_CYCLES = {"YEAR": "1", "MONTH": "2", "WEEK": "3", "DAY": "6"}
#: v2 product plan ``billing_cycle`` -> ``SubscriptionPlan.Cycle`` (the same codes).
PLAN_CYCLES = {"YEARLY": "1", "MONTHLY": "2", "WEEKLY": "3", "DAILY": "6"}
#: v2 product option ``option_type`` -> ``ProductOption.OptionType``.
OPTION_TYPES = {"LIST": "FixedList", "TEXT": "Variable"}

_ORDERS = RestList("/orders", "orders", window=("created_since_time", "created_until_time"))
_PRODUCTS = RestList("/products", "products")
_EVERY_PRODUCT = FanOut("product_ids", "product_id", all_from=Listing("/products", "products"), default_all=True,
                        description="products whose options are read (default: all)")

_SHIP = "shipping_information"

JOB = RestHome(
    source=_ORDERS,
    detail="/orders/{id}",
    fields={
        "Id": "id", "ContactId": "contact.id", "DateCreated": "creation_time", "JobTitle": "title",
        "JobNotes": "notes", "DueDate": "due_time", "StartDate": "order_time",
        "OrderType": coded("order_type", ORDER_TYPES), "JobRecurringId": first_of("order_items", "subscription_id"),
        "ShipFirstName": f"{_SHIP}.given_name", "ShipLastName": f"{_SHIP}.family_name",
        "ShipCompany": f"{_SHIP}.company", "ShipPhone": f"{_SHIP}.phone_number",
        "ShipStreet1": f"{_SHIP}.address.line1", "ShipStreet2": f"{_SHIP}.address.line2",
        "ShipCity": f"{_SHIP}.address.locality", "ShipState": f"{_SHIP}.address.region",
        "ShipZip": f"{_SHIP}.address.postal_code", "ShipCountry": f"{_SHIP}.address.country",
    },
    note="StartDate is the order's order_time (Keap's writable order date; DateCreated is creation_time). "
         "Not served: OrderStatus, JobStatus (v2 status DRAFT/SENT/VIEWED/PAID is another value set), "
         "ProductId, ShipMiddleName; custom fields (/orders/model) are not read yet.",
)

INVOICE = RestHome(
    source=_ORDERS,
    fields={
        "Id": "invoice_id", "JobId": "id", "ContactId": "contact.id", "DateCreated": "creation_time",
        "InvoiceTotal": dollars("total"), "TotalPaid": dollars("total_paid"), "TotalDue": dollars("total_due"),
        "AffiliateId": "sales_affiliate_id", "LeadAffiliateId": "lead_affiliate_id", "PromoCode": "promo_code",
        "Synced": flag("synced"),
    },
    note="One v2 order per invoice. Not served: PayStatus, PayPlanStatus, InvoiceType, ProductSold, "
         "Description, and CreditStatus/RefundStatus (v2 sends text of an undocumented value set).",
)

INVOICE_PAYMENT = RestHome(
    source=RestList("/orders/{order_id}/payments", "invoice_order_payments"),
    fan_out=FanOut("order_ids", "order_id", all_from=Listing("/orders", "orders"), default_all=True,
                   description="orders whose invoice payments are read (default: all)"),
    fields={
        "Id": "id", "InvoiceId": "invoice_id", "PaymentId": "payment_id", "Amt": "amount", "PayDate": "pay_time",
        "PayStatus": "pay_status", "SkipCommission": flag("skip_commission"),
    },
    note="Per order, without a time filter: every order's payments are read and the run keeps its days.",
)

ORDER_ITEM = RestHome(
    source=RestList("/orders", "orders"),
    explode="order_items",
    fields={
        "Id": "__item__.id", "OrderId": "id", "ProductId": id_or_zero("__item__.product.id"),
        "ItemName": "__item__.name", "ItemDescription": "__item__.description", "Notes": "__item__.notes",
        "ItemType": via("__item__.item_type", ITEM_TYPES.get), "Qty": "__item__.quantity",
        "PPU": dollars("__item__.price_per_unit"), "CPU": dollars("__item__.cost_per_unit"),
        "SubscriptionPlanId": "__item__.subscription_plan.id",
    },
)

PAYMENT = RestHome(
    source=RestList("/sales/payments", "payments", window=("since_time", "until_time")),
    fields={
        "Id": "id", "PayDate": "payment_time", "PayAmt": "amount", "PayType": coded("type", PAY_TYPES),
        "PayNote": "note", "ContactId": "contact_id", "RefundId": "refund_payment_id",
        "Commission": flag("commissioned"), "Synced": flag("synced"),
    },
    note="Not served: InvoiceId (v2 names the orders, order_ids), UserId, ChargeId.",
)

CREDIT_CARD = RestHome(
    source=RestList("/paymentMethods", "payment_methods"),
    fields={
        "Id": "credit_card_id", "ContactId": "contact_id", "CardType": "card_info.brand",
        "Last4": "card_info.last_four", "ExpirationMonth": "card_info.expiration_month",
        "ExpirationYear": "card_info.expiration_year",
    },
    note="Not served: names, addresses, email, phone, start date, and Status (v2 says only EXPIRED).",
)

PRODUCT = RestHome(
    source=_PRODUCTS,
    detail="/products/{id}",
    fields={
        "Id": "id", "ProductName": "name", "ProductPrice": dollars("price"), "Sku": "sku",
        "Status": flag("active"), "ShortDescription": "short_description", "Description": "description",
        "Shippable": flag("shippable"), "Weight": "weight", "Taxable": flag("taxable"),
        "CountryTaxable": flag("country_taxable"), "StateTaxable": flag("state_taxable"),
        "CityTaxable": flag("city_taxable"), "HideInStore": flag("storefront_hidden"),
        "IsPackage": flag("is_package"), "NeedsDigitalDelivery": flag("needs_digital_delivery"),
        "InventoryLimit": "inventory.inventory_limit",
        "InventoryNotifiee": "inventory.email_for_inventory_notifications",
        "TopHTML": "top_html", "BottomHTML": "bottom_html",
    },
    note="Not served: LargeImage (a separate GET per product), ShippingTime (v2 delivery_description is "
         "null where Keap's table holds an empty text).",
)

PRODUCT_CATEGORY = RestHome(
    source=RestList("/productCategories", "product_categories"),
    detail="/productCategories/{id}",
    fields={
        "Id": "id", "CategoryDisplayName": "name", "CategoryOrder": "display_order_index",
        "ParentId": id_or_zero("parent_category_id"),
    },
    note="Not served: CategoryImage.",
)

PRODUCT_OPTION = RestHome(
    source=RestList("/products/{product_id}/options", "product_options"),
    fan_out=_EVERY_PRODUCT,
    fields={
        "Id": "id", "ProductId": "product_id", "Label": "option_label",
        "OptionType": coded("option_type", OPTION_TYPES), "IsRequired": flag("required"), "Order": "display_order",
    },
    note="Not served: Name, TextMessage, and the text rules (AllowSpaces, MinChars, MaxChars, CanContain, "
         "CanStartWith, CanEndWith): v2 sends none for a list option, where Keap's table holds 0, and its "
         "rule enums are another value set.",
)

PRODUCT_OPT_VALUE = RestHome(
    source=RestList("/products/{product_id}/options", "product_options"),
    fan_out=_EVERY_PRODUCT,
    explode="list_items",
    fields={
        "Id": "__item__.item_id", "ProductOptionId": "id", "Label": "__item__.item_label",
        "Sku": "__item__.item_code", "OptionIndex": "__item__.item_display_order",
        "PriceAdjustment": "__item__.price_adjustment",
    },
    note="Not served: Name, IsDefault.",
)

SUBSCRIPTION_PLAN = RestHome(
    source=_PRODUCTS,
    explode="subscription_plans",
    fields={
        "Id": "__item__.id", "ProductId": "id", "Cycle": coded("__item__.billing_cycle", PLAN_CYCLES),
        "Frequency": "__item__.billing_frequency", "PlanPrice": dollars("__item__.plan_price"),
        "Active": "__item__.active", "Prorate": "__item__.prorate",
    },
    note="Not served: PreAuthorizeAmount.",
)

RECURRING_ORDER = RestHome(
    source=RestList("/subscriptions", "subscriptions"),
    detail="/subscriptions/{id}",
    fields={
        "Id": "id", "ContactId": "contact_id", "ProductId": "product_id", "SubscriptionPlanId": "subscription_plan_id",
        "BillingCycle": coded("billing_cycle", BILLING_CYCLES), "Frequency": "billing_frequency",
        "BillingAmt": "billing_amount", "Qty": "quantity", "Status": coded("active", {True: "Active", False: "Inactive"}),
        "AutoCharge": flag("auto_charge"), "MaxRetry": "max_charge_attempts",
        "NumDaysBetweenRetry": "days_between_retries", "StartDate": "start_date", "LastBillDate": "last_bill_date",
        "PaidThruDate": "last_bill_date", "NextBillDate": "next_bill_date", "EndDate": "end_date",
        "MerchantAccountId": "merchant_account_id", "AffiliateId": "sale_affiliate_id",
        "LeadAffiliateId": "lead_affiliate_id", "PromoCode": "promo_code", "ShippingOptionId": "shipping_option_id",
        "ReasonStopped": "reason_stopped",
    },
    note="PaidThruDate is backed by the same column as LastBillDate (keap-xmlrpc.md §5.1). Not served: CC1, "
         "CC2 (v2 names a payment_method_id), ProgramId, OriginatingOrderId; custom fields "
         "(/subscriptions/model) are not read yet.",
)

HOMES: dict[str, RestHome] = {
    "Job": JOB, "Invoice": INVOICE, "InvoicePayment": INVOICE_PAYMENT, "OrderItem": ORDER_ITEM, "Payment": PAYMENT,
    "CreditCard": CREDIT_CARD, "Product": PRODUCT, "ProductCategory": PRODUCT_CATEGORY,
    "ProductOption": PRODUCT_OPTION, "ProductOptValue": PRODUCT_OPT_VALUE, "SubscriptionPlan": SUBSCRIPTION_PLAN,
    "RecurringOrder": RECURRING_ORDER,
}

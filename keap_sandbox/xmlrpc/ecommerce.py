"""XML-RPC read methods of the e-commerce services: InvoiceService, ProductService, DiscountService,
ShippingService (keap-xmlrpc.md §2.5, §2.7-2.9), rendered from :mod:`keap_sandbox.data.ecommerce` rows.

Struct members are the documented ones (2012-13 API docs' samples); NULL members are left out, as
Keap does. Those samples show untyped values; the sandbox sends ids and flags as ``<i4>``, money as
``<double>`` and the shipping flags as ``<boolean>``, which is what Keap's Java server marshals from
its typed maps. DateTime columns go out zone-less in the app's time zone (America/New_York); Date
columns keep their calendar date at ``T00:00:00``. An unknown id is fault 5 ``[RecordNotFound]``; a
missing or non-integer id is fault 0 ``No method matching arguments`` (Apache XML-RPC's message).
"""

from __future__ import annotations

import xmlrpc.client
from datetime import datetime

from ..wire import dollars, xmlrpc_time
from .query import no_method
PAYMENT_FIELDS = ("Id", "PayDate", "UserId", "PayAmt", "PayType", "ContactId", "PayNote", "InvoiceId",
                  "RefundId", "ChargeId", "Synced")
DATE_ONLY = {"PayDate"}  # Date (not DateTime) columns among the rendered ones


def _id_arg(params: tuple) -> int:
    """The one id argument; the sandbox also takes it as a numeric string."""
    if len(params) != 1 or isinstance(params[0], bool) or not isinstance(params[0], (int, str)):
        raise no_method(params)
    try:
        return int(params[0])
    except ValueError:
        raise no_method(params) from None


def _no_args(params: tuple) -> None:
    if params:
        raise no_method(params)


def _not_found(what: str, rid: int) -> xmlrpc.client.Fault:
    return xmlrpc.client.Fault(5, f"[RecordNotFound]Unable to find {what} for Id:{rid}")


def _find(rows, rid: int, what: str, key: str = "Id") -> dict:
    for row in rows:
        if row[key] == rid:
            return row
    raise _not_found(what, rid)


# --------------------------------------------------------------------------- InvoiceService


def calculate_amount_owed(ds, params):
    invoice = _find(ds.tables.get("Invoice", []), _id_arg(params), "Invoice")
    return dollars(invoice["TotalDue"])


def get_all_payment_options(ds, params):
    _no_args(params)
    return {name: name for name in ds.collections.get("app_settings", {}).get("payment_types", [])}


def get_payments(ds, params):
    invoice_id = _id_arg(params)
    _find(ds.tables.get("Invoice", []), invoice_id, "Invoice")
    out = []
    for payment in ds.tables.get("Payment", []):
        if payment["InvoiceId"] == invoice_id:
            out.append({f: (xmlrpc_time(payment[f], f in DATE_ONLY) if isinstance(payment[f], datetime) else payment[f])
                        for f in PAYMENT_FIELDS if payment.get(f) is not None})
    return out


# --------------------------------------------------------------------------- ProductService


def get_inventory(ds, params):
    product_id = _id_arg(params)
    _find(ds.tables.get("Product", []), product_id, "Product")
    return int(ds.collections["product_inventory"][product_id])


# --------------------------------------------------------------------------- DiscountService


def _discount(ds, params, kind: str, what: str) -> dict:
    rid = _id_arg(params)
    for d in ds.collections.get("discounts", {}).get(kind, []):
        if d["id"] == rid:
            return d
    raise _not_found(what, rid)


def _base(d: dict) -> dict:
    return {"name": d["name"], "description": d["description"],
            "applyDiscountToCommission": int(d["apply_to_commissions"])}


def _pct_or_amt(d: dict) -> dict:
    # percentOrAmt is an int flag on the adders (1 = percent, 0 = amount).
    return {"pctOrAmt": int(d["discount_type"] == "PERCENT"), "amount": dollars(d["discount_value"])}


def get_category_discount(ds, params):
    return _base(_discount(ds, params, "category", "CategoryDiscount"))


def get_category_assignments(ds, params):
    d = _discount(ds, params, "category", "CategoryDiscount")
    return [{"id": a["id"], "specialItemId": d["id"], "productCategoryId": a["product_category_id"]}
            for a in d["assignments"]]


def get_order_total_discount(ds, params):
    d = _discount(ds, params, "order_total", "OrderTotalDiscount")
    return {**_base(d), **_pct_or_amt(d), "payType": d["discount_strategy"].title()}


def get_product_total_discount(ds, params):
    d = _discount(ds, params, "product", "ProductTotalDiscount")
    return {**_base(d), "productId": d["product_id"]}


def get_shipping_total_discount(ds, params):
    d = _discount(ds, params, "shipping", "ShippingTotalDiscount")
    return {**_base(d), **_pct_or_amt(d)}


def get_free_trial(ds, params):
    d = _discount(ds, params, "free_trial", "FreeTrial")
    return {**_base(d), "freeTrialDays": d["free_trial_days"], "hidePrice": int(d["hide_price"]),
            "subscriptionPlanId": d["subscription_plan_id"]}


# --------------------------------------------------------------------------- ShippingService

_COMMON = ("id", "name", "description", "type", "active", "international", "orderBased")


def all_shipping_options(ds, params):
    _no_args(params)
    return [{k: o[k] for k in _COMMON} for o in ds.collections.get("shipping_options", [])]


def _option_getter(kind: str):
    def get(ds, params):
        rid = _id_arg(params)
        for option in ds.collections.get("shipping_options", []):
            if option["id"] == rid and option["type"] == kind:
                return {k: v for k, v in option.items() if k != "ranges"}
        raise _not_found(f"{kind} shipping option", rid)
    return get


def order_total_ranges(ds, params):
    option = _option_getter("OrderTotal")(ds, params)
    full = next(o for o in ds.collections["shipping_options"] if o["id"] == option["id"])
    return [dict(r) for r in full["ranges"]]


METHODS = {
    "InvoiceService.calculateAmountOwed": calculate_amount_owed,
    "InvoiceService.getAllPaymentOptions": get_all_payment_options,
    "InvoiceService.getPayments": get_payments,
    "InvoiceService.getAllShippingOptions": all_shipping_options,
    "ProductService.getInventory": get_inventory,
    "DiscountService.getCategoryDiscount": get_category_discount,
    "DiscountService.getCategoryAssignmentsForCategoryDiscount": get_category_assignments,
    "DiscountService.getOrderTotalDiscount": get_order_total_discount,
    "DiscountService.getProductTotalDiscount": get_product_total_discount,
    "DiscountService.getShippingTotalDiscount": get_shipping_total_discount,
    "DiscountService.getFreeTrial": get_free_trial,
    "ShippingService.getAllShippingOptions": all_shipping_options,
    "ShippingService.getFlatRateShippingOption": _option_getter("Flat"),
    "ShippingService.getOrderQuantityShippingOption": _option_getter("Quantity"),
    "ShippingService.getOrderTotalShippingOption": _option_getter("OrderTotal"),
    "ShippingService.getOrderTotalShippingRanges": order_total_ranges,
    "ShippingService.getProductBasedShippingOption": _option_getter("Product"),
    "ShippingService.getUpsShippingOption": _option_getter("UPS"),
    "ShippingService.getWeightBasedShippingOption": _option_getter("Weight"),
}

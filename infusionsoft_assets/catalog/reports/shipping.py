"""The seven shipping-option reports (Domo reports 32–38). REST has only ``GET /v2/shipping``, whose
per-type settings are undocumented, so these are served by XML-RPC's ShippingService alone — until Keap
switches XML-RPC off on 2026-12-31. Take them before then (the archive_xmlrpc_only job does)."""

from __future__ import annotations

from ..extract import TARGET
from ..sources import FanOut, XmlRpcCall, XmlRpcListing
from ..spec import Column, Dates, ReportSpec

ALL_OPTIONS = "ShippingService.getAllShippingOptions"
#: Never stored: a carrier account's credentials belong to the tenant, not to a report.
SECRET_MEMBERS = frozenset({"accessPassword", "accessLicenseNumber", "password"})
_COMMON = (
    Column("option_id", "BIGINT", "id"),
    Column("name", "VARCHAR", "name"),
    Column("description", "VARCHAR", "description"),
    Column("type", "VARCHAR", "type"),
    Column("active", "BOOLEAN", "active"),
    Column("international", "BOOLEAN", "international"),
    Column("order_based", "BOOLEAN", "orderBased"),
)


def _details(record: dict) -> dict:
    """Every member Keap sent but the carrier's credentials (the columns above hold the common ones)."""
    return {k: v for k, v in record.items() if not k.startswith("__") and k not in SECRET_MEMBERS}


def _option_report(name: str, domo: str, method: str, kind: str, extra: tuple[Column, ...] = (),
                   note: str = "") -> ReportSpec:
    return ReportSpec(
        name=name, domo_report=domo, group="shipping", legacy=True,
        description=f"{kind} shipping options (ShippingService.{method}), as they are now.{note}",
        source=XmlRpcCall(f"ShippingService.{method}", ("{target}",)),
        fan_out=FanOut("option_ids", "option_id", all_from=XmlRpcListing(ALL_OPTIONS, where={"type": kind}),
                       default_all=True, description=f"{kind.lower()} shipping option ids, or all"),
        dates=Dates.LOOKUP, primary_key=("option_id",),
        columns=(*_COMMON, *extra, Column("details", "JSON", _details, "every member Keap sent (carrier "
                                          "credentials left out)")),
    )


FLAT_RATE = _option_report("shipping_flat_rate", "Shipping - Flat Rate Shipping Options",
                           "getFlatRateShippingOption", "Flat", (Column("price", "DOUBLE", "price"),))
ORDER_QUANTITY = _option_report(
    "shipping_order_quantity", "Shipping - Order Quantity Shipping Options", "getOrderQuantityShippingOption",
    "Quantity", (Column("base_shipping_price", "DOUBLE", "baseShippingPrice"),
                 Column("price_per_item", "DOUBLE", "pricePerItem"),
                 Column("minimum_shipping_price", "DOUBLE", "minimumShippingPrice")))
ORDER_TOTAL = _option_report("shipping_order_total", "Shipping - Order Shipping Options",
                             "getOrderTotalShippingOption", "OrderTotal",
                             note=" Its price ranges are shipping_order_ranges.")
PRODUCT_BASED = _option_report("shipping_product_based", "Shipping - Product Shipping Options",
                               "getProductBasedShippingOption", "Product")
UPS = _option_report(
    "shipping_ups", "Shipping - UPS Shipping Options", "getUpsShippingOption", "UPS",
    (Column("account_number", "VARCHAR", "accountNumber"), Column("access_user_id", "VARCHAR", "accessUserId"),
     Column("delivery_type", "VARCHAR", "deliveryType"), Column("pickup_type", "VARCHAR", "pickupType"),
     Column("packaging_type", "VARCHAR", "packagingType"), Column("destination_type", "VARCHAR", "destinationType")),
    note=" The UPS access password and license number are never stored.")
WEIGHT_BASED = _option_report("shipping_weight_based", "Shipping - Weight-Based Shipping Options",
                              "getWeightBasedShippingOption", "Weight")

ORDER_RANGES = ReportSpec(
    name="shipping_order_ranges", domo_report="Shipping - Order Shipping Ranges", group="shipping", legacy=True,
    description="The price ranges of order-total shipping options (ShippingService.getOrderTotalShippingRanges).",
    source=XmlRpcCall("ShippingService.getOrderTotalShippingRanges", ("{target}",)),
    fan_out=FanOut("option_ids", "option_id", all_from=XmlRpcListing(ALL_OPTIONS, where={"type": "OrderTotal"}),
                   default_all=True, description="order-total shipping option ids, or all"),
    dates=Dates.LOOKUP, primary_key=("option_id", "range_id"),
    columns=(Column("option_id", "BIGINT", TARGET), Column("range_id", "BIGINT", "id"),
             Column("lower_bound", "DOUBLE", "lowerBound"), Column("upper_bound", "DOUBLE", "upperBound",
                                                                    "0 = no upper bound"),
             Column("price", "DOUBLE", "price")),
)

REPORTS = (FLAT_RATE, ORDER_QUANTITY, ORDER_TOTAL, ORDER_RANGES, PRODUCT_BASED, UPS, WEIGHT_BASED)

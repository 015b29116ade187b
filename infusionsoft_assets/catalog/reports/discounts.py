"""Discounts: category, category assignments, order total, product total, shipping and free trials
(Domo reports 16–21). REST v2 only: neither v1 nor XML-RPC lists them."""

from __future__ import annotations

from ..extract import ITEM
from ..sources import FanOut, RestList
from ..spec import Column, Dates, ReportSpec


def _discounts(segment: str, what: str) -> tuple[RestList, FanOut]:
    """A discount list and its ids: "all" (the default) lists every discount of the kind in one list;
    given ids are asked for with the list's ``ids`` filter."""
    return (RestList(f"/discounts/{segment}", "discounts", params={"order_by": "id asc"}),
            FanOut("discount_ids", "ids", bind="filter_all", all_unfiltered=True, default_all=True, batch=100,
                   description=f"{what} ids, or all"))


_COMMON = (
    Column("discount_id", "BIGINT", "id"),
    Column("name", "VARCHAR", "name"),
    Column("description", "VARCHAR", "description"),
)
_CRITERIA = Column("criteria", "JSON", "criteria", "when the discount applies: promo codes, date ranges, products, "
                                                   "plans, order-total thresholds")
_TYPED = (
    Column("discount_type", "VARCHAR", "discount_type", "AMOUNT or PERCENT (XML-RPC pctOrAmt)"),
    Column("discount_value", "DOUBLE", "discount_value", "the amount or the percent (XML-RPC amount)"),
)

_source, _fan = _discounts("productCategories", "category discount")
CATEGORY_DISCOUNTS = ReportSpec(
    name="discount_category", domo_report="Discount - Category", group="discount",
    description="Category discounts (percent off a product category), as they are now.",
    source=_source, fan_out=_fan, dates=Dates.SNAPSHOT, primary_key=("discount_id",),
    columns=(*_COMMON, Column("discount_percent", "DOUBLE", "discount_percent"),
             Column("apply_to_commissions", "BOOLEAN", "apply_to_commissions"),
             Column("product_category_ids", "JSON", "product_categories"), _CRITERIA),
)

CATEGORY_ASSIGNMENTS = ReportSpec(
    name="discount_category_assignments", domo_report="Discount - Category Assignments", group="discount",
    description=("The product categories each category discount applies to, one row per (discount, category). "
                 "Derived: the category discounts' product_categories lists, exploded. Keap's assignment-row "
                 "id (XML-RPC's) is not in REST."),
    source=_source, fan_out=_fan, explode="product_categories", dates=Dates.SNAPSHOT,
    primary_key=("discount_id", "product_category_id"),
    columns=(Column("discount_id", "BIGINT", "id"), Column("discount_name", "VARCHAR", "name"),
             Column("product_category_id", "BIGINT", ITEM)),
)

_source, _fan = _discounts("orderTotals", "order-total discount")
ORDER_DISCOUNTS = ReportSpec(
    name="discount_order_total", domo_report="Discount - Order's Discount", group="discount",
    description="Order-total discounts, as they are now.",
    source=_source, fan_out=_fan, dates=Dates.SNAPSHOT, primary_key=("discount_id",),
    columns=(*_COMMON, *_TYPED, Column("discount_strategy", "VARCHAR", "discount_strategy", "GROSS or NET (payType)"),
             Column("apply_to_commissions", "BOOLEAN", "apply_to_commissions"), _CRITERIA),
)

_source, _fan = _discounts("products", "product-total discount")
PRODUCT_DISCOUNTS = ReportSpec(
    name="discount_product_total", domo_report="Discount - Product Total", group="discount",
    description="Product-total discounts, as they are now.",
    source=_source, fan_out=_fan, dates=Dates.SNAPSHOT, primary_key=("discount_id",),
    columns=(*_COMMON, Column("product_id", "BIGINT", "product_id"), *_TYPED,
             Column("apply_to_commissions", "BOOLEAN", "apply_to_commissions"), _CRITERIA),
)

_source, _fan = _discounts("shipping", "shipping discount")
SHIPPING_DISCOUNTS = ReportSpec(
    name="discount_shipping", domo_report="Discount - Shipping", group="discount",
    description="Shipping discounts, as they are now (REST has no apply_to_commissions for them).",
    source=_source, fan_out=_fan, dates=Dates.SNAPSHOT, primary_key=("discount_id",),
    columns=(*_COMMON, *_TYPED, _CRITERIA),
)

_source, _fan = _discounts("freeTrials", "free trial")
FREE_TRIALS = ReportSpec(
    name="discount_free_trial", domo_report="Discount - Subscription's Free Trial", group="discount",
    description="Subscription free trials, as they are now.",
    source=_source, fan_out=_fan, dates=Dates.SNAPSHOT, primary_key=("discount_id",),
    columns=(*_COMMON, Column("subscription_plan_id", "BIGINT", "subscription_plan_id"),
             Column("free_trial_days", "BIGINT", "free_trial_days"), Column("hide_price", "BOOLEAN", "hide_price"),
             _CRITERIA),
)

REPORTS = (CATEGORY_DISCOUNTS, CATEGORY_ASSIGNMENTS, ORDER_DISCOUNTS, PRODUCT_DISCOUNTS, SHIPPING_DISCOUNTS,
           FREE_TRIALS)

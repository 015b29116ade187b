"""REST v2 endpoints of the e-commerce domain, declared (:mod:`.listing`), and the domain's registration.

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
* v1 (:mod:`.ecommerce_v1`) ``since``/``until`` are inclusive on both ends.

Records are :mod:`.ecommerce_records`' :class:`~.ecommerce_records.Catalog`; lists are declared per
catalog (their records are the catalog's).
"""

from __future__ import annotations

from starlette.responses import Response

from ..data.dataset import Dataset
from ..wire import id_str
from . import ecommerce_v1
from .ecommerce_records import Catalog
from .listing import (BY_ID, ListEndpoint, Parent, boolean, by, by_id, custom, decimal, exact, ids, number,
                      since, until, wildcard)
from .listing import register as register_list
from .v1 import V1
from .v2 import EXACT, V2, ApiError, json_response, list_fields


def one(record: dict | None, resource: str, what: str) -> Response:
    if record is None:
        return ApiError(404, f"{resource} not found: {what}", domain="id", resource=resource).response()
    return json_response(record)


# --------------------------------------------------------------------------- endpoints


def _shipping(part: str):
    return lambda r: (r["shipping_information"] or {}).get("address", {}).get(part)


def orders_endpoint(cat: Catalog) -> ListEndpoint:
    return ListEndpoint(
        f"{V2}/orders", "Order", "orders", lambda ds: cat.v2_orders(),
        filters={"id": number(), "ids": ids("id"),
                 "product_id": ids(lambda r: [i["product"]["id"] for i in r["order_items"] if i["product"]], EXACT),
                 "contact_id": exact("contact.id"), "invoice_id": exact(), "invoice_xid": exact("invoice_number"),
                 "paid": boolean(lambda r: r["total_due"]["amount"] <= 0),
                 "created_since_time": since("creation_time"), "created_until_time": until("creation_time"),
                 "modified_since_time": since("modification_time"), "modified_until_time": until("modification_time"),
                 "title": wildcard(), "order_type": exact(), "shipping_locality": exact(_shipping("locality")),
                 "shipping_region_code": exact(_shipping("region_code")),
                 "shipping_postal_code": exact(_shipping("postal_code")),
                 "shipping_country_code": exact(_shipping("country_code"))},
        orders={"id": by_id, "order_time": by("order_time"), "modification_time": by("modification_time")},
        default_order=by_id)


def order_payments_endpoint(cat: Catalog) -> ListEndpoint:
    def records(ds, order_id):
        return cat.v2_invoice_payments(int(order_id)) if order_id in cat.v2_order_by_id() else None

    return ListEndpoint(
        f"{V2}/orders/{{order_id}}/payments", "InvoicePayment", "invoice_order_payments", records,
        filters={"invoice_id": exact(), "payment_id": exact(), "amount": decimal(), "pay_status": exact(),
                 "skip_commission": boolean()},
        orders={name: by(name) for name in ("invoice_id", "payment_id", "amount", "pay_time", "pay_status",
                                            "skip_commission", "last_updated_time")},
        default_order=by_id, parent=Parent("order_id", "Order", **BY_ID))


_MERCHANT = {"merchant_account_id": exact(), "merchant_account_type": exact()}


def payments_endpoint(cat: Catalog) -> ListEndpoint:
    return ListEndpoint(
        f"{V2}/sales/payments", "Payment", "payments", lambda ds: cat.v2_payments(),
        filters={"id": number(), "ids": ids("id"), "amount": decimal(), "order_id": ids("order_ids", EXACT),
                 "order_ids": ids(), "contact_id": exact(), "since_time": since("payment_time"),
                 "until_time": until("payment_time"), **_MERCHANT},
        orders={"id": by_id, "amount": by("amount"), "payment_time": by("payment_time"),
                "contact_id": lambda r: (int(r["contact_id"]), int(r["id"]))},
        default_order=by_id)


def transactions_endpoint(cat: Catalog) -> ListEndpoint:
    return ListEndpoint(
        f"{V2}/sales/transactions", "Transaction", "transactions", lambda ds: cat.v2_transactions(),
        filters={"amount": decimal(), "order_id": ids("order_ids", EXACT), "contact_id": exact(),
                 "since_time": since("transaction_time"), "until_time": until("transaction_time"), "status": exact(),
                 "transaction_method": exact(), "is_successful": boolean(), **_MERCHANT},
        orders={"amount": lambda r: r["amount"], "transaction_time": lambda r: r["transaction_time"],
                "contact_id": lambda r: int(r["contact_id"])})


def payment_methods_endpoint(cat: Catalog) -> ListEndpoint:
    return ListEndpoint(
        f"{V2}/paymentMethods", "PaymentMethod", "payment_methods", lambda ds: cat.v2_payment_methods(),
        filters={"payment_method_id": exact(), "credit_card_id": exact(), "contact_id": exact(),
                 "merchant_account_id": exact(), "since_time": since("created_time"), "until_time": until("created_time")},
        orders={"payment_method_id": lambda r: int(r["payment_method_id"]), "created_time": lambda r: r["created_time"],
                "contact_id": lambda r: int(r["contact_id"]), "merchant_account_id": lambda r: r["merchant_account_id"]},
        default_order=lambda r: int(r["payment_method_id"]))


def subscriptions_endpoint(cat: Catalog) -> ListEndpoint:
    return ListEndpoint(
        f"{V2}/subscriptions", "Subscription", "subscriptions", lambda ds: cat.v2_subscriptions(),
        filters={"contact_id": exact(), "subscription_plan_id": exact(),
                 "status": exact(lambda r: "ACTIVE" if r["active"] else "INACTIVE"), "id": number(),
                 "billing_amount": decimal(), "ids": ids("id"), "subscription_plan_ids": ids("subscription_plan_id")},
        orders={"id": by_id, "contact_id": lambda r: (int(r["contact_id"]), int(r["id"])),
                "subscription_plan_id": lambda r: (int(r["subscription_plan_id"]), int(r["id"])),
                "modification_time": by("modification_time")},
        default_order=by_id)


def products_endpoint(cat: Catalog) -> ListEndpoint:
    return ListEndpoint(
        f"{V2}/products", "Product", "products", lambda ds: cat.v2_products(False),
        filters={"name": wildcard(), "sku": wildcard(), "description": wildcard(), "short_description": wildcard(),
                 "product_id": number("id"), "product_ids": ids("id")},
        orders={"name": by("name"), "sku": by("sku"), "last_updated_time": by("update_time")}, default_order=by_id)


def product_plans_endpoint(cat: Catalog, product) -> ListEndpoint:
    def records(ds, product_id):
        if product(product_id) is None:
            return None
        return [cat.v2_item_plan(p) for p in cat.plans_of.get(int(product_id), [])]

    return ListEndpoint(
        f"{V2}/products/{{product_id}}/subscriptions", "SubscriptionPlan", "subscriptions", records,
        filters={"active": boolean(), "cycle_type": exact()}, orders={"id": by_id, "product_id": by_id},
        default_order=by_id, parent=Parent("product_id", "Product", **BY_ID))


def categories_endpoint(cat: Catalog, members: dict[int, list[int]]) -> ListEndpoint:
    def has_product(record, cond) -> bool:
        return cond.value.isdigit() and int(cond.value) in members.get(int(record["id"]), [])

    return ListEndpoint(
        f"{V2}/productCategories", "ProductCategory", "product_categories", lambda ds: cat.v2_categories(),
        filters={"product_id": custom(EXACT, has_product), "name": wildcard(), "product_category_id": number("id")},
        orders={"id": by_id}, default_order=by_id)


def assigned_products_endpoint(members: dict[int, list[int]]) -> ListEndpoint:
    assigned = [{"product_category_id": id_str(c), "product_ids": [id_str(p) for p in ps]}
                for c, ps in sorted(members.items())]
    return ListEndpoint(
        f"{V2}/productCategories/assignedProducts", "ProductCategory", "assigned_product_categories",
        lambda ds: assigned, filters={"product_ids": ids(), "product_category_ids": ids("product_category_id")},
        orders={"product_category_id": lambda r: int(r["product_category_id"])},
        default_order=lambda r: int(r["product_category_id"]))


_DISCOUNT_PATHS = {"productCategories": "category", "orderTotals": "order_total", "products": "product",
                   "shipping": "shipping", "freeTrials": "free_trial"}
_TYPED = {"discount_type": exact(), "discount_value": decimal()}
_COMMISSIONS = {"apply_to_commissions": boolean()}
_DISCOUNT_FILTERS = {
    "category": {"id": number(), "ids": ids("id"), "name": wildcard(), "description": wildcard(),
                 "product_category_id": ids("product_categories", EXACT)},
    "order_total": {**_COMMISSIONS, **_TYPED, "discount_strategy": exact()},
    "product": {**_COMMISSIONS, **_TYPED, "product_id": exact()},
    "shipping": _TYPED,
    "free_trial": {"free_trial_days": number(), "hide_price": boolean(), "subscription_plan_id": exact()},
}
_DISCOUNT_ORDERS = {
    "category": ("id", "name"),
    "order_total": ("apply_to_commissions", "discount_strategy", "discount_type", "discount_value", "id", "name"),
    "product": ("apply_to_commissions", "discount_type", "discount_value", "id", "name", "product_id"),
    "shipping": ("discount_type", "discount_value", "id", "name"),
    "free_trial": ("free_trial_days", "hide_price", "id", "name", "subscription_plan_id"),
}


def discounts_endpoint(cat: Catalog, segment: str, kind: str) -> ListEndpoint:
    return ListEndpoint(
        f"{V2}/discounts/{segment}", "Discount", "discounts", lambda ds: cat.v2_discounts(kind),
        filters=_DISCOUNT_FILTERS[kind],
        orders={n: (by_id if n == "id" else by(n)) for n in _DISCOUNT_ORDERS[kind]}, default_order=by_id)


def shipping_endpoint(cat: Catalog) -> ListEndpoint:
    # Declared without paging parameters and without next_page_token.
    return ListEndpoint(f"{V2}/shipping", "ShippingMethod", "shipping_methods",
                        lambda ds: cat.v2_shipping_methods(), paging="bare")


# --------------------------------------------------------------------------- registration


def register(router, ds: Dataset) -> None:
    cat = Catalog(ds)
    _register_orders(router, cat)
    _register_sales(router, cat)
    _register_products(router, cat)
    _register_discounts(router, cat)
    _register_settings(router, cat)
    ecommerce_v1.register(router, cat)


def _register_orders(router, cat: Catalog) -> None:
    register_list(router, cat.ds, orders_endpoint(cat))

    async def get_order(request, order_id):
        return one(cat.v2_order_by_id().get(order_id), "Order", order_id)

    async def get_item(request, order_id, order_item_id):
        order = cat.v2_order_by_id().get(order_id)
        item = next((i for i in order["order_items"] if i["id"] == order_item_id), None) if order else None
        return one(item, "OrderItem", order_item_id)

    router.add(f"{V2}/orders/{{order_id}}", get_order)
    router.add(f"{V2}/orders/{{order_id}}/items/{{order_item_id}}", get_item)
    register_list(router, cat.ds, order_payments_endpoint(cat))


def _register_sales(router, cat: Catalog) -> None:
    for endpoint in (payments_endpoint(cat), transactions_endpoint(cat), payment_methods_endpoint(cat),
                     subscriptions_endpoint(cat)):
        register_list(router, cat.ds, endpoint)

    async def get_subscription(request, subscription_id):
        found = next((s for s in cat.v2_subscriptions() if s["id"] == subscription_id), None)
        return one(found, "Subscription", subscription_id)

    router.add(f"{V2}/subscriptions/{{subscription_id}}", get_subscription)


def _register_products(router, cat: Catalog) -> None:
    register_list(router, cat.ds, products_endpoint(cat))

    def product(product_id):
        return next((p for p in cat.v2_products(True) if p["id"] == product_id), None)

    async def get_product(request, product_id):
        return one(product(product_id), "Product", product_id)

    async def product_options(request, product_id):
        if product(product_id) is None:
            return one(None, "Product", product_id)
        options = [cat.v2_product_option(o) for o in cat.options_of.get(int(product_id), [])]
        return json_response(list_fields("product_options", options))

    router.add(f"{V2}/products/{{product_id}}", get_product)
    router.add(f"{V2}/products/{{product_id}}/options", product_options)
    register_list(router, cat.ds, product_plans_endpoint(cat, product))
    members = cat.products_of_category()
    register_list(router, cat.ds, categories_endpoint(cat, members))
    register_list(router, cat.ds, assigned_products_endpoint(members))

    async def get_category(request, category_id):
        return one(next((c for c in cat.v2_categories() if c["id"] == category_id), None), "ProductCategory", category_id)

    router.add(f"{V2}/productCategories/{{category_id}}", get_category)


def _register_discounts(router, cat: Catalog) -> None:
    for segment, kind in _DISCOUNT_PATHS.items():
        register_list(router, cat.ds, discounts_endpoint(cat, segment, kind))

        async def get_discount(request, discount_id, kind=kind):
            found = next((d for d in cat.v2_discounts(kind) if d["id"] == discount_id), None)
            return one(found, "Discount", discount_id)

        router.add(f"{V2}/discounts/{segment}/{{discount_id}}", get_discount)


_SETTING_MODULES = ("AFFILIATE", "APPOINTMENT", "CONTACT", "ECOMMERCE", "EMAIL", "FORMS", "FULFILLMENT",
                    "INVOICE", "NOTE", "OPPORTUNITY", "TASK", "TEMPLATE")


def _register_settings(router, cat: Catalog) -> None:
    register_list(router, cat.ds, shipping_endpoint(cat))

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

"""E-commerce and account reports: files, invoices, payment and shipping options, product inventory and
web forms (Domo reports 22–27, 31, 39)."""

from __future__ import annotations

from ..extract import ITEM
from ..sources import Detail, FanOut, Listing, Lookup, RestList
from ..spec import Column, Dates, ReportSpec

GET_FILE = ReportSpec(
    name="get_file", domo_report="Get File", group="files",
    description=("The given files (every file with `all`): their FileBox metadata and their bytes, decoded from "
                 "the base64 Keap sends (/files/{id}:data)."),
    source=Detail("/files/{file_id}"),
    fan_out=FanOut("file_ids", "file_id", all_from=Listing("/files", "files"), description="file ids, or all"),
    lookups=(Lookup("data", "/files/{file_id}:data", keys={"file_id": "id"}, scalar=True),),
    dates=Dates.LOOKUP, primary_key=("file_id",),
    columns=(
        Column("file_id", "BIGINT", "id"),
        Column("file_name", "VARCHAR", "file_name"),
        Column("file_size", "BIGINT", "file_size", "bytes"),
        Column("is_public", "BOOLEAN", "is_public"),
        Column("contact_id", "BIGINT", "contact_id"),
        Column("category", "VARCHAR", "category"),
        Column("file_box_type", "VARCHAR", "file_box_type"),
        Column("created_time", "TIMESTAMPTZ", "created_time"),
        Column("updated_time", "TIMESTAMPTZ", "updated_time"),
        Column("data", "BLOB", "__data__", "the file's bytes"),
    ),
)

INVOICE_AMOUNT_DUE = ReportSpec(
    name="invoice_amount_due", domo_report="Invoice - Amount Due", group="invoice",
    description=("What is still owed on the given invoices (every invoice with `all`), now: Keap's v2 order "
                 "carrying the invoice, its total, total paid and total due in major units (v2 sends minor "
                 "units: converted by the currency's exponent)."),
    source=RestList("/orders", "orders", params={"order_by": "id asc"}),
    fan_out=FanOut("invoice_ids", "invoice_id", bind="filter", all_unfiltered=True,
                   description="invoice ids, or all"),
    dates=Dates.LOOKUP, primary_key=("invoice_id",),
    columns=(
        Column("invoice_id", "BIGINT", "invoice_id"),
        Column("order_id", "BIGINT", "id"),
        Column("contact_id", "BIGINT", "contact.id"),
        Column("title", "VARCHAR", "title"),
        Column("status", "VARCHAR", "status"),
        Column("currency_code", "VARCHAR", "total_due.currency_code"),
        Column("total", "DECIMAL", "total"),
        Column("total_paid", "DECIMAL", "total_paid"),
        Column("total_due", "DECIMAL", "total_due", "InvoiceService.calculateAmountOwed"),
        Column("order_time", "TIMESTAMPTZ", "order_time"),
        Column("modification_time", "TIMESTAMPTZ", "modification_time"),
    ),
)

PAYMENT_OPTIONS = ReportSpec(
    name="invoice_payment_options", domo_report="Invoice - Available Payment Options", group="invoice",
    description=("The payment types enabled in the account. Derived: Keap's ecommerce configuration "
                 "(/settings/applications:getConfiguration) states them as one comma-separated "
                 "payment_types string, split into one row each."),
    source=Detail("/settings/applications:getConfiguration", record_path="ecommerce",
                  params={"fields": "ECOMMERCE"}),
    explode="payment_types", explode_split=",",
    dates=Dates.SNAPSHOT, primary_key=("payment_type",),
    columns=(Column("payment_type", "VARCHAR", ITEM), Column("currency", "VARCHAR", "currency")),
)

INVOICE_PAYMENTS = ReportSpec(
    name="invoice_payments", domo_report="Invoice - Payments", group="invoice",
    description=("Payments, partitioned by the UTC day of the payment: every payment by default, or the "
                 "payments of the given invoices (each invoice id resolved to its v2 order)."),
    source=RestList("/sales/payments", "payments", window=("since_time", "until_time"),
                    params={"order_by": "id asc"}),
    fan_out=FanOut("invoice_ids", "order_id", bind="filter", all_unfiltered=True, default_all=True,
                   resolve=Listing("/orders", "orders"), resolve_filter="invoice_id=={value}",
                   description="invoice ids, or all"),
    dates=Dates.RANGE, partition_field="payment_time", primary_key=("payment_id",),
    columns=(
        Column("payment_id", "BIGINT", "id"),
        Column("payment_time", "TIMESTAMPTZ", "payment_time"),
        Column("type", "VARCHAR", "type"),
        Column("amount", "DOUBLE", "amount"),
        Column("note", "VARCHAR", "note"),
        Column("status", "VARCHAR", "status"),
        Column("commissioned", "BOOLEAN", "commissioned"),
        Column("synced", "BOOLEAN", "synced"),
        Column("refund_payment_id", "BIGINT", "refund_payment_id"),
        Column("contact_id", "BIGINT", "contact_id"),
        Column("order_ids", "JSON", "order_ids", "the orders (invoices) paid"),
        Column("external_transaction_id", "VARCHAR", "external_transaction_id"),
        Column("merchant_account_id", "BIGINT", "merchant_account_id"),
        Column("merchant_account_type", "VARCHAR", "merchant_account_type"),
        Column("payment_method", "JSON", "payment_method"),
        Column("update_time", "TIMESTAMPTZ", "update_time"),
    ),
)

_SHIPPING_COLUMNS = (
    Column("shipping_method_id", "BIGINT", "id"),
    Column("name", "VARCHAR", "name"),
    Column("description", "VARCHAR", "description"),
    Column("type", "VARCHAR", "type", "Flat, Order Total, Product, UPS, Weight, ..."),
    Column("status", "VARCHAR", "status"),
    Column("international", "BOOLEAN", "international"),
    Column("settings", "JSON", "settings", "the method's own settings, as Keap sends them"),
)

INVOICE_SHIPPING_OPTIONS = ReportSpec(
    name="invoice_shipping_options", domo_report="Invoice - Available Shipping Options", group="invoice",
    description="The shipping options enabled in the account (REST v2 /shipping).",
    source=RestList("/shipping", "shipping_methods"), dates=Dates.SNAPSHOT, primary_key=("shipping_method_id",),
    columns=_SHIPPING_COLUMNS,
)

SHIPPING_OPTIONS = ReportSpec(
    name="shipping_options", domo_report="Shipping - Available Shipping Options", group="shipping",
    description="The account's shipping methods (REST v2 /shipping).",
    source=RestList("/shipping", "shipping_methods"), dates=Dates.SNAPSHOT, primary_key=("shipping_method_id",),
    columns=_SHIPPING_COLUMNS,
)

PRODUCT_INVENTORY = ReportSpec(
    name="product_inventory", domo_report="Product - Inventory", group="product",
    description=("The inventory of the given products (every product by default), now: one product detail "
                 "call each, as the product list omits inventory_count."),
    source=Detail("/products/{product_id}"),
    fan_out=FanOut("product_ids", "product_id", all_from=Listing("/products", "products"), default_all=True,
                   description="product ids, or all"),
    dates=Dates.LOOKUP, primary_key=("product_id",),
    columns=(
        Column("product_id", "BIGINT", "id"),
        Column("name", "VARCHAR", "name"),
        Column("sku", "VARCHAR", "sku"),
        Column("active", "BOOLEAN", "active"),
        Column("inventory_count", "BIGINT", "inventory.inventory_count", "ProductService.getInventory"),
        Column("inventory_limit", "BIGINT", "inventory.inventory_limit"),
        Column("out_of_stock_enabled", "BOOLEAN", "inventory.out_of_stock_enabled"),
    ),
)

WEBFORMS = ReportSpec(
    name="webforms", domo_report="Webform IDs", group="crm",
    description="The account's web forms (every type; Domo's WebFormService.getMap listed the LEGACY ones).",
    source=RestList("/webforms", "webforms", params={"order_by": "create_time asc"}),
    dates=Dates.SNAPSHOT, primary_key=("webform_id",),
    columns=(
        Column("webform_id", "BIGINT", "id"),
        Column("xid", "VARCHAR", "xid"),
        Column("name", "VARCHAR", "name"),
        Column("webform_type", "VARCHAR", "webform_type", "LEGACY, STANDALONE, FUNNEL, ..."),
        Column("webform_url", "VARCHAR", "webform_url"),
        Column("create_time", "TIMESTAMPTZ", "create_time"),
        Column("update_time", "TIMESTAMPTZ", "update_time"),
    ),
)


REPORTS = (GET_FILE, INVOICE_AMOUNT_DUE, PAYMENT_OPTIONS, INVOICE_PAYMENTS, INVOICE_SHIPPING_OPTIONS,
           PRODUCT_INVENTORY, SHIPPING_OPTIONS, WEBFORMS)

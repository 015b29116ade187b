"""REST v1 endpoints of the e-commerce domain: orders (+payments, transactions), transactions, products,
subscriptions — v1 shapes (ids int64, money doubles, ``…+0000`` times) of the same records as v2.

``since``/``until`` are inclusive on both ends (Keap documents "inclusive" for v1 affiliate
reports); ``/v1/orders`` windows on ``modification_date``, ``/v1/transactions`` on ``transaction_date``.
"""

from __future__ import annotations

from ..data.ecommerce_codes import ITEM_TYPES
from ..wire import v1_time, v1_time_of_v2, v2_date
from .ecommerce_records import Catalog
from .v1 import V1, V1List, v1_filter_window, v1_int, v1_where_ints
from .v2 import json_response


def v1_order(cat, job: dict) -> dict:
    v2 = cat.v2_order_by_id()[str(job["Id"])]
    invoice = cat.invoice_of_job[job["Id"]]
    contact = cat.contacts.get(job["ContactId"])
    plan = cat.pay_plan_of.get(invoice["Id"])
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
        "modification_date": v1_time(cat.times["order"][job["Id"]][1]),
        "lead_affiliate_id": invoice.get("LeadAffiliateId", 0), "sales_affiliate_id": invoice.get("AffiliateId", 0),
        "invoice_number": invoice["Id"], "source_type": v2["source_type"], "terms": v2["terms"],
        "notes": job.get("JobNotes"), "allow_payment": v2["allow_payment"], "allow_paypal": False,
        "shipping_information": v1_shipping(job),
        "payment_plan": None if plan is None else {
            "auto_charge": True, "credit_card_id": 0, "days_between_payments": 30,
            "initial_payment_amount": plan["FirstPayAmt"], "initial_payment_date": v2_date(plan["InitDate"]),
            "number_of_payments": len(cat.plan_items_of.get(plan["Id"], [])),
            "payment_gateway": {"merchant_account_id": 1, "use_default": True},
            "plan_start_date": v2_date(plan["StartDate"])},
        "order_items": [v1_item(cat, i) for i in cat.items_of.get(job["Id"], [])],
    }

def v1_shipping(job: dict) -> dict | None:
    if "ShipFirstName" not in job:
        return None
    return {"id": job["Id"], "first_name": job.get("ShipFirstName"), "middle_name": None,
            "last_name": job.get("ShipLastName"), "company": job.get("ShipCompany"),
            "phone": job.get("ShipPhone"), "street1": job.get("ShipStreet1"), "street2": job.get("ShipStreet2"),
            "city": job.get("ShipCity"), "state": job.get("ShipState"), "zip": job.get("ShipZip"),
            "country": job.get("ShipCountry"), "invoiceToCompany": False}

def v1_item(cat, item: dict) -> dict:
    product = cat.products.get(item["ProductId"])
    plan = cat.plans.get(item.get("SubscriptionPlanId"))
    return {"id": item["Id"], "name": item["ItemName"], "description": item["ItemDescription"],
            "type": ITEM_TYPES.get(item["ItemType"], "UNKNOWN").title().replace("_", ""),
            "quantity": item["Qty"], "price": item["PPU"], "cost": item["CPU"], "discount": 0.0,
            "notes": item.get("Notes"),
            "jobRecurringId": cat.c.get("subscription_of_item", {}).get(item["Id"], 0),
            "specialId": 0, "specialAmount": 0.0, "specialPctOrAmt": 0,
            "product": None if product is None else {
                "id": product["Id"], "name": product["ProductName"], "sku": product["Sku"],
                "description": product["ShortDescription"], "shippable": bool(product["Shippable"]),
                "taxable": bool(product["Taxable"])},
            "subscriptionPlan": None if plan is None else v1_plan(cat, plan)}

def v1_plan(cat, plan: dict, index: int = 0) -> dict:
    v2 = cat.v2_item_plan(plan)
    return {"id": plan["Id"], "subscription_plan_name": v2["subscription_plan_name"],
            "cycle": int(plan["Cycle"]), "frequency": plan["Frequency"], "number_of_cycles": 0,
            "plan_price": plan["PlanPrice"], "subscription_plan_index": v2["display_order_index"],
            "active": plan["Active"]}

def v1_invoice_payments(cat, order_id: int) -> list[dict]:
    return [{"id": int(p["id"]), "amount": p["amount"], "note": p["note"], "invoice_id": int(p["invoice_id"]),
             "payment_id": int(p["payment_id"]), "pay_date": v1_time_of_v2(p["pay_time"]),
             "pay_status": p["pay_status"], "last_updated": v1_time_of_v2(p["last_updated_time"]),
             "skip_commission": p["skip_commission"],
             "refund_invoice_payment_id": int(p["refund_invoice_payment_id"] or 0)}
            for p in cat.v2_invoice_payments(order_id)]

def v1_transaction(cat, txn: dict, with_orders: bool = True) -> dict:
    merchant = cat.merchants[txn["merchant_account_id"]]
    return {"id": txn["id"], "amount": txn["amount"], "currency": "USD", "status": txn["status"].title(),
            "type": {"CAPTURE": "Sale", "REFUND": "Refund", "MANUAL": "Manual"}[txn["method"]],
            "collection_method": "Automatic" if txn["credit_card_id"] else "Manual",
            "gateway": merchant["type"].replace("_", " ").title(), "gateway_account_name": merchant["name"],
            "test": False, "errors": txn["error"], "contact_id": txn["contact_id"],
            "transaction_date": v1_time(txn["time_ms"]), "paymentDate": v1_time(txn["time_ms"]),
            "order_ids": ",".join(str(o) for o in txn["order_ids"]),
            "orders": [v1_order(cat, cat.jobs[o]) for o in txn["order_ids"]] if with_orders else []}

def v1_product(cat, p: dict) -> dict:
    plans = cat.plans_of.get(p["Id"], [])
    return {"id": p["Id"], "product_name": p["ProductName"], "product_desc": p["Description"],
            "product_short_desc": p["ShortDescription"], "product_price": p["ProductPrice"], "sku": p["Sku"],
            "url": None, "status": p["Status"], "subscription_only": False,
            "product_options": [v1_option(cat, o) for o in cat.options_of.get(p["Id"], [])],
            "subscription_plans": [{**v1_plan(cat, s), "url": None} for s in plans]}

def v1_option(cat, o: dict) -> dict:
    fixed = o["OptionType"] == "FixedList"
    return {"id": o["Id"], "name": o["Name"], "label": o["Label"], "required": bool(o["IsRequired"]),
            "type": "FixedList" if fixed else "Variable", "display_index": o["Order"],
            "allow_spaces": bool(o["AllowSpaces"]), "min_chars": o["MinChars"], "max_chars": o["MaxChars"],
            "text_message": None, "can_contain_character": True, "can_contain_number": True,
            "can_start_with_character": True, "can_start_with_number": False,
            "can_end_with_character": True, "can_end_with_number": True,
            "values": [{"id": v["Id"], "label": v["Label"], "sku": v["Sku"], "index": v["OptionIndex"],
                        "is_default": bool(v["IsDefault"]), "price_adjustment": v["PriceAdjustment"]}
                       for v in cat.values_of.get(o["Id"], [])]}

def v1_subscription(cat, s: dict) -> dict:
    v2 = cat.v2_subscription(s)
    return {"id": s["Id"], "contact_id": s["ContactId"], "product_id": s["ProductId"],
            "subscription_plan_id": s["SubscriptionPlanId"], "active": v2["active"], "quantity": s["Qty"],
            "billing_amount": s["BillingAmt"], "billing_cycle": v2["billing_cycle"],
            "billing_frequency": s["Frequency"], "start_date": v2["start_date"],
            "next_bill_date": v2["next_bill_date"], "end_date": v2["end_date"],
            "auto_charge": bool(s["AutoCharge"]), "allow_tax": False, "credit_card_id": s.get("CC1", 0),
            "payment_gateway_id": s.get("MerchantAccountId", 0), "use_default_payment_gateway": True,
            "sale_affiliate_id": s.get("AffiliateId", 0)}


def register(router, cat: Catalog) -> None:
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
        return [v1_order(cat, j) for j in rows]

    def order_transactions(params, orderId):
        oid = _order_id(orderId)
        rows = v1_filter_window(params, cat.transactions_of.get(oid, []), lambda x: x["time_ms"])
        return [v1_transaction(cat, x) for x in rows]

    def transactions(params):
        rows = cat.transactions
        rows = v1_where_ints(params, rows, {"contact_id": "contact_id"})
        rows = v1_filter_window(params, rows, lambda x: x["time_ms"])
        return [v1_transaction(cat, x) for x in rows]

    def products(params):
        rows = t.get("Product", [])
        active = params.get("active")
        if active is not None:
            rows = [p for p in rows if (p["Status"] == 1) == (active.lower() == "true")]
        return [v1_product(cat, p) for p in rows]

    def subscriptions(params):
        rows = v1_where_ints(params, t.get("RecurringOrder", []), {"contact_id": "ContactId"})
        return [v1_subscription(cat, s) for s in rows]

    def _order_id(text_id: str) -> int:
        if not text_id.isdigit() or int(text_id) not in cat.jobs:
            raise LookupError("Unable to find this Order")
        return int(text_id)

    async def get_order(request, orderId):
        try:
            return json_response(v1_order(cat, cat.jobs[_order_id(orderId)]))
        except LookupError as exc:
            return json_response({"message": str(exc)}, status=404)

    async def order_payments(request, orderId):
        try:
            return json_response(v1_invoice_payments(cat, _order_id(orderId)))
        except LookupError as exc:
            return json_response({"message": str(exc)}, status=404)

    router.add(f"{V1}/orders", V1List("orders", orders))
    router.add(f"{V1}/orders/{{orderId}}", get_order)
    router.add(f"{V1}/orders/{{orderId}}/payments", order_payments)
    router.add(f"{V1}/orders/{{orderId}}/transactions", V1List("transactions", order_transactions))
    router.add(f"{V1}/transactions", V1List("transactions", transactions))
    router.add(f"{V1}/products", V1List("products", products))
    router.add(f"{V1}/subscriptions", V1List("subscriptions", subscriptions))

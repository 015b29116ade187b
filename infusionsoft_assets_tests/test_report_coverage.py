"""Every source report-mapping.md assigns to the 39 Domo reports is served by the sandbox.

The table below is transcribed from shared/reference/report-mapping.md §2 (REST v2, the REST v1 fallback,
and the XML-RPC method of each report). It checks the sandbox's routing table and method registry, so a
report added to the catalog later always has something real to talk to.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from keap_sandbox.data.dataset import Dataset
from keap_sandbox.rest.routes import build_rest_router
from keap_sandbox.xmlrpc.endpoint import load_methods

G, P = "GET", "POST"
REST = [  # (report number, method, path below /crm)
    (1, G, "/rest/v1/affiliates/1/clawbacks"),
    (2, G, "/rest/v2/affiliates/1:commissions"), (2, G, "/rest/v1/affiliates/commissions"),
    (3, G, "/rest/v2/affiliates/1/payments"), (3, G, "/rest/v1/affiliates/1/payments"),
    (4, G, "/rest/v2/affiliates/redirects"), (4, G, "/rest/v1/affiliates/redirectlinks"),
    (5, G, "/rest/v2/affiliates/summaries"), (5, G, "/rest/v1/affiliates/summaries"),
    (7, G, "/rest/v2/affiliates/commissionPrograms"), (7, G, "/rest/v1/affiliates/programs"),
    (9, G, "/rest/v2/affiliates/commissionPrograms/1"), (9, G, "/rest/v2/affiliates/1"),
    (9, G, "/rest/v2/affiliates"), (9, G, "/rest/v1/affiliates"),
    (10, G, "/rest/v2/affiliates/commissionPrograms/1/resources"),
    (11, G, "/rest/v2/contacts"), (11, G, "/rest/v1/contacts"),
    (12, G, "/rest/v2/contacts/1"), (12, G, "/rest/v1/contacts/1"),
    (13, G, "/rest/v2/tags/1/contacts"), (13, G, "/rest/v2/tags/-/contacts"), (13, G, "/rest/v1/tags/1/contacts"),
    *[(14, G, f"/rest/v2/{r}/1") for r in ("contacts", "companies", "orders", "subscriptions", "products",
                                           "affiliates", "opportunities", "tasks", "tags", "files", "users",
                                           "campaigns", "leadSources")],
    *[(15, G, f"/rest/v2/{r}") for r in ("affiliates", "companies", "contacts", "tags", "tags/categories",
                                         "files", "orders", "opportunities", "leadSources", "leadSourceCategories",
                                         "leadSources/-/expenses", "leadSources/-/recurringExpenses", "products",
                                         "productCategories", "sales/payments", "sales/transactions",
                                         "subscriptions", "referrals", "opportunities/stages",
                                         "opportunities/stageMoves", "users", "campaigns", "tasks", "notes",
                                         "paymentMethods", "reporting/reports")],
    (16, G, "/rest/v2/discounts/productCategories/1"), (16, G, "/rest/v2/discounts/productCategories"),
    (18, G, "/rest/v2/discounts/orderTotals/1"), (18, G, "/rest/v2/discounts/orderTotals"),
    (19, G, "/rest/v2/discounts/products/1"), (19, G, "/rest/v2/discounts/products"),
    (20, G, "/rest/v2/discounts/shipping/1"), (20, G, "/rest/v2/discounts/shipping"),
    (21, G, "/rest/v2/discounts/freeTrials/1"), (21, G, "/rest/v2/discounts/freeTrials"),
    (22, G, "/rest/v2/files/1:data"), (22, G, "/rest/v2/files/1"), (22, G, "/rest/v1/files/1"),
    (23, G, "/rest/v2/orders"), (23, G, "/rest/v2/orders/1"), (23, G, "/rest/v1/orders/1"),
    (24, G, "/rest/v2/settings/applications:getConfiguration"),
    (24, G, "/rest/v1/setting/application/configuration"),
    (25, G, "/rest/v2/sales/payments"), (25, G, "/rest/v2/orders/1/payments"),
    (25, G, "/rest/v1/orders/1/payments"), (25, G, "/rest/v1/orders/1/transactions"),
    (26, G, "/rest/v2/shipping"),
    (27, G, "/rest/v2/products/1"),
    (28, G, "/rest/v2/reporting/reports/1/model"), (28, G, "/rest/v2/reporting/reports"),
    (29, P, "/rest/v2/reporting/reports/1:run"), (30, P, "/rest/v2/reporting/reports/1:run"),
    (31, G, "/rest/v2/shipping"),
    (39, G, "/rest/v2/webforms"), (39, G, "/rest/v2/webforms/1:data"),
]
XMLRPC = {
    1: "APIAffiliateService.affClawbacks", 2: "APIAffiliateService.affCommissions",
    3: "APIAffiliateService.affPayouts", 4: "AffiliateService.getRedirectLinksForAffiliate",
    5: "APIAffiliateService.affSummary", 6: "APIAffiliateService.affRunningTotals",
    7: "AffiliateProgramService.getAffiliatePrograms", 8: "AffiliateProgramService.getProgramsForAffiliate",
    9: "AffiliateProgramService.getAffiliatesByProgram", 10: "AffiliateProgramService.getResourcesForAffiliateProgram",
    11: "ContactService.findByEmail", 12: "ContactService.load", 13: "DataService.query", 14: "DataService.load",
    15: "DataService.query", 16: "DiscountService.getCategoryDiscount",
    17: "DiscountService.getCategoryAssignmentsForCategoryDiscount", 18: "DiscountService.getOrderTotalDiscount",
    19: "DiscountService.getProductTotalDiscount", 20: "DiscountService.getShippingTotalDiscount",
    21: "DiscountService.getFreeTrial", 22: "FileService.getFile", 23: "InvoiceService.calculateAmountOwed",
    24: "InvoiceService.getAllPaymentOptions", 25: "InvoiceService.getPayments",
    26: "InvoiceService.getAllShippingOptions", 27: "ProductService.getInventory",
    28: "SearchService.getAllReportColumns", 29: "SearchService.getSavedSearchResultsAllFields",
    30: "SearchService.getSavedSearchResults", 31: "ShippingService.getAllShippingOptions",
    32: "ShippingService.getFlatRateShippingOption", 33: "ShippingService.getOrderQuantityShippingOption",
    34: "ShippingService.getOrderTotalShippingOption", 35: "ShippingService.getOrderTotalShippingRanges",
    36: "ShippingService.getProductBasedShippingOption", 37: "ShippingService.getUpsShippingOption",
    38: "ShippingService.getWeightBasedShippingOption", 39: "WebFormService.getMap",
}


@pytest.fixture(scope="module")
def router():
    return build_rest_router(Dataset(seed=1, scale=30, now=datetime(2026, 11, 28, tzinfo=timezone.utc)))


def test_the_table_covers_all_39_reports():
    assert set(XMLRPC) == set(range(1, 40))
    assert {n for n, _, _ in REST} | {6, 8, 17, *range(32, 39)} == set(range(1, 40))  # the rest: XML-RPC only or derived


@pytest.mark.parametrize("report, method, path", REST, ids=[f"{n}:{m} {p}" for n, m, p in REST])
def test_rest_source_is_served(router, report, method, path):
    found = router.match(path)
    assert found is not None, f"report {report}: {path} is not routed"
    assert method in found[0], f"report {report}: {method} {path} is not served (only {sorted(found[0])})"


def test_every_xmlrpc_method_behind_a_report_is_registered():
    methods = load_methods()
    missing = {n: m for n, m in XMLRPC.items() if m not in methods}
    assert missing == {}

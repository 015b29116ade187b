"""A reports file for this sandbox's own dataset: every report of infusionsoft-assets' catalog at least
once, with targets (ids, emails, saved searches) that exist here, so a newcomer sees every report work.

The sandbox stands alone: it names the reports as the catalog does, as plain strings, and a test checks
the file against the catalog. The file is YAML (written by hand: the sandbox needs no YAML library).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .data.dataset import Dataset

#: Reports that take every target by default: they appear as they are shipped.
EVERYTHING = ("contacts", "contacts_by_tags", "affiliate_clawbacks", "affiliate_commissions", "affiliate_payments",
              "affiliate_redirect_links", "affiliate_summary", "affiliate_running_totals", "affiliate_programs",
              "affiliate_programs_of_affiliate", "affiliates_of_program", "affiliate_program_resources",
              "discount_category", "discount_category_assignments", "discount_order_total", "discount_product_total",
              "discount_shipping", "discount_free_trial", "invoice_payment_options", "invoice_payments",
              "invoice_shipping_options", "shipping_options", "product_inventory", "webforms",
              "search_available_fields", "saved_search")


#: The seven shipping-option reports: served by XML-RPC alone, every option of each type by default.
SHIPPING = ("shipping_flat_rate", "shipping_order_quantity", "shipping_order_total", "shipping_order_ranges",
            "shipping_product_based", "shipping_ups", "shipping_weight_based")


def instances(ds: Dataset) -> list[dict]:
    """The instances, as dicts (report, asset, params)."""
    contacts = ds.contacts
    emails = [e["email"] for c in contacts[-40:] for e in c.get("email_addresses") or () if e["field"] == "EMAIL1"]
    tags = sorted(ds.collections["tag_applications"], key=lambda t: -len(ds.collections["tag_applications"][t]))
    affiliates = [row["Id"] for row in ds.tables["Affiliate"]]
    searches = ds.collections["saved_searches"]
    first_search = min(searches)
    search_name = next(row["FilterName"] for row in ds.tables["SavedFilter"] if row["Id"] == first_search)
    invoices = [row["Id"] for row in ds.tables["Invoice"]]
    out: list[dict] = [{"report": name} for name in EVERYTHING]
    out += [
        {"report": "contacts_by_email", "params": {"emails": emails[:3]}},
        {"report": "contacts_by_id", "params": {"contact_ids": [int(c["id"]) for c in contacts[:5]]}},
        {"report": "contacts_by_tags", "asset": "contacts_by_two_tags", "params": {"tag_ids": tags[:2]}},
        {"report": "affiliate_commissions", "asset": "affiliate_commissions_of_two",
         "params": {"affiliate_ids": affiliates[:2]}},
        {"report": "get_file", "params": {"file_ids": sorted(ds.collections["file_data"])[:3]}},
        {"report": "invoice_amount_due", "params": {"invoice_ids": invoices[-5:]}},
        {"report": "invoice_payments", "asset": "invoice_payments_of_five", "params": {"invoice_ids": invoices[-5:]}},
        {"report": "saved_search_new", "params": {"saved_searches": [search_name],
                                                  "fields": list(searches[first_search]["columns"])[:3]}},
        # Domo's "Query a Data Table" and "Record by ID": a REST-served table, XML-RPC-only ones, a query
        {"report": "data_table", "params": {"table": "Contact"}},
        {"report": "data_table", "params": {"table": "ContactGroupAssign"}},
        {"report": "data_table", "params": {"table": "Ticket"}},
        {"report": "data_table", "params": {"table": "JobRecurringInstance"}},
        {"report": "data_table", "asset": "contacts_named_j_updated_since_last_run",
         "params": {"table": "Contact", "fields": ["Id", "FirstName", "LastName", "Email", "LastUpdated"],
                    "query": "'FirstName':'J%', 'LastUpdated':'~>=~LastSuccessfulRun'"}},
        {"report": "data_record", "params": {"table": "Job", "ids": [row["Id"] for row in ds.tables["Job"][:3]]}},
        *({"report": name} for name in SHIPPING),
    ]
    return out


def render(ds: Dataset) -> str:
    lines = [f"# infusionsoft-assets reports for the Keap sandbox (seed {ds.seed}, scale {ds.scale}): every report",
             "# of the catalog, with targets that exist in this sandbox's data. Written by the sandbox.",
             "reports:"]
    for item in instances(ds):
        lines.append(f"  - report: {item['report']}")
        if "asset" in item:
            lines.append(f"    asset: {item['asset']}")
        if "params" in item:
            lines.append(f"    params: {json.dumps(item['params'])}")  # JSON is YAML
    return "\n".join(lines) + "\n"


def write_reports_file(ds: Dataset, path: str | os.PathLike) -> Path:
    """Write the file atomically (a reader never sees half of it); returns its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".reports-", dir=path.parent)
    with os.fdopen(fd, "w") as fh:
        fh.write(render(ds))
    os.replace(tmp, path)
    return path


def default_path(ds: Dataset) -> Path:
    """Where the sandbox puts its file unless told: the system temp folder, one file per seed and scale."""
    return Path(tempfile.gettempdir()) / f"keap-sandbox-reports-{ds.seed}-{ds.scale}.yaml"

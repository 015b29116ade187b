"""Keap's 57 legacy DataService tables, as data: their fields and types (Keap's table schema,
``schema.json``), the field that windows each into daily partitions, and, where REST serves the table,
its *REST home*: the list to read and where each XML-RPC field sits in its records.

"Data - Query a Data Table" reads a table with a REST home over REST and maps its rows to the column
names users know from XML-RPC (``Id``, ``FirstName``, ``LastUpdated``, custom fields as ``_Name``), so
Domo-era SQL keeps working after XML-RPC is gone; a table without one is read over XML-RPC, which Keap
switches off on 2026-12-31. A field the REST home does not serve stays NULL over REST (its column
description says so). One entry per table: adding a REST home is adding one entry to a family module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from ..sources import FanOut, RestList

SCHEMA: dict[str, dict[str, dict]] = json.loads(Path(__file__).with_name("schema.json").read_text())["tables"]

#: XML-RPC field type -> DuckDB column type.
COLUMN_TYPES = {"Id": "BIGINT", "Integer": "BIGINT", "Long": "BIGINT", "String": "VARCHAR", "Enum": "VARCHAR",
                "Double": "DOUBLE", "Date": "DATE", "DateTime": "TIMESTAMPTZ", "Boolean": "BOOLEAN", "Blob": "BLOB"}


@dataclass(frozen=True)
class RestHome:
    """How a table is read over REST.

    ``source``: the list (its ``window`` is the REST filter matching the table's date field, if any);
    ``fields``: XML-RPC field -> a dotted path into the REST record, or a function of it; ``detail``:
    the GET of one record (``/contacts/{id}``) for "Data - Record by ID"; ``custom_fields``: the v2
    ``/model`` endpoint naming the table's custom fields (read from the records' ``custom_fields``);
    ``fan_out``: lists below a parent (tag applications per tag; every parent is taken, so give it
    ``default_all=True`` and an ``all_from`` listing), the parent's id under ``__target__``; ``explode``: rows
    nested in the records (an order's items): each element is under ``__item__``, beside its parent's
    fields (``__item__.id``, ``id``); ``also``: more lists holding rows of the same table, each with its own
    source and fields (ContactAction's notes and appointments beside its tasks), read after this one.
    """

    source: RestList
    fields: Mapping[str, str | Callable[[dict], Any]]
    detail: str | None = None
    custom_fields: str | None = None
    fan_out: FanOut | None = None
    explode: str | None = None
    note: str = ""
    also: tuple["RestHome", ...] = ()

    def __post_init__(self) -> None:
        if self.also and (self.fan_out or self.explode or self.custom_fields
                          or any(h.fan_out or h.explode or h.custom_fields or h.also for h in self.also)):
            raise ValueError("a REST home over several lists reads plain lists (no fan-out, explode, custom fields)")

    @property
    def homes(self) -> tuple["RestHome", ...]:
        return (self, *self.also)


@dataclass(frozen=True)
class Table:
    name: str
    date_field: str | None = None          # windows partitions (a change or creation time); None: snapshot
    key: tuple[str, ...] = ("Id",)
    form_id: int | None = None             # DataFormField.FormId of the table's custom fields (_Name)
    rest: RestHome | None = None           # None: XML-RPC only

    @property
    def types(self) -> dict[str, str]:
        return {name: spec["type"] for name, spec in SCHEMA[self.name].items()}

    @property
    def readable(self) -> list[str]:
        """Fields a credential may read (Keap's access rights), in the schema's order, less the secrets
        (:data:`SECRETS`), which are never read."""
        return [name for name, spec in SCHEMA[self.name].items()
                if "Read" in spec["access"] and name not in SECRETS]


#: Readable fields that are credentials (a contact's, company's or affiliate's portal password): never read,
#: never stored, whatever a report instance asks for.
SECRETS = frozenset({"Password"})


#: Tables whose date field windows daily partitions: a change time where the table has one, else the
#: creation time (a due or start date can lie in the future, and a future day can never be loaded).
_DATE_FIELDS = {
    "Contact": "LastUpdated", "Company": "LastUpdated", "ContactAction": "LastUpdated", "Lead": "LastUpdated",
    "Ticket": "LastUpdated", "Job": "DateCreated", "Invoice": "DateCreated", "InvoiceItem": "DateCreated",
    "InvoicePayment": "PayDate", "Payment": "PayDate", "Expense": "DateIncurred",
    "LeadSourceExpense": "DateIncurred", "StageMove": "DateCreated", "Referral": "DateSet",
    "JobRecurringInstance": "DateCreated", "ContactGroupAssign": "DateCreated",
}
_KEYS = {"ContactGroupAssign": ("GroupId", "ContactId"), "Campaignee": ("CampaignId", "ContactId"),
         "RecurringOrderWithContact": ("RecurringOrderId",)}
#: DataFormField.FormId of each table that has custom fields (keap-xmlrpc.md §5.1).
_FORM_IDS = {"Contact": -1, "Ticket": -2, "Affiliate": -3, "Lead": -4, "ContactAction": -5, "Company": -6,
             "Job": -9, "RecurringOrder": -10}
#: No REST home: XML-RPC only, gone after 2026-12-31 (report-mapping.md §4; CampaignStep has structure
#: only in REST, treated as XML-RPC-only for parity).
XMLRPC_ONLY = ("ActionSequence", "Campaignee", "CampaignStep", "CProgram", "GroupAssign", "JobRecurringInstance",
               "MtgLead", "Status", "Ticket", "TicketStage", "TicketType")


def _homes() -> dict[str, RestHome]:
    from . import commerce, crm, marketing

    homes: dict[str, RestHome] = {}
    for family in (crm, commerce, marketing):
        overlap = set(homes) & set(family.HOMES)
        assert not overlap, f"REST homes declared twice: {overlap}"
        homes.update(family.HOMES)
    return homes


def _tables() -> dict[str, Table]:
    homes = _homes()
    unknown = set(homes) - set(SCHEMA)
    assert not unknown, f"REST homes for tables Keap does not have: {unknown}"
    assert not set(homes) & set(XMLRPC_ONLY), "an XML-RPC-only table has a REST home"
    return {name: Table(name, _DATE_FIELDS.get(name), _KEYS.get(name, ("Id",)), _FORM_IDS.get(name),
                        homes.get(name)) for name in SCHEMA}


TABLES: dict[str, Table] = _tables()

__all__ = ["COLUMN_TYPES", "RestHome", "SCHEMA", "SECRETS", "TABLES", "Table", "XMLRPC_ONLY"]

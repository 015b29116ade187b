"""REST homes of the e-commerce tables: orders, invoices, payments, products, subscriptions."""

from __future__ import annotations

from . import RestHome

HOMES: dict[str, RestHome] = {}

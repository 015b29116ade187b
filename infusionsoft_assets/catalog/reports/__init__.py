"""The catalog: every report spec, one module per family. Adding a report means adding a spec there."""

from __future__ import annotations

from ..spec import ReportSpec
from . import affiliates, commerce, contacts, data, discounts, search, shipping

REPORTS: tuple[ReportSpec, ...] = (*contacts.REPORTS, *affiliates.REPORTS, *discounts.REPORTS, *commerce.REPORTS,
                                   *search.REPORTS, *data.REPORTS, *shipping.REPORTS)

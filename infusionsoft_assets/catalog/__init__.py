"""What each report is, as data (:class:`ReportSpec`), and how its pages are fetched."""

from .fetch import fetch_pages
from .reports import REPORTS
from .spec import Column, Dates, RecordError, ReportSpec, Transport

REPORTS_BY_NAME = {spec.name: spec for spec in REPORTS}

__all__ = ["REPORTS", "REPORTS_BY_NAME", "Column", "Dates", "RecordError", "ReportSpec", "Transport",
           "fetch_pages"]

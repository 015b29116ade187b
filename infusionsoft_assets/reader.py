"""Reading reports back, for notebooks: ``read_report("affiliate_commissions", "2026-11-01", "2026-11-30")``.

pandas serves the people reading the data; the write path never uses it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from .dates import parse_day
from .settings import Settings
from .storage import Warehouse


def read_report(name: str, start: str | date | None = None, end: str | date | None = None, *,
                latest: bool = False, duckdb_path: str | Path | None = None) -> pd.DataFrame:
    """The rows of report (asset) ``name`` whose partition day is within ``start``..``end`` (inclusive,
    either may be omitted). ``latest``: read ``<name>_latest`` (each record's newest version) where the
    report has one. The warehouse is INFUSIONSOFT_DUCKDB_PATH unless ``duckdb_path`` says otherwise."""
    first = parse_day(start, "start") if start is not None else None
    last = parse_day(end, "end") if end is not None else None
    if first and last and last < first:
        raise ValueError(f"end: {last} is before start {first}")
    warehouse = Warehouse(duckdb_path or Settings.from_env().warehouse_path)
    return warehouse.read(name + ("_latest" if latest else ""), first, last)

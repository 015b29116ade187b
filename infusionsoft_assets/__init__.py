"""Keap (Infusionsoft) reports as Dagster assets in DuckDB.

``read_report(name, start=None, end=None)`` reads a report back as a pandas DataFrame (for notebooks).
"""

from __future__ import annotations


def read_report(name, start=None, end=None, **options):
    """See :func:`infusionsoft_assets.reader.read_report` (imported on first use: pandas is not needed to
    load the definitions)."""
    from .reader import read_report as read

    return read(name, start, end, **options)


__all__ = ["read_report"]

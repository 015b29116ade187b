"""One daily partitions definition for every report: UTC days, today included (``end_offset=1``)."""

from __future__ import annotations

import os
from datetime import date

import dagster as dg

from ..resources import DEFAULT_START_DATE


def start_date_from_env() -> date:
    raw = os.environ.get("INFUSIONSOFT_START_DATE") or DEFAULT_START_DATE
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"INFUSIONSOFT_START_DATE: {raw!r} is not a date (YYYY-MM-DD)") from None


def daily_partitions(start: date) -> dg.DailyPartitionsDefinition:
    # end_offset=1: today's partial day can be loaded now; the rolling window completes it later,
    # and a snapshot taken today lands under today's key.
    return dg.DailyPartitionsDefinition(start_date=start.isoformat(), timezone="UTC", end_offset=1)

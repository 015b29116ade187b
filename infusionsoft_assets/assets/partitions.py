"""One daily partitions definition for every report: UTC days, today included (``end_offset=1``)."""

from __future__ import annotations

from datetime import date

import dagster as dg


def daily_partitions(start: date) -> dg.DailyPartitionsDefinition:
    # end_offset=1: today's partial day can be loaded now; the rolling window completes it later,
    # and a snapshot taken today lands under today's key.
    return dg.DailyPartitionsDefinition(start_date=start.isoformat(), timezone="UTC", end_offset=1)

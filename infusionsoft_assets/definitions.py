"""The one place that wires assets, resources, jobs and schedules."""

from __future__ import annotations

import os
from datetime import date

import dagster as dg

from .assets import build_report_asset, daily_partitions, start_date_from_env
from .catalog import REPORTS, Dates
from .dates import days_back, utc_today
from .keap.client import DEFAULT_API_URL
from .resources import (is_sandbox_url, keap_resource_from_env, pool_from_env, warehouse_resource_from_env)

RANGE_JOB = "range_reports_job"
SNAPSHOT_JOB = "snapshot_reports_job"
DEFAULT_LOOKBACK_DAYS = 3


def lookback_days_from_env() -> int:
    raw = os.environ.get("INFUSIONSOFT_LOOKBACK_DAYS") or str(DEFAULT_LOOKBACK_DAYS)
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"INFUSIONSOFT_LOOKBACK_DAYS: {raw!r} must be a whole number of 1 or more")
    return int(raw)


def build_definitions(*, start: date | None = None, pool: str | None = None, lookback_days: int | None = None,
                      resources: dict | None = None) -> dg.Definitions:
    start = start or start_date_from_env()
    pool = pool or pool_from_env()
    lookback = lookback_days or lookback_days_from_env()
    partitions = daily_partitions(start)
    sandbox = is_sandbox_url(os.environ.get("INFUSIONSOFT_API_URL") or DEFAULT_API_URL)
    assets = [build_report_asset(spec, partitions, pool, sandbox=sandbox) for spec in REPORTS]
    range_names = [spec.name for spec in REPORTS if spec.dates is Dates.RANGE]
    snapshot_names = [spec.name for spec in REPORTS if spec.dates is Dates.SNAPSHOT]
    resources = resources or {"keap": keap_resource_from_env(), "warehouse": warehouse_resource_from_env()}
    job_tags = {"infusionsoft/sandbox": "true"} if sandbox else {}

    range_job = dg.define_asset_job(
        RANGE_JOB, selection=dg.AssetSelection.assets(*range_names), tags=job_tags,
        description="Range reports (windowed by the API). A multi-day selection runs as one run.")
    snapshot_job = dg.define_asset_job(
        SNAPSHOT_JOB, selection=dg.AssetSelection.assets(*snapshot_names),
        tags=job_tags, description="Snapshot reports (current state); only today's partition can be taken.")

    @dg.schedule(job=range_job, cron_schedule="0 6 * * *", execution_timezone="UTC",
                 name="range_reports_lookback", default_status=dg.DefaultScheduleStatus.STOPPED)
    def range_lookback(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        """Re-pull the last N complete days every morning, catching late updates, as one run.

        Days before the start date are left out here (a schedule must not fail on them)."""
        days = days_back(lookback, today=utc_today(context.scheduled_execution_time), earliest=date.min)
        first = max(days.first, start)
        if first > days.last:
            return dg.SkipReason(f"no complete day since the start date {start} yet")
        return dg.RunRequest(
            run_key=f"lookback@{context.scheduled_execution_time:%Y-%m-%d}",
            tags={"dagster/asset_partition_range_start": first.isoformat(),
                  "dagster/asset_partition_range_end": days.last.isoformat()})

    @dg.schedule(job=snapshot_job, cron_schedule="0 6 * * *", execution_timezone="UTC",
                 name="snapshot_reports_daily", default_status=dg.DefaultScheduleStatus.STOPPED)
    def snapshot_daily(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        today = utc_today(context.scheduled_execution_time).isoformat()
        return dg.RunRequest(run_key=f"snapshot@{today}", partition_key=today)

    return dg.Definitions(assets=assets, jobs=[range_job, snapshot_job],
                          schedules=[range_lookback, snapshot_daily], resources=resources)


defs = build_definitions()

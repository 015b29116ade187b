"""The one place that wires assets, resources, jobs, schedules and sensors."""

from __future__ import annotations

import json
import time
from datetime import date

import dagster as dg

from .assets import build_report_asset, daily_partitions
from .catalog import REPORTS, Dates
from .dates import days_back, utc_today
from .keap import AuthError, OAuthCredentials
from .resources import KeapResource, keap_resource, warehouse_resource
from .settings import Settings, SettingsError
from .stuck_runs import describe_holders, pool_state, reap_dead_runs

RANGE_JOB = "range_reports_job"
SNAPSHOT_JOB = "snapshot_reports_job"
KEEPALIVE_JOB = "keap_token_keepalive"
#: Keap's refresh tokens lapse after 45 idle days; refresh when the last one is this old.
KEEPALIVE_AFTER_DAYS = 14
#: How often a run waiting for a pool slot is told again who holds it.
TELL_EVERY_S = 300


@dg.op(description="Refresh the Keap OAuth token pair so its refresh token does not lapse (45 idle days).")
def refresh_keap_token(context, keap: KeapResource) -> None:  # no annotation: postponed ones confuse Dagster
    credentials = keap.credentials()
    if not isinstance(credentials, OAuthCredentials):
        context.log.info("The credential is an API key: nothing to keep alive")
        return
    tokens = credentials.refresh_now()
    context.log.info(f"Keap tokens refreshed; the access token is valid until "
                     f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime(tokens.expires_at))} UTC")


@dg.job(name=KEEPALIVE_JOB, description="Refresh the Keap OAuth token pair (see the keep-alive schedule).")
def keepalive_job() -> None:
    refresh_keap_token()


def build_definitions(settings: Settings | None = None, *, resources: dict | None = None) -> dg.Definitions:
    settings = settings or Settings.from_env()
    start, pool, sandbox = settings.start_date, settings.pool, settings.sandbox
    partitions = daily_partitions(start)
    assets = [build_report_asset(spec, partitions, pool, sandbox=sandbox) for spec in REPORTS]
    range_names = [spec.name for spec in REPORTS if spec.dates is Dates.RANGE]
    snapshot_names = [spec.name for spec in REPORTS if spec.dates is Dates.SNAPSHOT]
    resources = resources or {"keap": keap_resource(settings), "warehouse": warehouse_resource(settings)}
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
        """Re-pull the last INFUSIONSOFT_LOOKBACK_DAYS complete days every morning, as one run.

        Days before the start date are left out here (a schedule must not fail on them)."""
        days = days_back(settings.lookback_days(), today=utc_today(context.scheduled_execution_time),
                         earliest=date.min)
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

    keepalive = dg.ScheduleDefinition(
        name="keap_token_keepalive_daily", job=keepalive_job, cron_schedule="0 5 * * *",
        execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING,
        execution_fn=lambda context: keepalive_request(settings, context.scheduled_execution_time.timestamp()),
        description=f"Refreshes the OAuth tokens when no run has for {KEEPALIVE_AFTER_DAYS} days "
                    "(Keap's refresh tokens lapse after 45 idle days).")

    @dg.sensor(name="keap_stuck_runs", minimum_interval_seconds=60,
               default_status=dg.DefaultSensorStatus.RUNNING,
               description="Frees the pool slots of runs whose process is gone (kill -9, a crash), and tells "
                           "runs waiting for a slot who holds it.")
    def stuck_runs_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        told = json.loads(context.cursor) if context.cursor else {}
        summary, told = watch_pool(context.instance, pool, told, time.time())
        return dg.SensorResult(skip_reason=summary, cursor=json.dumps(told))

    return dg.Definitions(assets=assets, jobs=[range_job, snapshot_job, keepalive_job],
                          schedules=[range_lookback, snapshot_daily, keepalive], sensors=[stuck_runs_sensor],
                          resources=resources)


def keepalive_request(settings: Settings, now: float) -> dg.RunRequest | dg.SkipReason:
    """A refresh when the OAuth token pair was last obtained over KEEPALIVE_AFTER_DAYS ago."""
    if settings.api_key or not settings.client_id:
        return dg.SkipReason("No OAuth client configured (an API key needs no keep-alive)")
    from .keap.account import token_store

    try:
        described = token_store(settings.token_file).describe()
    except AuthError as exc:
        return dg.SkipReason(str(exc))
    obtained = described.get("obtained_at")
    if not described.get("exists"):
        return dg.SkipReason(f"No token file at {described.get('path')}; run `infusionsoft-assets auth login`")
    age_days = (now - obtained) / 86400 if obtained else None
    if age_days is not None and age_days < KEEPALIVE_AFTER_DAYS:
        return dg.SkipReason(f"Tokens were refreshed {age_days:.0f} day(s) ago")
    return dg.RunRequest(run_key=f"keepalive@{time.strftime('%Y-%m-%d', time.gmtime(now))}")


def watch_pool(instance: dg.DagsterInstance, pool: str, told: dict[str, float],
               now: float) -> tuple[str, dict[str, float]]:
    """Release dead runs; tell each run waiting on ``pool`` who holds it (in its event log, at most every
    TELL_EVERY_S). Returns a summary and when each waiting run was last told."""
    reaped = reap_dead_runs(instance)
    state = pool_state(instance, pool)
    told = {run_id: at for run_id, at in told.items() if run_id in state.waiting}
    for run_id in state.waiting:
        run = instance.get_run_by_id(run_id)
        if run is not None and now - told.get(run_id, 0.0) >= TELL_EVERY_S:
            instance.report_engine_event(
                f"Waiting for a slot in pool {pool} (limit {state.limit}): held by "
                f"{describe_holders(instance, state.holders)}", run)
            told[run_id] = now
    summary = (f"released {len(reaped)} run(s) whose process was gone; " if reaped else "") + \
        f"pool {pool}: {len(state.holders)} holding, {len(state.waiting)} waiting"
    return summary, told


def _load() -> dg.Definitions:
    try:
        return build_definitions()
    except SettingsError as exc:
        raise SettingsError(f"infusionsoft-assets settings are not valid:\n{exc}") from None


defs = _load()

"""The one place that wires assets, resources, jobs, schedules and sensors."""

from __future__ import annotations

import json
import time
from datetime import date

import dagster as dg

from .assets import build_report_asset, daily_partitions
from dataclasses import replace

from .catalog import REPORTS_BY_NAME, Dates, InstancesError, ReportInstance, instance, load_instances
from .catalog.reports.shipping import REPORTS as SHIPPING_REPORTS
from .catalog.spec import snake
from .catalog.tables import TABLES
from .storage.warehouse import ARCHIVE_PREFIX
from .dates import days_back, utc_today
from .keap import AuthError, OAuthCredentials
from .resources import KeapResource, WarehouseResource, keap_resource, warehouse_resource
from .settings import Settings, SettingsError
from .stuck_runs import describe_holders, pool_state, reap_dead_runs

RANGE_JOB = "range_reports_job"
SNAPSHOT_JOB = "snapshot_reports_job"
ARCHIVE_JOB = "archive_xmlrpc_only"
ARCHIVE_SUMMARY = ARCHIVE_PREFIX + "summary"
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


def archive_instances() -> tuple[ReportInstance, ...]:
    """What only XML-RPC serves, taken whole: the tables with no REST home (Keap's XML-RPC-only ones and those
    whose REST data this connector cannot yet read as the table) and the seven shipping reports. Keap
    switches XML-RPC off on 2026-12-31; after that these can no longer be taken."""
    tables = [instance("data_table", asset=ARCHIVE_PREFIX + snake(name), table=name, transport="xmlrpc", whole=True)
              for name, table in TABLES.items() if table.rest is None]
    shipping = [instance(spec.name, asset=ARCHIVE_PREFIX + spec.name) for spec in SHIPPING_REPORTS]
    return tuple(replace(i, group="xmlrpc_archive") for i in (*tables, *shipping))


def _archive_summary(partitions: dg.PartitionsDefinition, archived: tuple[ReportInstance, ...]) -> dg.AssetsDefinition:
    @dg.asset(name=ARCHIVE_SUMMARY, group_name="xmlrpc_archive", partitions_def=partitions,
              deps=[dg.AssetKey(i.asset) for i in archived], kinds={"duckdb"},
              description="Rows per table of the XML-RPC archive (archive_xmlrpc_only), after it ran.")
    def summary(context, warehouse: WarehouseResource) -> dg.MaterializeResult:  # no annotation: see refresh_keap_token
        found = warehouse.get_warehouse().archive()
        lines = ["| table | rows | written |", "|---|---|---|",
                 *(f"| keap.{t} | {n} | {at:%Y-%m-%d %H:%M} UTC |" for t, n, at in found)]
        total = sum(n for _, n, _ in found)
        context.log.info(f"XML-RPC archive: {len(found)} tables, {total} rows: "
                         + ", ".join(f"{t} {n}" for t, n, _ in found))
        return dg.MaterializeResult(metadata={"tables": len(found), "rows": total,
                                              "summary": dg.MetadataValue.md("\n".join(lines))})

    return summary


def build_definitions(settings: Settings | None = None, *, resources: dict | None = None,
                      instances: tuple[ReportInstance, ...] | None = None) -> dg.Definitions:
    settings = settings or Settings.from_env()
    if instances is None:
        instances = load_instances(settings.reports_file, REPORTS_BY_NAME)
    archived = archive_instances()
    start, pool, sandbox = settings.start_date, settings.pool, settings.sandbox
    range_partitions = daily_partitions(start)
    snapshot_partitions = daily_partitions(settings.snapshot_start_date)
    assets = [build_report_asset(i, range_partitions if i.dates is Dates.RANGE else snapshot_partitions, pool,
                                 sandbox=sandbox, peers=instances) for i in (*instances, *archived)]
    assets.append(_archive_summary(snapshot_partitions, archived))
    ranged = [i for i in instances if i.dates is Dates.RANGE]
    current = [i for i in instances if i.dates is not Dates.RANGE]
    resources = resources or {"keap": keap_resource(settings), "warehouse": warehouse_resource(settings)}
    job_tags = {"infusionsoft/sandbox": "true"} if sandbox else {}
    jobs: list = [keepalive_job, dg.define_asset_job(
        ARCHIVE_JOB, selection=dg.AssetSelection.assets(*[i.asset for i in archived], ARCHIVE_SUMMARY),
        tags=job_tags, description="Everything only Keap's XML-RPC API serves, taken whole into today's partition "
                                   "with a summary of rows per table. Keap switches XML-RPC off on 2026-12-31: run "
                                   "it before then. It can be run again: each run replaces today's partition.")]
    schedules: list = []

    kinds = (  # (job, its instances, what it is, its default schedule)
        (RANGE_JOB, ranged, "Range reports (windowed by the API). A multi-day selection runs as one run.",
         lambda job, keys: _lookback_schedule("range_reports_lookback", job, keys, settings, "0 6 * * *", None)),
        (SNAPSHOT_JOB, current, "Snapshot and lookup reports (current state); only today's partition can be taken.",
         lambda job, keys: _today_schedule("snapshot_reports_daily", job, keys, "0 6 * * *")),
    )
    for name, members, description, default_schedule in kinds:
        if not members:
            continue
        job = dg.define_asset_job(name, selection=dg.AssetSelection.assets(*[i.asset for i in members]),
                                  tags=job_tags, description=description)
        jobs.append(job)
        defaults = [dg.AssetKey(i.asset) for i in members if i.schedule is None]
        if defaults:
            schedules.append(default_schedule(job, defaults))
    for instance in instances:  # an instance with its own schedule, as a Domo data set has
        if instance.schedule is None:
            continue
        job = dg.define_asset_job(f"{instance.asset}_job", selection=dg.AssetSelection.assets(instance.asset),
                                  tags=job_tags, description=f"The {instance.asset} report instance alone.")
        jobs.append(job)
        key = [dg.AssetKey(instance.asset)]
        schedules.append(
            _lookback_schedule(f"{instance.asset}_schedule", job, key, settings, instance.schedule.cron,
                               instance.schedule.days_back) if instance.dates is Dates.RANGE else
            _today_schedule(f"{instance.asset}_schedule", job, key, instance.schedule.cron))

    keepalive = dg.ScheduleDefinition(
        name="keap_token_keepalive_daily", job=keepalive_job, cron_schedule="0 5 * * *",
        execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING,
        execution_fn=lambda context: keepalive_request(settings, context.scheduled_execution_time.timestamp()),
        description=f"Refreshes the OAuth tokens when no run has for {KEEPALIVE_AFTER_DAYS} days "
                    "(Keap's refresh tokens lapse after 45 idle days).")
    schedules.append(keepalive)

    @dg.sensor(name="keap_stuck_runs", minimum_interval_seconds=60,
               default_status=dg.DefaultSensorStatus.RUNNING,
               description="Frees the pool slots of runs whose process is gone (kill -9, a crash), and tells "
                           "runs waiting for a slot who holds it.")
    def stuck_runs_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        told = json.loads(context.cursor) if context.cursor else {}
        summary, told = watch_pool(context.instance, pool, told, time.time())
        return dg.SensorResult(skip_reason=summary, cursor=json.dumps(told))

    return dg.Definitions(assets=assets, jobs=jobs, schedules=schedules, sensors=[stuck_runs_sensor],
                          resources=resources)


def _lookback_schedule(name: str, job, keys: list[dg.AssetKey], settings: Settings, cron: str,
                       days_back_n: int | None) -> dg.ScheduleDefinition:
    """Re-pull the last N complete days (INFUSIONSOFT_LOOKBACK_DAYS, or the instance's own days_back) as one
    run, catching late updates. Days before the start date are left out (a schedule must not fail on them)."""
    start = settings.start_date

    def evaluate(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        n = days_back_n or settings.lookback_days()
        days = days_back(n, today=utc_today(context.scheduled_execution_time), earliest=date.min)
        first = max(days.first, start)
        if first > days.last:
            return dg.SkipReason(f"no complete day since the start date {start} yet")
        return dg.RunRequest(
            run_key=f"{name}@{context.scheduled_execution_time:%Y-%m-%dT%H:%M}", asset_selection=keys,
            tags={"dagster/asset_partition_range_start": first.isoformat(),
                  "dagster/asset_partition_range_end": days.last.isoformat()})

    return dg.ScheduleDefinition(name=name, job=job, cron_schedule=cron, execution_timezone="UTC",
                                 execution_fn=evaluate, default_status=dg.DefaultScheduleStatus.STOPPED,
                                 description=_lookback_schedule.__doc__)


def _today_schedule(name: str, job, keys: list[dg.AssetKey], cron: str) -> dg.ScheduleDefinition:
    """Take today's snapshot of snapshot and lookup reports."""

    def evaluate(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        today = utc_today(context.scheduled_execution_time).isoformat()
        return dg.RunRequest(run_key=f"{name}@{today}", partition_key=today, asset_selection=keys)

    return dg.ScheduleDefinition(name=name, job=job, cron_schedule=cron, execution_timezone="UTC",
                                 execution_fn=evaluate, default_status=dg.DefaultScheduleStatus.STOPPED,
                                 description=_today_schedule.__doc__)


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
    except (SettingsError, InstancesError) as exc:
        raise type(exc)(f"infusionsoft-assets cannot load its definitions:\n{exc}") from None


defs = _load()

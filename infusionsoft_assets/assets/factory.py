"""The one factory that turns a report instance into a daily-partitioned Dagster asset.

Data flow of one materialization: instance -> resource gives a client -> the plan resolves targets and
columns -> the client pages (retries inside) -> records are derived, normalised and staged to disk page by
page -> one transaction replaces the run's partitions -> checks read what was written -> metadata (rows
per partition, API calls, quota left, timing) on the materialization.
"""

import contextlib
import hashlib
import json
import time
from datetime import date, datetime, timezone

import dagster as dg
import duckdb
import filelock
import pyarrow.compute as pc

from ..catalog import Dates, RecordError, ReportInstance, ReportSpec, plan
from ..catalog.columnar import as_days, days_of, in_days, keep, page_arrays, raw_days, same_day
from ..catalog.fetch import FetchPlan
from ..dates import utc_today
from ..keap import KeapClient, KeapError, XmlRpcShutDown
from ..resources import KeapResource, WarehouseResource
from ..storage import StagedRows, WarehouseError
from .checks import check_results, check_specs
from .retries import answer_for

PROGRESS_EVERY_S = 15
#: For failures no Keap error class covers (a bug, an unexpected exception): a few quick tries with
#: jitter. Classified Keap errors bypass it with their own schedules (RetryRequested) or fail at once
#: (Failure(allow_retries=False)).
UNEXPECTED_ERROR_RETRY = dg.RetryPolicy(max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL,
                                        jitter=dg.Jitter.PLUS_MINUS)
PREVIEW_ROWS = 5
PREVIEW_MAX_DAYS = 7  # a preview rides on every partition's event of a run: only small runs carry one


def spec_version(instance: ReportInstance) -> str:
    """Changes whenever what lands in the table could change, so the UI flags older partitions."""
    spec = instance.spec
    shape = [repr(spec.source), repr(spec.fan_out), spec.explode, repr(spec.lookups), repr(spec.sums),
             spec.partition_field, [(c.name, c.type) for c in spec.columns], repr(spec.custom_fields),
             sorted((k, str(v)) for k, v in instance.params.items())]
    return hashlib.sha256(json.dumps(shape, default=str).encode()).hexdigest()[:12]


def transport(spec: ReportSpec) -> str:
    return spec.source.label.split(" ", 1)[0]


def column_schema(spec: ReportSpec) -> dg.TableSchema:
    custom = [dg.TableColumn(f"{c.prefix}<field name>", "VARCHAR", description=f"one column per {c.label}, "
                             f"by name, from {c.model}") for c in spec.custom_fields]
    return dg.TableSchema(columns=[
        *(dg.TableColumn(c.name, c.duckdb_type, description=c.description or None) for c in spec.columns),
        *custom,
        dg.TableColumn("_partition_date", "DATE", description="the partition (UTC day) this row belongs to"),
        dg.TableColumn("_loaded_at", "TIMESTAMPTZ", description="when this row was written"),
        dg.TableColumn("_fetched_at", "TIMESTAMPTZ", description="when the run that fetched it started"),
        dg.TableColumn("_source", "VARCHAR", description="transport and endpoint that fed the row"),
    ])


def describe(instance: ReportInstance) -> str:
    spec = instance.spec
    legacy = ("\n\nServed only by Keap's XML-RPC API, which Keap switches off on 2026-12-31: take it "
              "(archive_xmlrpc_only) before then." if spec.legacy else "")
    return (f"{spec.description}\n\nDomo report: {spec.domo_report}. Source: {spec.source.label}. "
            f"Dates: {spec.dates.value}. Parameters: {instance.describe_params()}.{legacy}")


def build_report_asset(instance: ReportInstance, partitions_def: dg.PartitionsDefinition, pool: str,
                       sandbox: bool = False, peers: tuple[ReportInstance, ...] = ()) -> dg.AssetsDefinition:
    """``sandbox``: the location points at the local sandbox; the asset then carries a tag saying so.
    ``peers``: the other instances, for checks that reconcile one report with another."""
    spec = instance.spec

    @dg.asset(
        name=instance.asset,
        group_name=instance.group or spec.group,
        description=describe(instance),
        partitions_def=partitions_def,
        # Range reports: a multi-day run fetches the window once and writes each day.
        backfill_policy=dg.BackfillPolicy.single_run() if spec.dates is Dates.RANGE else None,
        pool=pool,
        retry_policy=UNEXPECTED_ERROR_RETRY,
        kinds={"keap", "duckdb"},
        code_version=spec_version(instance),
        check_specs=check_specs(instance),
        metadata={
            "dagster/column_schema": column_schema(spec),
            "dagster/table_name": f"keap.{instance.asset}",
            "domo_report": spec.domo_report,
            "report": spec.name,
            "source": spec.source.label,
            "dates": spec.dates.value,
            "parameters": instance.describe_params(),
            "primary_key": ", ".join(spec.primary_key),
            "retry_policy": "Keap errors: their own schedules (README, Errors and retries); anything else: "
                            "3 retries after ~5, 15, 35 s (exponential, with jitter)",
        },
        tags={"keap/dates": spec.dates.value, "keap/transport": "xmlrpc" if spec.legacy else transport(spec),
              **({"infusionsoft/sandbox": "true"} if sandbox else {})},
    )
    def report(context: dg.AssetExecutionContext, keap: KeapResource,
               warehouse: WarehouseResource) -> dg.MaterializeResult:
        return materialize_report(instance, context, keap, warehouse, peers)

    return report


def _where(instance: ReportInstance, keys: list[str]) -> str:
    span = keys[0] if len(keys) == 1 else f"{keys[0]}..{keys[-1]}"
    return f"report {instance.asset}, partition {span}"


def _check_today_only(spec: ReportSpec, days: list[date], where: str) -> None:
    today = utc_today()
    past = [d for d in days if d != today]
    if past:
        raise dg.Failure(
            f"{where}: {spec.name} is a {spec.dates.value} report (Keap gives current state only), so only "
            f"today's partition ({today}) can be taken; {', '.join(map(str, past[:5]))} cannot be rebuilt. "
            "Storing today's data under a past date would be wrong.", allow_retries=False)


def materialize_report(instance: ReportInstance, context: dg.AssetExecutionContext, keap: KeapResource,
                       warehouse: WarehouseResource, peers: tuple[ReportInstance, ...] = ()) -> dg.MaterializeResult:
    spec = instance.spec
    started = time.monotonic()
    fetched_at = datetime.now(timezone.utc)  # rows of a later fetch are never replaced by this one's
    keys = list(context.partition_keys)
    days = [date.fromisoformat(k) for k in keys]
    where = _where(instance, keys)
    if spec.dates is not Dates.RANGE:
        _check_today_only(spec, days, where)
    _warn_on_foreign_pool(context, keap, where)
    store = warehouse.get_warehouse()
    try:
        store.check_writable()  # before minutes of fetching, not after
    except WarehouseError as exc:
        raise dg.Failure(f"{where}: {exc}", allow_retries=False) from None
    # A step retry means this run has already heard from Keap: a failing first call is then an outage.
    client = keap.get_client(logger=context.log, spoken_to_keap=context.retry_number > 0)
    try:
        fetch = plan(spec, client, dict(instance.params), app_timezone=keap.app_timezone,
                     last_success=_last_success(context, instance) if spec.query else None)
        columns = [(c.name, c.duckdb_type) for c in fetch.columns]
        with StagedRows(columns, folder=store.staging_folder()) as staged:
            outside = _stage_pages(instance, fetch, context, client, staged, days, where, started)
            source = spec.source.label + (" (sandbox)" if client.stats.sandbox else "")
            # A query on what changed since the last run fetches part of each day: merge, never drop the rest.
            merge = any(c.uses_last_successful_run for c in spec.query)
            replaced = store.replace_partitions(
                instance.asset, columns, days, staged, source=source, primary_key=spec.primary_key,
                fetched_at=fetched_at, merge=merge)
        if spec.latest_by:
            store.create_latest_view(instance.asset, spec.primary_key, spec.latest_by)
        checks = check_results(instance, context, store, replaced, fetch.notes, peers)
    except XmlRpcShutDown as error:
        raise dg.Failure(f"{where}: {error} Archived: {store.describe_archive()}.", allow_retries=False) from None
    except (KeapError, RecordError, filelock.Timeout, duckdb.IOException) as error:
        # A KeapError stays the cause: step retries are counted per error class from it.
        raise _answer(context, error, where) from (error if isinstance(error, KeapError) else None)
    if replaced.superseded:
        context.log.warning(f"{where}: kept {len(replaced.superseded)} day(s) as they were "
                            f"({', '.join(map(str, replaced.superseded[:5]))}): a run that fetched later "
                            "has already written them")
    metadata = _metadata(instance, client, replaced, outside, time.monotonic() - started, store, fetch)
    for day, rows in replaced.rows_by_day.items():  # each partition its own count, so the UI plots them
        context.add_asset_metadata({"dagster/partition_row_count": rows}, partition_key=day.isoformat())
    context.log.info(f"{where}: wrote {metadata['rows_written']} rows to keap.{instance.asset} in "
                     f"{metadata['seconds']:.1f} s with {client.stats.calls} API calls")
    if len(days) > 1:  # the run's totals once, on its last partition (the asset's latest materialization)
        context.add_asset_metadata(metadata, partition_key=max(days).isoformat())
        return dg.MaterializeResult(check_results=checks)
    return dg.MaterializeResult(metadata=metadata, check_results=checks)


def _last_success(context: dg.AssetExecutionContext, instance: ReportInstance) -> datetime | None:
    """When the run that last materialized this asset started (~>=~LastSuccessfulRun); None if none has."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey(instance.asset))
    record = context.instance.get_run_record_by_id(event.run_id) if event else None
    return datetime.fromtimestamp(record.start_time, tz=timezone.utc) if record and record.start_time else None


def _warn_on_foreign_pool(context: dg.AssetExecutionContext, keap: KeapResource, where: str) -> None:
    if keap.pool != context.op_def.pool:
        context.log.warning(
            f"{where}: the credential in use belongs to pool {keap.pool}, but this asset was defined in pool "
            f"{context.op_def.pool} (pools are fixed when the code location loads, from INFUSIONSOFT_* "
            "settings). Reload the code location after changing credentials, or two budgets mix.")


def _stage_pages(instance: ReportInstance, fetch: FetchPlan, context: dg.AssetExecutionContext,
                 client: KeapClient, staged: StagedRows, days: list[date], where: str, started: float) -> int:
    """Fetch, normalise and stage every page; returns how many records fell outside the run's days."""
    spec = instance.spec
    is_range = spec.dates is Dates.RANGE
    window = context.partition_time_window
    context.log.info(f"{where}: fetching {spec.source.label}"
                     + (f" for {len(fetch.targets)} target(s)" if spec.fan_out else "")
                     + (f" for {window.start:%Y-%m-%d %H:%M}..{window.end:%Y-%m-%d %H:%M} UTC" if is_range
                        else f" ({spec.dates.value})"))
    wanted, outside = in_days(days), 0
    day_column = spec.partition_field if any(c.name == spec.partition_field for c in fetch.columns) else None
    next_progress = 0.0  # log the first page, then at most every PROGRESS_EVERY_S (each log is an event)
    # The client asks for the next page while this one is converted (KeapClient.iter_v2_pages, ahead).
    # Closed on the way out, whatever ends the loop: no further page is asked for.
    with contextlib.closing(fetch.pages((window.start, window.end) if is_range else None, days)) as pages:
        for page_no, page in enumerate(pages, start=1):
            arrays = page_arrays(page, fetch.columns, spec.name)
            if not is_range:
                row_days = same_day(days[0], len(page))
            elif day_column is not None:  # the day from the typed column, in C++
                row_days = days_of(arrays[day_column])
            else:  # the day from the raw field, parsed by Arrow; a record without one is named below
                row_days = raw_days(page, spec.partition_field or "")
                if row_days is None:
                    row_days = as_days([spec.partition_day(record) for record in page])
            if is_range:
                inside = wanted(row_days)
                kept = pc.sum(inside).as_py() or 0
                if kept < len(page):  # e.g. a record stamped exactly at the window's end
                    if pc.sum(pc.is_null(row_days)).as_py():
                        spec.partition_day(page[pc.index(pc.is_null(row_days), True).as_py()])  # names the record
                    outside += len(page) - kept
                    arrays, row_days = keep(arrays, inside), pc.filter(row_days, inside)
            staged.add_arrays(arrays, row_days)
            if time.monotonic() >= next_progress:
                next_progress = time.monotonic() + PROGRESS_EVERY_S
                context.log.info(f"{where}: page {page_no}: {staged.total_rows} rows staged so far "
                                 f"({client.stats.calls} API calls, {time.monotonic() - started:.0f} s)")
    return outside


def _answer(context: dg.AssetExecutionContext, error: Exception, where: str) -> Exception:
    """What Dagster should do about a failure: retry on the error's schedule, or fail saying what to do."""
    if isinstance(error, KeapError):
        return answer_for(context, error, where)
    if isinstance(error, RecordError):
        return dg.Failure(f"{where}: Keap sent a record that does not fit the report: {error}", allow_retries=False)
    if isinstance(error, filelock.Timeout):
        return dg.Failure(f"{where}: waited too long for the lock {error.lock_file}; another run is writing "
                          "the warehouse or refreshing tokens. Try again when it has finished.", allow_retries=False)
    return dg.Failure(f"{where}: could not write the DuckDB file ({error}). If another program (the "
                      "DuckDB CLI, a BI tool) has it open, close it: DuckDB allows one writer.",
                      allow_retries=False)  # the lock wait already took minutes; the user must act


def _metadata(instance: ReportInstance, client: KeapClient, replaced, outside: int, elapsed: float, store,
              fetch: FetchPlan) -> dict[str, object]:
    """Run totals, a few values whatever the run's length: on the run's last partition's event only
    (every partition's event carries its own row count, so one event stays O(1) however many days)."""
    total = sum(replaced.rows_by_day.values())
    metadata: dict[str, object] = {
        "rows_written": total,
        "days_written": len(replaced.rows_by_day) - len(replaced.superseded),
        "api_calls": client.stats.calls,
        "api_retries": client.stats.retries,
        "seconds": round(elapsed, 3),
        "seconds_waiting": round(client.stats.waited_s, 3),
        "records_outside_window": outside,
        "days_superseded": len(replaced.superseded),
        "targets": sum(len(t) if isinstance(t, list) else 1 for t in fetch.targets),
        "table": f"keap.{instance.asset}",
        "sandbox": client.stats.sandbox,
        "loaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if client.stats.quota:
        metadata["quota"] = dg.MetadataValue.json(client.stats.quota)
    if total and len(replaced.rows_by_day) <= PREVIEW_MAX_DAYS:
        preview = store.preview(instance.asset, [d for d in replaced.rows_by_day if d not in replaced.superseded],
                                PREVIEW_ROWS)
        if preview:
            metadata["preview"] = dg.MetadataValue.md(preview)
    return metadata

"""The one factory that turns a :class:`ReportSpec` into a daily-partitioned Dagster asset.

Data flow of one materialization: spec -> resource gives a client -> the client pages (retries
inside) -> records are normalised and staged to disk page by page -> one transaction replaces the
run's partitions -> metadata (rows, API calls, quota left, timing) on the materialization.
"""


import hashlib
import json
import time
from datetime import date, datetime, timezone

import dagster as dg
import duckdb
import filelock

from ..catalog import Dates, RecordError, ReportSpec, fetch_pages
from ..dates import utc_today
from ..keap import KeapClient, KeapError
from ..resources import KeapResource, WarehouseResource
from ..storage import StagedRows, WarehouseError
from .retries import answer_for


PROGRESS_EVERY_S = 15
#: For failures no Keap error class covers (a bug, an unexpected exception): a few quick tries with
#: jitter. Classified Keap errors bypass it with their own schedules (RetryRequested) or fail at once
#: (Failure(allow_retries=False)).
UNEXPECTED_ERROR_RETRY = dg.RetryPolicy(max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL,
                                        jitter=dg.Jitter.PLUS_MINUS)


def spec_version(spec: ReportSpec) -> str:
    """Changes whenever what lands in the table could change, so the UI flags older partitions."""
    shape = [spec.transport.value, spec.endpoint, sorted(spec.params.items()), spec.window_filter,
             spec.partition_field, [(c.name, c.type) for c in spec.columns]]
    return hashlib.sha256(json.dumps(shape, default=str).encode()).hexdigest()[:12]


def column_schema(spec: ReportSpec) -> dg.TableSchema:
    return dg.TableSchema(columns=[
        *(dg.TableColumn(c.name, c.type, description=c.description or None) for c in spec.columns),
        dg.TableColumn("_partition_date", "DATE", description="the partition (UTC day) this row belongs to"),
        dg.TableColumn("_loaded_at", "TIMESTAMPTZ", description="when this row was written"),
        dg.TableColumn("_fetched_at", "TIMESTAMPTZ", description="when the run that fetched it started"),
        dg.TableColumn("_source", "VARCHAR", description="transport and endpoint that fed the row"),
    ])


def build_report_asset(spec: ReportSpec, partitions_def: dg.PartitionsDefinition, pool: str,
                       sandbox: bool = False) -> dg.AssetsDefinition:
    """``sandbox``: the location points at the local sandbox; the asset then carries a tag saying so."""
    is_range = spec.dates is Dates.RANGE

    @dg.asset(
        name=spec.name,
        group_name=spec.group,
        description=f"{spec.description}\n\nDomo report: {spec.domo_report}. Source: {spec.transport.value} "
                    f"{spec.endpoint}. Dates: {spec.dates.value}.",
        partitions_def=partitions_def,
        # Range reports: a multi-day run fetches the window once and writes each day.
        backfill_policy=dg.BackfillPolicy.single_run() if is_range else None,
        pool=pool,
        retry_policy=UNEXPECTED_ERROR_RETRY,
        kinds={"keap", "duckdb"},
        code_version=spec_version(spec),
        metadata={
            "dagster/column_schema": column_schema(spec),
            "dagster/table_name": f"keap.{spec.name}",
            "domo_report": spec.domo_report,
            "source": f"{spec.transport.value} {spec.endpoint}",
            "dates": spec.dates.value,
            "primary_key": ", ".join(spec.primary_key),
            "retry_policy": "Keap errors: their own schedules (README, Errors and retries); anything else: "
                            "3 retries after ~5, 15, 35 s (exponential, with jitter)",
        },
        tags={"keap/dates": spec.dates.value, "keap/transport": spec.transport.value,
              **({"infusionsoft/sandbox": "true"} if sandbox else {})},
    )
    def report(context: dg.AssetExecutionContext, keap: KeapResource,
               warehouse: WarehouseResource) -> dg.MaterializeResult:
        return materialize_report(spec, context, keap, warehouse)

    return report


def _where(spec: ReportSpec, keys: list[str]) -> str:
    span = keys[0] if len(keys) == 1 else f"{keys[0]}..{keys[-1]}"
    return f"report {spec.name}, partition {span}"


def _check_snapshot_days(spec: ReportSpec, days: list[date], where: str) -> None:
    today = utc_today()
    past = [d for d in days if d != today]
    if past:
        raise dg.Failure(
            f"{where}: {spec.name} is a snapshot report (Keap gives current state only), so only today's "
            f"partition ({today}) can be taken; {', '.join(map(str, past[:5]))} cannot be rebuilt. "
            "Storing today's data under a past date would be wrong.", allow_retries=False)


def materialize_report(spec: ReportSpec, context: dg.AssetExecutionContext, keap: KeapResource,
                       warehouse: WarehouseResource) -> dg.MaterializeResult:
    started = time.monotonic()
    fetched_at = datetime.now(timezone.utc)  # rows of a later fetch are never replaced by this one's
    keys = list(context.partition_keys)
    days = [date.fromisoformat(k) for k in keys]
    where = _where(spec, keys)
    if spec.dates is Dates.SNAPSHOT:
        _check_snapshot_days(spec, days, where)
    _warn_on_foreign_pool(context, keap, where)
    store = warehouse.get_warehouse()
    try:
        store.check_writable()  # before minutes of fetching, not after
    except WarehouseError as exc:
        raise dg.Failure(f"{where}: {exc}", allow_retries=False) from None
    # A step retry means this run has already heard from Keap: a failing first call is then an outage.
    client = keap.get_client(logger=context.log, spoken_to_keap=context.retry_number > 0)
    columns = [(c.name, c.type) for c in spec.columns]
    try:
        with StagedRows(columns, folder=store.staging_folder()) as staged:
            outside = _stage_pages(spec, context, client, staged, days, where, started)
            source = f"{spec.transport.value} {spec.endpoint}" + (" (sandbox)" if client.stats.sandbox else "")
            replaced = store.replace_partitions(
                spec.name, columns, days, staged, source=source, primary_key=spec.primary_key,
                fetched_at=fetched_at)
    except (KeapError, RecordError, filelock.Timeout, duckdb.IOException) as error:
        # A KeapError stays the cause: step retries are counted per error class from it.
        raise _answer(context, error, where) from (error if isinstance(error, KeapError) else None)
    if replaced.superseded:
        context.log.warning(f"{where}: kept {len(replaced.superseded)} day(s) as they were "
                            f"({', '.join(map(str, replaced.superseded[:5]))}): a run that fetched later "
                            "has already written them")
    metadata = _metadata(spec, client, replaced, outside, time.monotonic() - started)
    context.log.info(f"{where}: wrote {metadata['rows_written']} rows to keap.{spec.name} in "
                     f"{metadata['seconds']:.1f} s with {client.stats.calls} API calls")
    return dg.MaterializeResult(metadata=metadata)


def _warn_on_foreign_pool(context: dg.AssetExecutionContext, keap: KeapResource, where: str) -> None:
    if keap.pool != context.op_def.pool:
        context.log.warning(
            f"{where}: the credential in use belongs to pool {keap.pool}, but this asset was defined in pool "
            f"{context.op_def.pool} (pools are fixed when the code location loads, from INFUSIONSOFT_* "
            "settings). Reload the code location after changing credentials, or two budgets mix.")


def _stage_pages(spec: ReportSpec, context: dg.AssetExecutionContext, client: KeapClient, staged: StagedRows,
                 days: list[date], where: str, started: float) -> int:
    """Fetch, normalise and stage every page; returns how many records fell outside the run's days."""
    window = context.partition_time_window
    context.log.info(f"{where}: fetching {spec.transport.value} {spec.endpoint}"
                     + (f" for {window.start:%Y-%m-%d %H:%M}..{window.end:%Y-%m-%d %H:%M} UTC" if
                        spec.dates is Dates.RANGE else " (snapshot)"))
    wanted, outside = set(days), 0
    next_progress = 0.0  # log the first page, then at most every PROGRESS_EVERY_S (each log is an event)
    for page_no, page in enumerate(fetch_pages(spec, client, (window.start, window.end)), start=1):
        if spec.dates is Dates.RANGE:
            row_days = [spec.partition_day(record) for record in page]
            if not wanted.issuperset(row_days):  # e.g. a record stamped exactly at the window's end
                keep = [i for i, day in enumerate(row_days) if day in wanted]
                outside += len(page) - len(keep)
                page, row_days = [page[i] for i in keep], [row_days[i] for i in keep]
        else:
            row_days = [days[0]] * len(page)
        staged.add_columns(spec.normalise_page(page), row_days)
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


def _metadata(spec: ReportSpec, client: KeapClient, replaced, outside: int, elapsed: float) -> dict[str, object]:
    rows_by_day = replaced.rows_by_day
    total = sum(rows_by_day.values())
    metadata: dict[str, object] = {
        "rows_written": total,
        "rows_by_day": dg.MetadataValue.json({d.isoformat(): n for d, n in rows_by_day.items()}),
        "api_calls": client.stats.calls,
        "api_retries": client.stats.retries,
        "seconds": round(elapsed, 3),
        "seconds_waiting": round(client.stats.waited_s, 3),
        "records_outside_window": outside,
        "superseded_days": dg.MetadataValue.json([d.isoformat() for d in replaced.superseded]),
        "table": f"keap.{spec.name}",
        "sandbox": client.stats.sandbox,
        "loaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if client.stats.quota:
        metadata["quota"] = dg.MetadataValue.json(client.stats.quota)
    if len(rows_by_day) == 1:
        metadata["dagster/partition_row_count"] = total
    return metadata

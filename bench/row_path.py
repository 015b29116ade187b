"""Benchmark: the project's own cost per row once a page's bytes have arrived, stage by stage.

Real pages, fetched once from a sandbox (its own process) through the project's own client and fetch plan
(the same requests the asset makes: fixed parameters, ``fields`` derived from the columns, the window's
filter, custom field columns read from ``/model``), their raw bytes kept. The sandbox is then stopped and,
in this process only, each page's path from bytes to staged rows is timed stage by stage:

  decode       the client's decoding of the body (its own function), the fetch's derivations
  columns      page_arrays: raw records -> typed Arrow arrays
  days         each row's partition day, and the run's window applied to it
  stage        StagedRows.add_arrays (the Parquet staging file), its close included
  warehouse    Warehouse.replace_partitions: DuckDB reads the staged file back into the table

against the bare decode of the same bytes (``orjson.loads`` as a plain loop calls it, the same with the
cycle collector paused, and ``json.loads``), in microseconds per row. "after decode" is the project's own
path once a page has been decoded (the figure issue 10 tracks).
It also runs the factory's own ``_stage_pages`` over the same pages (with stand-ins for Dagster's context),
the number that counts: it is the asset's code, whatever the stage breakdown above mirrors. Each figure is
the best of --repeat passes, measured in this one run; ratios are to the bare orjson decode.

    .venv/bin/python bench/row_path.py [--scale 20000] [--pages 20] [--repeat 5] [--report contacts ...]

With PYTHONPATH pointing at an older copy of the package it measures that copy (the days stage then uses
the copy's own per-page expressions where it lacks today's helpers), for before/after figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import orjson
import pyarrow.compute as pc
import requests

from infusionsoft_assets.assets.factory import _stage_pages
from infusionsoft_assets.catalog import REPORTS_BY_NAME, Dates
from infusionsoft_assets.catalog.columnar import as_days, days_of, keep, page_arrays
from infusionsoft_assets.catalog.fetch import plan
from infusionsoft_assets.dates import utc_today
from infusionsoft_assets.keap.auth import ApiKeyCredentials
from infusionsoft_assets.keap.client import KeapClient
from infusionsoft_assets.storage import StagedRows
from infusionsoft_assets.storage.warehouse import Warehouse
from keap_sandbox.server import SandboxServer

try:
    from infusionsoft_assets.keap.client import json_body as client_body
except ImportError:  # an older tree: the client decoded with orjson.loads
    client_body = None
try:
    from infusionsoft_assets.catalog.columnar import in_days, raw_days, same_day
except ImportError:  # an older tree (PYTHONPATH=...): its own per-page expressions
    def in_days(days):
        wanted = as_days(sorted(set(days)))
        return lambda row_days: pc.fill_null(pc.is_in(row_days, value_set=wanted), False)

    def raw_days(records, path):
        return None

    def same_day(day, size):
        return as_days([day] * size)


#: The clock every figure is read from: CPU time of this process (all its threads) by default, which a
#: machine shared with other work does not inflate; --clock wall for elapsed time.
clock = time.process_time

START = date(2015, 1, 1)
DEFAULT_REPORTS = ("contacts", "invoice_payments")


class RecordingSession(requests.Session):
    """A session that keeps the body of every list request to ``endpoint``."""

    def __init__(self, endpoint: str):
        super().__init__()
        self.endpoint, self.bodies = endpoint, []

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        if url.split("?", 1)[0].endswith(self.endpoint):
            self.bodies.append(response.content)
        return response


def fetch_pages(server: SandboxServer, name: str, pages: int, window: tuple[datetime, datetime], days: list[date]):
    """(fetch plan, raw bodies) of the report's first ``pages`` pages, through the project's client."""
    spec = REPORTS_BY_NAME[name]
    session = RecordingSession(spec.source.endpoint)
    client = KeapClient(server.base_url, ApiKeyCredentials(server.credentials.api_key), session=session,
                        logger=logging.getLogger("bench"))
    fetch = plan(spec, client, {})
    got = 0
    for _ in fetch.pages(window if spec.dates is Dates.RANGE else None, days):
        got += 1
        if got >= pages:
            break
    return fetch, session.bodies[:pages]


def records_of(fetch, body: bytes) -> list[dict]:
    """What the client yields for a page, then what the fetch derives from it."""
    records = decode(body).get(fetch.spec.source.items_key, [])
    return fetch._derive(records, None, None)


def decode(body: bytes) -> dict:
    """The client's own decoding of a response body (its decode function, when it has one)."""
    if client_body is None:
        return orjson.loads(body)
    return client_body(SimpleNamespace(content=body, status_code=200), "/bench")


def bare_decode(body: bytes, paused: bool) -> None:
    if paused:
        gc.disable()
    try:
        orjson.loads(body)
    finally:
        gc.enable()


class Clock:
    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def add(self, stage: str, since: float) -> float:
        now = clock()
        self.spent[stage] = self.spent.get(stage, 0.0) + now - since
        return now


def staged_path(fetch, bodies: list[bytes], days: list[date], folder: Path) -> tuple[dict[str, float], int]:
    """One pass of the stages, timed each; mirrors the factory's loop page by page."""
    spec = fetch.spec
    is_range = spec.dates is Dates.RANGE
    timer = Clock()
    wanted = in_days(days)
    day_column = spec.partition_field if any(c.name == spec.partition_field for c in fetch.columns) else None
    columns = [(c.name, c.duckdb_type) for c in fetch.columns]
    t = clock()
    staged = StagedRows(columns, folder=folder)
    t = timer.add("stage", t)
    rows = 0
    for body in bodies:
        page = records_of(fetch, body)
        t = timer.add("decode", t)
        arrays = page_arrays(page, fetch.columns, spec.name)
        t = timer.add("columns", t)
        if not is_range:
            row_days = same_day(days[0], len(page))
        elif day_column is not None:
            row_days = days_of(arrays[day_column])
        else:
            row_days = raw_days(page, spec.partition_field)
            if row_days is None:
                row_days = as_days([spec.partition_day(record) for record in page])
        if is_range:
            inside = wanted(row_days)
            if (pc.sum(inside).as_py() or 0) < len(page):
                arrays, row_days = keep(arrays, inside), pc.filter(row_days, inside)
        t = timer.add("days", t)
        staged.add_arrays(arrays, row_days)
        rows += len(page)
        t = timer.add("stage", t)
    staged.close()
    t = timer.add("stage", t)
    store = Warehouse(folder / "bench.duckdb")
    store.replace_partitions(spec.name, columns, days, staged, source="bench", primary_key=spec.primary_key)
    timer.add("warehouse", t)
    staged.__exit__(None, None, None)
    return timer.spent, rows


def factory_path(fetch, bodies: list[bytes], days: list[date], window, folder: Path) -> float:
    """The factory's own _stage_pages over the same pages (decode included), seconds."""
    spec = fetch.spec

    class Pages:
        columns = fetch.columns
        targets = fetch.targets

        @staticmethod
        def pages(*_):
            for body in bodies:
                yield records_of(fetch, body)

    quiet = SimpleNamespace(info=lambda *_: None, warning=lambda *_: None)
    context = SimpleNamespace(log=quiet, partition_time_window=SimpleNamespace(start=window[0], end=window[1]))
    client = SimpleNamespace(stats=SimpleNamespace(calls=0))
    columns = [(c.name, c.duckdb_type) for c in fetch.columns]
    t0 = clock()
    with StagedRows(columns, folder=folder) as staged:
        _stage_pages(SimpleNamespace(spec=spec), Pages, context, client, staged, days, "bench", t0)
        staged.close()
        return clock() - t0


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    return {stage: min(run[stage] for run in runs) for stage in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--report", action="append", help=f"report specs (default: {', '.join(DEFAULT_REPORTS)})")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: this process's CPU time, all threads (default); wall: elapsed time")
    args = parser.parse_args()
    global clock
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    names = args.report or list(DEFAULT_REPORTS)

    today = utc_today()
    days = [START + timedelta(days=i) for i in range((today - START).days + 1)]
    window = (datetime.combine(START, dtime(), tzinfo=timezone.utc),
              datetime.combine(today + timedelta(days=1), dtime(), tzinfo=timezone.utc))
    with SandboxServer(seed=11, scale=args.scale, mode="process") as server:
        fetched = {name: fetch_pages(server, name, args.pages, window, days) for name in names}

    for name, (fetch, bodies) in fetched.items():
        rows = sum(len(orjson.loads(b).get(fetch.spec.source.items_key, [])) for b in bodies)
        size = sum(map(len, bodies))
        print(f"\n{name}: {len(bodies)} pages, {rows} rows, {len(fetch.columns)} columns, "
              f"{size / rows:.0f} bytes per row, window {START}..{today} ({len(days)} days); "
              f"{args.clock} time, best of {args.repeat}")
        bare_or, bare_paused, bare_json, runs, factory = [], [], [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            for attempt in range(args.repeat):
                gc.collect()
                t0 = clock()
                for body in bodies:
                    bare_decode(body, paused=False)
                bare_or.append(clock() - t0)
                gc.collect()
                t0 = clock()
                for body in bodies:
                    bare_decode(body, paused=True)
                bare_paused.append(clock() - t0)
                t0 = clock()
                for body in bodies:
                    json.loads(body)
                bare_json.append(clock() - t0)
                gc.collect()
                folder = Path(tmp) / f"run{attempt}"
                folder.mkdir()
                spent, _ = staged_path(fetch, bodies, days, folder)
                runs.append(spent)
                gc.collect()
                factory.append(factory_path(fetch, bodies, days, window, folder))
        stages = best(runs)
        bare = min(bare_or)
        us = lambda seconds: seconds / rows * 1e6  # noqa: E731

        def line(label: str, seconds: float, note: str = "") -> None:
            print(f"  {label:36s} {us(seconds):7.2f} µs/row{note}")

        line("bare orjson.loads", bare)
        line("bare orjson.loads, GC paused", min(bare_paused))
        line("bare json.loads", min(bare_json), f"  ({min(bare_json) / bare:.2f}x orjson.loads)")
        line("decode (the client's)", stages["decode"])
        for stage in ("columns", "days", "stage"):
            line(stage, stages[stage])
        own = stages["columns"] + stages["days"] + stages["stage"]
        line("after decode: columns + days + stage", own, f"  ({own / bare:.2f}x bare orjson.loads)")
        to_staged = own + stages["decode"]
        line("bytes -> staged", to_staged, f"  ({to_staged / bare:.2f}x bare orjson.loads)")
        line("warehouse (DuckDB loads the file)", stages["warehouse"])
        line("bytes -> table", to_staged + stages["warehouse"],
             f"  ({(to_staged + stages['warehouse']) / bare:.2f}x bare orjson.loads)")
        line("factory _stage_pages (bytes -> staged)", min(factory),
             f"  ({min(factory) / bare:.2f}x bare orjson.loads)")

if __name__ == "__main__":
    main()

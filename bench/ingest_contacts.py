"""Benchmark: ingesting contacts, end to end through Dagster into DuckDB, against a bare page loop (and dlt).

Against one sandbox (its own process, so it does not share our GIL) with --scale contacts, measured in
this one run, for three cases: the last 30 days; the same with every page answered --latency seconds late
(the sandbox's ``slow`` fault: Keap over the internet answers far slower than a sandbox on loopback); and
the full history (2015-01-01 to today, ~4,350 daily partitions in one single-run backfill, as
`materialize contacts --start 2015-01-01 --end 0` does):
  1. a bare `requests` loop over the same pages (same filter, fields, page size), JSON-decoded, after one
     untimed warm-up pass (the sandbox renders a record's JSON on first use), so every run meets a warm server;
  2. the `contacts` asset materialized through Dagster for the same window (one single run) on the instance
     the CLI uses (the project's dagster.yaml and environment), in a child process whose peak RSS is read
     from the OS once it exits;
  3. if ``DLT_PYTHON`` names a Python with ``dlt[duckdb]`` installed (a separate environment), dlt's generic
     ``rest_api`` source over the same pages into a DuckDB file.
The short window runs 1. and 2. --repeat times, alternating, and keeps the best of each: on a machine shared
with other work, noise only ever adds time.
Printed: the times, the ratio to the bare loop (and to dlt), the peak RSS, and two costs solved from the
short window and the full history: the project's cost per row beyond the bare loop (from the 30-day window,
where days are few) and its cost per day of history (what the full history costs beyond rows).

    .venv/bin/python bench/ingest_contacts.py [--scale 100000] [--days 30] [--repeat 3] [--latency 0.5]
                                              [--no-full-history]
    DLT_PYTHON=/path/to/dlt-venv/bin/python .venv/bin/python bench/ingest_contacts.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, time as dtime, timedelta, timezone
from pathlib import Path

import requests

from infusionsoft_assets.catalog import REPORTS_BY_NAME
from infusionsoft_assets.catalog.fetch import v2_time
from infusionsoft_assets.dates import utc_today
from infusionsoft_assets.settings import DEFAULT_START_DATE
from keap_sandbox.server import SandboxServer

FULL_HISTORY_START = DEFAULT_START_DATE  # the partitions' first day

CHILD = r"""
import json, os, resource, sys, time, dagster as dg
from infusionsoft_assets.definitions import build_definitions
from infusionsoft_assets.instance import open_instance
first, last = sys.argv[1], sys.argv[2]
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open_instance(os.environ["DAGSTER_HOME"]) as instance:  # the CLI's instance and environment
    defs = build_definitions()
    t0 = time.perf_counter()
    result = dg.materialize([defs.resolve_assets_def("contacts")], instance=instance,
                            tags={"dagster/asset_partition_range_start": first,
                                  "dagster/asset_partition_range_end": last})
    seconds = time.perf_counter() - t0
    meta = result.get_asset_materialization_events()[-1].materialization.metadata
    print(json.dumps({"rows": meta["rows_written"].value, "calls": meta["api_calls"].value,
                      "seconds": seconds, "inside": meta["seconds"].value, "rss_before_kb": rss_before}))
"""


def bare_loop(base_url: str, api_key: str, params: dict) -> tuple[int, int]:
    session = requests.Session()
    query, rows, calls = {**params, "page_size": 1000}, 0, 0
    while True:
        body = session.get(base_url + "/crm/rest/v2/contacts", params=query,
                           headers={"X-Keap-API-Key": api_key}, timeout=120).json()
        calls += 1
        rows += len(body.get("contacts", []))
        if not body.get("next_page_token") or not body.get("contacts"):
            return rows, calls
        query = {**query, "page_token": body["next_page_token"]}


DLT_CHILD = r"""
import json, sys, time, dlt
from dlt.sources.rest_api import rest_api_source
base_url, key, params, db = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
source = rest_api_source({
    "client": {"base_url": base_url + "/crm/rest/v2/",
               "auth": {"type": "api_key", "name": "X-Keap-API-Key", "api_key": key, "location": "header"}},
    "resources": [{"name": "contacts", "endpoint": {
        "path": "contacts", "params": {**params, "page_size": 1000}, "data_selector": "contacts",
        "paginator": {"type": "cursor", "cursor_path": "next_page_token", "cursor_param": "page_token"}}}],
})
pipeline = dlt.pipeline("bench_contacts", destination=dlt.destinations.duckdb(db), pipelines_dir=db + ".dlt")
t0 = time.perf_counter()
pipeline.run(source)
seconds = time.perf_counter() - t0
rows = pipeline.last_trace.last_normalize_info.row_counts.get("contacts", 0)
print(json.dumps({"rows": rows, "seconds": seconds}))
"""


def window(days: int | None) -> tuple:
    """(first, last, request params) for the last ``days`` days up to today; None: the full history."""
    spec = REPORTS_BY_NAME["contacts"]
    last = utc_today()
    first = FULL_HISTORY_START if days is None else last - timedelta(days=days - 1)
    start = datetime.combine(first, dtime(), tzinfo=timezone.utc)
    end = datetime.combine(last + timedelta(days=1), dtime(), tzinfo=timezone.utc)
    since, until = spec.source.window
    # the same request the asset makes: its fixed parameters, fields derived from its columns, its window
    params = {**spec.source.params, "fields": spec.fields_param(),
              "filter": f"{since}=={v2_time(start)};{until}=={v2_time(end)}"}
    return first, last, params


def run_child(code: str, args: list[str], env: dict, tmp: Path, python: str = sys.executable) -> tuple[dict, int]:
    """Run ``code`` in a child; its last stdout line as JSON, and its own peak RSS in KiB."""
    out_path, err_path = tmp / "child.out", tmp / "child.err"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        child = subprocess.Popen([python, "-c", code, *args], env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not the sandbox's
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"child failed:\n{err_path.read_text()[-3000:]}")
    return json.loads(out_path.read_text().strip().splitlines()[-1]), usage.ru_maxrss


def measure(sandbox, days: int | None, dlt_python: str | None, repeat: int = 1, latency: float = 0.0) -> dict:
    """One window: the bare loop and the materialization ``repeat`` times each, alternating (the best of each
    counts: a machine shared with other work only ever slows a run down), then dlt once. ``latency``: every
    contacts page is answered that many seconds late (Keap over the internet is far slower than loopback),
    by the sandbox's ``slow`` fault."""
    first, last, params = window(days)
    key = sandbox.credentials.api_key
    bare_loop(sandbox.base_url, key, params)  # warm-up: the sandbox renders each record once, then caches
    set_latency(sandbox, latency)
    bare, runs, peaks = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for attempt in range(repeat):
            t0 = time.perf_counter()
            bare_rows, bare_calls = bare_loop(sandbox.base_url, key, params)
            bare.append(time.perf_counter() - t0)
            env = {**os.environ, "INFUSIONSOFT_API_URL": sandbox.base_url, "INFUSIONSOFT_API_KEY": key,
                   "INFUSIONSOFT_DUCKDB_PATH": str(Path(tmp) / f"bench{attempt}.duckdb"),
                   "DAGSTER_HOME": str(Path(tmp) / f"home{attempt}")}
            result, peak_kb = run_child(CHILD, [first.isoformat(), last.isoformat()], env, Path(tmp))
            runs.append(result)
            peaks.append(peak_kb)
        dlt = None
        if dlt_python:
            dlt, _ = run_child(DLT_CHILD, [sandbox.base_url, key, json.dumps(params), str(Path(tmp) / "dlt.duckdb")],
                               {**os.environ}, Path(tmp), python=dlt_python)
    set_latency(sandbox, 0.0)
    if any(r["rows"] != bare_rows for r in runs) or (dlt and dlt["rows"] != bare_rows):
        sys.exit(f"row counts differ: bare loop {bare_rows}, materialization {[r['rows'] for r in runs]}"
                 + (f", dlt {dlt['rows']}" if dlt else ""))
    return {"first": first, "last": last, "days": (last - first).days + 1, "rows": bare_rows, "pages": bare_calls,
            "bare_s": min(bare), "mat_s": min(r["seconds"] for r in runs),
            "inside_s": min(r["inside"] for r in runs), "peak_mib": max(peaks) / 1024,
            "imports_mib": runs[0]["rss_before_kb"] / 1024, "dlt_s": dlt["seconds"] if dlt else None,
            "repeat": repeat, "latency": latency}


def set_latency(sandbox, seconds: float) -> None:
    """Every contacts list page answered ``seconds`` late (none: no fault rule at all)."""
    admin = sandbox.base_url + "/sandbox/admin/faults"
    if seconds:
        spec = f"/rest/v2/contacts=slow:{seconds}@1"
        requests.post(admin, json={"spec": spec}, timeout=10).raise_for_status()
    else:
        requests.delete(admin, timeout=10).raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30, help="the short window: the last N days up to today")
    parser.add_argument("--no-full-history", action="store_true", help="only the short window")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the bare loop and of the materialization per short window (the best counts)")
    parser.add_argument("--latency", type=float, default=0.5,
                        help="also the short window with every page answered this many seconds late (0: not)")
    args = parser.parse_args()
    dlt_python = os.environ.get("DLT_PYTHON")

    with SandboxServer(seed=11, scale=args.scale, mode="process") as sandbox:
        cases = [measure(sandbox, args.days, dlt_python, repeat=args.repeat)]
        if args.latency:
            cases.append(measure(sandbox, args.days, None, latency=args.latency))
        if not args.no_full_history:
            cases.append(measure(sandbox, None, dlt_python))

    print(f"contacts, sandbox scale {args.scale}; each time measured in this run"
          + ("" if dlt_python else " (set DLT_PYTHON to compare with dlt)"))
    print(f"{'window':>24} {'days':>5} {'rows':>7} {'pages':>5} {'latency':>7} {'runs':>4} {'bare s':>7} "
          f"{'ours s':>7} {'ours/bare':>9} {'asset s':>7} {'asset/bare':>10} {'dlt s':>7} {'ours/dlt':>8} "
          f"{'peak RSS':>9}")
    for c in cases:
        dlt = f"{c['dlt_s']:7.2f} {c['mat_s'] / c['dlt_s']:8.2f}" if c["dlt_s"] else f"{'-':>7} {'-':>8}"
        print(f"{str(c['first']) + '..' + str(c['last']):>24} {c['days']:5d} {c['rows']:7d} {c['pages']:5d} "
              f"{c['latency']:6.1f}s {c['repeat']:4d} {c['bare_s']:7.2f} {c['mat_s']:7.2f} "
              f"{c['mat_s'] / c['bare_s']:9.2f} {c['inside_s']:7.2f} {c['inside_s'] / c['bare_s']:10.2f} {dlt} "
              f"{c['peak_mib']:6.0f} MiB")
    short = cases[0]
    per_row = (short["mat_s"] - short["bare_s"]) / short["rows"]  # days are few here: beyond the wire, per row
    print(f"cost per row beyond the bare loop (short window): {per_row * 1e6:7.1f} us")
    if not args.no_full_history:
        full = cases[-1]
        beyond_rows = full["mat_s"] - full["bare_s"] - per_row * full["rows"]  # (run fixed costs sit in per_row)
        print(f"cost per day of history (full history, beyond rows): "
              f"{beyond_rows / (full['days'] - short['days']) * 1e3:7.2f} ms")
    print("ours = the whole Dagster run (dg.materialize); asset = inside it, the asset's own fetch, staging and "
          "DuckDB write (its `seconds` metadata); runs: the best of that many (bare loop and ours alternating)")
    print(f"(peak RSS of the materializing process; {short['imports_mib']:.0f} MiB of it after imports)")


if __name__ == "__main__":
    main()

"""Benchmark: ingesting contacts, end to end through Dagster into DuckDB, against a bare page loop.

Against one sandbox (its own process, so it does not share our GIL) with --scale contacts, measured in
this one run:
  1. a bare `requests` loop over the same pages (same filter, fields, page size), JSON-decoded, after one
     untimed warm-up pass (the sandbox renders a record's JSON on first use), so both runs meet a warm server;
  2. the `contacts` asset materialized through Dagster for the same window (one single run), in a child
     process whose peak RSS is read from the OS once it exits;
and prints both times, their ratio and the peak RSS.

    .venv/bin/python bench/ingest_contacts.py [--scale 100000] [--days 30]
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
from keap_sandbox.server import SandboxServer

CHILD = r"""
import json, os, resource, sys, time, dagster as dg
from infusionsoft_assets.definitions import build_definitions
first, last = sys.argv[1], sys.argv[2]
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with dg.instance_for_test() as instance:
    defs = build_definitions()
    t0 = time.perf_counter()
    result = dg.materialize([defs.resolve_assets_def("contacts")], instance=instance,
                            tags={"dagster/asset_partition_range_start": first,
                                  "dagster/asset_partition_range_end": last})
    seconds = time.perf_counter() - t0
    meta = result.get_asset_materialization_events()[0].materialization.metadata
    print(json.dumps({"rows": meta["rows_written"].value, "calls": meta["api_calls"].value,
                      "seconds": seconds, "rss_before_kb": rss_before}))
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30, help="window: the last N days up to today")
    args = parser.parse_args()

    spec = REPORTS_BY_NAME["contacts"]
    last = utc_today()
    first = last - timedelta(days=args.days - 1)
    start = datetime.combine(first, dtime(), tzinfo=timezone.utc)
    end = datetime.combine(last + timedelta(days=1), dtime(), tzinfo=timezone.utc)
    since, until = spec.source.window
    # the same request the asset makes: its fixed parameters, fields derived from its columns, its window
    params = {**spec.source.params, "fields": spec.fields_param(),
              "filter": f"{since}=={v2_time(start)};{until}=={v2_time(end)}"}

    with SandboxServer(seed=11, scale=args.scale, mode="process") as sandbox, \
            tempfile.TemporaryDirectory() as tmp:
        key = sandbox.credentials.api_key
        bare_loop(sandbox.base_url, key, params)  # warm-up: the sandbox renders each record once, then caches
        t0 = time.perf_counter()
        bare_rows, bare_calls = bare_loop(sandbox.base_url, key, params)
        bare_s = time.perf_counter() - t0

        env = {**os.environ, "INFUSIONSOFT_API_URL": sandbox.base_url, "INFUSIONSOFT_API_KEY": key,
               "INFUSIONSOFT_DUCKDB_PATH": str(Path(tmp) / "bench.duckdb"), "DAGSTER_HOME": tmp}
        out_path = Path(tmp) / "child.out"
        t0 = time.perf_counter()
        with open(out_path, "w") as out, open(Path(tmp) / "child.err", "w") as err:
            child = subprocess.Popen([sys.executable, "-c", CHILD, first.isoformat(), last.isoformat()],
                                     env=env, stdout=out, stderr=err)
            _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not the sandbox's
            child.returncode = os.waitstatus_to_exitcode(status)
        e2e_s = time.perf_counter() - t0
        if child.returncode != 0:
            sys.exit(f"materialization failed:\n{(Path(tmp) / 'child.err').read_text()[-3000:]}")
        peak_kb = usage.ru_maxrss
        result = json.loads(out_path.read_text().strip().splitlines()[-1])

    if result["rows"] != bare_rows:
        sys.exit(f"row counts differ: bare loop {bare_rows}, materialization {result['rows']}")
    print(f"contacts window {first}..{last} ({args.days} days), sandbox scale {args.scale}: "
          f"{bare_rows} rows, {bare_calls} pages")
    mat_s = result["seconds"]
    print(f"bare requests page loop:            {bare_s:8.2f} s")
    print(f"Dagster materialization into DuckDB: {mat_s:8.2f} s  (the materialize call, timed in the child)")
    print(f"ratio materialization / bare:       {mat_s / bare_s:8.2f}")
    print(f"whole child process:                {e2e_s:8.2f} s  (+ interpreter, imports, test instance)")
    print(f"peak RSS of the materialization:    {peak_kb / 1024:8.1f} MiB  "
          f"({result['rss_before_kb'] / 1024:.0f} MiB after imports, before it)")


if __name__ == "__main__":
    main()

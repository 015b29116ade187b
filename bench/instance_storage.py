"""Benchmark: the per-partition cost of the Dagster instance, SQLite beside PostgreSQL.

Against one sandbox (its own process, so it does not share our GIL) with --scale contacts, measured in
this one run: the `contacts` asset materialized for the last --days daily partitions in ONE run (range tags),
each in a fresh child process with a fresh instance and a fresh DuckDB file, on
  (a) the default SQLite instance of a temporary DAGSTER_HOME, and
  (b) an instance on a throw-away, real PostgreSQL server (infusionsoft_assets_tests/postgres_kit.py),
both with the project's pools (`concurrency: pools: default_limit: 2`), and each twice: as Dagster ships
("dagster": its own event log, no flags), then as the project sets it up ("project": the dagster.yaml the CLI
writes, with its batched SQLite event log, or on Postgres the storage the README recommends, plus the
environment the CLI exports, DAGSTER_EVENT_BATCH_SIZE). Prints seconds, ms per partition, events stored, and
the ratios.
The sandbox is warmed first (it renders each record's JSON on first use), so every variant meets a warm server.

    .venv/bin/python bench/instance_storage.py [--scale 20000] [--days 500]
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
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' postgres_kit, from a checkout

from infusionsoft_assets.catalog import REPORTS_BY_NAME  # noqa: E402
from infusionsoft_assets.catalog.fetch import v2_time  # noqa: E402
from infusionsoft_assets.dates import utc_today  # noqa: E402
from infusionsoft_assets.instance import ENVIRONMENT, dagster_yaml, postgres_storage  # noqa: E402
from infusionsoft_assets_tests.postgres_kit import PASSWORD_ENV, find_server_bin, postgres_server  # noqa: E402
from keap_sandbox.server import SandboxServer  # noqa: E402

POOLS = {"pools": {"default_limit": 2}}  # the pools part of the CLI's dagster.yaml (infusionsoft_assets/instance.py)
ALL_FLAGS = ("DAGSTER_EVENT_BATCH_SIZE", "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS",
             "DAGSTER_EMIT_PLANNED_EVENTS_INDIVIDUALLY")

CHILD = r"""
import json, sys, time, dagster as dg
from infusionsoft_assets.definitions import build_definitions
first, last = sys.argv[1], sys.argv[2]
with dg.DagsterInstance.get() as instance:
    asset = build_definitions().resolve_assets_def("contacts")
    t0 = time.perf_counter()
    result = dg.materialize([asset], instance=instance,
                            tags={"dagster/asset_partition_range_start": first,
                                  "dagster/asset_partition_range_end": last})
    seconds = time.perf_counter() - t0
    # the run's totals ride on one partition's event (the last); every event has its own row count
    meta = next(e.materialization.metadata for e in result.get_asset_materialization_events()
                if "rows_written" in e.materialization.metadata)
    records = instance.all_logs(result.run_id)
    kinds = {}
    for r in records:
        if r.dagster_event:
            kinds[r.dagster_event.event_type_value] = kinds.get(r.dagster_event.event_type_value, 0) + 1
    print(json.dumps({"seconds": seconds, "rows": meta["rows_written"].value, "body": meta["seconds"].value,
                      "materialized": len(instance.get_materialized_partitions(dg.AssetKey("contacts"))),
                      "events": len(records), "kinds": kinds,
                      "event_storage": type(instance.event_log_storage).__name__}))
"""


def warm(base_url: str, api_key: str, first, last) -> int:
    """Walk the window once the way the asset asks for it, so the sandbox has rendered every record."""
    spec = REPORTS_BY_NAME["contacts"]
    start = datetime.combine(first, dtime(), tzinfo=timezone.utc)
    end = datetime.combine(last + timedelta(days=1), dtime(), tzinfo=timezone.utc)
    since, until = spec.source.window
    query = {**spec.source.params, "fields": spec.fields_param(), "page_size": 1000,
             "filter": f"{since}=={v2_time(start)};{until}=={v2_time(end)}"}
    session, rows = requests.Session(), 0
    while True:
        body = session.get(base_url + "/crm/rest/v2/contacts", params=query,
                           headers={"X-Keap-API-Key": api_key}, timeout=120).json()
        rows += len(body.get("contacts", []))
        if not body.get("next_page_token") or not body.get("contacts"):
            return rows
        query = {**query, "page_token": body["next_page_token"]}


def run_child(workdir: Path, storage: dict | None, env: dict, first, last, project: bool) -> dict:
    home = workdir / "home"
    home.mkdir(parents=True)
    config = {"concurrency": POOLS, "telemetry": {"enabled": False}, **(storage or {})}
    if project and not storage:
        (home / "dagster.yaml").write_text(dagster_yaml(home))  # what `materialize` writes
    else:
        (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    env = {**env, "DAGSTER_HOME": str(home), "INFUSIONSOFT_DUCKDB_PATH": str(workdir / "bench.duckdb")}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, first.isoformat(), last.isoformat()],
                          env=env, capture_output=True, text=True)
    whole = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"materialization failed ({workdir.name}):\n{done.stderr[-3000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "whole": whole}


def create_database(pg, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(pg.url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=500, help="window: the last N days up to today, in one run")
    args = parser.parse_args()
    last = utc_today()
    first = last - timedelta(days=args.days - 1)

    base_env = {k: v for k, v in os.environ.items() if k not in ALL_FLAGS}
    results: dict[tuple[str, str], dict] = {}
    with SandboxServer(seed=11, scale=args.scale, mode="process") as sandbox, postgres_server() as pg, \
            tempfile.TemporaryDirectory() as tmp:
        key = sandbox.credentials.api_key
        window_rows = warm(sandbox.base_url, key, first, last)
        base_env.update({"INFUSIONSOFT_API_URL": sandbox.base_url, "INFUSIONSOFT_API_KEY": key,
                         PASSWORD_ENV: pg.password})
        for flags_name, flags in (("dagster", {}), ("project", ENVIRONMENT)):
            for store in ("sqlite", "postgres"):
                name = f"{store}_{flags_name}"
                storage = None
                if store == "postgres":
                    create_database(pg, name)
                    postgres_db = {**pg.dagster_storage()["postgres"]["postgres_db"], "db_name": name}
                    storage = ({"storage": {"postgres": {"postgres_db": postgres_db}}} if not flags
                               else postgres_storage(postgres_db))
                result = run_child(Path(tmp) / name, storage, {**base_env, **flags}, first, last, bool(flags))
                if result["materialized"] != args.days or result["rows"] != window_rows:
                    sys.exit(f"{name}: {result['materialized']} partitions materialized of {args.days}, "
                             f"{result['rows']} rows of {window_rows}")
                results[(store, flags_name)] = result

    n = args.days
    print(f"contacts {first}..{last}: {n} daily partitions in one run, {window_rows} rows, sandbox scale "
          f"{args.scale}; PostgreSQL server binaries: {find_server_bin()}")
    print("materialize = the dg.materialize call in the child; body = the asset's own fetch + DuckDB write "
          "(its `seconds` metadata); overhead = materialize - body: what Dagster and the instance add")
    print(f"{'instance':<9} {'flags':<9} {'materialize s':>13} {'ms/partition':>12} {'body s':>7} "
          f"{'overhead s':>10} {'overhead ms/partition':>21} {'events':>7}  event storage")
    for (store, flags_name), r in results.items():
        over = r["seconds"] - r["body"]
        print(f"{store:<9} {flags_name:<9} {r['seconds']:13.2f} {1000 * r['seconds'] / n:12.2f} {r['body']:7.2f} "
              f"{over:10.2f} {1000 * over / n:21.2f} {r['events']:7d}  {r['event_storage']}")
    for flags_name in ("dagster", "project"):
        sq, pq = results[("sqlite", flags_name)], results[("postgres", flags_name)]
        print(f"ratio postgres/sqlite, {flags_name}: materialize {pq['seconds'] / sq['seconds']:.2f}, overhead "
              f"{(pq['seconds'] - pq['body']) / (sq['seconds'] - sq['body']):.2f}")
    for store in ("sqlite", "postgres"):
        d, b = results[(store, "dagster")], results[(store, "project")]
        print(f"{store}: project/dagster: materialize {b['seconds'] / d['seconds']:.2f}, overhead "
              f"{(b['seconds'] - b['body']) / (d['seconds'] - d['body']):.2f}")
    print("events stored per run, by kind (kinds seen more than once):")
    for (store, flags_name), r in results.items():
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(r["kinds"].items()) if v > 1)
        print(f"  {store} {flags_name}: {kinds}")
    print("project = the CLI's dagster.yaml (Postgres: instance.postgres_storage) and environment: "
          + " ".join(f"{k}={v}" for k, v in ENVIRONMENT.items()))


if __name__ == "__main__":
    main()

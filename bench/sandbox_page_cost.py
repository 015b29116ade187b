"""Benchmark: what a 1,000-contact page costs the sandbox against what it costs the client.

Against one sandbox in its own process (so it does not share our GIL) at --scale contacts, measured in
this one run, for every page of a full walk of /crm/rest/v2/contacts (page_size=1000, default fields):
  * server: the handler's own time, from the ``server-timing: app;dur=<ms>`` header the sandbox adds
    (routing + filter + page slice + JSON encoding; not the socket write);
  * client: wall time of a ``requests`` GET plus ``.json()`` on that page.
Prints both per page (median and mean), their ratio, and the bytes per page, per pass: the first pass
renders every contact's JSON (the sandbox caches the fragments), later passes serve from that cache.
A small ratio means client benchmarks measure the client, not the sandbox.

    .venv/bin/python bench/sandbox_page_cost.py [--scale 100000] [--passes 2]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

import requests

from keap_sandbox.server import SandboxServer

CONTACTS = "/crm/rest/v2/contacts"
SERVER_TIMING = re.compile(r"\bapp;dur=([0-9.]+)")


def server_ms(response: requests.Response) -> float:
    found = SERVER_TIMING.search(response.headers.get("server-timing", ""))
    if found is None:
        raise SystemExit("the sandbox sent no server-timing header")
    return float(found.group(1))


def walk(session: requests.Session, base_url: str, api_key: str) -> list[tuple[float, float, int, int]]:
    """(client ms, server ms, body bytes, rows) for each page of one full walk."""
    pages, query = [], {"page_size": 1000}
    while True:
        started = time.perf_counter()
        response = session.get(base_url + CONTACTS, params=query, headers={"X-Keap-API-Key": api_key},
                               timeout=120)
        body = response.json()
        client = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"page failed: {response.status_code} {response.text[:200]}")
        pages.append((client, server_ms(response), len(response.content), len(body["contacts"])))
        if not body.get("next_page_token"):
            return pages
        query = {**query, "page_token": body["next_page_token"]}


def report(label: str, pages: list[tuple[float, float, int, int]]) -> None:
    client = [p[0] for p in pages]
    server = [p[1] for p in pages]
    full = [p for p in pages if p[3] == 1000] or pages
    print(f"{label}: {len(pages)} pages, {sum(p[3] for p in pages)} rows, "
          f"{statistics.mean(p[2] for p in full) / 1024:.0f} KiB per full page")
    print(f"  client GET+json() per page: median {statistics.median(client):7.2f} ms, "
          f"mean {statistics.mean(client):7.2f} ms")
    print(f"  sandbox handler per page:   median {statistics.median(server):7.2f} ms, "
          f"mean {statistics.mean(server):7.2f} ms")
    print(f"  rest (HTTP, socket, parse): median {statistics.median(c - s for c, s, *_ in pages):7.2f} ms")
    # The client's wall time contains the handler's (calls are sequential), so this is the share of
    # a page's client time spent inside the sandbox.
    print(f"  sandbox / client:           median {statistics.median(s / c for c, s, *_ in pages):7.1%}, "
          f"totals {sum(server) / sum(client):7.1%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args()

    started = time.perf_counter()
    with SandboxServer(seed=11, scale=args.scale, mode="process") as sandbox, requests.Session() as session:
        print(f"sandbox scale {args.scale} up in {time.perf_counter() - started:.1f} s (own process)")
        for n in range(1, args.passes + 1):
            report(f"pass {n}", walk(session, sandbox.base_url, sandbox.credentials.api_key))


if __name__ == "__main__":
    main()

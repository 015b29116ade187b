"""Shared scaffolding for the tests that talk to a local sandbox Keap over real HTTP and XML-RPC.

The generic fixtures built on these (``ds``, ``http``, ``rpc``) live in ``conftest.py``; each test module
still picks its own sandbox (seed, scale, clock) with a ``server`` fixture, usually made by
:func:`sandbox_server`.
"""

from __future__ import annotations

import xmlrpc.client
from datetime import datetime

import pytest
import requests

from infusionsoft_assets.catalog.fetch import v2_time as iso  # noqa: F401 - Keap's v2 time, for the tests
from infusionsoft_assets.keap.xmlrpc import XMLRPC_PATH
from keap_sandbox import SandboxServer

KEY_HEADER = "X-Keap-API-Key"


def sandbox_server(seed: int, scale: int, now: datetime, **options):
    """A module-scoped ``server`` fixture: one sandbox for the module, on its own seed, scale and anchor."""

    @pytest.fixture(scope="module")
    def server():
        with SandboxServer(seed=seed, scale=scale, now=now, **options) as srv:
            yield srv

    return server


# --------------------------------------------------------------------------- REST


def api_session(server) -> requests.Session:
    """A session sending the sandbox's API key (PAT/SAK) on every request; use it as a context manager."""
    session = requests.Session()
    session.headers[KEY_HEADER] = server.credentials.api_key
    return session


def get(http, server, path, status=200, *, prefix="", headers=None, **params):
    """GET ``prefix + path`` with ``params`` as the query; asserts the status and returns the JSON body."""
    response = http.get(server.base_url + prefix + path, params=params, headers=headers, timeout=10)
    assert response.status_code == status, (path, response.text[:500])
    return response.json()


def walk_pages(http, server, path, envelope, **params) -> tuple[list, list]:
    """Every page of a v2 list (following ``next_page_token``): ``(records, pages)``. Keyword arguments
    are those of :func:`get` (``prefix``, ``headers``) and the query. An empty page has no ``envelope``
    key (proto3 JSON omits an empty repeated field), as Keap's."""
    records, pages, token = [], [], None
    while True:
        body = get(http, server, path, **params, **({"page_token": token} if token else {}))
        pages.append(body)
        records.extend(body.get(envelope, []))
        token = body["next_page_token"]
        if not token:
            return records, pages


def walk(http, server, path, envelope, **params) -> list:
    """Every record of a v2 list, across all its pages."""
    return walk_pages(http, server, path, envelope, **params)[0]


# --------------------------------------------------------------------------- XML-RPC


class KeyTransport(xmlrpc.client.Transport):
    """An XML-RPC transport that sends the API key header on every call."""

    def __init__(self, key: str, use_datetime: bool = True):
        super().__init__(use_datetime=use_datetime)
        self.key = key

    def send_headers(self, connection, headers):
        connection.putheader(KEY_HEADER, self.key)
        super().send_headers(connection, headers)


def xmlrpc_proxy(server, *, use_datetime: bool = True, allow_none: bool = True) -> xmlrpc.client.ServerProxy:
    """A ``ServerProxy`` on the sandbox's XML-RPC endpoint, authenticated by the API key."""
    return xmlrpc.client.ServerProxy(server.base_url + XMLRPC_PATH,
                                     transport=KeyTransport(server.credentials.api_key, use_datetime),
                                     allow_none=allow_none)


# --------------------------------------------------------------------------- time


def ms(moment: datetime) -> int:
    """Epoch milliseconds."""
    return int(moment.timestamp() * 1000)


class FakeClock:
    """Epoch seconds that only move when a test says so; ``sleep`` records the wait and moves time, so one
    clock can serve both the sandbox's quota windows and the client's waits."""

    def __init__(self, start: datetime | float):
        self.now = start.timestamp() if isinstance(start, datetime) else float(start)
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def set(self, moment: datetime | float) -> None:
        self.now = moment.timestamp() if isinstance(moment, datetime) else float(moment)

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

"""A sandbox imitating an older Keap build, over real HTTP: ``order_by=update_time`` on REST v2 contacts
exists only in builds since 2026-05; an older tenant answers it with the v2 ``Error`` 400 naming
``order_by``, and every other order keeps working."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests

from keap_sandbox import SandboxServer
from keap_sandbox.__main__ import parse_args
from keap_sandbox.builds import has_feature, parse_build

from .sandbox_kit import get, walk

NOW = datetime(2026, 11, 27, 13, 4, 5, tzinfo=timezone.utc)
CONTACTS = "/crm/rest/v2/contacts"
APRIL_2026 = "2026-04"


@pytest.fixture(scope="module")
def server():
    with SandboxServer(seed=4, scale=120, now=NOW, keap_build=APRIL_2026) as srv:
        yield srv


def order_by_error(body: dict) -> dict:
    """What a client can rely on in a v2 ``Error`` (the message's wording is Keap's own business)."""
    return {"code": body["code"], "status": body["status"], "details": body["details"]}


@pytest.mark.parametrize("order_by", ["update_time", "update_time asc", "update_time desc"])
def test_an_older_build_rejects_order_by_update_time_on_contacts(http, server, order_by):
    body = get(http, server, CONTACTS, 400, order_by=order_by, page_size=10)
    assert order_by_error(body) == {"code": 400, "status": "Bad Request",
                                    "details": [{"domain": "order_by", "resource": "Contact"}]}
    # The same answer as for any order_by field contacts never had.
    assert order_by_error(get(http, server, CONTACTS, 400, order_by="given_name asc")) == order_by_error(body)


@pytest.mark.parametrize("order_by, key", [
    ("id", lambda c: int(c["id"])), ("id desc", lambda c: -int(c["id"])),
    ("create_time asc", lambda c: (c["create_time"], int(c["id"]))),
    ("email desc", None)])
def test_every_other_contacts_order_still_works(http, server, ds, order_by, key):
    got = walk(http, server, CONTACTS, "contacts", order_by=order_by, page_size=50,
               fields="id,create_time,email_addresses")
    assert sorted(c["id"] for c in got) == sorted(c["id"] for c in ds.contacts)
    if key is not None:
        assert got == sorted(got, key=key)


def test_only_the_contacts_order_is_gated(http, server, ds):
    """The update-time window filter and other resources' update_time orders are older than 2026-05."""
    since = ds.contacts[len(ds.contacts) // 2]["update_time"]
    windowed = walk(http, server, CONTACTS, "contacts", filter=f"start_update_time=={since}",
                    fields="update_time")
    assert windowed and all(c["update_time"] >= since for c in windowed)
    assert get(http, server, "/crm/rest/v2/tags", order_by="update_time desc")


def test_the_current_build_orders_contacts_by_update_time(http):
    with SandboxServer(seed=4, scale=30, now=NOW) as current:
        body = get(http, current, CONTACTS, order_by="update_time desc", fields="update_time",
                   headers={"X-Keap-API-Key": current.credentials.api_key})
    stamps = [c["update_time"] for c in body["contacts"]]
    assert stamps and stamps == sorted(stamps, reverse=True)


def test_build_values():
    assert parse_build(None) is None and parse_build("current") is None and parse_build("") is None
    assert parse_build(" 2026-04 ") == APRIL_2026
    for bad in ("2026-4", "2026-13", "April 2026", "2026-04-01"):
        with pytest.raises(ValueError):
            parse_build(bad)
    assert not has_feature(APRIL_2026, "contacts_order_by_update_time")
    assert has_feature("2026-05", "contacts_order_by_update_time")
    assert has_feature(None, "contacts_order_by_update_time")
    assert parse_args(["--keap-build", APRIL_2026]).keap_build == APRIL_2026
    assert parse_args([]).keap_build is None
    with pytest.raises(SystemExit):
        parse_args(["--keap-build", "last year"])


def test_process_mode_passes_the_build_and_redirect_uris_to_the_child():
    web = "https://app.example.test/keap/callback"
    with SandboxServer(seed=2, scale=20, now=NOW, mode="process", keap_build=APRIL_2026,
                       redirect_uris=[web]) as srv, requests.Session() as http:
        headers = {"X-Keap-API-Key": srv.credentials.api_key}
        assert http.get(srv.base_url + CONTACTS, params={"order_by": "update_time"}, headers=headers,
                        timeout=10).status_code == 400
        assert http.get(srv.base_url + CONTACTS, params={"order_by": "id"}, headers=headers,
                        timeout=10).status_code == 200
        assert http.get(srv.base_url + "/sandbox/health", timeout=10).json()["keap_build"] == APRIL_2026
        pages = {uri: http.get(srv.base_url + "/app/oauth/authorize", timeout=10, params={
            "client_id": srv.credentials.client_id, "redirect_uri": uri, "response_type": "code"}).status_code
            for uri in (web, "http://127.0.0.1:8976/callback")}
    assert pages == {web: 200, "http://127.0.0.1:8976/callback": 400}

"""The Keap sandbox over real HTTP on loopback: data, paging, filters, auth, and fidelity to the SDK."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from keap_sandbox import Dataset, SandboxServer
from keap_sandbox.data.dataset import credentials_for_seed
from keap_sandbox.rest.contacts import CONTACT_FIELDS, DEFAULT_CONTACT_FIELDS

from .sandbox_kit import iso, walk_pages

NOW = datetime(2026, 11, 27, 13, 4, 5, tzinfo=timezone.utc)
SEED, SCALE = 7, 1200
CONTACTS = "/crm/rest/v2/contacts"
PROGRAMS = "/crm/rest/v2/affiliates/commissionPrograms"
REDIRECT_URI = "http://127.0.0.1:53682/callback"  # loopback: registered by default, any port
ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
FAULT_INVALID = {"fault": {"faultstring": "Invalid access token",
                           "detail": {"errorcode": "oauth.v2.InvalidAccessToken"}}}


class ShiftableClock:
    """``time.time`` plus an offset a test can move, so tokens expire without sleeping."""

    def __init__(self):
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture(scope="module")
def clock():
    return ShiftableClock()


@pytest.fixture(scope="module")
def server(clock):
    with SandboxServer(seed=SEED, scale=SCALE, now=NOW, clock=clock, access_token_ttl=3600) as srv:
        yield srv


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="module")
def key_headers(server):
    return {"X-Keap-API-Key": server.credentials.api_key}


def get(http, server, path, headers, **params):
    return http.get(server.base_url + path, params=params, headers=headers, timeout=10)


def walk(http, server, path, headers, envelope, **params):
    """Every page of a list endpoint; asserts each page succeeds. Returns (records, pages)."""
    return walk_pages(http, server, path, envelope, headers=headers, **params)


def parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts)


# --------------------------------------------------------------------------- dataset


def test_dataset_is_deterministic():
    a, b = Dataset(seed=5, scale=300, now=NOW), Dataset(seed=5, scale=300, now=NOW)
    assert a.contacts == b.contacts
    assert a.commission_programs == b.commission_programs
    assert a.credentials == b.credentials == credentials_for_seed(5)
    other = Dataset(seed=6, scale=300, now=NOW)
    assert other.contacts != a.contacts
    assert other.credentials != a.credentials


def test_dataset_time_distribution(server):
    ds = server.dataset
    updates = [parse(c["update_time"]) for c in ds.contacts]
    creates = [parse(c["create_time"]) for c in ds.contacts]
    assert len(ds.contacts) == SCALE
    assert max(updates) < NOW, "nothing may be updated in the future"
    assert all(u >= c for u, c in zip(updates, creates))
    assert sum(u >= NOW - timedelta(days=3) for u in updates) > SCALE * 0.1
    recent_share = sum(u >= NOW - timedelta(days=7) for u in updates) / SCALE
    assert 0.2 < recent_share < 0.5
    assert min(creates) < NOW - timedelta(days=5 * 365), "history should span years"
    assert updates == sorted(updates), "contacts are kept in update_time order"
    assert len(ds.commission_programs) == max(3, SCALE // 200)


def test_contacts_have_the_full_v2_shape(server):
    expected = set(CONTACT_FIELDS) - {"notes"}  # `notes` is selectable but not a Contact property
    for contact in server.dataset.contacts:
        assert set(contact) == expected
        assert isinstance(contact["id"], str)
        assert ISO_MS.match(contact["create_time"]) and ISO_MS.match(contact["update_time"])
        assert all(isinstance(tag, str) for tag in contact["tag_ids"])
    assert any(c["company"] is None for c in server.dataset.contacts)
    assert any(not c["phone_numbers"] for c in server.dataset.contacts)


def test_contacts_updated_between_is_half_open(server):
    ds = server.dataset
    pivot = ds.contacts[len(ds.contacts) // 2]
    at = parse(pivot["update_time"])
    assert pivot in ds.contacts_updated_between(at, at + timedelta(milliseconds=1))
    assert pivot not in ds.contacts_updated_between(at - timedelta(days=1), at)
    everything = ds.contacts_updated_between(NOW - timedelta(days=10 * 365), NOW)
    assert len(everything) == len(ds.contacts)


# --------------------------------------------------------------------------- paging and queries


@pytest.mark.parametrize("page_size", [1, 7, 1000])
def test_paging_walks_every_contact_exactly_once(http, server, key_headers, page_size):
    records, pages = walk(http, server, CONTACTS, key_headers, "contacts", page_size=page_size, fields="id")
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == SCALE
    assert set(ids) == {c["id"] for c in server.dataset.contacts}
    assert ids == sorted(ids, key=int), "default order is id ascending"
    assert len(pages) == -(-SCALE // page_size)
    assert pages[-1]["next_page_token"] == ""


def test_window_filter_matches_ground_truth(http, server, key_headers):
    start, end = NOW - timedelta(days=3), NOW - timedelta(hours=6)
    records, _ = walk(http, server, CONTACTS, key_headers, "contacts", page_size=50,
                      filter=f"start_update_time=={iso(start)};end_update_time=={iso(end)}",
                      order_by="update_time asc", fields="id,update_time")
    truth = server.dataset.contacts_updated_between(start, end)
    assert truth, "the window should not be empty"
    assert [r["id"] for r in records] == [c["id"] for c in truth]
    assert [r["update_time"] for r in records] == [c["update_time"] for c in truth]


def test_window_bounds_are_inclusive_start_exclusive_end(http, server, key_headers):
    pivot = server.dataset.contacts[-10]
    stamp = pivot["update_time"]
    starting = get(http, server, CONTACTS, key_headers, filter=f"start_update_time=={stamp}", fields="id")
    ending = get(http, server, CONTACTS, key_headers, filter=f"end_update_time=={stamp}", fields="id")
    starting, ending = starting.json(), ending.json()
    assert pivot["id"] in {c["id"] for c in starting["contacts"]}
    assert pivot["id"] not in {c["id"] for c in ending["contacts"]}


def test_ids_and_email_filters(http, server, key_headers):
    sample = server.dataset.contacts[::97][:5]
    wanted = ",".join(c["id"] for c in sample)
    body = get(http, server, CONTACTS, key_headers, filter=f"ids=={wanted}").json()
    assert {c["id"] for c in body["contacts"]} == {c["id"] for c in sample}

    target = next(c for c in server.dataset.contacts if c["email_addresses"])
    email = target["email_addresses"][0]["email"]
    exact = get(http, server, CONTACTS, key_headers, filter=f"email=={email.upper()}").json()
    assert [c["id"] for c in exact["contacts"]] == [target["id"]]
    prefix = email.split("@")[0][:6]
    matched = get(http, server, CONTACTS, key_headers, filter=f"email=={prefix}*").json()["contacts"]
    assert target["id"] in {c["id"] for c in matched}
    assert all(any(e["email"].lower().startswith(prefix) for e in c["email_addresses"]) for c in matched)


def test_order_by(http, server, key_headers):
    body = get(http, server, CONTACTS, key_headers, order_by="update_time desc", page_size=100,
               fields="update_time").json()
    stamps = [c["update_time"] for c in body["contacts"]]
    assert stamps == sorted(stamps, reverse=True)
    assert stamps[0] == server.dataset.contacts[-1]["update_time"]
    bad = get(http, server, CONTACTS, key_headers, order_by="given_name asc")
    assert bad.status_code == 400


def test_fields_restricts_keys(http, server, key_headers):
    body = get(http, server, CONTACTS, key_headers, page_size=5, fields="update_time,custom_fields").json()
    assert all(set(c) == {"id", "update_time", "custom_fields"} for c in body["contacts"])
    default = get(http, server, CONTACTS, key_headers, page_size=5).json()
    assert all(set(c) == set(DEFAULT_CONTACT_FIELDS) for c in default["contacts"])
    assert not {"update_time", "create_time", "custom_fields", "tag_ids"} & set(DEFAULT_CONTACT_FIELDS)
    unknown = get(http, server, CONTACTS, key_headers, fields="id,favourite_colour")
    assert unknown.status_code == 400


@pytest.mark.parametrize("params", [
    {"page_size": "1001"},
    {"page_size": "-1"},
    {"page_size": "ten"},
    {"filter": "shoe_size==42"},
    {"filter": "email~=x"},
    {"filter": "start_update_time==2026-01-01"},
    {"filter": "email==*@gmail.com"},
    {"filter": "ids==1,abc"},
    {"page_token": "not-a-token"},
])
def test_bad_queries_get_a_v2_error(http, server, key_headers, params):
    from keap_core_v2_client.models import Error

    response = get(http, server, CONTACTS, key_headers, **params)
    assert response.status_code == 400
    body = response.json()
    error = Error.from_dict(body)
    assert error.code == 400 and error.status == "Bad Request" and error.message
    assert error.details and not error.additional_properties


def test_page_token_is_bound_to_its_query(http, server, key_headers):
    first = get(http, server, CONTACTS, key_headers, page_size=3, order_by="id asc").json()
    token = first["next_page_token"]
    ok = get(http, server, CONTACTS, key_headers, page_size=3, order_by="id asc", page_token=token)
    assert ok.status_code == 200
    reused = get(http, server, CONTACTS, key_headers, page_size=3, order_by="update_time asc",
                 page_token=token)
    assert reused.status_code == 400
    refiltered = get(http, server, CONTACTS, key_headers, page_size=3, order_by="id asc",
                     filter=f"start_update_time=={iso(NOW - timedelta(days=1))}", page_token=token)
    assert refiltered.status_code == 400


def test_commission_programs(http, server, key_headers):
    records, _ = walk(http, server, PROGRAMS, key_headers, "commission_programs", page_size=2)
    assert records == server.dataset.commission_programs
    assert all(isinstance(p["priority"], str) for p in records)
    member = next(p for p in records if p["affiliate_ids"])
    affiliate = member["affiliate_ids"][0]
    body = get(http, server, PROGRAMS, key_headers, filter=f"affiliate_id=={affiliate}").json()
    assert {p["id"] for p in body["commission_programs"]} == {
        p["id"] for p in records if affiliate in p["affiliate_ids"]}
    named = get(http, server, PROGRAMS, key_headers, filter=f"name=={member['name']}").json()
    assert [p["id"] for p in named["commission_programs"]] == [member["id"]]
    by_name = get(http, server, PROGRAMS, key_headers, order_by="name desc").json()["commission_programs"]
    assert [p["name"].lower() for p in by_name] == sorted((p["name"].lower() for p in records), reverse=True)
    assert get(http, server, PROGRAMS, key_headers, filter="priority==1").status_code == 400


# --------------------------------------------------------------------------- headers, 404


def test_every_response_is_marked_as_sandbox(http, server, key_headers):
    answers = [
        get(http, server, CONTACTS, key_headers, page_size=1),
        get(http, server, CONTACTS, {}),
        get(http, server, "/crm/rest/v2/no_such_thing", key_headers),
        get(http, server, "/no/such/page", {}),
        http.post(server.base_url + "/token", data={}, timeout=10),
    ]
    assert all(r.headers.get("x-keap-sandbox") == "true" for r in answers)
    ok = answers[0]
    assert ok.headers["x-keap-tenant-id"] == "sandbox.infusionsoft.com"
    assert int(ok.headers["x-keap-product-throttle-available"]) > 0
    assert int(ok.headers["x-keap-product-quota-available"]) > 0
    for not_found in answers[2:4]:
        assert not_found.status_code == 404 and "Keap - Page Not Found" in not_found.text


# --------------------------------------------------------------------------- authentication


def test_missing_or_bad_credentials_get_the_gateway_fault(http, server):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"X-Keap-API-Key": "KeapAK-wrong"}):
        response = get(http, server, CONTACTS, headers, page_size=1)
        assert response.status_code == 401
        assert response.json() == FAULT_INVALID


def test_api_key_works_as_header_and_as_bearer(http, server):
    key = server.credentials.api_key
    assert get(http, server, CONTACTS, {"X-Keap-API-Key": key}, page_size=1).status_code == 200
    assert get(http, server, CONTACTS, {"Authorization": f"Bearer {key}"}, page_size=1).status_code == 200


def authorize(http, server, state="xyz-123") -> str:
    """Walk the consent page like a browser would; returns the one-time code."""
    creds = server.credentials
    page = http.get(server.base_url + "/app/oauth/authorize", timeout=10, params={
        "client_id": creds.client_id, "redirect_uri": REDIRECT_URI, "response_type": "code",
        "scope": "full", "state": state})
    assert page.status_code == 200
    assert '<form method="post" action="/app/oauth/authorize">' in page.text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    assert hidden["client_id"] == creds.client_id and hidden["state"] == state
    answer = http.post(server.base_url + "/app/oauth/authorize", data={**hidden, "approve": "allow"},
                       allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = parse_qs(location.query)
    assert query["state"] == [state]
    assert query["scope"] == ["full|sandbox.infusionsoft.com"]
    return query["code"][0]


def exchange(http, server, code):
    creds = server.credentials
    return http.post(server.base_url + "/token", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
        "client_id": creds.client_id, "client_secret": creds.client_secret})


def refresh(http, server, refresh_token):
    creds = server.credentials
    basic = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
    return http.post(server.base_url + "/token",
                     data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                     headers={"Authorization": f"Basic {basic}"}, timeout=10)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_authorization_code_flow_and_refresh_rotation(http, server):
    code = authorize(http, server)
    issued = exchange(http, server, code)
    assert issued.status_code == 200, issued.text
    pair = issued.json()
    assert pair["token_type"] == "bearer" and pair["expires_in"] == 3600
    assert pair["scope"] == "full|sandbox.infusionsoft.com"
    assert get(http, server, CONTACTS, bearer(pair["access_token"]), page_size=1).status_code == 200

    reused_code = exchange(http, server, code)
    assert reused_code.status_code == 400 and reused_code.json()["error"] == "invalid_grant"

    rotated = refresh(http, server, pair["refresh_token"])
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh_token"] != pair["refresh_token"] and new["access_token"] != pair["access_token"]
    stale = refresh(http, server, pair["refresh_token"])
    assert stale.status_code == 400
    assert stale.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    assert refresh(http, server, new["refresh_token"]).status_code == 200
    assert get(http, server, CONTACTS, bearer(new["access_token"]), page_size=1).status_code == 200


def test_redirect_uri_must_match_and_client_must_be_known(http, server):
    code = authorize(http, server)
    creds = server.credentials
    wrong_uri = http.post(server.base_url + "/token", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI + "/other",
        "client_id": creds.client_id, "client_secret": creds.client_secret})
    assert wrong_uri.status_code == 400 and wrong_uri.json()["error"] == "invalid_grant"
    unknown = http.get(server.base_url + "/app/oauth/authorize", timeout=10, params={
        "client_id": "nobody", "redirect_uri": REDIRECT_URI, "response_type": "code", "scope": "full"})
    assert unknown.status_code == 400


def test_token_endpoint_errors(http, server):
    creds = server.credentials
    as_json = http.post(server.base_url + "/token", timeout=10, json={
        "grant_type": "refresh_token", "refresh_token": "x", "client_id": creds.client_id,
        "client_secret": creds.client_secret})
    assert as_json.status_code == 400
    assert as_json.json() == {"error": "invalid_request",
                              "error_description": "response_type or grant_type is required"}
    bad_client = http.post(server.base_url + "/token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": "x", "client_id": creds.client_id,
        "client_secret": "wrong"})
    assert bad_client.status_code == 401 and bad_client.json()["error"] == "invalid_client"
    unknown_refresh = refresh(http, server, "never-issued")
    assert unknown_refresh.status_code == 400 and unknown_refresh.json()["error"] == "invalid_grant"


def test_concurrent_refreshes_with_one_token_have_one_winner(server):
    pair = exchange(requests, server, authorize(requests, server)).json()
    barrier = threading.Barrier(6)

    def race(_):
        with requests.Session() as session:
            barrier.wait()
            return refresh(session, server, pair["refresh_token"]).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(race, range(6)))
    assert statuses == [200] + [400] * 5


def test_expired_access_token_is_rejected(http, server, clock):
    pair = exchange(http, server, authorize(http, server)).json()
    assert get(http, server, CONTACTS, bearer(pair["access_token"]), page_size=1).status_code == 200
    clock.offset = 3601
    try:
        expired = get(http, server, CONTACTS, bearer(pair["access_token"]), page_size=1)
        assert expired.status_code == 401
        assert expired.json() == {"fault": {
            "faultstring": "Access Token expired",
            "detail": {"errorcode": "keymanagement.service.access_token_expired"}}}
        renewed = refresh(http, server, pair["refresh_token"]).json()  # refresh tokens outlive access tokens
        assert get(http, server, CONTACTS, bearer(renewed["access_token"]), page_size=1).status_code == 200
    finally:
        clock.offset = 0


# --------------------------------------------------------------------------- fidelity to Keap's SDK


def _without_nulls(value):
    """What the SDK's ``to_dict`` emits: None-valued keys dropped at every level."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    if isinstance(value, datetime):  # ContactUtmResponse.dateCreated is a date-time in the SDK
        return iso(value.astimezone(timezone.utc))
    return value


def test_every_page_parses_with_the_official_models(http, server, key_headers):
    from keap_core_v2_client.models import ListAffiliateCommissionProgramsResponse, ListContactsResponse

    _, full_pages = walk(http, server, CONTACTS, key_headers, "contacts", page_size=300,
                         fields=",".join(CONTACT_FIELDS))
    _, default_pages = walk(http, server, CONTACTS, key_headers, "contacts", page_size=1000)
    for page in full_pages + default_pages:
        model = ListContactsResponse.from_dict(page)
        assert not model.additional_properties
        for original, contact in zip(page["contacts"], model.contacts):
            assert not contact.additional_properties, contact.additional_properties
            assert _without_nulls(contact.to_dict()) == _without_nulls(original)
    assert sum(len(p["contacts"]) for p in full_pages) == SCALE

    _, program_pages = walk(http, server, PROGRAMS, key_headers, "commission_programs", page_size=2)
    for page in program_pages:
        model = ListAffiliateCommissionProgramsResponse.from_dict(page)
        for original, program in zip(page["commission_programs"], model.commission_programs):
            assert not program.additional_properties
            assert program.to_dict() == _without_nulls(original)


FUTURE = "2030-01-01T00:00:00.000Z"  # after every record of the dataset


@pytest.mark.parametrize("path, envelope, model, params", [
    (CONTACTS, "contacts", "ListContactsResponse", {"filter": f"start_update_time=={FUTURE}"}),
    ("/crm/rest/v2/orders", "orders", "ListOrders", {"filter": f"created_since_time=={FUTURE}"}),
    ("/crm/rest/v2/sales/transactions", "transactions", "ListTransactions",
     {"filter": f"since_time=={FUTURE}"}),
    ("/crm/rest/v2/tags", "tags", "ListTagsResponse", {"filter": "name==no such tag"}),
    ("/crm/rest/v2/tags/-/contacts", "contacts", "ListTagContactAssociationsResponse",
     {"filter": f"since_applied_time=={FUTURE}"}),
    (PROGRAMS, "commission_programs", "ListAffiliateCommissionProgramsResponse",
     {"filter": "name==no such program"}),
])
def test_an_empty_page_has_no_list_key_and_parses_with_the_official_model(http, server, key_headers, path,
                                                                          envelope, model, params):
    """REST v2 is gRPC-transcoded: proto3 JSON leaves an empty repeated field out, so Keap's empty page
    is ``{"next_page_token": ""}``; every v2 list model marks its list key optional."""
    import keap_core_v2_client.models as models

    response = get(http, server, path, key_headers, page_size=10, **params)
    assert response.status_code == 200, response.text
    assert response.json() == {"next_page_token": ""}
    parsed = getattr(models, model).from_dict(response.json())
    assert getattr(parsed, envelope) is None and parsed.next_page_token == ""


def test_an_empty_commissions_page_keeps_its_totals(http, server, key_headers):
    from keap_core_v2_client.models import ListAffiliateCommissionsResponse

    affiliate = server.dataset.tables["Affiliate"][0]["Id"]
    response = get(http, server, f"/crm/rest/v2/affiliates/{affiliate}:commissions", key_headers,
                   filter=f"since_time=={FUTURE}")
    assert response.json() == {"next_page_token": "", "amount_earned": 0.0, "clawbacks": 0.0,
                               "commission_total": 0.0}
    assert ListAffiliateCommissionsResponse.from_dict(response.json()).affiliate_commissions is None


def test_rest_v1_keeps_its_list_key_on_an_empty_page(http, server, key_headers):
    body = get(http, server, "/crm/rest/v1/contacts", key_headers, since=FUTURE).json()
    assert body["contacts"] == [] and body["count"] == 0


def test_the_official_sdk_client_lists_from_the_sandbox(server):
    from keap_core_v2_client import AffiliateApi, ApiClient, Configuration, ContactApi

    config = Configuration(host=server.api_url, access_token=server.credentials.api_key)
    with ApiClient(config) as client:
        contacts, token = [], None
        while True:
            page = ContactApi(client).list_contacts(page_size=500, page_token=token,
                                                    fields=["id", "update_time", "email_addresses"])
            contacts.extend(page.contacts)
            token = page.next_page_token
            if not token:
                break
        assert [c.id for c in contacts] == sorted((c["id"] for c in server.dataset.contacts), key=int)
        empty = ContactApi(client).list_contacts(filter=f"start_update_time=={FUTURE}", page_size=10)
        assert empty.contacts is None and empty.next_page_token == ""
        programs = AffiliateApi(client).list_affiliate_commission_programs(page_size=100)
        assert len(programs.commission_programs) == len(server.dataset.commission_programs)


# --------------------------------------------------------------------------- process mode


def test_process_mode_serves_and_stops():
    with SandboxServer(seed=11, scale=40, now=NOW, mode="process") as srv:
        child = srv._proc
        assert srv.dataset is None and srv.credentials == credentials_for_seed(11)
        health = requests.get(srv.base_url + "/sandbox/health", timeout=10).json()
        assert health["seed"] == 11 and health["now"] == "2026-11-27T13:04:05.000Z"
        response = requests.get(srv.base_url + CONTACTS, headers={"X-Keap-API-Key": srv.credentials.api_key},
                                params={"fields": "id"}, timeout=10)
        assert response.status_code == 200
        assert [c["id"] for c in response.json()["contacts"]] == sorted(
            (c["id"] for c in Dataset(seed=11, scale=40, now=NOW).contacts), key=int)
        base_url = srv.base_url
    assert child.poll() is not None, "stop() must terminate the child"
    with pytest.raises(requests.ConnectionError):
        requests.get(base_url + "/sandbox/health", timeout=2)


def test_sandbox_stands_alone():
    """No dagster and nothing from the pipeline's Keap client may be imported by the sandbox."""
    probe = ("import sys, keap_sandbox.__main__; "
             "bad = [m for m in sys.modules if m.startswith(('dagster', 'infusionsoft_assets.keap'))]; "
             "assert not bad, bad")
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60)

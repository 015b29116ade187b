"""The sandbox's gateway behaviour over real HTTP: Keap's quotas and headers, fault injection, OAuth details.

Time is a fake clock the tests move (no sleeps); expected values come from Keap's published numbers and
bodies (keap-rest.md §3/§4, keap-xmlrpc.md §1.4/§4, domo-reports.md), never from the sandbox itself.
"""

from __future__ import annotations

import base64
import random
import re
import time
import xmlrpc.client
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from keap_sandbox import SandboxServer
from keap_sandbox.__main__ import parse_args, quota_limits
from keap_sandbox.faults import parse_spec
from keap_sandbox.quotas import QuotaLimits

from .sandbox_kit import FakeClock

NOW = datetime(2026, 11, 27, 13, 4, 5, tzinfo=timezone.utc)
CONTACTS = "/crm/rest/v2/contacts"
XMLRPC = "/crm/xmlrpc/v1"
REDIRECT_URI = "http://127.0.0.1:53682/callback"  # loopback: registered by default, any port
TENANT = "sandbox.infusionsoft.com"

# Keap's bodies, copied from the references (not from the sandbox).
QUOTA_EXCEEDED = {"code": "429", "message": "Quota Exceeded", "status": "Request Throttled", "details": None}
EXPIRED = {"fault": {"faultstring": "Access Token expired",
                     "detail": {"errorcode": "keymanagement.service.access_token_expired"}}}
DB_TOO_LONG = "[DatabaseError] Query took too long and was cancelled"
DB_BLOCKED = "[DatabaseError] Too many consecutive failures. This saved search is blocked temporarily"


@pytest.fixture(scope="module")
def clock():
    return FakeClock(NOW)


@pytest.fixture(scope="module")
def server(clock):
    with SandboxServer(seed=5, scale=60, now=NOW, clock=clock, quotas=QuotaLimits()) as srv:
        yield srv


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture(autouse=True)
def fresh(server, clock):
    """Each test starts at NOW with Keap's limits (reported, not enforced), zeroed counters and no faults.

    The fake clock stands still, so without this the PAT's 10/s would stop the fault tests.
    """
    clock.set(NOW)
    admin(server, "POST", "quotas", json=QuotaLimits(enforce=False).as_dict())
    admin(server, "DELETE", "faults")
    yield
    admin(server, "DELETE", "faults")


def admin(server, verb, what, **kwargs) -> dict:
    response = requests.request(verb, f"{server.base_url}/sandbox/admin/{what}", timeout=10, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def set_limits(server, **limits) -> None:
    admin(server, "POST", "quotas", json={"enforce": True, **limits})


def set_faults(server, spec: str | None = None, **body) -> dict:
    return admin(server, "POST", "faults", json={"spec": spec} if spec is not None else body)


def key(server) -> dict:
    return {"X-Keap-API-Key": server.credentials.api_key}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def contacts(http, server, headers, timeout=10) -> requests.Response:
    return http.get(server.base_url + CONTACTS, params={"page_size": 1, "fields": "id"}, headers=headers,
                    timeout=timeout)


def xmlrpc_body(method: str) -> bytes:
    return xmlrpc.client.dumps(("placeholder-key", "Contact", 1, 0, {"Id": "%"}, ["Id"]), method).encode()


def proxy(server, headers: dict, path: str = XMLRPC) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(server.base_url + path, headers=list(headers.items()))


def oauth_tokens(http, server) -> dict:
    """A token pair through the consent page and the code exchange (form fields)."""
    creds = server.credentials
    page = http.get(server.base_url + "/app/oauth/authorize", timeout=10, params={
        "client_id": creds.client_id, "redirect_uri": REDIRECT_URI, "response_type": "code", "scope": "full",
        "state": "s-1"})
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    answer = http.post(server.base_url + "/app/oauth/authorize", data={**hidden, "approve": "allow"},
                       allow_redirects=False, timeout=10)
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == ["s-1"] and query["scope"] == [f"full|{TENANT}"]
    issued = http.post(server.base_url + "/token", timeout=10, data={
        "grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": REDIRECT_URI,
        "client_id": creds.client_id, "client_secret": creds.client_secret})
    assert issued.status_code == 200, issued.text
    return issued.json()


def refresh(http, server, refresh_token: str) -> requests.Response:
    creds = server.credentials
    basic = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
    return http.post(server.base_url + "/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                     headers={"Authorization": f"Basic {basic}"}, timeout=10)


def midnight_ms_after(moment: datetime) -> int:
    midnight = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)
    return int(midnight.timestamp() * 1000)


def used(response: requests.Response, bucket: str) -> int:
    return int(response.headers[f"x-keap-{bucket}-used"])


def tenant(response: requests.Response, what: str) -> tuple[int, int]:
    """A tenant header's two windows, ``(minute, day)``: Keap sends them as ``<minute>|<day>``."""
    minute, day = response.headers[f"x-keap-tenant-throttle-{what}"].split("|")
    return int(minute), int(day)


# --------------------------------------------------------------------------- quota headers


def test_headers_count_per_oauth_client_per_key_and_per_tenant(http, server):
    first, second = oauth_tokens(http, server), oauth_tokens(http, server)
    assert first["access_token"] != second["access_token"]
    for token in (first, first, second):
        answer = contacts(http, server, bearer(token["access_token"]))
        assert answer.status_code == 200
    # Both tokens belong to one client: one budget.
    assert used(answer, "product-quota") == used(answer, "product-throttle") == 3
    assert answer.headers["x-keap-product-quota-limit"] == "150000"
    assert answer.headers["x-keap-product-quota-available"] == str(150_000 - 3)
    assert answer.headers["x-keap-product-throttle-limit"] == "1500"
    assert answer.headers["x-keap-product-throttle-available"] == str(1500 - 3)
    assert "x-keap-product-spike-limit" not in answer.headers
    # The PAT/SAK has its own budget; the tenant counts everything.
    keyed = contacts(http, server, key(server))
    assert used(keyed, "product-quota") == used(keyed, "product-throttle") == 1
    assert keyed.headers["x-keap-product-quota-limit"] == "30000"
    assert keyed.headers["x-keap-product-throttle-limit"] == "240"
    assert keyed.headers["x-keap-product-spike-limit"] == "10ps"
    assert tenant(keyed, "used") == (4, 4)
    assert keyed.headers["x-keap-tenant-throttle-limit"] == "10000|250000"
    assert tenant(keyed, "available") == (10_000 - 4, 250_000 - 4)
    assert keyed.headers["x-keap-tenant-throttle-time-unit"] == "minute|day"
    assert keyed.headers["x-keap-tenant-throttle-interval"] == "1|1"
    assert keyed.headers["x-keap-tenant-id"] == TENANT
    for unit in ("product-quota", "product-throttle"):
        assert keyed.headers[f"x-keap-{unit}-interval"] == "1"
    assert keyed.headers["x-keap-product-quota-time-unit"] == "day"
    assert keyed.headers["x-keap-product-throttle-time-unit"] == "minute"
    assert int(keyed.headers["x-keap-product-quota-expiry-time"]) == midnight_ms_after(NOW)


def test_xmlrpc_calls_are_counted_and_carry_the_headers(http, server):
    contacts(http, server, key(server))
    answer = http.post(server.base_url + XMLRPC, data=xmlrpc_body("DataService.query"), headers=key(server),
                       timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/xml")
    assert used(answer, "product-quota") == 2 and tenant(answer, "used") == (2, 2)


def test_rejected_credentials_are_not_counted(http, server):
    assert contacts(http, server, bearer("not-a-token")).status_code == 401
    assert tenant(contacts(http, server, key(server)), "used") == (1, 1)


# --------------------------------------------------------------------------- limits and 429s


def test_minute_window_is_rolling(http, server, clock):
    set_limits(server, key_per_minute=3)
    clock.set(NOW.replace(second=50))  # a fixed clock-minute window would reset 10 s from here
    assert contacts(http, server, key(server)).status_code == 200
    clock.advance(20)
    assert [contacts(http, server, key(server)).status_code for _ in range(2)] == [200, 200]
    over = contacts(http, server, key(server))
    assert over.status_code == 429 and over.json() == QUOTA_EXCEEDED
    assert over.headers["x-keap-product-throttle-available"] == "0"
    clock.advance(39)  # 59 s after the first call: still inside its rolling minute
    assert contacts(http, server, key(server)).status_code == 429
    clock.advance(2)  # the first call has left the window, the other two have not
    assert contacts(http, server, key(server)).status_code == 200
    assert contacts(http, server, key(server)).status_code == 429


def test_per_second_spike_arrest_for_keys(http, server, clock):
    set_limits(server, key_per_second=2)
    assert [contacts(http, server, key(server)).status_code for _ in range(2)] == [200, 200]
    spike = contacts(http, server, key(server))
    assert spike.status_code == 429
    assert spike.json() == {"fault": {
        "faultstring": "Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=2, "
                       "periodInMicroseconds=1000000, maxBurstMessageCount=1.0}",
        "detail": {"errorcode": "policies.ratelimit.SpikeArrestViolation"}}}
    clock.advance(1.01)
    assert contacts(http, server, key(server)).status_code == 200


def test_daily_quota_runs_out_and_resets_at_utc_midnight(http, server, clock):
    set_limits(server, oauth_per_day=3)
    token = oauth_tokens(http, server)["access_token"]
    evening = datetime(2026, 11, 27, 23, 59, 30, tzinfo=timezone.utc)
    clock.set(evening)
    assert [contacts(http, server, bearer(token)).status_code for _ in range(3)] == [200] * 3
    spent = contacts(http, server, bearer(token))
    assert spent.status_code == 429 and spent.json() == QUOTA_EXCEEDED
    assert spent.headers["x-keap-product-quota-available"] == "0"
    assert int(spent.headers["x-keap-product-quota-expiry-time"]) == midnight_ms_after(evening)
    clock.set(datetime(2026, 11, 28, 0, 0, 1, tzinfo=timezone.utc))
    fresh_day = contacts(http, server, bearer(token))
    assert fresh_day.status_code == 200
    assert used(fresh_day, "product-quota") == 1
    assert int(fresh_day.headers["x-keap-product-quota-expiry-time"]) == midnight_ms_after(clock_moment(clock))


def clock_moment(clock) -> datetime:
    return datetime.fromtimestamp(clock(), tz=timezone.utc)


def test_tenant_limit_is_shared_by_every_credential(http, server):
    set_limits(server, tenant_per_minute=2)
    token = oauth_tokens(http, server)["access_token"]
    assert contacts(http, server, key(server)).status_code == 200
    assert contacts(http, server, bearer(token)).status_code == 200
    over = contacts(http, server, bearer(token))
    assert over.status_code == 429 and over.json() == QUOTA_EXCEEDED
    assert tenant(over, "available") == (0, 250_000 - 2)


def test_tenant_headers_carry_the_minute_and_the_day_window(http, server, clock):
    token = oauth_tokens(http, server)["access_token"]
    answers = [contacts(http, server, headers) for headers in (key(server), bearer(token), key(server))]
    assert [tenant(a, "used") for a in answers] == [(1, 1), (2, 2), (3, 3)]
    assert [tenant(a, "available") for a in answers] == [(9_999, 249_999), (9_998, 249_998), (9_997, 249_997)]
    clock.advance(61)  # the rolling minute forgets the three calls; the UTC day does not
    later = contacts(http, server, key(server))
    assert tenant(later, "used") == (1, 4) and tenant(later, "available") == (9_999, 249_996)
    clock.set(datetime(2026, 11, 28, 0, 0, 0, tzinfo=timezone.utc))
    assert tenant(contacts(http, server, key(server)), "used") == (1, 1)


def test_a_spent_tenant_day_answers_429_and_shows_zero_for_the_day(http, server, clock):
    set_limits(server, tenant_per_day=3)
    token = oauth_tokens(http, server)["access_token"]
    assert [contacts(http, server, h).status_code for h in (key(server), bearer(token), key(server))] == [200] * 3
    clock.advance(61)  # a fresh minute: only the day can be what is spent
    for headers in (key(server), bearer(token)):  # the tenant's day binds every credential
        spent = contacts(http, server, headers)
        assert spent.status_code == 429 and spent.json() == QUOTA_EXCEEDED
        assert spent.headers["x-keap-tenant-throttle-limit"] == "10000|3"
        assert spent.headers["x-keap-tenant-throttle-available"] == "10000|0"
        assert tenant(spent, "used") == (0, 3)  # the rejected calls are not counted
    clock.set(datetime(2026, 11, 28, 0, 0, 1, tzinfo=timezone.utc))
    fresh_day = contacts(http, server, key(server))
    assert fresh_day.status_code == 200 and tenant(fresh_day, "available") == (9_999, 2)


def test_xmlrpc_over_its_limit_gets_http_429_not_a_fault(http, server):
    set_limits(server, key_per_minute=1)
    assert http.post(server.base_url + XMLRPC, data=xmlrpc_body("DataService.query"), headers=key(server),
                     timeout=10).status_code == 200
    with pytest.raises(xmlrpc.client.ProtocolError) as caught:
        proxy(server, key(server)).DataService.query("k", "Contact", 1, 0, {"Id": "%"}, ["Id"])
    assert caught.value.errcode == 429
    raw = http.post(server.base_url + XMLRPC, data=xmlrpc_body("DataService.query"), headers=key(server), timeout=10)
    assert raw.status_code == 429 and raw.json() == QUOTA_EXCEEDED


def test_report_only_mode_counts_but_never_rejects(http, server):
    set_limits(server, key_per_minute=1, enforce=False)
    answers = [contacts(http, server, key(server)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200] * 3
    assert used(answers[-1], "product-throttle") == 3
    assert answers[-1].headers["x-keap-product-throttle-available"] == "0"


# --------------------------------------------------------------------------- faults seen by real clients


def _raises(exc_type, check=lambda exc: True):
    def expect(http, server):
        with pytest.raises(exc_type) as caught:
            contacts(http, server, key(server)).json()
        assert check(caught.value), repr(caught.value)
    return expect


def _status(code, content_type, check=lambda r: True):
    def expect(http, server):
        answer = contacts(http, server, key(server))
        assert answer.status_code == code
        assert answer.headers["content-type"].startswith(content_type)
        assert check(answer), answer.text
    return expect


def _cause_chain(exc) -> str:
    return repr(exc) + repr(getattr(exc, "__context__", None))


REST_FAULTS = {
    "drop": _raises(requests.ConnectionError, lambda e: "RemoteDisconnected" in _cause_chain(e)),
    "reset": _raises(requests.ConnectionError, lambda e: "ConnectionResetError" in _cause_chain(e)),
    "truncated": _raises(requests.exceptions.ChunkedEncodingError, lambda e: "IncompleteRead" in repr(e)),
    "garbled": _raises(requests.exceptions.JSONDecodeError),
    "html": _status(200, "text/html", lambda r: r.text.lstrip().startswith("<!DOCTYPE html>")),
    "empty": _status(200, "application/json", lambda r: r.content == b""),
    "http_500": _status(500, "application/json", lambda r: r.json()["code"] == 500),
    "http_502": _status(502, "application/json", lambda r: "fault" in r.json()),
    "http_503:html": _status(503, "text/html", lambda r: "503" in r.text),
    "http_429:quota:7": _status(429, "application/json",
                                lambda r: r.json() == QUOTA_EXCEEDED and r.headers["retry-after"] == "7"),
    "expired_token": _status(401, "application/json", lambda r: r.json() == EXPIRED),
}


@pytest.mark.parametrize("kind", list(REST_FAULTS))
def test_rest_fault_kinds_as_a_requests_client_sees_them(http, server, kind):
    set_faults(server, f"/rest/v2/contacts={kind}")
    REST_FAULTS[kind](http, server)
    healthy = contacts(http, server, key(server))  # one scripted step: the next call is fine
    assert healthy.status_code == 200 and healthy.json()["contacts"]


def test_slow_and_timeout_faults(http, server):
    set_faults(server, "/rest/v2/contacts=slow:0.3,timeout:60")
    started = time.perf_counter()
    assert contacts(http, server, key(server)).status_code == 200
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    with pytest.raises(requests.exceptions.ReadTimeout):
        contacts(http, server, key(server), timeout=0.5)
    assert time.perf_counter() - started < 30, "the client's read timeout, not the hold, ended the call"
    admin(server, "DELETE", "faults")  # releases the held request
    assert contacts(http, server, key(server)).status_code == 200


@pytest.mark.parametrize("spec, code, message", [
    ("db_too_long", 4, DB_TOO_LONG),
    ("db_blocked", 4, DB_BLOCKED),
    ("xmlrpc_fault:2:[InvalidKey]Invalid key: nope", 2, "[InvalidKey]Invalid key: nope"),
])
def test_xmlrpc_faults_parse_as_faults(server, spec, code, message):
    set_faults(server, f"DataService.query={spec}")
    with pytest.raises(xmlrpc.client.Fault) as caught:
        proxy(server, key(server)).DataService.query("k", "Contact", 1, 0, {"Id": "%"}, ["Id"])
    assert (caught.value.faultCode, caught.value.faultString) == (code, message)


def test_xmlrpc_transport_faults_and_bearer_on_the_unversioned_path(http, server):
    token = oauth_tokens(http, server)["access_token"]
    set_faults(server, "/xmlrpc*=empty,http_503:html")
    client = proxy(server, bearer(token), path="/crm/xmlrpc")
    with pytest.raises(Exception) as blank:  # an empty 200: expat cannot parse it
        client.DataService.query("k", "Contact", 1, 0, {"Id": "%"}, ["Id"])
    assert "no element found" in str(blank.value)
    with pytest.raises(xmlrpc.client.ProtocolError) as gateway:
        client.DataService.query("k", "Contact", 1, 0, {"Id": "%"}, ["Id"])
    assert gateway.value.errcode == 503


def test_an_empty_xmlrpc_answer_keeps_keaps_content_type(http, server):
    set_faults(server, "/xmlrpc*=empty")
    body = xmlrpc.client.dumps(("k", "Contact", 1, 0, {"Id": "%"}, ["Id"]), "DataService.query")
    answer = http.post(server.base_url + XMLRPC, data=body, headers={**key(server), "Content-Type": "text/xml"})
    assert (answer.status_code, answer.content) == (200, b"")
    assert answer.headers["content-type"] == "text/xml;charset=UTF-8"


def test_scripted_sequence_then_success(server):
    set_faults(server, "DataService.query=db_too_long*3,ok,db_blocked")
    codes = []
    for _ in range(6):
        try:
            proxy(server, key(server)).DataService.query("k", "Contact", 1, 0, {"Id": "%"}, ["Id"])
            codes.append(None)
        except xmlrpc.client.Fault as fault:
            codes.append(fault.faultString if fault.faultCode == 4 else "not injected")
    passed = codes[3] in (None, "not injected") and codes[5] in (None, "not injected")
    assert codes[:3] == [DB_TOO_LONG] * 3 and codes[4] == DB_BLOCKED and passed, codes


def test_xmlrpc_only_faults_leave_rest_alone(http, server):
    state = set_faults(server, "*=db_too_long")
    assert contacts(http, server, key(server)).status_code == 200
    assert admin(server, "GET", "faults")["rules"] == state["rules"], "a REST call must not consume the step"


def _statuses(http, server, n):
    return [contacts(http, server, key(server)).status_code for _ in range(n)]


def test_seeded_rates_are_reproducible(http, server):
    rule = {"target": "/rest/v2/contacts", "kind": "http_503", "rate": 0.3}
    set_faults(server, rules=[rule], seed=42)
    first = _statuses(http, server, 40)
    stream = random.Random("42:faults")  # the documented stream
    assert first == [503 if stream.random() < 0.3 else 200 for _ in range(40)]
    assert 503 in first and 200 in first
    set_faults(server, rules=[rule], seed=42)
    assert _statuses(http, server, 40) == first
    set_faults(server, rules=[rule], seed=43)
    assert _statuses(http, server, 40) != first


def test_default_fault_seed_is_the_dataset_seed(http, server):
    set_faults(server, "/rest/v2/contacts=http_500@0.5")
    stream = random.Random(f"{server.seed}:faults")
    assert _statuses(http, server, 20) == [500 if stream.random() < 0.5 else 200 for _ in range(20)]


def test_admin_endpoint_sets_counts_and_clears(http, server):
    state = set_faults(server, rules=[{"target": "/crm/rest/v2/*", "steps": [{"kind": "http_502", "times": 2}]}])
    assert state["rules"][0]["target"] == "/rest/v2/*" and len(state["rules"][0]["remaining"]) == 2
    assert _statuses(http, server, 3) == [502, 502, 200]
    shown = admin(server, "GET", "faults")
    assert shown["injected"] == {"http_502": 2}
    assert shown["rules"][0]["matched"] == 3 and shown["rules"][0]["injected"] == 2
    bad = requests.post(f"{server.base_url}/sandbox/admin/faults", json={"spec": "*=no_such_kind"}, timeout=10)
    assert bad.status_code == 400 and admin(server, "GET", "faults") == shown, "a bad rule changes nothing"
    set_faults(server, "/rest/v2/contacts=http_500*1")
    set_faults(server, rules=[{"target": "/rest/v2/contacts", "kind": "http_503"}], append=True)
    assert _statuses(http, server, 3) == [500, 503, 200]
    cleared = admin(server, "DELETE", "faults")
    assert cleared["rules"] == [] and cleared["injected"] == {}


def test_spec_strings():
    assert parse_spec("DataService.query=db_too_long*3,ok; /rest/v2/contacts=http_503:html@0.1") == [
        {"target": "DataService.query", "steps": [{"kind": "db_too_long", "times": 3}, {"kind": "ok"}]},
        {"target": "/rest/v2/contacts", "kind": "http_503", "body": "html", "rate": 0.1}]
    assert parse_spec("*=xmlrpc_fault:1:[InvalidConfig]a:b") == [
        {"target": "*", "steps": [{"kind": "xmlrpc_fault", "code": "1", "message": "[InvalidConfig]a:b"}]}]
    with pytest.raises(ValueError):
        parse_spec("*=slow,drop@0.5")


def test_cli_reads_quota_and_fault_env_vars(monkeypatch):
    monkeypatch.setenv("KEAP_SANDBOX_QUOTA_KEY_PER_MINUTE", "5")
    monkeypatch.setenv("KEAP_SANDBOX_QUOTA_ENFORCE", "0")
    monkeypatch.setenv("KEAP_SANDBOX_FAULTS", "*=drop")
    args = parse_args(["--quota-oauth-per-day", "7"])
    assert quota_limits(args) == QuotaLimits(key_per_minute=5, oauth_per_day=7, enforce=False)
    assert args.faults == "*=drop"
    assert quota_limits(parse_args(["--quota-enforce"])).enforce is True


def test_process_mode_takes_quotas_and_faults_as_flags():
    with SandboxServer(seed=2, scale=20, now=NOW, mode="process", faults="/rest/v2/contacts=http_502",
                       quotas=QuotaLimits(key_per_minute=2)) as srv:
        headers = {"X-Keap-API-Key": srv.credentials.api_key}
        codes = [requests.get(srv.base_url + CONTACTS, headers=headers, timeout=10).status_code for _ in range(3)]
    assert codes == [502, 200, 429]


# --------------------------------------------------------------------------- OAuth details


def test_token_lifetimes_follow_keap(http, server, clock):
    pair = oauth_tokens(http, server)
    assert pair["expires_in"] == 86_400 and pair["token_type"] == "bearer" and pair["scope"] == f"full|{TENANT}"
    clock.advance(86_400 - 1)
    assert contacts(http, server, bearer(pair["access_token"])).status_code == 200
    clock.advance(2)
    expired = contacts(http, server, bearer(pair["access_token"]))
    assert expired.status_code == 401 and expired.json() == EXPIRED
    clock.set(NOW + timedelta(days=45, seconds=-1))
    renewed = refresh(http, server, pair["refresh_token"])
    assert renewed.status_code == 200 and renewed.json()["scope"] == f"full|{TENANT}"
    assert refresh(http, server, pair["refresh_token"]).json()["error"] == "invalid_grant"  # rotated
    clock.advance(45 * 86_400 + 1)
    late = refresh(http, server, renewed.json()["refresh_token"])
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"

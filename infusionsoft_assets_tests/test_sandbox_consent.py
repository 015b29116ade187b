"""The sandbox's OAuth consent page over real HTTP: codes go only to registered redirect URIs, and a
consent counts only when posted with the page's own one-time form token.

Registered by default: ``http://127.0.0.1/callback`` and ``http://localhost/callback`` on any port
(RFC 8252 §7.3), what the product's ``auth login`` listens on. Time is a fake clock (no sleeps).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from keap_sandbox import SandboxServer
from keap_sandbox.__main__ import parse_args

from .sandbox_kit import FakeClock

NOW = datetime(2026, 11, 27, 13, 4, 5, tzinfo=timezone.utc)
CALLBACK = "http://127.0.0.1:8976/callback"
AUTHORIZE = "/app/oauth/authorize"


@pytest.fixture(scope="module")
def clock():
    return FakeClock(NOW)


@pytest.fixture(scope="module")
def server(clock):
    with SandboxServer(seed=3, scale=20, now=NOW, clock=clock) as srv:
        yield srv


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


def open_page(http, server, redirect_uri: str = CALLBACK, state: str = "st-1") -> requests.Response:
    return http.get(server.base_url + AUTHORIZE, timeout=10, params={
        "client_id": server.credentials.client_id, "redirect_uri": redirect_uri, "response_type": "code",
        "scope": "full", "state": state})


def hidden_fields(page: requests.Response) -> dict[str, str]:
    """Every hidden input of the consent form, as a browser would submit them."""
    assert page.status_code == 200, page.text
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))


def submit(http, server, fields: dict, button: str = "approve") -> requests.Response:
    return http.post(server.base_url + AUTHORIZE, data={**fields, button: "yes"}, allow_redirects=False,
                     timeout=10)


def assert_refused(answer: requests.Response) -> None:
    """Keap's error page: a 400 that sends the browser nowhere."""
    assert answer.status_code == 400, answer.text
    assert "Keap - Error" in answer.text and "location" not in answer.headers


def code_sent_to(answer: requests.Response, redirect_uri: str) -> str:
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == redirect_uri
    return parse_qs(location.query)["code"][0]


# --------------------------------------------------------------------------- registered redirect URIs


@pytest.mark.parametrize("redirect_uri", [
    "http://127.0.0.1:8976/callback", "http://127.0.0.1:51234/callback", "http://localhost:40001/callback",
    "http://127.0.0.1/callback"])
def test_loopback_callbacks_on_any_port_are_registered_by_default(http, server, redirect_uri):
    fields = hidden_fields(open_page(http, server, redirect_uri))
    assert code_sent_to(submit(http, server, fields), redirect_uri)


@pytest.mark.parametrize("redirect_uri", [
    "https://attacker.example/callback",
    "http://127.0.0.1:8976/other",                     # registered host, other path
    "https://127.0.0.1:8976/callback",                 # registered as http
    "http://127.0.0.2:8976/callback",                  # another address
    "http://127.0.0.1:8976/callback?next=https://attacker.example",
    "http://attacker.example@127.0.0.1:8976/callback",  # user info
    "http://127.0.0.1:8976/callback#fragment",
    "http://127.0.0.1.attacker.example/callback",
    "/callback",
])
def test_an_unregistered_redirect_uri_gets_the_error_page_never_a_redirect(http, server, redirect_uri):
    assert_refused(open_page(http, server, redirect_uri))
    # A forged post naming that URI, carrying a genuine token of a registered one, is refused too.
    fields = hidden_fields(open_page(http, server))
    for button in ("approve", "deny"):
        assert_refused(submit(http, server, {**fields, "redirect_uri": redirect_uri}, button))


def test_configured_redirect_uris_replace_the_default():
    web = "https://app.example.test/keap/callback"
    with SandboxServer(seed=3, scale=20, now=NOW, redirect_uris=[web, "http://127.0.0.1/cb"]) as srv, \
            requests.Session() as http:
        assert code_sent_to(submit(http, srv, hidden_fields(open_page(http, srv, web))), web)
        # The loopback rule applies to a configured loopback URI as well: any port.
        assert code_sent_to(submit(http, srv, hidden_fields(open_page(http, srv, "http://127.0.0.1:9/cb"))),
                            "http://127.0.0.1:9/cb")
        for refused in (CALLBACK, "https://app.example.test:8443/keap/callback", web + "/more"):
            assert_refused(open_page(http, srv, refused))


def test_cli_registers_each_redirect_uri_flag():
    assert parse_args([]).redirect_uris is None
    args = parse_args(["--redirect-uri", "https://a.example/cb", "--redirect-uri", "http://localhost/cb"])
    assert args.redirect_uris == ["https://a.example/cb", "http://localhost/cb"]
    with pytest.raises(SystemExit):
        parse_args(["--redirect-uri", "ftp://a.example/cb"])


# --------------------------------------------------------------------------- the form token


def test_the_consent_form_carries_an_unguessable_token(http, server):
    first, second = (hidden_fields(open_page(http, server))["form_token"] for _ in range(2))
    assert first != second and len(first) >= 32


def test_a_post_without_the_pages_token_gets_no_code(http, server):
    fields = hidden_fields(open_page(http, server))
    without = {k: v for k, v in fields.items() if k != "form_token"}
    assert_refused(submit(http, server, without))
    assert_refused(submit(http, server, {**fields, "form_token": fields["form_token"][:-1] + "x"}))
    assert_refused(submit(http, server, without, "deny"))  # a denial must come from the page too


def test_a_token_is_good_for_one_post_only(http, server):
    fields = hidden_fields(open_page(http, server))
    assert code_sent_to(submit(http, server, fields), CALLBACK)
    assert_refused(submit(http, server, fields))
    denied = hidden_fields(open_page(http, server))
    answer = submit(http, server, denied, "deny")
    assert answer.status_code == 302 and parse_qs(urlsplit(answer.headers["location"]).query)["error"] == [
        "access_denied"]
    assert_refused(submit(http, server, denied))


@pytest.mark.parametrize("change", [
    {"state": "st-other"}, {"redirect_uri": "http://127.0.0.1:8977/callback"}, {"state": ""}])
def test_a_token_binds_the_state_and_redirect_uri_it_was_rendered_for(http, server, change):
    fields = hidden_fields(open_page(http, server))
    assert_refused(submit(http, server, {**fields, **change}))
    assert_refused(submit(http, server, fields))  # the failed attempt spent the token


def test_a_token_expires_after_ten_minutes(http, server, clock):
    clock.set(NOW)
    fields = hidden_fields(open_page(http, server))
    clock.advance(599)
    assert code_sent_to(submit(http, server, fields), CALLBACK)
    late = hidden_fields(open_page(http, server))
    clock.advance(600)
    assert_refused(submit(http, server, late))
    clock.set(NOW)

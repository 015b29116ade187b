"""Failing fast when the API URL is not Keap: a closed port, an HTML site, a JSON array, a 404 page.

Until a client has heard Keap answer once, such an answer is retried once after ~1 s and then raised as
``Unreachable`` / ``NotKeap`` (fatal, naming the URL without its query). After first contact the same
answers are transient again. Waits go to a recording ``sleep``: the tests count them, never time them.

:func:`local_server` is a tiny real HTTP server on loopback whose answers a test scripts; the paging
tests use it too.
"""

from __future__ import annotations

import socket
import threading
import xmlrpc.client
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import urllib3

from infusionsoft_assets.keap import (ApiKeyCredentials, ConnectFailed, FatalError, KeapClient, NotKeap,
                                      OAuthCredentials, RetrySettings, TokenSet, TokenStore, TransientError,
                                      Unreachable)
from infusionsoft_assets.keap.errors import classify_exception, safe_url

KEY = "pat-0123456789abcdefghij-SECRET"
HTML = (b"<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head>"
        b"<body><h1>Welcome to nginx!</h1></body></html>")
PAGE = b'{"contacts":[{"id":"1"}],"next_page_token":""}'


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


Answer = tuple[int, dict[str, str], bytes]


@contextmanager
def local_server(answer: Callable[[Seen], Answer]) -> Iterator[tuple[str, list[Seen]]]:
    """A threaded HTTP server on 127.0.0.1 answering every request with ``answer(request)``;
    yields its base URL and the list of requests it saw."""
    seen: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            url = urlsplit(self.path)
            request = Seen(self.command, url.path, dict(parse_qsl(url.query)), dict(self.headers),
                           self.rfile.read(length) if length else b"")
            seen.append(request)
            status, headers, body = answer(request)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")  # no keep-alive: once the server stops, nothing answers
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815 (http.server's naming)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def always(status: int, content_type: str, body: bytes, **headers: str) -> Callable[[Seen], Answer]:
    return lambda _request: (status, {"Content-Type": content_type, **headers}, body)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_for(url: str, waits: list[float], **kw) -> KeapClient:
    return KeapClient(url, ApiKeyCredentials(KEY), sleep=waits.append,
                      retry=RetrySettings(attempts=5, initial_backoff_s=1, max_backoff_s=4), **kw)


QUERY = {"filter": "email==someone@example.com", "page_size": 10}


def assert_secret_free(message: str) -> None:
    assert KEY not in message and "someone@example.com" not in message and "?" not in message
    assert "page_size" not in message


# --------------------------------------------------------------------------- before first contact


def test_a_closed_port_fails_fast_naming_the_url_and_the_setting():
    waits: list[float] = []
    port = closed_port()
    client = client_for(f"http://127.0.0.1:{port}", waits)
    with pytest.raises(Unreachable) as info:
        client.get_json("/crm/rest/v2/contacts", QUERY)
    assert waits == [1.0]  # one retry after a second, not five tries with backoff
    message = str(info.value)
    assert f"http://127.0.0.1:{port}/crm/rest/v2/contacts" in message
    assert "connection refused" in message and "INFUSIONSOFT_API_URL" in message
    assert_secret_free(message)
    assert isinstance(info.value, FatalError) and not client.spoke_to_keap


def test_an_html_200_fails_fast_with_status_type_and_title():
    waits: list[float] = []
    with local_server(always(200, "text/html; charset=utf-8", HTML)) as (url, seen):
        with pytest.raises(NotKeap) as info:
            client_for(url, waits).get_json("/crm/rest/v2/contacts", QUERY)
    assert waits == [1.0] and len(seen) == 2
    message = str(info.value)
    assert f"{url}/crm/rest/v2/contacts" in message and info.value.url == f"{url}/crm/rest/v2/contacts"
    assert "200" in message and "text/html" in message and '"Welcome to nginx!"' in message
    assert "INFUSIONSOFT_API_URL" in message
    assert_secret_free(message)
    assert not isinstance(info.value, Unreachable)


@pytest.mark.parametrize("status, content_type, body, words", [
    (200, "application/json", b"[1, 2, 3]", "JSON array"),
    (200, "text/plain", b"", "empty body"),
    (404, "text/html", b"<html><title>Keap - Page Not Found</title></html>", '"Keap - Page Not Found"'),
    (200, "text/plain", b"hello from a token-ish thing sk_live_abcdefghijklmnopqrstuvwxyz\n", "hello from"),
])
def test_other_answers_that_are_not_keap_fail_fast(status, content_type, body, words):
    waits: list[float] = []
    with local_server(always(status, content_type, body)) as (url, _):
        with pytest.raises(NotKeap) as info:
            client_for(url, waits).get_json("/crm/rest/v2/contacts")
    assert waits == [1.0] and words in str(info.value) and str(status) in str(info.value)
    assert "sk_live_abcdefghijklmnopqrstuvwxyz" not in str(info.value)  # token-shaped text is blanked


def test_an_html_200_to_an_xmlrpc_call_fails_fast_too():
    waits: list[float] = []
    with local_server(always(200, "text/html", HTML)) as (url, seen):
        with pytest.raises(NotKeap) as info:
            client_for(url, waits).call_xmlrpc("DataService.count", "Contact", {"Id": "%"})
    assert waits == [1.0] and len(seen) == 2 and f"{url}/crm/xmlrpc/v1" in str(info.value)


def test_a_second_try_that_reaches_keap_goes_on_normally():
    answers = iter([(200, {"Content-Type": "text/html"}, HTML), (200, {"Content-Type": "application/json"}, PAGE)])
    waits: list[float] = []
    with local_server(lambda _: next(answers)) as (url, _):
        client = client_for(url, waits)
        assert client.get_json("/crm/rest/v2/contacts")["contacts"] == [{"id": "1"}]
    assert waits == [1.0] and client.spoke_to_keap


def test_keap_headers_count_as_keap_even_on_an_html_page():
    """Keap's own maintenance page is HTML, but it comes through Keap's gateway: a hiccup, not a wrong URL."""
    waits: list[float] = []
    with local_server(always(200, "text/html", HTML, **{"x-keap-tenant-id": "ab123.infusionsoft.com"})) as (url, _):
        with pytest.raises(TransientError) as info:
            client_for(url, waits).get_json("/crm/rest/v2/contacts")
    assert not isinstance(info.value, NotKeap) and len(waits) == 4  # the full in-client budget


def test_a_keap_error_body_is_first_contact():
    """A JSON object is Keap's shape even on an error: the 400 is fatal as always, and contact is made."""
    body = b'{"code":400,"message":"Invalid filter","status":"Bad Request","details":[]}'
    with local_server(always(400, "application/json", body)) as (url, seen):
        client = client_for(url, [])
        with pytest.raises(FatalError) as info:
            client.get_json("/crm/rest/v2/contacts")
    assert not isinstance(info.value, NotKeap) and len(seen) == 1 and client.spoke_to_keap


def test_a_refused_token_endpoint_fails_fast_too(tmp_path):
    """An OAuth run refreshes a stale token first, on the same host: a wrong URL shows up there."""
    store = TokenStore(tmp_path / "tokens.json")
    store.write(TokenSet(access_token="AT-secret", refresh_token="RT-secret", expires_at=0))
    port = closed_port()
    creds = OAuthCredentials(token_url=f"http://127.0.0.1:{port}/token", client_id="cid", client_secret="cs",
                             store=store)
    waits: list[float] = []
    client = KeapClient(f"http://127.0.0.1:{port}", creds, sleep=waits.append)
    with pytest.raises(Unreachable) as info:
        client.get_json("/crm/rest/v2/contacts")
    assert waits == [1.0] and f"http://127.0.0.1:{port}/token" in str(info.value)
    assert "RT-secret" not in str(info.value) and "AT-secret" not in str(info.value)


# --------------------------------------------------------------------------- after first contact / opted out


def test_after_first_contact_the_same_answers_are_transient_and_retried():
    answers = iter([(200, {"Content-Type": "application/json"}, PAGE)]
                   + [(200, {"Content-Type": "text/html"}, HTML)] * 2
                   + [(200, {"Content-Type": "application/json"}, PAGE)])
    waits: list[float] = []
    with local_server(lambda _: next(answers)) as (url, seen):
        client = client_for(url, waits)
        client.get_json("/crm/rest/v2/contacts")  # first contact
        assert client.get_json("/crm/rest/v2/contacts")["contacts"] == [{"id": "1"}]
    assert len(seen) == 4 and len(waits) == 2 and client.stats.retries == 2


def test_after_first_contact_a_closed_port_is_transient():
    waits: list[float] = []
    with local_server(always(200, "application/json", PAGE)) as (url, _):
        client = client_for(url, waits)
        client.get_json("/crm/rest/v2/contacts")
    # The server is gone: its port now refuses connections.
    with pytest.raises(TransientError) as info:
        client.get_json("/crm/rest/v2/contacts")
    assert isinstance(info.value, ConnectFailed) and not isinstance(info.value, NotKeap)
    assert len(waits) == 4  # the whole in-client budget, as before this change


def test_a_step_retry_can_turn_the_check_off():
    waits: list[float] = []
    with local_server(always(200, "text/html", HTML)) as (url, seen):
        with pytest.raises(TransientError):
            client_for(url, waits, fail_fast_until_contact=False).get_json("/crm/rest/v2/contacts")
    assert len(seen) == 5 and len(waits) == 4


# --------------------------------------------------------------------------- classification details


def _connection_error(reason: Exception) -> requests.ConnectionError:
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/crm/rest/v2/x?k=v", reason))


@pytest.mark.parametrize("exc, failure", [
    (_connection_error(urllib3.exceptions.NameResolutionError("no-such.example", None, OSError("gaierror"))),
     "DNS"),
    (requests.ConnectTimeout(), "connect timeout"),
    (requests.exceptions.SSLError(), "TLS"),
])
def test_connection_failures_are_told_apart(exc, failure):
    error = classify_exception(exc, "/crm/rest/v2/x", url="https://user:pw@api.example.com/crm/rest/v2/x?k=v")
    assert isinstance(error, ConnectFailed) and failure in error.failure
    assert error.url == "https://api.example.com:443/crm/rest/v2/x"


def test_a_read_timeout_or_a_dropped_connection_is_no_connect_failure():
    assert type(classify_exception(requests.ReadTimeout(), "/p")) is TransientError
    dropped = requests.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.",
                                                                        ConnectionResetError()))
    assert type(classify_exception(dropped, "/p")) is TransientError


def test_safe_url_keeps_scheme_host_port_and_path_only():
    assert safe_url("https://u:secret@Api.Keap.com/crm/rest?access_token=t#f") == \
        "https://api.keap.com:443/crm/rest"
    assert safe_url("http://127.0.0.1:8080/crm/xmlrpc/v1") == "http://127.0.0.1:8080/crm/xmlrpc/v1"


def test_an_xmlrpc_fault_is_first_contact():
    fault = xmlrpc.client.dumps(xmlrpc.client.Fault(2, "[InvalidParameter] no such table"), methodresponse=True)
    with local_server(always(200, "text/xml", fault.encode())) as (url, seen):
        client = client_for(url, [])
        with pytest.raises(FatalError) as info:
            client.call_xmlrpc("DataService.count", "Nope", {})
    assert not isinstance(info.value, NotKeap) and len(seen) == 1 and client.spoke_to_keap

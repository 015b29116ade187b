"""Keap's XML-RPC sunset in the sandbox: after 2026-12-31 Keap's /crm/xmlrpc/v1 (and /crm/xmlrpc) stops
answering. With the switch on — ``SandboxServer(xmlrpc_shut_down=True)``, ``--xmlrpc-shut-down`` or
``POST /sandbox/admin/xmlrpc`` — every request there gets ``410 Gone`` with an HTML page, ahead of
authentication, quotas and faults and without the gateway's ``x-keap-*`` headers; REST and OAuth keep
working, and switching it off restores XML-RPC.
"""

from __future__ import annotations

import subprocess
import sys
import xmlrpc.client
from datetime import datetime, timezone

import pytest
import requests

from keap_sandbox import SandboxServer
from keap_sandbox.__main__ import parse_args

from .sandbox_kit import KEY_HEADER, api_session, sandbox_server, xmlrpc_proxy

NOW = datetime(2026, 11, 27, 13, 4, 5, tzinfo=timezone.utc)
XMLRPC = "/crm/xmlrpc/v1"
CONTACTS = "/crm/rest/v2/contacts"
# The sandbox's own marker is on every response (the product tells a sandbox by it); Keap's gateway headers
# (quotas, tenant id) must not be on a retired answer.
SANDBOX_MARKER = "x-keap-sandbox"

# A minimal XML-RPC call, written by hand so the raw response can be inspected.
QUERY_BODY = ("<?xml version='1.0'?><methodCall><methodName>DataService.query</methodName><params>"
              "<param><value><string>k</string></value></param>"
              "<param><value><string>Contact</string></value></param>"
              "<param><value><int>1</int></value></param><param><value><int>0</int></value></param>"
              "<param><value><struct><member><name>Id</name><value><string>%</string></value></member>"
              "</struct></value></param>"
              "<param><value><array><data><value><string>Id</string></value></data></array></value></param>"
              "</params></methodCall>")

server = sandbox_server(seed=3, scale=20, now=NOW, xmlrpc_shut_down=True)
switchable = sandbox_server(seed=4, scale=20, now=NOW)


def gateway_headers(response: requests.Response) -> list[str]:
    return sorted(name for name in (n.lower() for n in response.headers)
                  if name.startswith("x-keap-") and name != SANDBOX_MARKER)


def assert_retired(response: requests.Response, *, head: bool = False) -> None:
    assert response.status_code == 410, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    assert not gateway_headers(response), gateway_headers(response)
    assert response.headers.get(SANDBOX_MARKER) == "true"
    if not head:
        assert "<html>" in response.text and "Keap - Page Not Found" in response.text
        assert "XML-RPC" in response.text and "2026-12-31" in response.text


def xmlrpc_post(srv, path=XMLRPC, headers=None) -> requests.Response:
    return requests.post(srv.base_url + path, data=QUERY_BODY, timeout=10,
                         headers={"Content-Type": "text/xml", **({KEY_HEADER: srv.credentials.api_key}
                                                                 if headers is None else headers)})


def assert_xmlrpc_answers(srv) -> None:
    rows = xmlrpc_proxy(srv).DataService.query("k", "Contact", 1, 0, {"Id": "%"}, ["Id"])
    assert len(rows) == 1 and isinstance(rows[0]["Id"], int)


def assert_xmlrpc_retired(srv) -> None:
    with pytest.raises(xmlrpc.client.ProtocolError) as err:
        xmlrpc_proxy(srv).DataService.query("k", "Contact", 1, 0, {"Id": "%"}, ["Id"])
    assert err.value.errcode == 410
    assert err.value.headers.get("content-type", "").startswith("text/html")
    assert not [n for n in err.value.headers if n.lower().startswith("x-keap-") and n.lower() != SANDBOX_MARKER]
    assert_retired(xmlrpc_post(srv))


def assert_rest_answers(srv) -> None:
    with api_session(srv) as http:
        response = http.get(srv.base_url + CONTACTS, params={"page_size": 5}, timeout=10)
    assert response.status_code == 200 and response.json()["contacts"]
    assert response.headers["x-keap-product-quota-limit"]  # REST still goes through Keap's gateway


def admin_xmlrpc(srv, shut_down: bool | None = None) -> dict:
    url = f"{srv.base_url}/sandbox/admin/xmlrpc"
    response = (requests.get(url, timeout=10) if shut_down is None
                else requests.post(url, json={"shut_down": shut_down}, timeout=10))
    assert response.status_code == 200, response.text
    return response.json()


def health(srv) -> dict:
    return requests.get(srv.base_url + "/sandbox/health", timeout=10).json()


# --------------------------------------------------------------------------- the constructor option


def test_an_xmlrpc_call_gets_410_gone_with_an_html_page(server):
    assert_xmlrpc_retired(server)


@pytest.mark.parametrize("path", [XMLRPC, XMLRPC + "/", "/crm/xmlrpc", "/crm/xmlrpc/"])
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
def test_every_method_on_either_path_is_gone(server, path, method):
    response = requests.request(method, server.base_url + path, data=QUERY_BODY if method != "HEAD" else None,
                                headers={KEY_HEADER: server.credentials.api_key}, timeout=10)
    assert_retired(response, head=method == "HEAD")


@pytest.mark.parametrize("headers", [{}, {KEY_HEADER: "not-a-key"}, {"Authorization": "Bearer expired-or-bogus"}],
                         ids=["no-credentials", "bad-key", "bad-bearer"])
def test_gone_comes_before_authentication(server, headers):
    assert_retired(xmlrpc_post(server, headers=headers))


def test_gone_is_not_counted_against_quotas_nor_faulted(server):
    quotas = f"{server.base_url}/sandbox/admin/quotas"
    assert requests.delete(quotas, timeout=10).status_code == 200
    before = requests.get(quotas, timeout=10).json()
    faults = f"{server.base_url}/sandbox/admin/faults"
    assert requests.post(faults, json={"spec": "*=http_503"}, timeout=10).status_code == 200
    try:
        for _ in range(3):
            assert_retired(xmlrpc_post(server))
        shown = requests.get(faults, timeout=10).json()
    finally:
        requests.delete(faults, timeout=10)
    assert requests.get(quotas, timeout=10).json() == before
    assert not shown["injected"], shown


def test_rest_and_the_sandbox_routes_keep_working(server):
    assert_rest_answers(server)
    assert health(server)["xmlrpc_shut_down"] is True
    assert admin_xmlrpc(server) == {"shut_down": True}


def test_unknown_crm_paths_are_still_keaps_404(server):
    with api_session(server) as http:
        response = http.get(server.base_url + "/crm/xmlrpc/v2", timeout=10)
    assert response.status_code == 404 and "Keap - Page Not Found" in response.text


# --------------------------------------------------------------------------- the admin route, at run time


@pytest.fixture
def restore(switchable):
    yield switchable
    admin_xmlrpc(switchable, False)


def test_xmlrpc_answers_by_default(switchable):
    assert admin_xmlrpc(switchable) == {"shut_down": False}
    assert health(switchable)["xmlrpc_shut_down"] is False
    assert_xmlrpc_answers(switchable)


def test_the_admin_route_shuts_xmlrpc_down_and_restores_it(restore):
    srv = restore
    assert admin_xmlrpc(srv, True) == {"shut_down": True}
    assert admin_xmlrpc(srv) == {"shut_down": True} and health(srv)["xmlrpc_shut_down"] is True
    assert_xmlrpc_retired(srv)
    assert_rest_answers(srv)
    assert admin_xmlrpc(srv, False) == {"shut_down": False}
    assert health(srv)["xmlrpc_shut_down"] is False
    assert_xmlrpc_answers(srv)
    assert_rest_answers(srv)


@pytest.mark.parametrize("body", [{}, {"shut_down": "yes"}, {"shut_down": 1}, [True]])
def test_the_admin_route_refuses_a_non_boolean(restore, body):
    response = requests.post(f"{restore.base_url}/sandbox/admin/xmlrpc", json=body, timeout=10)
    assert response.status_code == 400
    assert "shut_down" in response.json()["error"] or "object" in response.json()["error"]
    assert admin_xmlrpc(restore) == {"shut_down": False}, "a bad body changes nothing"


def test_the_admin_route_refuses_a_body_that_is_not_json(restore):
    response = requests.post(f"{restore.base_url}/sandbox/admin/xmlrpc", data=b"true!", timeout=10)
    assert response.status_code == 400
    assert admin_xmlrpc(restore) == {"shut_down": False}


# --------------------------------------------------------------------------- the CLI flag, process mode


def test_the_cli_flag_parses_and_is_documented():
    assert parse_args(["--xmlrpc-shut-down"]).xmlrpc_shut_down is True
    assert parse_args([]).xmlrpc_shut_down is False
    shown = subprocess.run([sys.executable, "-m", "keap_sandbox", "--help"], capture_output=True, text=True,
                           timeout=60, check=True).stdout
    assert "--xmlrpc-shut-down" in shown and "410" in shown and "2026-12-31" in shown


def test_process_mode_passes_the_flag_to_the_child():
    with SandboxServer(seed=2, scale=20, now=NOW, mode="process", xmlrpc_shut_down=True) as srv:
        assert "--xmlrpc-shut-down" in srv._command()
        assert health(srv)["xmlrpc_shut_down"] is True
        assert_xmlrpc_retired(srv)
        assert_rest_answers(srv)
        assert admin_xmlrpc(srv, False) == {"shut_down": False}
        assert_xmlrpc_answers(srv)


def test_process_mode_without_the_flag_serves_xmlrpc():
    assert "--xmlrpc-shut-down" not in SandboxServer(mode="process")._command()

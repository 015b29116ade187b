"""REST v2 paging edge cases: pages without their list key, an ``order_by`` an older Keap build refuses,
and page sizes per endpoint. Against the sandbox where it can show the case, else a tiny local server."""

from __future__ import annotations

import json
import logging

import pytest
import requests

from infusionsoft_assets.keap import ApiKeyCredentials, FatalError, KeapClient, RetrySettings, v2_page_size
from infusionsoft_assets.keap.client import MAX_V2_PAGE_SIZE, V2_PAGE_SIZE_LIMITS

from .test_client_first_contact import Seen, local_server

JSON = {"Content-Type": "application/json"}


def client_for(url: str) -> KeapClient:
    return KeapClient(url, ApiKeyCredentials("k"), sleep=lambda s: pytest.fail(f"unexpected wait of {s} s"),
                      retry=RetrySettings(attempts=3))


def contacts_pages(pages: dict[str, dict]):
    """Answers GET /contacts from ``pages`` keyed by page_token ("" for the first page)."""
    def answer(request: Seen):
        return 200, JSON, json.dumps(pages[request.query.get("page_token", "")]).encode()
    return answer


# --------------------------------------------------------------------------- absent list key


def test_a_page_without_its_list_key_is_an_empty_page():
    """proto3 JSON omits an empty repeated field: Keap's empty page is ``{"next_page_token": ""}``."""
    with local_server(contacts_pages({"": {"next_page_token": ""}})) as (url, seen):
        assert list(client_for(url).iter_v2_pages("/contacts", "contacts")) == []
    assert len(seen) == 1


def test_a_last_page_without_its_list_key_ends_the_walk():
    pages = {"": {"contacts": [{"id": "1"}], "next_page_token": "t2"}, "t2": {}}
    with local_server(contacts_pages(pages)) as (url, seen):
        assert list(client_for(url).iter_v2_pages("/contacts", "contacts")) == [[{"id": "1"}]]
    assert len(seen) == 2


@pytest.mark.parametrize("value", [{"id": "1"}, "1,2", 3])
def test_a_list_key_holding_something_else_is_still_fatal(value):
    with local_server(contacts_pages({"": {"contacts": value, "next_page_token": ""}})) as (url, _):
        with pytest.raises(FatalError, match="'contacts' for GET /crm/rest/v2/contacts is not a list"):
            list(client_for(url).iter_v2_pages("/contacts", "contacts"))


# --------------------------------------------------------------------------- order_by fallback


def old_build(*, message: str = "Invalid order_by field 'update_time'", domain: str = "order_by",
              refuse_always: bool = False):
    """A tenant on a build before May 2026: ``order_by=update_time`` on contacts is a v2 400."""
    error = {"code": 400, "message": message, "status": "Bad Request",
             "details": [{"domain": domain, "resource": "contact"}]}
    pages = {"": {"contacts": [{"id": "1"}, {"id": "2"}], "next_page_token": "p2"},
             "p2": {"contacts": [{"id": "3"}], "next_page_token": ""}}

    def answer(request: Seen):
        if "order_by" in request.query or refuse_always:
            return 400, JSON, json.dumps(error).encode()
        return 200, JSON, json.dumps(pages[request.query.get("page_token", "")]).encode()
    return answer


PARAMS = {"fields": "id,update_time", "order_by": "update_time asc"}


def test_a_refused_order_by_is_dropped_once_with_a_warning(caplog):
    with local_server(old_build()) as (url, seen), caplog.at_level(logging.WARNING, "infusionsoft_assets.keap"):
        pages = list(client_for(url).iter_v2_pages("/contacts", "contacts", PARAMS))
    assert [r["id"] for page in pages for r in page] == ["1", "2", "3"]
    assert [r.query.get("order_by") for r in seen] == ["update_time asc", None, None]
    assert all(r.query["fields"] == "id,update_time" for r in seen)  # everything else is kept
    warning = next(r.getMessage() for r in caplog.records if "order_by" in r.getMessage())
    assert "/crm/rest/v2/contacts" in warning and "update_time asc" in warning


def test_order_by_named_only_in_the_error_details_counts_too():
    with local_server(old_build(message="Invalid argument")) as (url, seen):
        assert len(list(client_for(url).iter_v2_pages("/contacts", "contacts", PARAMS))) == 2
    assert [r.query.get("order_by") for r in seen] == ["update_time asc", None, None]


def test_a_second_400_fails_as_before():
    with local_server(old_build(refuse_always=True)) as (url, seen):
        with pytest.raises(FatalError) as info:
            list(client_for(url).iter_v2_pages("/contacts", "contacts", PARAMS))
    assert info.value.status == 400 and len(seen) == 2


@pytest.mark.parametrize("params, builder", [
    (PARAMS, lambda: old_build(message="Invalid filter", domain="filter")),  # another parameter's 400
    ({"fields": "id"}, lambda: old_build(refuse_always=True)),               # no order_by was sent
])
def test_other_400s_are_not_retried(params, builder):
    with local_server(builder()) as (url, seen):
        with pytest.raises(FatalError):
            list(client_for(url).iter_v2_pages("/contacts", "contacts", params))
    assert len(seen) == 1


def test_an_order_by_400_after_the_first_page_is_not_retried():
    def answer(request: Seen):
        if request.query.get("page_token"):
            return 400, JSON, b'{"code":400,"message":"bad order_by","status":"Bad Request","details":[]}'
        return 200, JSON, b'{"contacts":[{"id":"1"}],"next_page_token":"p2"}'
    with local_server(answer) as (url, seen):
        with pytest.raises(FatalError):
            list(client_for(url).iter_v2_pages("/contacts", "contacts", PARAMS))
    assert len(seen) == 2


def test_the_client_remembers_a_refused_order_by_for_its_next_walks():
    with local_server(old_build()) as (url, seen):
        client = client_for(url)
        list(client.iter_v2_pages("/contacts", "contacts", PARAMS))
        list(client.iter_v2_pages("/contacts", "contacts", PARAMS))
    assert [r.query.get("order_by") for r in seen] == ["update_time asc", None, None, None, None]


def test_against_a_sandbox_on_an_older_keap_build():
    """The bundled sandbox imitates an April-2026 tenant (when it supports ``keap_build``)."""
    from keap_sandbox.server import SandboxServer

    try:
        server = SandboxServer(seed=5, scale=40, keap_build="2026-04")
    except TypeError:
        pytest.skip("this sandbox cannot imitate an older Keap build")
    with server:
        key = server.credentials.api_key
        refused = requests.get(server.base_url + "/crm/rest/v2/contacts", params={"order_by": "update_time asc"},
                               headers={"X-Keap-API-Key": key}, timeout=10)
        assert refused.status_code == 400 and "order_by" in refused.text  # what the fallback is for
        client = KeapClient(server.base_url, ApiKeyCredentials(key),
                            sleep=lambda s: pytest.fail(f"unexpected wait of {s} s"))
        ids = [r["id"] for page in client.iter_v2_pages("/contacts", "contacts", PARAMS, 25) for r in page]
        assert sorted(ids) == sorted(c["id"] for c in server.dataset.contacts)
        pages = -(-len(ids) // 25)
        assert client.stats.calls in (1 + pages, 2 + pages)  # the refused first page, then the walk


# --------------------------------------------------------------------------- page size per endpoint


def test_page_size_limits_are_one_table_and_cap_what_callers_ask():
    assert V2_PAGE_SIZE_LIMITS == {"/users": 100, "/automations": 25}
    assert v2_page_size("/users") == 100 and v2_page_size("/users", 5000) == 100 and v2_page_size("/users", 7) == 7
    assert v2_page_size("/automations") == 25 and v2_page_size("/automations/ids") == 25
    assert v2_page_size("/contacts") == MAX_V2_PAGE_SIZE and v2_page_size("/contacts", 5000) == MAX_V2_PAGE_SIZE
    assert v2_page_size("/userGroups") == MAX_V2_PAGE_SIZE  # a prefix is a path segment, not a string prefix


def _sent_page_sizes(client: KeapClient) -> list[str]:
    sizes: list[str] = []
    client.session.hooks["response"].append(
        lambda r, *a, **k: sizes.append(requests.utils.urlparse(r.url).query))
    return sizes


@pytest.mark.parametrize("asked", [None, 1000])
def test_users_are_paged_at_most_100_at_a_time(sandbox, asked):
    key = sandbox.credentials.api_key
    # The sandbox, like Keap, refuses more than 100 users a page: the cap is what makes the walk work.
    assert requests.get(sandbox.base_url + "/crm/rest/v2/users", params={"page_size": 101},
                        headers={"X-Keap-API-Key": key}, timeout=10).status_code == 400
    client = KeapClient(sandbox.base_url, ApiKeyCredentials(key))
    queries = _sent_page_sizes(client)
    users = [u for page in client.iter_v2_pages("/users", "users", page_size=asked) for u in page]
    everyone = requests.get(sandbox.base_url + "/crm/rest/v2/users", params={"page_size": 100},
                            headers={"X-Keap-API-Key": key}, timeout=10).json()["users"]
    assert users and sorted(u["id"] for u in users) == sorted(u["id"] for u in everyone)
    assert queries and all("page_size=100" in q for q in queries)

"""The client's XML-RPC transport against the sandbox: paging DataService.query, faults as typed errors."""

from __future__ import annotations

import pytest
import requests

from infusionsoft_assets.keap import (ApiKeyCredentials, FatalError, KeapClient, QueryTooLong, RetrySettings,
                                      SavedSearchBlocked)
from infusionsoft_assets.keap.retry import next_wait

from .conftest import oauth_credentials


@pytest.fixture
def faults(sandbox):
    def install(spec: str) -> None:
        assert requests.post(sandbox.base_url + "/sandbox/admin/faults", json={"spec": spec}, timeout=10).ok

    yield install
    requests.delete(sandbox.base_url + "/sandbox/admin/faults", timeout=10)


def key_client(sandbox, waits: list[float]) -> KeapClient:
    return KeapClient(sandbox.base_url, ApiKeyCredentials(sandbox.credentials.api_key), sleep=waits.append,
                      retry=RetrySettings(attempts=4, initial_backoff_s=1, max_backoff_s=4))


def test_query_pages_through_a_whole_table(sandbox):
    client = key_client(sandbox, [])
    pages = list(client.iter_xmlrpc_query("Contact", {"Id": "%"}, ["Id", "Email"], order_by="Id", page_size=250))
    ids = [row["Id"] for page in pages for row in page]
    assert ids == sorted(row["Id"] for row in sandbox.dataset.tables["Contact"])
    assert [len(p) for p in pages[:-1]] == [250] * (len(pages) - 1)
    emails = {row["Id"]: row.get("Email") for row in sandbox.dataset.tables["Contact"]}
    assert all(row.get("Email") == emails[row["Id"]] for page in pages for row in page)


def test_bearer_tokens_work_on_xmlrpc_too(sandbox, token_file):
    client = KeapClient(sandbox.base_url, oauth_credentials(sandbox, token_file))
    row = client.call_xmlrpc("DataService.load", "Contact", sandbox.dataset.tables["Contact"][0]["Id"], ["Id"])
    assert row == {"Id": sandbox.dataset.tables["Contact"][0]["Id"]}


def test_query_too_long_goes_straight_to_its_step_schedule(sandbox, faults):
    faults("DataService.query=db_too_long*1,ok")
    waits: list[float] = []
    with pytest.raises(QueryTooLong) as info:
        next(key_client(sandbox, waits).iter_xmlrpc_query("Contact", {"Id": "%"}, ["Id"]))
    assert waits == []  # no inline retry: Domo's 5 s, 10 s, 30 s, 1 min, 5 min apply from the first one
    assert next_wait(info.value, 0) == 5 and "DataService.query" in str(info.value)


def test_a_blocked_saved_search_is_its_own_class(sandbox, faults):
    faults("SearchService.*=db_blocked*1,ok")
    with pytest.raises(SavedSearchBlocked):
        key_client(sandbox, []).call_xmlrpc("SearchService.getSavedSearchResultsAllFields", 1, 1, 0)


@pytest.mark.parametrize("kind", ["garbled", "empty", "html", "http_503", "drop"])
def test_unreadable_answers_are_retried_inline(sandbox, faults, kind):
    faults(f"DataService.count={kind}*2,ok")
    waits: list[float] = []
    count = key_client(sandbox, waits).call_xmlrpc("DataService.count", "Contact", {"Id": "%"})
    assert count == len(sandbox.dataset.tables["Contact"]) and len(waits) == 2


def test_an_unknown_table_is_fatal_and_names_the_method(sandbox):
    with pytest.raises(FatalError) as info:
        key_client(sandbox, []).call_xmlrpc("DataService.query", "NoSuchTable", 10, 0, {"Id": "%"}, ["Id"])
    assert "DataService.query" in str(info.value) and "[NoTableFound]" in str(info.value)

"""Pages asked for ahead (``iter_v2_pages(..., ahead=True)``, v1 alike): the next page is requested while the
caller still works on the last one, one request at a time, with the same pages, errors and retries as
without. Against the sandbox and a tiny local server; synchronised with events (each wait bounded), not
sleeps."""

from __future__ import annotations

import json
import threading

import pytest

from infusionsoft_assets.catalog import REPORTS_BY_NAME
from infusionsoft_assets.catalog.fetch import FetchPlan
from infusionsoft_assets.keap import ApiKeyCredentials, FatalError, KeapClient, RetrySettings

from .test_client_first_contact import Seen, local_server

JSON = {"Content-Type": "application/json"}
WAIT_S = 10


def client_for(url: str) -> KeapClient:
    return KeapClient(url, ApiKeyCredentials("k"), sleep=lambda s: pytest.fail(f"unexpected wait of {s} s"),
                      retry=RetrySettings(attempts=3))


class Pages:
    """Answers GET /contacts by page_token ("" first, then "t1", "t2", ...), three records a page, ``count``
    pages; says when each page is asked for and how many requests were in flight at once at most."""

    def __init__(self, count: int, answers: dict[str, list] | None = None):
        self.count = count
        self.answers = answers or {}  # token -> scripted answers, used in order before the real page
        self.asked = {self.token(n): threading.Event() for n in range(count)}
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = 0

    @staticmethod
    def token(number: int) -> str:
        return f"t{number}" if number else ""

    def page(self, number: int) -> dict:
        last = number == self.count - 1
        return {"contacts": [{"id": str(number * 3 + i)} for i in range(3)],
                "next_page_token": "" if last else self.token(number + 1)}

    def __call__(self, request: Seen):
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            token = request.query.get("page_token", "")
            self.asked[token].set()
            scripted = self.answers.get(token)
            if scripted:
                return scripted.pop(0)
            number = int(token[1:]) if token else 0
            return 200, JSON, json.dumps(self.page(number)).encode()
        finally:
            with self.lock:
                self.in_flight -= 1


def records(pages) -> list[str]:
    return [r["id"] for page in pages for r in page]


def test_the_next_page_is_asked_for_while_the_caller_holds_this_one():
    server = Pages(4)
    with local_server(server) as (url, seen):
        pages = client_for(url).iter_v2_pages("/contacts", "contacts", ahead=True)
        first = next(pages)
        # The caller has not asked for page 2; the client has.
        assert server.asked["t1"].wait(WAIT_S)
        assert records([first, *pages]) == [str(i) for i in range(12)]
    assert [r.query.get("page_token", "") for r in seen] == ["", "t1", "t2", "t3"]
    assert server.most_in_flight == 1


def test_without_ahead_nothing_is_asked_before_the_caller_asks():
    server = Pages(3)
    with local_server(server) as (url, seen):
        pages = client_for(url).iter_v2_pages("/contacts", "contacts")
        next(pages)
        assert len(seen) == 1 and not server.asked["t1"].is_set()
        assert len(list(pages)) == 2


def test_an_error_on_the_page_asked_ahead_arrives_as_itself_after_the_page_before():
    server = Pages(4, {"t2": [(404, JSON, json.dumps({"message": "gone"}).encode())]})
    with local_server(server) as (url, _):
        got = []
        with pytest.raises(FatalError) as raised:
            for page in client_for(url).iter_v2_pages("/contacts", "contacts", ahead=True):
                got.append(page)
    assert raised.value.status == 404
    assert records(got) == [str(i) for i in range(6)]


def test_a_garbled_page_asked_ahead_is_asked_for_again():
    server = Pages(3, {"t1": [(200, JSON, b'{"contacts": [{"id": "3"')]})
    with local_server(server) as (url, seen):
        client = client_for(url)
        assert records(client.iter_v2_pages("/contacts", "contacts", ahead=True)) == [str(i) for i in range(9)]
    assert [r.query.get("page_token", "") for r in seen] == ["", "t1", "t1", "t2"]
    assert client.stats.retries == 1 and client.stats.calls == 4


def test_a_caller_that_stops_early_leaves_one_request_at_most():
    server = Pages(50)
    with local_server(server) as (url, seen):
        pages = client_for(url).iter_v2_pages("/contacts", "contacts", ahead=True)
        next(pages)
        pages.close()
        assert server.asked["t1"].wait(WAIT_S)  # the one in flight when the caller stopped
        for thread in threading.enumerate():
            if thread.name == "keap-next-page":
                thread.join(WAIT_S)
        assert not any(t.name == "keap-next-page" for t in threading.enumerate())
        assert not server.asked["t2"].is_set() and len(seen) == 2


@pytest.mark.parametrize("api", ["v2", "v1"])
def test_the_same_pages_ahead_or_not_from_the_sandbox(sandbox, api):
    client = KeapClient(sandbox.base_url, ApiKeyCredentials(sandbox.credentials.api_key))
    if api == "v2":
        def walk(ahead):
            return list(client.iter_v2_pages("/contacts", "contacts", {"fields": "id,update_time"},
                                             page_size=40, ahead=ahead))
    else:
        def walk(ahead):
            return list(client.iter_v1_pages("/contacts", "contacts", limit=40, ahead=ahead))
    plain, ahead = walk(False), walk(True)
    assert len(plain) > 3 and ahead == plain


def test_reports_whose_pages_make_requests_of_their_own_do_not_read_ahead():
    looks_up = [s for s in REPORTS_BY_NAME.values() if s.lookups or s.sums]
    plain = [s for s in REPORTS_BY_NAME.values() if not (s.lookups or s.sums)]
    assert looks_up and plain
    for spec in looks_up:
        assert not FetchPlan(spec, None, {}, [None], spec.columns).reads_ahead  # type: ignore[arg-type]
    assert all(FetchPlan(s, None, {}, [None], s.columns).reads_ahead for s in plain)  # type: ignore[arg-type]

"""read_ahead: pages in order, the next one fetched while the current one is used, errors and early stops.

Synchronised with events (each wait bounded, so a broken reader fails the test instead of hanging it), not
with sleeps.
"""

from __future__ import annotations

import contextlib
import threading

import pytest

from infusionsoft_assets.catalog.ahead import read_ahead

WAIT_S = 10


class Source:
    """A page iterator that says which page it has been asked for, and whether it was closed (and where)."""

    def __init__(self, pages: int, fail_at: int | None = None):
        self.pages, self.fail_at = pages, fail_at
        self.asked = [threading.Event() for _ in range(pages + 1)]
        self.closed = threading.Event()
        self.closed_in: str | None = None
        self.error = RuntimeError("page 3 could not be fetched")

    def __iter__(self):
        try:
            for number in range(self.pages):
                self.asked[number].set()
                if number == self.fail_at:
                    raise self.error
                yield [f"record {number}"]
        finally:
            self.closed_in = threading.current_thread().name
            self.closed.set()


def reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "keap-read-ahead"]


def test_every_page_in_order():
    assert list(read_ahead(iter(Source(50)), depth=2)) == [[f"record {n}"] for n in range(50)]
    assert list(read_ahead(iter(Source(0)))) == []


def test_the_next_page_is_fetched_while_the_current_one_is_used():
    source = Source(5)
    pages = read_ahead(iter(source), depth=1)
    assert next(pages) == ["record 0"]
    # The consumer holds page 0 and has not asked for more; the reader has already gone for page 1 (and 2).
    assert source.asked[1].wait(WAIT_S)
    assert source.asked[2].wait(WAIT_S)
    assert list(pages) == [[f"record {n}"] for n in range(1, 5)]


def test_an_error_while_fetching_arrives_after_the_pages_before_it_as_itself():
    source = Source(6, fail_at=3)
    got = []
    with pytest.raises(RuntimeError) as raised:
        for page in read_ahead(iter(source)):
            got.append(page)
    assert raised.value is source.error  # the very exception: a Keap error keeps its class and its schedule
    assert got == [["record 0"], ["record 1"], ["record 2"]]
    assert source.closed.wait(WAIT_S)


@pytest.mark.parametrize("how", ["break", "error"])
def test_a_consumer_that_stops_early_stops_the_reader(how):
    source = Source(1000)
    pages = read_ahead(iter(source), depth=1)
    with pytest.raises(ValueError) if how == "error" else contextlib.nullcontext():
        for page in pages:
            assert page == ["record 0"]
            if how == "error":
                raise ValueError("a record that does not fit")  # e.g. RecordError in page_arrays
            break
    pages.close()
    # The reader closes the page iterator in its own thread and ends, having fetched at most the pages it
    # could hold plus the one in flight, not the other 990-odd.
    assert source.closed.wait(WAIT_S)
    assert source.closed_in == "keap-read-ahead"
    for thread in reader_threads():
        thread.join(WAIT_S)
    assert not reader_threads()
    assert not source.asked[10].is_set()


def test_depth_zero_reads_in_the_callers_thread():
    source = Source(3)
    assert list(read_ahead(iter(source), depth=0)) == [[f"record {n}"] for n in range(3)]
    assert source.closed_in == threading.current_thread().name


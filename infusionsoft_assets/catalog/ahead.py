"""Read pages ahead: the next page is requested while the current one is converted and staged.

Keap (or the sandbox) prepares a page in its own process while this one turns the last page into columns,
so a run costs about the larger of the two per page instead of their sum. The pages keep their order, the
same requests are made one after another as before (one in flight per run: pacing and the pool's
concurrency mean what they meant), and at most ``depth`` pages wait in memory.

An exception raised while fetching (a Keap error with its retry schedule, a bad record) reaches the consumer
as itself, after the pages before it. When the consumer stops early (an error of its own, a terminated
run), the reader is told to stop: it finishes the request in flight, if any, makes no other, and closes the
page iterator in its own thread, the one that was running it.
"""

from __future__ import annotations

import queue
import threading
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")

_ITEM, _END, _ERROR = range(3)
#: How often a reader blocked on a full queue looks whether it should stop (a consumer gone for good).
_STOP_POLL_S = 0.5


def read_ahead(source: Iterable[T], depth: int = 1, name: str = "keap-read-ahead") -> Iterator[T]:
    """The items of ``source`` in order, produced in a daemon thread up to ``depth`` items ahead."""
    if depth < 1:
        yield from source
        return
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand(kind: int, value: object) -> bool:
        """Put one message for the consumer; False if the consumer has gone."""
        while not stop.is_set():
            try:
                handoff.put((kind, value), timeout=_STOP_POLL_S)
                return not stop.is_set()  # taken off the queue by a consumer that has just gone
            except queue.Full:
                continue
        return False

    def produce() -> None:
        iterator = iter(source)
        try:
            for item in iterator:
                if not hand(_ITEM, item):
                    return
            hand(_END, None)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            hand(_ERROR, exc)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == _ITEM:
                yield value  # type: ignore[misc]
            elif kind == _END:
                return
            else:
                raise value  # type: ignore[misc]
    finally:
        stop.set()
        try:  # a reader blocked on the full queue sees the stop at once
            while True:
                handoff.get_nowait()
        except queue.Empty:
            pass

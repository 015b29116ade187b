"""Pacing: stay under a credential's limits instead of running into 429s.

Keap reports what is left on every response (``x-keap-product-throttle-available`` for the credential's
rolling minute, ``x-keap-tenant-throttle-available`` for the app's, and ``x-keap-product-spike-limit``
such as ``10ps`` for a PAT/SAK's per-second cap; keap-rest.md §3). Before each request the pacer waits
out what those numbers say: the spacing a per-second cap needs, and, once a minute window shows nothing
left, until this client's oldest call in that window has aged out. The daily quota is not waited for
here: a spent day is an error for the caller (:class:`~.errors.QuotaExhausted`).
"""

from __future__ import annotations

import time
from collections import deque
from typing import Callable, Mapping

WINDOW_S = 60.0


def _int(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(headers[name])
    except (KeyError, TypeError, ValueError):
        return None


def _per_second(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("x-keap-product-spike-limit", "")
    try:
        return float(raw.removesuffix("ps")) if raw.endswith("ps") else None
    except ValueError:
        return None


class Pacer:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._calls: deque[float] = deque()    # this client's call times within the last window
        self._min_gap_s = 0.0                  # from a per-second cap
        self._window_spent = False             # a minute window (credential or tenant) showed 0 left

    def wait_before_request(self) -> tuple[float, str]:
        """Seconds to wait before the next call, and why ("" when none)."""
        now = self.clock()
        while self._calls and now - self._calls[0] >= WINDOW_S:
            self._calls.popleft()
        if self._window_spent and self._calls:
            # Keap's window is rolling: room comes back as this client's oldest call in it ages out.
            # With no call of ours in the window (the budget went to others) there is nothing to
            # wait for here; a 429 then brings its own wait.
            return max(0.0, self._calls[0] + WINDOW_S - now), "the minute's request budget is used up"
        if self._calls and self._min_gap_s:
            gap = self._calls[-1] + self._min_gap_s - now
            if gap > 0:
                return gap, f"the key's {1 / self._min_gap_s:.0f}/s cap"
        return 0.0, ""

    def record_call(self) -> None:
        self._calls.append(self.clock())

    def after_response(self, headers: Mapping[str, str]) -> None:
        rate = _per_second(headers)
        self._min_gap_s = 1.0 / rate if rate else 0.0
        left = [v for v in (_int(headers, "x-keap-product-throttle-available"),
                            _int(headers, "x-keap-tenant-throttle-available")) if v is not None]
        self._window_spent = bool(left) and min(left) <= 0

    def waited(self) -> None:
        """After a wait for a spent window, the next response tells again what is left."""
        self._window_spent = False

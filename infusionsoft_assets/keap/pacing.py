"""Pacing: stay under a credential's limits instead of running into 429s.

Keap reports what is left on every response (keap-rest.md §3): ``x-keap-product-throttle-*`` for the
credential's rolling minute, ``x-keap-product-quota-*`` for its day, ``x-keap-tenant-throttle-*`` for the
Keap app (tenant), and ``x-keap-product-spike-limit`` such as ``10ps`` for a PAT/SAK's per-second cap.
The tenant set carries two windows in one header set, values separated by ``|`` and told apart by
``-time-unit`` (``minute|day``); older answers carry one plain integer (the minute window).
:func:`throttle_windows` reads either form.

Before each request the pacer waits out what those numbers say: the spacing a per-second cap needs,
and, once a minute window (the credential's or the tenant's) shows nothing left, until this client's
oldest call in that window has aged out. A day window is not waited for here: a spent day is an error
for the caller (:class:`~.errors.QuotaExhausted`, classified in :mod:`.errors`).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Mapping

WINDOW_S = 60.0
UNIT_SECONDS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}

PRODUCT_THROTTLE = "x-keap-product-throttle"
PRODUCT_QUOTA = "x-keap-product-quota"
TENANT_THROTTLE = "x-keap-tenant-throttle"
#: The unit order Keap documents for a header set, used only when it sends no ``-time-unit``.
DEFAULT_UNITS = {PRODUCT_THROTTLE: ("minute",), PRODUCT_QUOTA: ("day",), TENANT_THROTTLE: ("minute", "day")}


@dataclass(frozen=True)
class Window:
    """One quota window of a header set: ``limit`` calls per ``interval`` ``unit``\\ s."""

    unit: str
    interval: int = 1
    limit: int | None = None
    available: int | None = None
    used: int | None = None

    @property
    def seconds(self) -> float | None:
        per = UNIT_SECONDS.get(self.unit)
        return per * max(1, self.interval) if per else None

    @property
    def spent(self) -> bool:
        return self.available is not None and self.available <= 0


def _lower(headers: Mapping[str, str]) -> Mapping[str, str]:
    """Header lookups by lower-case name, for ``requests``' headers and for plain dicts alike."""
    return {str(k).lower(): v for k, v in headers.items()}


def _parts(raw: object) -> list[str]:
    return [p.strip() for p in str(raw).split("|")] if raw is not None else []


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def throttle_windows(headers: Mapping[str, str], prefix: str) -> dict[str, Window]:
    """The windows of one header set (``prefix`` such as ``x-keap-tenant-throttle``), keyed by unit.

    Values line up with ``<prefix>-time-unit`` by position, so ``minute|day`` and ``day|minute`` both
    read right. Without a time-unit header Keap's documented order for the set is assumed. When one unit
    appears twice the tighter window (least available) is kept.
    """
    h = _lower(headers)
    values = {name: _parts(h.get(f"{prefix}-{name}")) for name in ("limit", "interval", "available", "used")}
    units = [u.lower() for u in _parts(h.get(f"{prefix}-time-unit"))]
    count = max((len(v) for v in values.values()), default=0)
    if not units:
        units = list(DEFAULT_UNITS.get(prefix, ("minute",)))[:count] if count else []
    windows: dict[str, Window] = {}
    for i, unit in enumerate(units):
        if not unit:
            continue
        at = {name: (v[i] if i < len(v) else None) for name, v in values.items()}
        window = Window(unit=unit, interval=_int_or_none(at["interval"]) or 1, limit=_int_or_none(at["limit"]),
                        available=_int_or_none(at["available"]), used=_int_or_none(at["used"]))
        if window.limit is None and window.available is None and window.used is None:
            continue
        kept = windows.get(unit)
        if kept is None or (window.available is not None
                            and (kept.available is None or window.available < kept.available)):
            windows[unit] = window
    return windows


def _per_second(headers: Mapping[str, str]) -> float | None:
    raw = str(headers.get("x-keap-product-spike-limit", ""))
    try:
        return float(raw.removesuffix("ps")) if raw.endswith("ps") else None
    except ValueError:
        return None


class Pacer:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._calls: deque[float] = deque()    # this client's call times within the last window
        self._min_gap_s = 0.0                  # from a per-second cap
        self._spent: str = ""                  # whose minute window showed 0 left ("" when none)
        self._window_s = WINDOW_S              # that window's length

    def wait_before_request(self) -> tuple[float, str]:
        """Seconds to wait before the next call, and why ("" when none)."""
        now = self.clock()
        while self._calls and now - self._calls[0] >= max(WINDOW_S, self._window_s):
            self._calls.popleft()
        if self._spent and self._calls:
            # Keap's window is rolling: room comes back as this client's oldest call in it ages out.
            # With no call of ours in the window (the budget went to others) there is nothing to
            # wait for here; a 429 then brings its own wait.
            return max(0.0, self._calls[0] + self._window_s - now), f"{self._spent} is used up"
        if self._calls and self._min_gap_s:
            gap = self._calls[-1] + self._min_gap_s - now
            if gap > 0:
                return gap, f"the key's {1 / self._min_gap_s:.0f}/s cap"
        return 0.0, ""

    def record_call(self) -> None:
        self._calls.append(self.clock())

    def after_response(self, headers: Mapping[str, str]) -> None:
        h = _lower(headers)
        rate = _per_second(h)
        self._min_gap_s = 1.0 / rate if rate else 0.0
        minute_windows = (("the credential's minute budget", throttle_windows(h, PRODUCT_THROTTLE).get("minute")),
                          ("the Keap app's (tenant's) minute budget",
                           throttle_windows(h, TENANT_THROTTLE).get("minute")))
        spent = [(who, w) for who, w in minute_windows if w is not None and w.spent]
        self._spent = " and ".join(who for who, _ in spent)
        self._window_s = max((w.seconds or WINDOW_S for _, w in spent), default=WINDOW_S)

    def waited(self) -> None:
        """After a wait for a spent window, the next response tells again what is left."""
        self._spent = ""

"""Per-affiliate, time-indexed views of the affiliate collections, shared by the REST and XML-RPC facades.

Windows are half-open ``[lo_ms, hi_ms)`` with ``None`` meaning unbounded; a facade with inclusive
bounds passes ``hi = end + 1`` (all affiliate times are whole seconds, see :mod:`.affiliates`).
Money sums are rounded to cents, as Keap's reports show them.
"""

from __future__ import annotations

import bisect
import weakref
from collections import defaultdict
from dataclasses import dataclass

_LEDGERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Totals:
    earned: float
    clawbacks: float
    payouts: float

    @property
    def balance(self) -> float:
        return round(self.earned - self.clawbacks - self.payouts, 2)


class _Series:
    """Rows of one affiliate in time order, with their times for bisecting."""

    def __init__(self, rows: list[dict], time_key: str):
        self.rows = rows
        self.times = [r[time_key] for r in rows]

    def window(self, lo: int | None, hi: int | None) -> list[dict]:
        start = 0 if lo is None else bisect.bisect_left(self.times, lo)
        end = len(self.times) if hi is None else bisect.bisect_left(self.times, hi)
        return self.rows[start:max(start, end)]


def _group(rows: list[dict], time_key: str) -> dict[int, _Series]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:  # already time-ordered, so each group is too
        grouped[row["affiliate_id"]].append(row)
    return {aff: _Series(items, time_key) for aff, items in grouped.items()}


_EMPTY = _Series([], "earned_ms")


class AffiliateLedger:
    def __init__(self, ds):
        self.ds = ds
        self.affiliates = {row["Id"]: row for row in ds.tables.get("Affiliate", [])}
        self._commissions = _group(ds.collections.get("commissions", []), "earned_ms")
        self._clawbacks = _group(ds.collections.get("clawbacks", []), "earned_ms")
        self._payouts = _group(ds.collections.get("affiliate_payouts", []), "pay_ms")

    def commissions(self, aff: int, lo: int | None = None, hi: int | None = None) -> list[dict]:
        return self._commissions.get(aff, _EMPTY).window(lo, hi)

    def clawbacks(self, aff: int, lo: int | None = None, hi: int | None = None) -> list[dict]:
        return self._clawbacks.get(aff, _EMPTY).window(lo, hi)

    def payouts(self, aff: int, lo: int | None = None, hi: int | None = None) -> list[dict]:
        return self._payouts.get(aff, _EMPTY).window(lo, hi)

    def totals(self, aff: int, lo: int | None = None, hi: int | None = None) -> Totals:
        """Earned, clawed back and paid out within the window (all-time when unbounded)."""
        return Totals(_sum(self.commissions(aff, lo, hi)), _sum(self.clawbacks(aff, lo, hi)),
                      _sum(self.payouts(aff, lo, hi)))


def _sum(rows: list[dict]) -> float:
    return round(sum((r["amount"] for r in rows), 0.0), 2)


def ledger_for(ds) -> AffiliateLedger:
    ledger = _LEDGERS.get(ds)
    if ledger is None:
        ledger = _LEDGERS[ds] = AffiliateLedger(ds)
    return ledger

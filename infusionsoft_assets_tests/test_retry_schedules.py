"""Step-level retry schedules (pure): DESIGN.md's waits, per error class, with their budgets."""

from infusionsoft_assets.keap.errors import (AuthError, FatalError, QueryTooLong, SavedSearchBlocked, Throttled,
                                            TransientError)
from infusionsoft_assets.keap.retry import next_wait


def waits(error) -> list[float]:
    out, n = [], 0
    while (w := next_wait(error, n)) is not None:
        out.append(w)
        n += 1
    return out


def test_query_too_long_waits_5_10_30_60_300_then_gives_up():
    assert waits(QueryTooLong("[DatabaseError] Query took too long and was cancelled")) == [5, 10, 30, 60, 300]


def test_blocked_saved_search_every_20_minutes_10_times():
    assert waits(SavedSearchBlocked("[DatabaseError] Too many consecutive failures.")) == [1200] * 10


def test_throttle_waits_its_own_window():
    assert waits(Throttled("429", retry_after=42)) == [42] * 5


def test_transient_backs_off_after_the_in_client_retries():
    assert waits(TransientError("503")) == [60, 300, 900]


def test_auth_and_fatal_are_never_retried():
    assert waits(AuthError("401")) == [] and waits(FatalError("400")) == []

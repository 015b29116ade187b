"""Step-level retry schedules: how long to wait before re-running a step that failed with a given error.

These are the *long* waits (seconds to hours) that must not hold a worker; the caller turns the answer
into Dagster's ``RetryRequested``. Short waits happen inside :class:`~.client.KeapClient` first.
The schedules are Domo's documented ones (``DESIGN.md``) plus ours for the classes Domo is silent on.
"""

from __future__ import annotations

from .errors import KeapError, QueryTooLong, SavedSearchBlocked, Throttled, TransientError

#: Waits in seconds, one per retry; the length is the retry budget for that class.
SCHEDULES: dict[type[KeapError], tuple[float, ...]] = {
    QueryTooLong: (5, 10, 30, 60, 300),
    SavedSearchBlocked: (20 * 60,) * 10,
    # In-client retries (about a minute) are already spent when these reach the step.
    TransientError: (60, 300, 900),
}
#: A throttle that outlasts the in-client wait is retried this often, each after its own window.
THROTTLE_RETRIES = 5


def schedule_key(error: KeapError | type[KeapError]) -> type[KeapError] | None:
    """The most specific class with a schedule, or None for errors that must fail at once."""
    kind = error if isinstance(error, type) else type(error)
    if issubclass(kind, Throttled):
        return Throttled
    for cls in kind.__mro__:
        if cls in SCHEDULES:
            return cls
    return None


def next_wait(error: KeapError, prior_retries: int) -> float | None:
    """Seconds to wait before retry number ``prior_retries + 1``, or None when the budget is spent."""
    key = schedule_key(error)
    if key is None:
        return None
    if key is Throttled:
        return error.retry_after if prior_retries < THROTTLE_RETRIES else None  # type: ignore[attr-defined]
    schedule = SCHEDULES[key]
    return schedule[prior_retries] if prior_retries < len(schedule) else None

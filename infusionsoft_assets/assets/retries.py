"""Turns a classified Keap error into Dagster's answer: a scheduled step retry, or a final failure.

Waits come from :mod:`infusionsoft_assets.keap.retry`. They are served with ``RetryRequested`` so a
long wait releases the worker and the pool slot. Each error class has its own budget, counted from
the run's event log (``max_retries`` alone would count every earlier attempt, whatever its cause).
"""

from __future__ import annotations

import dagster as dg

from ..keap import errors as keap_errors
from ..keap.errors import AuthError, KeapError, QuotaExhausted
from ..keap.retry import next_wait, schedule_key


def _prior_retries_of_same_kind(context: dg.AssetExecutionContext, error: KeapError) -> int:
    key = schedule_key(error)
    step_key = context.get_step_execution_context().step.key
    records = context.instance.all_logs(context.run.run_id, of_type=dg.DagsterEventType.STEP_UP_FOR_RETRY)
    count = 0
    for record in records:
        event = record.dagster_event
        cause = event.step_retry_data.error.cause if event and event.step_retry_data and \
            event.step_retry_data.error else None
        cls = getattr(keap_errors, cause.cls_name, None) if cause else None
        if event.step_key == step_key and isinstance(cls, type) and issubclass(cls, KeapError) \
                and schedule_key(cls) is key:
            count += 1
    return count


def answer_for(context: dg.AssetExecutionContext, error: KeapError, where: str) -> Exception:
    """What to raise for ``error``; ``where`` names the report and partition(s)."""
    if isinstance(error, QuotaExhausted):
        return dg.Failure(f"{where}: {error} Nothing more will be fetched today; the next scheduled run "
                          "after the reset catches up.", allow_retries=False)
    if isinstance(error, AuthError):
        return dg.Failure(f"{where}: {error}", allow_retries=False)
    prior = _prior_retries_of_same_kind(context, error)
    wait = next_wait(error, prior)
    if wait is None:
        budget = "" if schedule_key(error) is None else f" after {prior} retries"
        return dg.Failure(f"{where}: {error}{budget}", allow_retries=False)
    context.log.warning(f"{where}: {error} — retrying the step in {wait:.0f} s "
                        f"({type(error).__name__} retry {prior + 1})")
    return dg.RetryRequested(max_retries=context.retry_number + 1, seconds_to_wait=wait)

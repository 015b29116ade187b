"""How a spec's raw pages are fetched: the one place that maps a transport to the client's pager."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

from ..keap.client import KeapClient
from .spec import Dates, ReportSpec, Transport


def v2_time(moment: datetime) -> str:
    """Keap v2 filter timestamps: ISO-8601 UTC with milliseconds and ``Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def window_params(spec: ReportSpec, start: datetime, end: datetime) -> dict[str, str]:
    assert spec.window_filter is not None
    clauses = [spec.window_filter[0].format(v2_time(start)), spec.window_filter[1].format(v2_time(end))]
    if extra := spec.params.get("filter"):
        clauses.insert(0, extra)
    return {"filter": ";".join(clauses)}


def fetch_pages(spec: ReportSpec, client: KeapClient,
                window: tuple[datetime, datetime] | None = None) -> Iterator[list[dict]]:
    """Yield raw record pages; a range report gets the window as the API's own filter."""
    params = dict(spec.params)
    if spec.dates is Dates.RANGE:
        if window is None:
            raise ValueError(f"report {spec.name} is a range report and needs a window")
        params.update(window_params(spec, *window))
    if spec.transport is Transport.REST_V2:
        yield from client.iter_v2_pages(spec.endpoint, spec.items_key, params)
    else:
        raise NotImplementedError(f"report {spec.name}: transport {spec.transport.value} is not built yet")

"""Keap REST v1 conventions shared by every domain's v1 endpoints.

* paging: ``limit`` (default and 0 = 1,000) + ``offset``; envelope
  ``{"<plural>": [...], "count": <total matches>, "next": url, "previous": url}``. ``next`` is sent even
  on the last page (keap-rest.md §2.2); the URLs are absolute, on the request's host, with a trailing
  slash before ``?`` and the original filters repeated (Keap's own form:
  ``https://api.infusionsoft.com/crm/rest/v1/contacts/?limit=2&offset=2&since=…``).
* times: ``2024-11-20T18:34:12.000+0000`` (milliseconds, colon-less offset; :func:`keap_sandbox.wire.v1_time`);
  ids are int64.
* ``since``/``until``: ISO-8601 with a zone (``Z``, ``+00:00`` or ``+0000``), inclusive on both ends.
* ``order`` (per-endpoint vocabulary) + ``order_direction`` ∈ ASCENDING|DESCENDING.
* errors: ``{"message": "..."}`` with the HTTP status.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from ..wire import to_ms
from .v2 import json_response

V1 = "/rest/v1"
DEFAULT_LIMIT = 1000


class V1Error(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message

    def response(self) -> Response:
        return json_response({"message": self.message}, status=self.status)


def v1_int(params, name: str, default: int | None = None) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise V1Error(400, f"Invalid value for {name}: {raw}") from None


def v1_bool(params, name: str, default: bool | None = None) -> bool | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in ("true", "false"):
        raise V1Error(400, f"Invalid value for {name}: {raw}")
    return raw.lower() == "true"


def v1_where_ints(params, rows: list, columns: dict) -> list:
    """The rows whose ``row[column]`` equals each int parameter sent (``{"contact_id": "ContactId"}``);
    a parameter left out does not filter, a non-integer one is a 400."""
    for name, column in columns.items():
        wanted = v1_int(params, name)
        if wanted is not None:
            rows = [row for row in rows if row.get(column) == wanted]
    return rows


def v1_bound(params, name: str) -> int | None:
    """Epoch ms of a ``since``/``until``-style parameter; a zone is required."""
    raw = params.get(name)
    if not raw:
        return None
    text = raw.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":  # +0000 -> +00:00
        text = text[:-2] + ":" + text[-2:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise V1Error(400, f"Invalid date for {name}: {raw}") from None
    if moment.tzinfo is None:
        raise V1Error(400, f"Invalid date for {name}: {raw} (a time zone is required)")
    return to_ms(moment)


def v1_window(params) -> tuple[int | None, int | None]:
    """Inclusive ``since``/``until`` as a half-open ms window ``[lo, hi)``."""
    until = v1_bound(params, "until")
    return v1_bound(params, "since"), (None if until is None else until + 1)


def v1_filter_window(params, rows: list, key) -> list:
    """The rows whose ``key(row)`` (epoch ms; None = never matches a bound) is inside since/until."""
    lo, hi = v1_window(params)
    if lo is None and hi is None:
        return rows
    return [r for r in rows if (k := key(r)) is not None and (lo is None or k >= lo) and (hi is None or k < hi)]


def v1_order(params, allowed: dict, default: str):
    """``(sort key from allowed[order], descending)``; unknown order/direction → 400."""
    order = params.get("order") or default
    direction = (params.get("order_direction") or "ASCENDING").upper()
    if order not in allowed or direction not in ("ASCENDING", "DESCENDING"):
        raise V1Error(400, f"Invalid order '{order}' / order_direction '{direction}'")
    return allowed[order], direction == "DESCENDING"


def v1_page(request: Request, envelope: str, rows: list, **extra) -> Response:
    """Slice by limit/offset and wrap in Keap's v1 envelope (``extra`` keys, e.g. ``sync_token``, appended)."""
    params = request.query_params
    limit = v1_int(params, "limit", DEFAULT_LIMIT) or DEFAULT_LIMIT
    offset = v1_int(params, "offset", 0)
    if limit < 0 or offset < 0:
        raise V1Error(400, "limit and offset must not be negative")
    kept = [(k, v) for k, v in params.multi_items() if k not in ("limit", "offset")]
    base = f"{request.url.scheme}://{request.url.netloc}{request.url.path.rstrip('/')}/?"

    def url(at: int) -> str:
        return base + urlencode([("limit", limit), ("offset", at), *kept])

    return json_response({envelope: rows[offset:offset + limit], "count": len(rows),
                          "next": url(offset + limit), "previous": url(max(offset - limit, 0)), **extra})


def v1_endpoint(fn):
    """An async route handler from a sync ``fn(request, **path) -> Response`` raising V1Error."""
    async def handler(request: Request, **path) -> Response:
        try:
            return fn(request, **path)
        except V1Error as exc:
            return exc.response()
    return handler


class V1List:
    """A v1 list endpoint from ``select(params, **path_params) -> rows``.

    ``select`` raises V1Error (or ValueError → 400, LookupError → 404, the message as the body).
    """

    def __init__(self, envelope: str, select):
        self.envelope, self.select = envelope, select

    async def __call__(self, request: Request, **path_params) -> Response:
        try:
            return v1_page(request, self.envelope, self.select(request.query_params, **path_params))
        except V1Error as exc:
            return exc.response()
        except ValueError as exc:
            return V1Error(400, str(exc) or "Invalid request").response()
        except LookupError as exc:
            return V1Error(404, str(exc.args[0]) if exc.args else "Not found").response()

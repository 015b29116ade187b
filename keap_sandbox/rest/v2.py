"""Keap REST v2 list endpoints: query parsing, paging and projection over a :class:`Dataset`.

Conventions imitated (research/keap-rest.md §2.3, the v2 OpenAPI file):

* paging: ``page_size`` (int 0..1000) + opaque ``page_token``; the envelope is
  ``{"<plural>": [...], "next_page_token": "..."}`` with ``next_page_token == ""`` on the last page
  (clients must stop on empty/missing). No count/total, as in Keap. An empty page has **no**
  ``<plural>`` key (``{"next_page_token": ""}``): v2 is gRPC-transcoded and proto3 JSON leaves out an
  empty repeated field; every v2 list model marks the key optional (see :func:`list_fields`).
* ``filter``: ``;``-separated ``field<op>value`` conditions, ANDed. Trailing ``*`` = case-insensitive
  prefix match on the fields the spec marks as wildcard; a leading ``*`` is rejected. Plain string
  equality is case-insensitive too (Keap's MySQL collation is).
* ``order_by``: ``"<field> <asc|desc>"`` (``asc`` when the direction is left out).
* ``fields``: comma list restricting the keys of each record; ``id`` is always returned.
* every validation failure is a 400 with the v2 ``Error`` body
  ``{"code", "message", "status", "details": [{"domain", "resource"}]}``.

:class:`ListResource` pages, tokens and renders; each endpoint is declared once as a
:class:`~.listing.ListEndpoint` (:mod:`.listing`), so new endpoints are a few lines each.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import operator
import re
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from ..wire import parse_v2_time

V2 = "/rest/v2"  # below /crm
MAX_PAGE_SIZE = 1000
# Keap documents no default page_size (keap-rest.md §2.3, §7). v1 answers 1,000 rows when no limit
# is sent, so the sandbox does the same for v2 when page_size is absent or 0 (AIP-158: 0 = default).
DEFAULT_PAGE_SIZE = 1000

_STATUS_TEXT = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 501: "Not Implemented"}


class ApiError(Exception):
    """A v2 ``Error`` response. ``domain`` names the offending parameter, ``resource`` the record type."""

    def __init__(self, status: int, message: str, *, domain: str = "", resource: str = ""):
        super().__init__(message)
        self.status, self.message, self.domain, self.resource = status, message, domain, resource

    def response(self) -> Response:
        body = {"code": self.status, "message": self.message,
                "status": _STATUS_TEXT.get(self.status, "Error"),
                "details": [{"domain": self.domain, "resource": self.resource}]}
        return json_response(body, status=self.status)


def json_response(body, *, status: int = 200, headers: dict | None = None) -> Response:
    """A compact JSON response (errors and small bodies; list pages go through FragmentCache)."""
    return Response(compact_json(body), status_code=status, media_type="application/json", headers=headers)


def compact_json(body) -> bytes:
    """JSON as Keap sends it: no spaces, UTF-8 text left unescaped."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def list_fields(envelope: str, rows: list) -> dict:
    """A v2 list's array as proto3 JSON writes it: ``{envelope: rows}``, or nothing when empty."""
    return {envelope: rows} if rows else {}


def page_body(envelope: str, rows: list, next_token: str, **extra) -> bytes:
    """A list page dumped whole, for empty pages and records the fragment cache cannot key (no ``id``);
    ``extra`` keys (page-level totals) follow ``next_page_token``."""
    return compact_json({**list_fields(envelope, rows), "next_page_token": next_token, **extra})


# --------------------------------------------------------------------------- filter grammar

_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=|>=|<=|>|<)(.*)$", re.S)
# Full date-time with an offset; fractional seconds optional (Keap asks for milliseconds, Java's
# parser accepts whole seconds too). Date-only values are rejected, as Keap does.
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$")


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str

    @property
    def wildcard(self) -> bool:
        return self.value.endswith("*")

    @property
    def stem(self) -> str:
        """The value without its trailing wildcard, lower-cased for case-insensitive matching."""
        return (self.value[:-1] if self.wildcard else self.value).lower()


# Filter kinds: what operators and value syntax each field accepts. NUMBER is an integer with the
# operators most id filters declare (``==, <=, <, >=, >, !=``: affiliates ``id``, referrals
# ``contact_id``, orders ``id``); ORDERED is an integer whose spec leaves ``!=`` out (contacts
# ``contact_id``, companies ``company_id``); DECIMAL a number with every operator (amounts);
# COMPARED_TIME a date-time compared with ``==, <, <=, >, >=`` (task appointments, lead-source
# expenses), where TIME takes ``==`` only; BOOL is ``==true`` or ``==false``.
EXACT, WILDCARD, LIST, TIME, NUMBER, ORDERED = "exact", "wildcard", "list", "time", "number", "ordered"
DECIMAL, COMPARED_TIME, BOOL = "decimal", "compared_time", "bool"
#: The one definition of the comparison operators, for every number, amount and time filter.
NUMBER_OPS = {"==": operator.eq, "!=": operator.ne, ">": operator.gt, "<": operator.lt, ">=": operator.ge,
              "<=": operator.le}
_OPS = {EXACT: {"=="}, WILDCARD: {"=="}, LIST: {"=="}, TIME: {"=="}, BOOL: {"=="}, NUMBER: set(NUMBER_OPS),
        DECIMAL: set(NUMBER_OPS), ORDERED: set(NUMBER_OPS) - {"!="}, COMPARED_TIME: set(NUMBER_OPS) - {"!="}}


def parse_filter(raw: str, kinds: dict[str, str], resource: str) -> list[Condition]:
    conditions = []
    for part in raw.split(";"):
        if not part.strip():
            continue
        match = _CONDITION.match(part)
        if not match:
            raise ApiError(400, f"Invalid filter expression '{part}'", domain="filter", resource=resource)
        field, op, value = match.group(1), match.group(2), match.group(3).strip()
        kind = kinds.get(field)
        if kind is None:
            raise ApiError(400, f"Invalid filter field '{field}'", domain="filter", resource=resource)
        if op not in _OPS[kind]:
            raise ApiError(400, f"Invalid operator '{op}' for filter field '{field}'",
                           domain="filter", resource=resource)
        _check_value(Condition(field, op, value), kind, resource)
        conditions.append(Condition(field, op, value))
    return conditions


def _check_value(cond: Condition, kind: str, resource: str) -> None:
    def bad(why: str) -> ApiError:
        return ApiError(400, f"Invalid value '{cond.value}' for filter field '{cond.field}': {why}",
                        domain="filter", resource=resource)

    if cond.value == "":
        raise bad("empty value")
    if cond.value.startswith("*"):
        raise bad("leading wildcards are not supported")
    if "*" in cond.value and (kind != WILDCARD or "*" in cond.value[:-1]):
        raise bad("wildcard not supported here")
    if kind in (TIME, COMPARED_TIME) and not _DATETIME.match(cond.value):
        raise bad("expected an ISO-8601 date-time with offset, e.g. 2025-01-01T00:00:00.000Z")
    if kind == LIST and not all(v.strip().isdigit() for v in cond.value.split(",")):
        raise bad("expected a comma-separated list of ids")
    if kind in (NUMBER, ORDERED) and not cond.value.isdigit():
        raise bad("expected an integer")
    if kind == DECIMAL and not _is_decimal(cond.value):
        raise bad("expected a number")
    if kind == BOOL and cond.value.lower() not in ("true", "false"):
        raise bad("expected true or false")


def _is_decimal(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def matches_text(actual: str | None, cond: Condition) -> bool:
    if actual is None:
        return False
    actual = actual.lower()
    return actual.startswith(cond.stem) if cond.wildcard else actual == cond.stem


# --------------------------------------------------------------------------- order_by, fields, paging


def parse_order_by(raw: str | None, allowed: tuple[str, ...], resource: str) -> tuple[str, bool] | None:
    """``(field, descending)`` or None for the resource's default order."""
    if not raw or not raw.strip():
        return None
    words = raw.split()
    field = words[0]
    direction = words[1].lower() if len(words) > 1 else "asc"
    if field not in allowed or direction not in ("asc", "desc") or len(words) > 2:
        raise ApiError(400, f"Invalid order_by '{raw}'; allowed fields: {', '.join(allowed)} "
                       "with direction asc or desc", domain="order_by", resource=resource)
    return field, direction == "desc"


def parse_page_size(raw: str | None, resource: str) -> int:
    if raw is None or raw.strip() == "":
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise ApiError(400, f"Invalid page_size '{raw}': must be an integer", domain="page_size",
                       resource=resource) from None
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise ApiError(400, f"Invalid page_size {size}: must be between 0 and {MAX_PAGE_SIZE}",
                       domain="page_size", resource=resource)
    return size or DEFAULT_PAGE_SIZE


def parse_fields(values: list[str], allowed: tuple[str, ...], resource: str) -> list[str] | None:
    """Requested field names (``id`` first), or None when no ``fields`` parameter was sent."""
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    if not names:  # absent or `fields=` with nothing in it: the default set
        return None
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise ApiError(400, f"Invalid fields: {', '.join(unknown)}", domain="fields", resource=resource)
    return ["id"] + [n for n in dict.fromkeys(names) if n != "id"]


def query_fingerprint(resource: str, raw_filter: str, order: tuple[str, bool] | None) -> str:
    """Ties a page token to the query it came from, so reuse with another filter/order is caught."""
    text = f"{resource}\0{raw_filter.strip()}\0{order}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def encode_page_token(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}:{fingerprint}".encode()).decode().rstrip("=")


def decode_page_token(token: str, fingerprint: str, resource: str) -> int:
    def invalid() -> ApiError:
        return ApiError(400, "Invalid page_token", domain="page_token", resource=resource)

    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        offset_text, _, token_fingerprint = raw.partition(":")
        offset = int(offset_text)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid() from None
    if offset < 0 or token_fingerprint != fingerprint:
        raise invalid()
    return offset


# --------------------------------------------------------------------------- rendering


class FragmentCache:
    """Each record's JSON, rendered once per field set and reused by every later page.

    ``json.dumps`` of a full 1,000-contact page takes ~20 ms, which would dominate a bench that
    pulls 100k contacts; joining cached fragments takes well under 1 ms. Only the most recent
    ``max_field_sets`` field sets are kept (a full-field 100k-contact table is ~150 MB), and records
    are keyed by their ``id``: a future mutable dataset must call :meth:`clear` when it changes one.
    """

    def __init__(self, max_field_sets: int = 2):
        self.max_field_sets = max_field_sets
        self._tables: OrderedDict = OrderedDict()

    def clear(self) -> None:
        self._tables.clear()

    def _table(self, keys) -> dict:
        table = self._tables.get(keys)
        if table is None:
            table = self._tables[keys] = {}
            if len(self._tables) > self.max_field_sets:
                self._tables.popitem(last=False)
        else:
            self._tables.move_to_end(keys)
        return table

    def render(self, rows: list[dict], keys: tuple[str, ...] | None) -> list[bytes]:
        table, out = self._table(keys), []
        for row in rows:
            fragment = table.get(row["id"])
            if fragment is None:
                record = row if keys is None else {k: row[k] for k in keys}
                fragment = table[row["id"]] = json.dumps(
                    record, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            out.append(fragment)
        return out


# --------------------------------------------------------------------------- resources


class ListResource:
    """One v2 list endpoint. Subclasses fill in the class attributes and :meth:`select`."""

    resource = ""  # record type named in error details, e.g. "Contact"
    envelope = ""  # top-level array key, e.g. "contacts"
    filters: dict[str, str] = {}
    order_fields: tuple[str, ...] = ()
    fields: tuple[str, ...] | None = None  # None: the endpoint has no `fields` parameter
    default_fields: tuple[str, ...] | None = None  # None: every field
    unrendered_fields: frozenset[str] = frozenset()  # accepted in `fields` but absent from records
    cache_size = 32

    def __init__(self) -> None:
        # Paging through a big result re-runs the same query once per page; caching the selected
        # list keeps each page O(page_size) instead of O(result).
        self._cache: OrderedDict = OrderedDict()
        self._fragments = FragmentCache()

    def select(self, conditions: list[Condition], order: tuple[str, bool] | None) -> list[dict]:
        raise NotImplementedError

    def _selected(self, raw_filter: str, conditions, order) -> list[dict]:
        key = (raw_filter.strip(), order)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        rows = self.select(conditions, order)
        self._cache[key] = rows
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return rows

    def parse_conditions(self, raw_filter: str) -> list[Condition]:
        """The request's filter; a subclass adds rules on combinations (400 on a bad one)."""
        return parse_filter(raw_filter, self.filters, self.resource)

    def page_size(self, raw: str | None) -> int:
        return parse_page_size(raw, self.resource)

    def page(self, params) -> tuple[list[dict], tuple[str, ...] | None, str]:
        """(records of this page, keys to render or None for all, next_page_token) for one request."""
        raw_filter = params.get("filter") or ""
        conditions = self.parse_conditions(raw_filter)
        order = parse_order_by(params.get("order_by"), self.order_fields, self.resource)
        size = self.page_size(params.get("page_size"))
        keys = self._keys(params)
        fingerprint = query_fingerprint(self.envelope, raw_filter, order)
        token = params.get("page_token")
        offset = decode_page_token(token, fingerprint, self.resource) if token else 0
        rows = self._selected(raw_filter, conditions, order)
        end = offset + size
        return rows[offset:end], keys, encode_page_token(end, fingerprint) if end < len(rows) else ""

    def body(self, params) -> bytes:
        """The JSON response body, assembled from per-record fragments (see :class:`FragmentCache`)."""
        chunk, keys, next_token = self.page(params)
        if not chunk or "id" not in chunk[0]:  # empty, or rows with no id to cache by (associations)
            return page_body(self.envelope, chunk if keys is None else [{k: r[k] for k in keys} for r in chunk],
                             next_token)
        fragments = self._fragments.render(chunk, keys)
        return b"".join((b'{"', self.envelope.encode(), b'":[', b",".join(fragments),
                         b'],"next_page_token":', json.dumps(next_token).encode(), b"}"))

    def _keys(self, params) -> tuple[str, ...] | None:
        if self.fields is None:
            return None
        requested = parse_fields(params.getlist("fields"), self.fields, self.resource)
        keys = requested if requested is not None else self.default_fields
        return None if keys is None else tuple(k for k in keys if k not in self.unrendered_fields)

    async def handle(self, request: Request) -> Response:
        try:
            return Response(self.body(request.query_params), media_type="application/json")
        except ApiError as exc:
            return exc.response()


def number_matches(actual, cond: Condition) -> bool:
    """Whether a record's number (int, float or a numeric string such as a v2 id) satisfies a
    NUMBER, ORDERED or DECIMAL condition; None (no value) never does."""
    return actual is not None and NUMBER_OPS[cond.op](_number(actual), _number(cond.value))


def time_matches(actual: str | None, cond: Condition) -> bool:
    """A COMPARED_TIME condition on an ISO-8601 record time (None never matches)."""
    return actual is not None and NUMBER_OPS[cond.op](parse_v2_time(actual), parse_v2_time(cond.value))


def _number(value) -> int | float:
    if isinstance(value, (int, float)):
        return value
    return int(value) if value.lstrip("-").isdigit() else float(value)

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

A resource (:class:`ListResource` subclass) only says which filters/orders/fields exist and how to
select records; paging, tokens and rendering are shared, so new endpoints are a few lines each.
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
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from .builds import has_feature
from .dataset import Dataset, to_ms

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


def parse_time_ms(value: str) -> int:
    """Epoch ms of a validated filter timestamp (``Z`` accepted by ``fromisoformat`` on 3.11+)."""
    return to_ms(datetime.fromisoformat(value))


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


# Selectable contact fields, verbatim from the spec's `fields` parameter description.
CONTACT_FIELDS = tuple(
    "addresses,anniversary_date,birth_date,company,contact_type,create_time,custom_fields,email_addresses,"
    "family_name,fax_numbers,given_name,id,job_title,leadsource_id,links,middle_name,notes,origin,owner_id,"
    "phone_numbers,preferred_locale,preferred_name,prefix,referral_code,score_value,social_accounts,"
    "source_type,spouse_name,suffix,tag_ids,time_zone,update_time,utm_parameters,website,account_id,"
    "assistant_name,assistant_phone,billing_information,created_by,groups,last_updated_by".split(",")
)
# Keap returns a reduced field set when `fields` is absent (keap-rest.md §2.3, §2.5). Keap's
# /v2/contacts/model lists everything but id/given_name/family_name under "optional_properties"
# ("not transmitted by default"; wire sample custom-fields__contacts-v2.json); the sandbox also
# returns the two contact channels, as the research notes describe the default. Crucially the
# default never carries update_time/create_time/custom_fields/tag_ids, so a pipeline that forgets
# to ask for them gets nulls here just as it would from Keap.
DEFAULT_CONTACT_FIELDS = ("id", "given_name", "family_name", "email_addresses", "phone_numbers")

_ADDRESS_PARTS = ("line1", "locality", "region", "postal_code", "country_code")
# filter name -> (address slot, address key); `city`/`state` read the primary (billing) address.
ADDRESS_FILTERS = {f"{slot.lower()}_address_{part}": (slot, part)
                   for slot in ("BILLING", "SHIPPING", "OTHER") for part in _ADDRESS_PARTS}
ADDRESS_FILTERS.update({"city": ("BILLING", "locality"), "state": ("BILLING", "region")})
_WILDCARD_ADDRESS = {"city", "state"}
_TIME_FILTERS = {"start_update_time", "end_update_time"}  # applied by bisect, not as predicates


def _email_key(contact: dict) -> str:
    emails = contact["email_addresses"]
    return emails[0]["email"].lower() if emails else ""


class ContactsResource(ListResource):
    """``GET /crm/rest/v2/contacts``.

    Time window: ``start_update_time==T`` keeps ``update_time >= T`` (inclusive) and
    ``end_update_time==T`` keeps ``update_time < T`` (exclusive). Keap does not document the
    bounds; half-open windows tile without overlap or gaps, which is what an incremental loader
    needs, and a loader that double-counts a boundary record will still see it in the sandbox.
    Default order (no ``order_by``): ``id`` ascending. ``keap_build`` (see :mod:`.builds`): a build
    older than 2026-05 does not know ``order_by=update_time`` and answers it with a 400.
    """

    resource = "Contact"
    envelope = "contacts"
    filters = {
        "email": WILDCARD, "given_name": WILDCARD, "family_name": WILDCARD, "middle_name": WILDCARD,
        "website": WILDCARD, "company_id": EXACT, "contact_ids": LIST, "ids": LIST,
        "start_update_time": TIME, "end_update_time": TIME, "contact_id": ORDERED,
        "phone_number": WILDCARD, "phone_fields": EXACT, "lead_source_name": WILDCARD,
        **{name: (WILDCARD if name in _WILDCARD_ADDRESS else EXACT) for name in ADDRESS_FILTERS},
    }
    order_fields = ("id", "create_time", "email", "update_time")
    fields = CONTACT_FIELDS
    default_fields = DEFAULT_CONTACT_FIELDS
    # The spec lists `notes` as selectable, but the Contact schema has no such property.
    unrendered_fields = frozenset({"notes"})

    def __init__(self, dataset: Dataset, keap_build: str | None = None):
        super().__init__()
        self.dataset = dataset
        self._by_id: list[dict] | None = None
        if not has_feature(keap_build, "contacts_order_by_update_time"):
            self.order_fields = tuple(f for f in self.order_fields if f != "update_time")

    def select(self, conditions, order):
        self._check_supported(conditions)
        rows = self._window(conditions)
        # phone_fields only narrows which slots phone_number searches; it is not a filter alone.
        slots = {v.strip().upper() for c in conditions if c.field == "phone_fields"
                 for v in c.value.split(",")}
        predicates = [self._predicate(c, slots) for c in conditions
                      if c.field not in _TIME_FILTERS and c.field != "phone_fields"]
        if predicates:
            rows = [row for row in rows if all(p(row) for p in predicates)]
        return self._ordered(rows, order, windowed=len(rows) != len(self.dataset.contacts))

    def _check_supported(self, conditions) -> None:
        fields = {c.field for c in conditions}
        if ("phone_number" in fields) != ("phone_fields" in fields):
            raise ApiError(400, "phone_number and phone_fields must be used together",
                           domain="filter", resource=self.resource)

    def _window(self, conditions) -> list[dict]:
        """Bisect the (update_time, id)-sorted contacts instead of scanning them."""
        starts = [parse_time_ms(c.value) for c in conditions if c.field == "start_update_time"]
        ends = [parse_time_ms(c.value) for c in conditions if c.field == "end_update_time"]
        lo, hi = self.dataset.update_window(max(starts) if starts else None, min(ends) if ends else None)
        return self.dataset.contacts[lo:hi]

    def _predicate(self, cond: Condition, phone_slots: set[str]):
        field = cond.field
        if field in ("ids", "contact_ids"):
            wanted = {v.strip() for v in cond.value.split(",")}
            return lambda c: c["id"] in wanted
        if field == "contact_id":
            return _number_predicate(cond)
        if field == "email":
            return lambda c: any(matches_text(e["email"], cond) for e in c["email_addresses"])
        if field == "lead_source_name":
            sources = {str(row["Id"]) for row in self.dataset.tables.get("LeadSource", ())
                       if matches_text(row.get("Name"), cond)}
            return lambda c: c["leadsource_id"] in sources
        if field == "company_id":
            return lambda c: c["company"] is not None and c["company"]["id"] == cond.value
        if field == "phone_number":
            return lambda c: any(p["field"] in phone_slots and matches_text(p["number"], cond)
                                 for p in c["phone_numbers"])
        if field in ADDRESS_FILTERS:
            slot, key = ADDRESS_FILTERS[field]
            return lambda c: any(a["field"] == slot and matches_text(a[key], cond) for a in c["addresses"])
        return lambda c: matches_text(c[field], cond)  # given/family/middle name, website

    def _ordered(self, rows: list[dict], order, *, windowed: bool) -> list[dict]:
        field, descending = order or ("id", False)
        if field == "update_time":
            ordered = rows  # already (update_time, id) sorted
        elif field == "id" and not windowed:
            ordered = self._all_by_id()
        else:
            key = {"id": lambda c: int(c["id"]),
                   "create_time": lambda c: (c["create_time"], int(c["id"])),
                   "email": lambda c: (_email_key(c), int(c["id"]))}[field]
            ordered = sorted(rows, key=key)
        return ordered[::-1] if descending else ordered

    def _all_by_id(self) -> list[dict]:
        if self._by_id is None:
            self._by_id = sorted(self.dataset.contacts, key=lambda c: int(c["id"]))
        return self._by_id


def number_matches(actual, cond: Condition) -> bool:
    """Whether a record's number (int, float or a numeric string such as a v2 id) satisfies a
    NUMBER, ORDERED or DECIMAL condition; None (no value) never does."""
    return actual is not None and NUMBER_OPS[cond.op](_number(actual), _number(cond.value))


def time_matches(actual: str | None, cond: Condition) -> bool:
    """A COMPARED_TIME condition on an ISO-8601 record time (None never matches)."""
    return actual is not None and NUMBER_OPS[cond.op](parse_time_ms(actual), parse_time_ms(cond.value))


def _number(value) -> int | float:
    if isinstance(value, (int, float)):
        return value
    return int(value) if value.lstrip("-").isdigit() else float(value)


def _number_predicate(cond: Condition):
    return lambda c: number_matches(c["id"], cond)


class CommissionProgramsResource(ListResource):
    """``GET /crm/rest/v2/affiliates/commissionPrograms`` (no ``fields`` parameter in the spec).

    ``name==`` is an exact, case-insensitive match (the spec marks no wildcard);
    ``affiliate_id==X`` keeps programs whose ``affiliate_ids`` include X. Default order: id.
    """

    resource = "AffiliateProgram"
    envelope = "commission_programs"
    filters = {"name": EXACT, "affiliate_id": EXACT}
    order_fields = ("name", "date_created")

    def __init__(self, dataset: Dataset):
        super().__init__()
        self.dataset = dataset

    def select(self, conditions, order):
        rows = self.dataset.commission_programs
        for cond in conditions:
            if cond.field == "name":
                rows = [p for p in rows if matches_text(p["name"], cond)]
            else:
                rows = [p for p in rows if cond.value in p["affiliate_ids"]]
        field, descending = order or ("id", False)
        key = {"id": lambda p: int(p["id"]),
               "name": lambda p: (p["name"].lower(), int(p["id"])),
               "date_created": lambda p: (p["create_time"], int(p["id"]))}[field]
        return sorted(rows, key=key, reverse=descending)

"""Keap's gateway quotas, counted for real (keap-rest.md §3, keap-xmlrpc.md §1.4).

Every authenticated ``/crm`` request (REST and XML-RPC alike) is counted against

* its **credential**: an OAuth *client* (every access token of one client_id shares one budget) —
  1,500/minute and 150,000/day; or a PAT/SAK key — 10/second, 240/minute and 30,000/day;
* its **tenant** (the Keap app) — 10,000/minute and 250,000/day, whatever the credential.

Every response reports the credential's day and minute (``x-keap-product-quota-*`` and
``x-keap-product-throttle-*``, plain integers) and the tenant's minute *and* day in one set of
``x-keap-tenant-throttle-*`` headers whose values carry both windows, minute first, separated by ``|``
(``limit: 10000|250000``, ``time-unit: minute|day``, ``interval: 1|1``, ``available``/``used``:
``<minute>|<day>``), as Keap sends them. 429s carry the same headers.

Minute and second windows are rolling (Keap's Apigee note); days reset at 00:00 UTC. Time comes
from an injectable ``clock`` (epoch seconds), so tests move through windows and midnights without
sleeping. A request over a limit is not counted and gets HTTP 429:

* per-second (PAT/SAK spike arrest): the Apigee ``SpikeArrestViolation`` fault;
* minute or day: the current gateway body ``{"code":"429","message":"Quota Exceeded",...}``.

XML-RPC gets the same HTTP 429 JSON, not an XML-RPC fault (keap-xmlrpc.md §1.4: "Exceeding → HTTP 429
with the JSON body above"); ``xmlrpc.client`` surfaces it as a ``ProtocolError``.

Overrides (tests, demos): :class:`QuotaLimits` fields, given to ``create_app``/``SandboxServer``, as
CLI flags ``--quota-<field>`` (dashes), or as env vars ``KEAP_SANDBOX_QUOTA_<FIELD>`` read by the CLI,
e.g. ``KEAP_SANDBOX_QUOTA_KEY_PER_MINUTE=5``, ``KEAP_SANDBOX_QUOTA_ENFORCE=0`` (count and report in the
headers, never answer 429).
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, fields, replace
from typing import Callable, Mapping

from starlette.responses import JSONResponse

ENV_PREFIX = "KEAP_SANDBOX_QUOTA_"
DAY_SECONDS = 86_400


@dataclass(frozen=True)
class QuotaLimits:
    """Keap's published numbers (2026). ``enforce=False`` counts and reports but never rejects."""

    oauth_per_minute: int = 1_500
    oauth_per_day: int = 150_000
    key_per_second: int = 10
    key_per_minute: int = 240
    key_per_day: int = 30_000
    tenant_per_minute: int = 10_000
    tenant_per_day: int = 250_000
    enforce: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides) -> "QuotaLimits":
        """Defaults, then ``KEAP_SANDBOX_QUOTA_*`` env vars, then explicit ``overrides``."""
        values = {}
        for field in fields(cls):
            raw = environ.get(ENV_PREFIX + field.name.upper())
            if raw is not None and raw.strip():
                values[field.name] = _parse_bool(raw) if field.type in (bool, "bool") else int(raw)
        return replace(cls(**values), **overrides)

    def with_overrides(self, changes: Mapping[str, object]) -> "QuotaLimits":
        known = {f.name: f for f in fields(self)}
        unknown = set(changes) - set(known)
        if unknown:
            raise ValueError(f"unknown quota settings: {sorted(unknown)}")
        return replace(self, **{k: bool(v) if known[k].type in (bool, "bool") else int(v)
                                for k, v in changes.items()})

    def as_dict(self) -> dict:
        return asdict(self)


def _parse_bool(raw: str) -> bool:
    return raw.strip().lower() not in ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Principal:
    """Who a request is billed to: ``kind`` is ``"oauth"`` (ident = client_id) or ``"key"`` (ident = the key)."""

    kind: str
    ident: str


class RollingWindow:
    """Request timestamps within the last ``seconds`` (a deque: O(1) amortised per request)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._stamps: deque[float] = deque()

    def used(self, now: float) -> int:
        horizon = now - self.seconds
        stamps = self._stamps
        while stamps and stamps[0] <= horizon:
            stamps.popleft()
        # A clock moved backwards (tests) must not leave future stamps counting forever.
        while stamps and stamps[-1] > now:
            stamps.pop()
        return len(stamps)

    def add(self, now: float) -> None:
        self._stamps.append(now)


class DailyCounter:
    """Calls since the last 00:00 UTC."""

    def __init__(self):
        self.day = -1
        self.count = 0

    def used(self, now: float) -> int:
        day = int(now // DAY_SECONDS)
        if day != self.day:
            self.day, self.count = day, 0
        return self.count

    def add(self, now: float) -> None:
        self.used(now)
        self.count += 1


@dataclass
class Bucket:
    """One budget: optional per-second window, a rolling minute, a UTC day."""

    per_second: int | None
    per_minute: int
    per_day: int

    def __post_init__(self):
        self.second = RollingWindow(1.0)
        self.minute = RollingWindow(60.0)
        self.daily = DailyCounter()

    def violation(self, now: float) -> str | None:
        """``"spike"``, ``"quota"`` or None. The spike arrest is checked first, as Apigee's flow does."""
        if self.per_second is not None and self.second.used(now) >= self.per_second:
            return "spike"
        if self.daily.used(now) >= self.per_day or self.minute.used(now) >= self.per_minute:
            return "quota"
        return None

    def add(self, now: float) -> None:
        self.second.add(now)
        self.minute.add(now)
        self.daily.add(now)


@dataclass(frozen=True)
class Admission:
    """The outcome for one request: its headers (real counts) and, if rejected, the 429 to send."""

    headers: dict[str, str]
    rejection: str | None = None  # "spike" | "quota"

    def response(self) -> JSONResponse:
        return JSONResponse(_REJECTION_BODIES[self.rejection](self), status_code=429, headers=self.headers)

    @property
    def spike_limit(self) -> int:
        return int(self.headers.get("x-keap-product-spike-limit", "10ps").rstrip("ps"))


# Current gateway body (2024-2025 forum reports; `code` is a string there).
QUOTA_EXCEEDED = {"code": "429", "message": "Quota Exceeded", "status": "Request Throttled", "details": None}


def spike_arrest_body(per_second: int) -> dict:
    """Apigee's SpikeArrest fault, worded as Apigee words it."""
    return {"fault": {
        "faultstring": f"Spike arrest violation. Allowed rate : MessageRate{{messagesPerPeriod={per_second}, "
                       "periodInMicroseconds=1000000, maxBurstMessageCount=1.0}",
        "detail": {"errorcode": "policies.ratelimit.SpikeArrestViolation"}}}


def apigee_quota_body(identifier: str) -> dict:
    """The Apigee Quota fault documented at the 2020 migration (still seen by some clients)."""
    return {"fault": {"faultstring": f"Rate limit quota violation. Quota limit exceeded. Identifier : {identifier}",
                      "detail": {"errorcode": "policies.ratelimit.QuotaViolation"}}}


_REJECTION_BODIES = {
    "quota": lambda admission: QUOTA_EXCEEDED,
    "spike": lambda admission: spike_arrest_body(admission.spike_limit),
}


class Quotas:
    """Counts per credential and per tenant; thread-safe (the server may run requests concurrently)."""

    def __init__(self, tenant_host: str, limits: QuotaLimits | None = None,
                 clock: Callable[[], float] = time.time):
        self.tenant_host = tenant_host
        self.clock = clock
        self._lock = threading.Lock()
        self.configure(limits or QuotaLimits())

    def configure(self, limits: QuotaLimits) -> None:
        """New limits; counters restart (limits change only between test phases)."""
        with self._lock:
            self.limits = limits
            self._credentials: dict[Principal, Bucket] = {}
            self._tenant = Bucket(None, limits.tenant_per_minute, limits.tenant_per_day)

    def reset(self) -> None:
        self.configure(self.limits)

    def _bucket_locked(self, who: Principal) -> Bucket:
        bucket = self._credentials.get(who)
        if bucket is None:
            lim = self.limits
            bucket = (Bucket(lim.key_per_second, lim.key_per_minute, lim.key_per_day) if who.kind == "key"
                      else Bucket(None, lim.oauth_per_minute, lim.oauth_per_day))
            self._credentials[who] = bucket
        return bucket

    def admit(self, who: Principal) -> Admission:
        """Count one request for ``who`` unless it is over a limit (and limits are enforced)."""
        now = self.clock()
        with self._lock:
            bucket = self._bucket_locked(who)
            rejection = bucket.violation(now) or self._tenant.violation(now)
            if rejection and self.limits.enforce:
                return Admission(self._headers_locked(bucket, who, now), rejection)
            bucket.add(now)
            self._tenant.add(now)
            return Admission(self._headers_locked(bucket, who, now))

    def _headers_locked(self, bucket: Bucket, who: Principal, now: float) -> dict[str, str]:
        day_used, minute_used = bucket.daily.used(now), bucket.minute.used(now)
        headers = {
            "x-keap-product-quota-limit": str(bucket.per_day),
            "x-keap-product-quota-time-unit": "day",
            "x-keap-product-quota-interval": "1",
            "x-keap-product-quota-available": str(max(0, bucket.per_day - day_used)),
            "x-keap-product-quota-used": str(day_used),
            # Observed as epoch *milliseconds* of the next UTC midnight.
            "x-keap-product-quota-expiry-time": str(next_utc_midnight_ms(now)),
            "x-keap-product-throttle-limit": str(bucket.per_minute),
            "x-keap-product-throttle-time-unit": "minute",
            "x-keap-product-throttle-interval": "1",
            "x-keap-product-throttle-available": str(max(0, bucket.per_minute - minute_used)),
            "x-keap-product-throttle-used": str(minute_used),
            "x-keap-tenant-id": self.tenant_host,
            **_tenant_headers(self._tenant, now),
        }
        if who.kind == "key":
            headers["x-keap-product-spike-limit"] = f"{bucket.per_second}ps"  # seen only with PAT/SAK
        return headers

    def snapshot(self) -> dict:
        """Current usage, for ``GET /sandbox/admin/quotas``."""
        now = self.clock()
        with self._lock:
            def usage(bucket: Bucket) -> dict:
                return {"second": bucket.second.used(now), "minute": bucket.minute.used(now),
                        "day": bucket.daily.used(now)}

            return {"limits": self.limits.as_dict(), "tenant": {self.tenant_host: usage(self._tenant)},
                    "credentials": [{"kind": who.kind, "credential": _masked(who.ident), **usage(b)}
                                    for who, b in self._credentials.items()]}


def _tenant_headers(tenant: Bucket, now: float) -> dict[str, str]:
    """The tenant's two windows in one header set, as Keap sends them: each value is ``<minute>|<day>``."""
    minute_used, day_used = tenant.minute.used(now), tenant.daily.used(now)
    minute_left, day_left = max(0, tenant.per_minute - minute_used), max(0, tenant.per_day - day_used)
    return {
        "x-keap-tenant-throttle-limit": f"{tenant.per_minute}|{tenant.per_day}",
        "x-keap-tenant-throttle-time-unit": "minute|day",
        "x-keap-tenant-throttle-interval": "1|1",
        "x-keap-tenant-throttle-available": f"{minute_left}|{day_left}",
        "x-keap-tenant-throttle-used": f"{minute_used}|{day_used}",
    }


def _masked(ident: str) -> str:
    """Enough of a credential to tell them apart, not enough to reuse it from a log."""
    return ident[:6] + "…" if len(ident) > 8 else ident


def next_utc_midnight_ms(now: float) -> int:
    return (int(now) // DAY_SECONDS + 1) * DAY_SECONDS * 1000

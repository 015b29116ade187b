"""Keap's informational rate-limit headers (research/keap-rest.md §3).

v0 sends static, plausible values: each bucket shows one call used. The interface — one
``headers(kind)`` call per authenticated response — is what a later, counting implementation
(real windows, 429s, daily exhaustion) will keep.
"""

from __future__ import annotations

import time
from typing import Callable

# Per auth kind: (daily quota, per-minute throttle). OAuth client: 150,000/day and 1,500/min;
# PAT/SAK: 30,000/day and 240/min (keap-rest.md §3).
LIMITS = {"oauth": (150_000, 1_500), "key": (30_000, 240)}
TENANT_THROTTLE = 10_000  # per-tenant requests/minute, effective 2026-06-08


class StaticQuotas:
    def __init__(self, tenant_host: str, clock: Callable[[], float] = time.time):
        self.tenant_host = tenant_host
        self.clock = clock

    def headers(self, kind: str) -> dict[str, str]:
        daily, per_minute = LIMITS[kind]
        # Observed as epoch *milliseconds* of the next UTC midnight.
        reset_ms = (int(self.clock()) // 86_400 + 1) * 86_400 * 1000
        headers = {
            "x-keap-product-quota-limit": str(daily),
            "x-keap-product-quota-time-unit": "day",
            "x-keap-product-quota-interval": "1",
            "x-keap-product-quota-available": str(daily - 1),
            "x-keap-product-quota-used": "1",
            "x-keap-product-quota-expiry-time": str(reset_ms),
            "x-keap-product-throttle-limit": str(per_minute),
            "x-keap-product-throttle-time-unit": "minute",
            "x-keap-product-throttle-interval": "1",
            "x-keap-product-throttle-available": str(per_minute - 1),
            "x-keap-product-throttle-used": "1",
            "x-keap-tenant-id": self.tenant_host,
            "x-keap-tenant-throttle-limit": str(TENANT_THROTTLE),
            "x-keap-tenant-throttle-time-unit": "minute",
            "x-keap-tenant-throttle-interval": "1",
            "x-keap-tenant-throttle-available": str(TENANT_THROTTLE - 1),
            "x-keap-tenant-throttle-used": "1",
        }
        if kind == "key":
            headers["x-keap-product-spike-limit"] = "10ps"  # seen only with PAT/SAK
        return headers

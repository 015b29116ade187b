"""Which Keap build the sandbox imitates: features Keap added later can be switched off.

Keap's tenants do not all run the same build. A sandbox started with ``keap_build="2026-04"``
(``create_app``/``SandboxServer`` argument, CLI ``--keap-build 2026-04``) answers like a tenant on
the April 2026 build: every feature listed in :data:`FEATURES` with a later month is missing, and
asking for it gets the 400 an older tenant gives. Without a build (the default) the sandbox is the
current Keap, every feature present.

Features (name: first build that has it):

* ``contacts_order_by_update_time`` (2026-05): ``order_by=update_time`` on REST v2 ``GET /contacts``.
  An older build answers 400 with the v2 ``Error`` body naming ``order_by``, as for any order_by
  field the endpoint does not know.
"""

from __future__ import annotations

import re

FEATURES = {"contacts_order_by_update_time": "2026-05"}

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def parse_build(value: str | None) -> str | None:
    """A build as ``YYYY-MM``, or None (the current build) for None, ``""``, ``"current"``."""
    if value is None or value.strip().lower() in ("", "current"):
        return None
    value = value.strip()
    if not _MONTH.match(value):
        raise ValueError(f"keap build must be YYYY-MM (e.g. 2026-04) or 'current', not {value!r}")
    return value


def has_feature(build: str | None, feature: str) -> bool:
    """Whether a tenant on ``build`` (None: current) has ``feature`` (a key of :data:`FEATURES`)."""
    return build is None or build >= FEATURES[feature]  # YYYY-MM strings sort as the months do

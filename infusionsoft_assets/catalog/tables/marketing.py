"""REST homes of the affiliate, lead-source, expense and custom-field-definition tables."""

from __future__ import annotations

from . import RestHome

HOMES: dict[str, RestHome] = {}

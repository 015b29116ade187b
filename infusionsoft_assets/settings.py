"""Every ``INFUSIONSOFT_*`` setting, read once from the environment and validated in one place.

Resources, partitions, definitions and the CLI take a :class:`Settings`; nothing else reads
``os.environ``. A bad value fails with one line naming the variable, before anything runs.

``INFUSIONSOFT_LOOKBACK_DAYS`` is the exception that proves the rule: only the lookback schedule uses
it, so a bad value must not stop ``materialize`` or the code location from loading; it is checked
when the schedule asks for it (:meth:`Settings.lookback_days`), and the schedule's tick names it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, PrivateAttr, SecretStr, ValidationError, field_validator

from .dates import utc_today
from .keap.account import DEFAULT_API_URL, DEFAULT_TOKEN_FILE, api_origin, credential_pool, is_sandbox_url

PREFIX = "INFUSIONSOFT_"
DEFAULT_DUCKDB_PATH = "data/infusionsoft.duckdb"
DEFAULT_START_DATE = date(2015, 1, 1)
DEFAULT_LOOKBACK_DAYS = 3
#: Snapshot and lookup reports can only take today; their partitions start here, not at START_DATE, so
#: the UI does not show thousands of days that can never be filled.
DEFAULT_SNAPSHOT_START_DATE = date(2026, 11, 1)


class SettingsError(ValueError):
    """One line per bad variable, each naming it."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    api_url: str = DEFAULT_API_URL
    client_id: str | None = None
    client_secret: SecretStr | None = None
    api_key: SecretStr | None = None
    token_file: str = DEFAULT_TOKEN_FILE
    duckdb_path: str = DEFAULT_DUCKDB_PATH
    start_date: date = DEFAULT_START_DATE
    snapshot_start_date: date = DEFAULT_SNAPSHOT_START_DATE
    reports_file: str | None = None
    app_timezone: str = "auto"        # the zone XML-RPC dates are in; auto: the app's settings say
    lookback_days_raw: str = str(DEFAULT_LOOKBACK_DAYS)

    _from_env: frozenset[str] = PrivateAttr(default=frozenset())

    @field_validator("api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not an http(s) URL such as {DEFAULT_API_URL}")
        try:
            parts.port
        except ValueError:
            raise ValueError(f"{value!r} has a port that is not a number") from None
        return api_origin(value)

    @field_validator("client_id", "token_file", "duckdb_path", "reports_file")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("is empty")
        return value.strip() if value else value

    @field_validator("app_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value.strip() != "auto":
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(value.strip())
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"{value!r} is not a time zone name such as America/New_York (or auto)") from None
        return value.strip()

    @field_validator("start_date", "snapshot_start_date", mode="before")
    @classmethod
    def _day(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
        return value

    @field_validator("start_date", "snapshot_start_date")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > utc_today():
            raise ValueError(f"{value} is in the future")
        return value

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Only variables that are set (and not blank) count; the rest keep their defaults."""
        environ = os.environ if environ is None else environ
        values = {}
        for name in cls.model_fields:
            variable = env_name(name)
            raw = environ.get(variable)
            if raw is not None and raw.strip():
                values[name] = raw
        try:
            settings = cls(**values)
        except ValidationError as exc:
            raise SettingsError("\n".join(
                f"{env_name(str(err['loc'][0]))}: {_reason(err)}" for err in exc.errors())) from None
        settings._from_env = frozenset(values)
        return settings

    def is_set(self, name: str) -> bool:
        """Whether ``name`` came from its environment variable (resources then hold an ``EnvVar``, so the
        UI shows the variable's name, not its value)."""
        return name in self._from_env

    # -- derived facts -----------------------------------------------------------------------------
    @property
    def pool(self) -> str:
        return credential_pool(self.client_id, self.api_key.get_secret_value() if self.api_key else None)

    @property
    def sandbox(self) -> bool:
        return is_sandbox_url(self.api_url)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.duckdb_path).expanduser()

    def lookback_days(self) -> int:
        raw = self.lookback_days_raw.strip()
        if not raw.isdigit() or int(raw) < 1:
            raise SettingsError(f"{env_name('lookback_days_raw')}: {raw!r} must be a whole number of 1 or more")
        return int(raw)


def env_name(field: str) -> str:
    return PREFIX + field.removesuffix("_raw").upper()


def _reason(err: dict) -> str:
    message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
    if err.get("type") == "extra_forbidden":
        return "is not a known setting"
    return message

"""Dagster resources: the Keap connection and the DuckDB warehouse, built from :class:`~.settings.Settings`.

Secrets reach the resources as ``EnvVar``s when the variable is set, so the UI shows the variable's
name, never its value.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
from pydantic import PrivateAttr

from .keap import KeapClient, KeapError, RetrySettings
from .keap import account
from .settings import DEFAULT_DUCKDB_PATH, Settings, env_name
from .storage import Warehouse


class KeapResource(dg.ConfigurableResource):
    """Gives API clients for one Keap credential: an OAuth client (id/secret + token file) or an API key."""

    api_url: str = account.DEFAULT_API_URL
    client_id: str | None = None
    client_secret: str | None = None
    token_file: str = account.DEFAULT_TOKEN_FILE
    api_key: str | None = None
    connect_timeout_s: float = 10
    read_timeout_s: float = 120
    # In-client tries per request (short backoff); past them the step is retried on its own schedule.
    retry_attempts: int = 5
    # The zone XML-RPC dates are written in; "auto" reads it from the app's settings.
    app_timezone: str = "auto"

    _credentials: Any = PrivateAttr(default=None)

    def credentials(self):
        if self._credentials is None:
            try:
                self._credentials = account.credentials(
                    self.api_url, client_id=self.client_id, client_secret=self.client_secret,
                    api_key=self.api_key, token_file=self.token_file)
            except KeapError as exc:
                raise dg.Failure(str(exc), allow_retries=False) from None
        return self._credentials

    @property
    def pool(self) -> str:
        return account.credential_pool(self.client_id, self.api_key)

    def get_client(self, logger: Any = None, *, spoken_to_keap: bool = False) -> KeapClient:
        """``spoken_to_keap``: this run has already had answers from Keap (a step retry), so a first call
        that fails is an outage to wait out, not a wrong URL to report at once."""
        return KeapClient(account.api_origin(self.api_url), self.credentials(), logger=logger,
                          timeout=(self.connect_timeout_s, self.read_timeout_s),
                          retry=RetrySettings(attempts=self.retry_attempts),
                          fail_fast_until_contact=not spoken_to_keap)


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file the reports land in (schema ``keap``)."""

    path: str = DEFAULT_DUCKDB_PATH
    schema_name: str = "keap"
    # DuckDB's own cap while a partition is written; past it DuckDB spills to disk instead of growing.
    memory_limit: str = "64MB"

    def get_warehouse(self) -> Warehouse:
        return Warehouse(self.path, schema=self.schema_name, memory_limit=self.memory_limit)


def _from(settings: Settings, field: str, value: Any) -> Any:
    """An EnvVar when the variable was set (the UI then shows only its name), else the default."""
    return dg.EnvVar(env_name(field)) if settings.is_set(field) else value


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def keap_resource(settings: Settings) -> KeapResource:
    return KeapResource(
        api_url=_from(settings, "api_url", settings.api_url),
        client_id=_from(settings, "client_id", settings.client_id),
        client_secret=_from(settings, "client_secret", _secret(settings.client_secret)),
        token_file=_from(settings, "token_file", settings.token_file),
        api_key=_from(settings, "api_key", _secret(settings.api_key)),
        app_timezone=_from(settings, "app_timezone", settings.app_timezone),
    )


def warehouse_resource(settings: Settings) -> WarehouseResource:
    return WarehouseResource(path=_from(settings, "duckdb_path", settings.duckdb_path))

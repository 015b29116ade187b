"""Dagster resources: the Keap connection (credentials from the environment) and the DuckDB warehouse.

Settings (environment):
  INFUSIONSOFT_API_URL        Keap's API host (default https://api.infusionsoft.com; the sandbox prints its own)
  INFUSIONSOFT_CLIENT_ID      OAuth client id  (your own app: Domo's "Enterprise" variant)
  INFUSIONSOFT_CLIENT_SECRET  OAuth client secret
  INFUSIONSOFT_TOKEN_FILE     where the rotating OAuth tokens live (default ~/.config/infusionsoft-assets/tokens.json)
  INFUSIONSOFT_API_KEY        a Personal Access Token or Service Account Key instead of OAuth
  INFUSIONSOFT_DUCKDB_PATH    the warehouse file (default data/infusionsoft.duckdb)
  INFUSIONSOFT_START_DATE     first partition day (default 2015-01-01)
"""

from __future__ import annotations

import hashlib
import os
from typing import Any
from urllib.parse import urlsplit

import dagster as dg
from pydantic import PrivateAttr

from .keap import ApiKeyCredentials, KeapClient, OAuthCredentials, RetrySettings, TokenStore
from .keap.client import DEFAULT_API_URL
from .storage import Warehouse

DEFAULT_TOKEN_FILE = "~/.config/infusionsoft-assets/tokens.json"
DEFAULT_DUCKDB_PATH = "data/infusionsoft.duckdb"
DEFAULT_START_DATE = "2015-01-01"


def api_origin(api_url: str) -> str:
    """The API's scheme and host: Keap's v2 spec names its server ``https://api.keap.com/crm``, and a
    user pasting that (or a trailing slash) must not get ``/crm/crm/rest/...``."""
    return api_url.strip().rstrip("/").removesuffix("/crm")


def is_keap_host(api_url: str) -> bool:
    host = urlsplit(api_origin(api_url)).hostname or ""
    return host.endswith(("infusionsoft.com", "keap.com"))


def token_url(api_url: str) -> str:
    return api_origin(api_url) + "/token"


def authorize_url(api_url: str) -> str:
    """Keap's consent page lives on another host than its API; the sandbox serves both."""
    if is_keap_host(api_url):
        return "https://accounts.infusionsoft.com/app/oauth/authorize"
    return api_origin(api_url) + "/app/oauth/authorize"


def credential_pool(client_id: str | None, api_key: str | None) -> str:
    """A Dagster pool per credential: each has its own Keap budget, so each gets its own slots.

    The name holds a hash, never the key itself (pool names show in the UI).
    """
    if api_key:
        return "keap_key_" + hashlib.sha256(api_key.encode()).hexdigest()[:10]
    if client_id:
        return "keap_oauth_" + hashlib.sha256(client_id.encode()).hexdigest()[:10]
    return "keap_unconfigured"


class KeapResource(dg.ConfigurableResource):
    """Gives API clients for one Keap credential: an OAuth client (id/secret + token file) or an API key."""

    api_url: str = DEFAULT_API_URL
    client_id: str | None = None
    client_secret: str | None = None
    token_file: str = DEFAULT_TOKEN_FILE
    api_key: str | None = None
    connect_timeout_s: float = 10
    read_timeout_s: float = 120
    # In-client tries per request (short backoff); past them the step is retried on its own schedule.
    retry_attempts: int = 5

    _credentials: Any = PrivateAttr(default=None)

    def credentials(self):
        if self._credentials is None:
            if self.api_key:
                self._credentials = ApiKeyCredentials(self.api_key)
            elif self.client_id and self.client_secret:
                self._credentials = OAuthCredentials(
                    token_url=token_url(self.api_url), client_id=self.client_id,
                    client_secret=self.client_secret, store=TokenStore(self.token_file))
            else:
                raise dg.Failure(
                    "No Keap credentials: set INFUSIONSOFT_API_KEY, or INFUSIONSOFT_CLIENT_ID and "
                    "INFUSIONSOFT_CLIENT_SECRET (then run `infusionsoft-assets auth login`)", allow_retries=False)
        return self._credentials

    @property
    def pool(self) -> str:
        return credential_pool(self.client_id, self.api_key)

    def get_client(self, logger: Any = None) -> KeapClient:
        return KeapClient(api_origin(self.api_url), self.credentials(), logger=logger,
                          timeout=(self.connect_timeout_s, self.read_timeout_s),
                          retry=RetrySettings(attempts=self.retry_attempts))


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file the reports land in (schema ``keap``)."""

    path: str = DEFAULT_DUCKDB_PATH
    schema_name: str = "keap"
    # DuckDB's own cap while a partition is written; past it DuckDB spills to disk instead of growing.
    memory_limit: str = "128MB"

    def get_warehouse(self) -> Warehouse:
        return Warehouse(self.path, schema=self.schema_name, memory_limit=self.memory_limit)


def _env_or(name: str, default: Any) -> Any:
    """An EnvVar when the variable is set (the UI then shows only its name), else the default."""
    return dg.EnvVar(name) if os.environ.get(name) else default


def keap_resource_from_env() -> KeapResource:
    return KeapResource(
        api_url=_env_or("INFUSIONSOFT_API_URL", DEFAULT_API_URL),
        client_id=_env_or("INFUSIONSOFT_CLIENT_ID", None),
        client_secret=_env_or("INFUSIONSOFT_CLIENT_SECRET", None),
        token_file=_env_or("INFUSIONSOFT_TOKEN_FILE", DEFAULT_TOKEN_FILE),
        api_key=_env_or("INFUSIONSOFT_API_KEY", None),
    )


def warehouse_resource_from_env() -> WarehouseResource:
    return WarehouseResource(path=_env_or("INFUSIONSOFT_DUCKDB_PATH", DEFAULT_DUCKDB_PATH))


def pool_from_env() -> str:
    return credential_pool(os.environ.get("INFUSIONSOFT_CLIENT_ID"), os.environ.get("INFUSIONSOFT_API_KEY"))


def is_sandbox_url(api_url: str) -> bool:
    """Anything that is not Keap's own host is treated (and tagged) as a sandbox."""
    return not is_keap_host(api_url)

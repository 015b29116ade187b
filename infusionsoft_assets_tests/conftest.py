"""Shared fixtures: a real sandbox Keap over loopback HTTP, real token files, real DuckDB files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infusionsoft_assets.keap import OAuthCredentials
from infusionsoft_assets.keap.account import authorize_url, oauth_credentials as account_oauth_credentials
from infusionsoft_assets.keap.login import login
from infusionsoft_assets.resources import KeapResource, WarehouseResource
from infusionsoft_assets.settings import Settings, env_name
from keap_sandbox.consent_robot import approve_sandbox_consent
from keap_sandbox.server import SandboxServer

from .sandbox_kit import api_session, xmlrpc_proxy

ENV_NAMES = tuple(env_name(field) for field in Settings.model_fields)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """No test sees the developer's real Keap settings."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def sandbox():
    with SandboxServer(seed=7, scale=600, mode="thread") as server:
        yield server


# The sandbox-module fixtures below use the module's own `server` fixture (its seed, scale and anchor).


@pytest.fixture(scope="module")
def ds(server):
    return server.dataset


@pytest.fixture(scope="module")
def http(server):
    """A session carrying the module's sandbox API key."""
    with api_session(server) as session:
        yield session


@pytest.fixture(scope="module")
def rpc(server):
    """An XML-RPC proxy on the module's sandbox, authenticated by its API key."""
    return xmlrpc_proxy(server)


def oauth_credentials(sandbox, token_file: Path) -> OAuthCredentials:
    creds = sandbox.credentials
    return account_oauth_credentials(sandbox.base_url, creds.client_id, creds.client_secret, str(token_file))


@pytest.fixture
def token_file(sandbox, tmp_path) -> Path:
    """A token file filled by the real authorization-code flow through the sandbox's consent page."""
    path = tmp_path / "tokens.json"
    login(oauth_credentials(sandbox, path), authorize_url(sandbox.base_url), port=0, approve=approve_sandbox_consent,
          say=lambda _: None)
    return path


@pytest.fixture
def keap_resource(sandbox, token_file) -> KeapResource:
    creds = sandbox.credentials
    return KeapResource(api_url=sandbox.base_url, client_id=creds.client_id, client_secret=creds.client_secret,
                        token_file=str(token_file))


@pytest.fixture
def warehouse_resource(tmp_path) -> WarehouseResource:
    return WarehouseResource(path=str(tmp_path / "warehouse.duckdb"))


@pytest.fixture
def dagster_instance():
    import dagster as dg

    with dg.instance_for_test() as instance:
        yield instance


def pytest_configure(config):
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


@pytest.fixture
def dagster_dev(sandbox, tmp_path):
    """`dagster dev` on the sandbox with a throw-away DAGSTER_HOME (our dagster.yaml) and DuckDB file."""
    from infusionsoft_assets.instance import ENVIRONMENT, dagster_yaml

    from .dev_server import DagsterDev

    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(dagster_yaml(home))
    env = {**ENVIRONMENT, "DAGSTER_HOME": str(home), "INFUSIONSOFT_API_URL": sandbox.base_url,
           "INFUSIONSOFT_API_KEY": sandbox.credentials.api_key, "INFUSIONSOFT_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    with DagsterDev(tmp_path, env) as dev:
        yield dev, tmp_path / "w.duckdb"

"""A faithful local imitation of Keap's API, for tests, benches and offline development.

Stands alone: stdlib + starlette + uvicorn only (no dagster, nothing from ``infusionsoft_assets.keap``).

* :mod:`.dataset` — deterministic tenant data (:class:`Dataset`), the tests' ground truth
* :mod:`.auth` — OAuth2 consent/token endpoints and the gateway's token check
* :mod:`.consent` — the consent page's registered redirect URIs and one-time form tokens
* :mod:`.rest_v2` — REST v2 list endpoints (filter, order_by, fields, paging)
* :mod:`.quotas` — ``x-keap-*`` rate-limit headers
* :mod:`.builds` — imitating an older Keap build (features added later answer 400)
* :mod:`.app` — :func:`create_app`, the Starlette app wiring it together
* :mod:`.server` — :class:`SandboxServer` (thread/process) and :func:`serve` (CLI)
"""

from .app import create_app
from .dataset import Credentials, Dataset
from .server import SandboxServer, serve

__all__ = ["Credentials", "Dataset", "SandboxServer", "create_app", "serve"]

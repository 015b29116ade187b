"""keap_sandbox — a faithful local imitation of Keap's API, for tests, benches, demos and offline development.

Stands alone: stdlib + starlette + uvicorn (+ requests for :mod:`.consent_robot`); no dagster and nothing
from ``infusionsoft_assets``. ``python -m keap_sandbox --help`` serves it; ``infusionsoft-assets
sandbox`` is the same command.

* :mod:`.data` — the deterministic tenant (:class:`Dataset`), the tests' ground truth
* :mod:`.rest` — REST v2 and v1 (declared list endpoints, records rendered from the data)
* :mod:`.xmlrpc` — the legacy XML-RPC API (DataService query engine and schema, every report method)
* :mod:`.wire` — Keap's wire formats (ids, money, times, XML-RPC dates, Java type names), written once
* :mod:`.auth`, :mod:`.consent` — OAuth2 consent/token endpoints and the gateway's token check;
  :mod:`.consent_robot` approves the consent page headlessly (demo, tests)
* :mod:`.quotas`, :mod:`.faults`, :mod:`.builds` — ``x-keap-*`` quotas, fault injection, older Keap builds
* :mod:`.sunset` — XML-RPC retired (``410 Gone``) as Keap's after 2026-12-31, behind a switch
* :mod:`.app` — :func:`create_app`, the Starlette app wiring it together; :mod:`.admin` its control routes
* :mod:`.server` — :class:`SandboxServer` (thread/process) and :func:`serve` (CLI, :mod:`.__main__`)
"""

from .app import create_app
from .data.dataset import Credentials, Dataset
from .server import SandboxServer, serve

__all__ = ["Credentials", "Dataset", "SandboxServer", "create_app", "serve"]

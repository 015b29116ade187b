"""Running the sandbox: in a background thread, in a child process, or in the foreground (CLI).

* :class:`SandboxServer` — context manager for tests and benches. ``mode="thread"`` runs uvicorn
  in this process (the dataset is then inspectable as ``server.dataset``); ``mode="process"``
  launches ``python -m keap_sandbox`` so the server does not share the client's GIL.
* :func:`serve` — builds the dataset, binds, prints where it listens and which credentials to use,
  then serves until SIGINT/SIGTERM.

The listening socket is always bound *before* uvicorn starts, so port 0 resolves to a real port
that can be reported immediately.
"""

from __future__ import annotations

import gc
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, TextIO

import uvicorn

from .app import create_app
from .builds import parse_build
from .consent import RedirectUris
from .data.dataset import Credentials, Dataset, default_now
from .quotas import QuotaLimits
from .reports_file import default_path, write_reports_file
from .wire import iso_ms, to_ms

READY_TIMEOUT = 10.0  # seconds to wait for /sandbox/health once the socket is bound
# Requests held by a ``timeout`` fault must not keep a stopping server alive.
GRACEFUL_SHUTDOWN_SECONDS = 3
#: SandboxServer's default: counted, reported, never exhausted. Test suites page 1,200 contacts one per
#: call with a PAT, which Keap's 10/s and 240/min would stop at once (and would show as 0 available).
#: Pass ``quotas=QuotaLimits()`` for Keap's limits, enforced — what the CLI (``serve``) uses by default.
UNMETERED = QuotaLimits(**{name: 10**9 for name in QuotaLimits().as_dict() if name != "enforce"},
                        enforce=False)
LISTENING_PREFIX = "Keap sandbox listening on "


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # queue early connections until uvicorn starts accepting
    sock.set_inheritable(True)
    return sock


def base_url_of(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _uvicorn_server(app, log_level: str) -> uvicorn.Server:
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off",
                            server_header=False, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)
    return uvicorn.Server(config)


def credential_lines(base_url: str, credentials: Credentials, reports_file: Path) -> list[str]:
    """The lines a developer pastes into ``.env`` to point the pipeline at this sandbox."""
    return [
        f"INFUSIONSOFT_API_URL={base_url}",
        f"INFUSIONSOFT_CLIENT_ID={credentials.client_id}",
        f"INFUSIONSOFT_CLIENT_SECRET={credentials.client_secret}",
        f"INFUSIONSOFT_API_KEY={credentials.api_key}",
        f"INFUSIONSOFT_REPORTS_FILE={reports_file}",
    ]


BANNER_LINES = 1 + 5  # the listening line, then the five credential_lines


def serve(host: str = "127.0.0.1", port: int = 0, seed: int = 1, scale: int = 200,
          now: datetime | None = None, access_token_ttl: int = 86_400,
          refresh_token_ttl: int = 45 * 86_400, log_level: str = "warning",
          out: TextIO | None = None, quotas: QuotaLimits | None = None, faults: str = "",
          redirect_uris: Iterable[str] | None = None, keap_build: str | None = None,
          reports_file: str | None = None, xmlrpc_shut_down: bool = False) -> None:
    """Serve in the foreground until interrupted. The first output line is the listening URL.

    ``quotas`` defaults to Keap's limits, enforced; ``faults`` is a spec string (see :mod:`.faults`);
    ``redirect_uris`` and ``keap_build`` are :func:`~.app.create_app`'s; ``reports_file``: where to write
    infusionsoft-assets' reports file for this dataset (default: :func:`~.reports_file.default_path`);
    ``xmlrpc_shut_down``: XML-RPC answers ``410 Gone``, as Keap's after 2026-12-31 (:mod:`.sunset`).
    """
    out = out or sys.stdout
    dataset = Dataset(seed=seed, scale=scale, now=now)
    # The dataset lives as long as the process: move it out of the GC's sight so collections
    # during serving do not rescan ~10 objects per contact.
    gc.freeze()
    app = create_app(dataset, access_token_ttl=access_token_ttl, refresh_token_ttl=refresh_token_ttl,
                     quotas=quotas or QuotaLimits(), faults=faults, redirect_uris=redirect_uris,
                     keap_build=keap_build, xmlrpc_shut_down=xmlrpc_shut_down)
    sock = bind_socket(host, port)
    base_url = base_url_of(sock, host)
    written = write_reports_file(dataset, reports_file or default_path(dataset))
    print(LISTENING_PREFIX + base_url, file=out, flush=True)
    for line in credential_lines(base_url, dataset.credentials, written):
        print(line, file=out, flush=True)
    try:
        _uvicorn_server(app, log_level).run(sockets=[sock])  # handles SIGINT/SIGTERM gracefully
    except KeyboardInterrupt:
        pass  # uvicorn re-raises SIGINT after its graceful shutdown; nothing is left to clean up
    finally:
        sock.close()


def quota_flags(limits: QuotaLimits) -> list[str]:
    """CLI flags reproducing ``limits`` exactly (explicit, so the child ignores stray env vars)."""
    flags = []
    for name, value in limits.as_dict().items():
        option = "--quota-" + name.replace("_", "-")
        flags += [option if value else "--no-quota-" + name.replace("_", "-")] if isinstance(value, bool) \
            else [option, str(value)]
    return flags


def wait_until_ready(base_url: str, timeout: float = READY_TIMEOUT,
                     alive: Callable[[], bool] = lambda: True) -> None:
    """Poll ``/sandbox/health`` until it answers 200 (readiness polling, not a fixed sleep)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=1.0)
            conn.request("GET", "/sandbox/health")
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        if not alive():
            raise RuntimeError("the sandbox server stopped before it became ready")
        if time.monotonic() > deadline:
            raise TimeoutError(f"sandbox at {base_url} not ready after {timeout:.0f} s")
        time.sleep(0.02)


class SandboxServer:
    """A sandbox on loopback for the duration of a ``with`` block.

    ``clock`` (thread mode only) replaces ``time.time`` for token expiry and quota windows, so tests
    can expire a token or cross midnight without sleeping. ``start_timeout`` (process mode) bounds
    dataset build + startup. ``quotas`` defaults to :data:`UNMETERED` (counted and sent in headers,
    never a 429; pass ``QuotaLimits()`` for Keap's); ``faults`` is a spec string (see :mod:`.faults`) — both also
    changeable at run time through ``/sandbox/admin/...``. ``redirect_uris`` replaces the registered OAuth
    redirect URIs (default: loopback ``/callback``, any port; :mod:`.consent`); ``keap_build`` (``YYYY-MM``)
    imitates an older Keap build (default: current; :mod:`.builds`). ``xmlrpc_shut_down`` answers XML-RPC
    ``410 Gone`` as Keap does after 2026-12-31 (:mod:`.sunset`; switchable through ``/sandbox/admin/xmlrpc``).
    """

    def __init__(self, seed: int = 1, scale: int = 200, now: datetime | None = None, host: str = "127.0.0.1",
                 port: int = 0, mode: str = "thread", access_token_ttl: int = 86_400,
                 refresh_token_ttl: int = 45 * 86_400, clock: Callable[[], float] | None = None,
                 log_level: str = "warning", start_timeout: float = 120.0,
                 quotas: QuotaLimits | None = None, faults: str = "",
                 redirect_uris: Iterable[str] | None = None, keap_build: str | None = None,
                 reports_file: str | os.PathLike | None = None, xmlrpc_shut_down: bool = False):
        if mode not in ("thread", "process"):
            raise ValueError("mode must be 'thread' or 'process'")
        if clock is not None and mode != "thread":
            raise ValueError("an injected clock only works in thread mode")
        self.seed, self.scale, self.host, self.port, self.mode = seed, scale, host, port, mode
        # Fixed here so both modes (and the child process) agree on the anchor.
        self.now = now or default_now()
        self.access_token_ttl, self.refresh_token_ttl = access_token_ttl, refresh_token_ttl
        self.clock, self.log_level, self.start_timeout = clock, log_level, start_timeout
        self.quotas, self.faults = quotas or UNMETERED, faults
        # Bad values fail here rather than in a child process.
        self.redirect_uris = RedirectUris(redirect_uris).uris if redirect_uris else None
        self.keap_build = parse_build(keap_build)
        self.xmlrpc_shut_down = bool(xmlrpc_shut_down)
        self.reports_file: Path | None = Path(reports_file) if reports_file else None
        self.base_url: str | None = None
        self.dataset: Dataset | None = None
        self.credentials: Credentials | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._proc: subprocess.Popen | None = None

    # convenience URLs -------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        """Where Keap's ``/crm`` lives (the SDK's ``Configuration.host``)."""
        return f"{self.base_url}/crm"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/app/oauth/authorize"

    # lifecycle --------------------------------------------------------------------------------
    def start(self) -> "SandboxServer":
        if self.base_url is not None:
            return self
        try:
            self._start_thread() if self.mode == "thread" else self._start_process()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()
        if self._proc is not None:
            self._stop_process()
        self._server = self._thread = self._sock = self._proc = None
        self.base_url = None

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # thread mode ------------------------------------------------------------------------------
    def _start_thread(self) -> None:
        self.dataset = Dataset(seed=self.seed, scale=self.scale, now=self.now)
        self.credentials = self.dataset.credentials
        self.reports_file = write_reports_file(self.dataset, self.reports_file or default_path(self.dataset))
        app = create_app(self.dataset, access_token_ttl=self.access_token_ttl,
                         refresh_token_ttl=self.refresh_token_ttl, clock=self.clock or time.time,
                         quotas=self.quotas, faults=self.faults, redirect_uris=self.redirect_uris,
                         keap_build=self.keap_build, xmlrpc_shut_down=self.xmlrpc_shut_down)
        self._sock = bind_socket(self.host, self.port)
        self.base_url = base_url_of(self._sock, self.host)
        self._server = _uvicorn_server(app, self.log_level)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name=f"keap-sandbox-{self._sock.getsockname()[1]}", daemon=True)
        self._thread.start()
        wait_until_ready(self.base_url, alive=self._thread.is_alive)

    # process mode -----------------------------------------------------------------------------
    def _command(self) -> list[str]:
        return [sys.executable, "-m", "keap_sandbox", "--host", self.host,
                "--port", str(self.port), "--seed", str(self.seed), "--scale", str(self.scale),
                "--now", iso_ms(to_ms(self.now)), "--access-token-ttl", str(self.access_token_ttl),
                "--refresh-token-ttl", str(self.refresh_token_ttl), "--log-level", self.log_level,
                "--faults", self.faults, *quota_flags(self.quotas),
                *(flag for uri in self.redirect_uris or () for flag in ("--redirect-uri", uri)),
                *(("--keap-build", self.keap_build) if self.keap_build else ()),
                *(("--reports-file", str(self.reports_file)) if self.reports_file else ()),
                *(("--xmlrpc-shut-down",) if self.xmlrpc_shut_down else ())]

    def _start_process(self) -> None:
        self._proc = subprocess.Popen(self._command(), stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                      text=True, bufsize=1)
        lines = self._read_banner()
        self.base_url = lines[0][len(LISTENING_PREFIX):].strip()
        values = dict(line.split("=", 1) for line in lines[1:])
        self.credentials = Credentials(values["INFUSIONSOFT_CLIENT_ID"], values["INFUSIONSOFT_CLIENT_SECRET"],
                                       values["INFUSIONSOFT_API_KEY"])
        self.reports_file = Path(values["INFUSIONSOFT_REPORTS_FILE"])
        wait_until_ready(self.base_url, alive=lambda: self._proc is not None and self._proc.poll() is None)

    def _read_banner(self) -> list[str]:
        """The child's banner lines, read on a helper thread so a hung child cannot block us."""
        proc, lines = self._proc, queue.Queue()

        def pump():
            for _ in range(BANNER_LINES):
                line = proc.stdout.readline()
                lines.put(line)
                if not line:
                    return

        threading.Thread(target=pump, daemon=True).start()
        banner, deadline = [], time.monotonic() + self.start_timeout
        while len(banner) < BANNER_LINES:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(
                    f"sandbox process gave no banner within {self.start_timeout:.0f} s") from None
            if not line:
                raise RuntimeError(f"sandbox process exited early (code {proc.wait()})")
            banner.append(line.rstrip("\n"))
        if not banner[0].startswith(LISTENING_PREFIX):
            raise RuntimeError(f"unexpected sandbox banner: {banner[0]!r}")
        return banner

    def _stop_process(self) -> None:
        proc = self._proc
        if proc.poll() is None:
            proc.terminate()  # SIGTERM: uvicorn shuts down gracefully
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()

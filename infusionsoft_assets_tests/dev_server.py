"""`dagster dev` (webserver + daemon + code server) as a test fixture: start, wait until the code
location is LOADED, talk GraphQL, stop cleanly (SIGINT to the whole process group)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

WORKSPACE = """{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(check, what: str, timeout: float, every_s: float = 0.2):
    """Readiness polling with a deadline: ``check()``'s first truthy value, or TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every_s)
    raise TimeoutError(f"timed out waiting for {what}")


def _default_sigint() -> None:
    # dagster dev maps SIGTERM onto its SIGINT handler; if SIGINT was inherited as ignored, neither stops it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class DagsterDev:
    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir, self.env = workdir, env
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log_path = workdir / "dagster-dev.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "DagsterDev":
        port = self.url.rsplit(":", 1)[1]
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dagster", "dev", "-m", "infusionsoft_assets.definitions", "-h", "127.0.0.1",
             "-p", port], cwd=self.workdir, env={**os.environ, **self.env}, stdout=self._log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_default_sigint)
        try:
            self._wait_loaded(timeout=120)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_loaded(self, timeout: float) -> None:
        """Readiness polling with a deadline: the location must report LOADED."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dagster dev exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                entries = self.graphql(WORKSPACE)["workspaceOrError"]["locationEntries"]
                if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                    errors = [e for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"]
                    assert not errors, errors
                    return
            except (requests.RequestException, KeyError, TypeError):
                pass
            time.sleep(0.5)
        raise TimeoutError(f"dagster dev not ready after {timeout} s:\n{self.log_path.read_text()[-3000:]}")

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        answer = requests.post(self.url + "/graphql", json={"query": query, "variables": variables or {}},
                               timeout=30)
        answer.raise_for_status()
        body = answer.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def poll(self, check, timeout: float, what: str):
        return until(check, what, timeout)

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGINT)  # clean shutdown of webserver, daemon and code server
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 10  # the code server exits a moment after dagster dev itself
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.25)
        else:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # only our own process group
            except ProcessLookupError:
                pass
        self._log.close()

"""A side thread that watches one in-process run of the CLI: pool waits, dead slot holders, Ctrl-C, SIGTERM.

Dagster's in-process executor waits for a pool slot, or for a step retry (up to 20 minutes), in a loop
that captures interrupts and never looks at them: Ctrl-C and SIGTERM are then ignored until the wait
ends, and a step waiting for a slot says so only at DEBUG. This watcher makes both visible and
honoured:

* a step waiting for a slot is reported at INFO (console and the run's event log) with the pool, its
  limit and who holds it; holders whose process is gone are released on the spot;
* Ctrl-C or SIGTERM (seen through a wakeup fd, whatever handler Dagster has installed) first lets
  Dagster stop a running step itself; if the run is still going after a short grace (it was waiting),
  the run is marked cancelled, its slots are freed and the process exits.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
import threading
import time
from typing import Callable

import dagster as dg

from .stuck_runs import ACTIVE, describe_holders, pool_state, reap_dead_runs

GRACE_S = 3.0


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def say_stderr(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} - infusionsoft-assets - INFO - {message}", file=sys.stderr,
          flush=True)


class RunWatch:
    def __init__(self, instance: dg.DagsterInstance, run_id: str, pool: str, what: str,
                 say: Callable[[str], None] = say_stderr, poll_s: float = 1.0, tell_every_s: float = 30.0):
        self.instance, self.run_id, self.pool, self.what = instance, run_id, pool, what
        self.say, self.poll_s, self.tell_every_s = say, poll_s, tell_every_s
        self.signalled: int | None = None
        self._done = threading.Event()
        self._told_at = 0.0
        self._thread = threading.Thread(target=self._loop, name="run-watch", daemon=True)
        self._saved: tuple | None = None

    # -- lifecycle ----------------------------------------------------------------------------------
    def __enter__(self) -> "RunWatch":
        self._read, write = socket.socketpair()
        self._read.setblocking(False)
        write.setblocking(False)
        self._write = write
        if threading.current_thread() is threading.main_thread():
            self._saved = (signal.set_wakeup_fd(write.fileno(), warn_on_full_buffer=False),
                           signal.signal(signal.SIGTERM, _raise_interrupt))
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)
        if self._saved is not None:
            signal.set_wakeup_fd(self._saved[0])
            signal.signal(signal.SIGTERM, self._saved[1])
        self._read.close()
        self._write.close()

    # -- the thread ---------------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._done.is_set():
            ready, _, _ = select.select([self._read], [], [], self.poll_s)
            if ready:
                try:
                    signums = self._read.recv(64)
                except BlockingIOError:
                    signums = b""
                if signums and signums[-1] in (signal.SIGINT, signal.SIGTERM):
                    self._on_signal(signums[-1])
                    continue
            try:
                self._check_pool()
            except Exception as exc:  # the watcher must never take the run down
                self.say(f"{self.what}: could not check pool {self.pool}: {type(exc).__name__}: {exc}")

    def _check_pool(self) -> None:
        state = pool_state(self.instance, self.pool)
        if self.run_id not in state.waiting:
            self._told_at = 0.0
            return
        now = time.monotonic()
        if self._told_at and now - self._told_at < self.tell_every_s:
            return
        self._told_at = now
        reap_dead_runs(self.instance, self.say)
        state = pool_state(self.instance, self.pool)
        if self.run_id not in state.waiting:
            return
        message = (f"{self.what}: waiting for a slot in pool {self.pool} (limit {state.limit}): held by "
                   f"{describe_holders(self.instance, state.holders)}. Free stuck slots with "
                   "`infusionsoft-assets runs clear`; change the limit with "
                   f"`dagster instance concurrency set {self.pool} N`.")
        self.say(message)
        run = self.instance.get_run_by_id(self.run_id)
        if run is not None:
            self.instance.report_engine_event(message, run)

    def _on_signal(self, signum: int) -> None:
        self.signalled = signum
        name = signal.Signals(signum).name
        if self._done.wait(GRACE_S):
            return  # Dagster stopped the run itself (the step was running)
        run = self.instance.get_run_by_id(self.run_id)
        if run is not None and run.status in ACTIVE:
            self.instance.report_run_canceled(
                run, message=f"Cancelled by {name} while the run was waiting (a step retry or a pool slot)")
        self.instance.event_log_storage.free_concurrency_slots_for_run(self.run_id)
        self.say(f"{self.what}: {name}: run {self.run_id[:8]} cancelled and its pool slots freed")
        sys.stdout.flush()
        os._exit(128 + signum)

"""A throw-away, real PostgreSQL server for tests and benchmarks: Debian's (or any) server binaries, a
fresh cluster in a temporary folder, a free loopback port, and always stopped afterwards.

    with postgres_server() as pg:
        pg.dagster_storage()      # the `storage:` block of a dagster.yaml pointing at it
        pg.env                    # DAGSTER_PG_PASSWORD, which that block reads with `env:`

PostgreSQL refuses to run as root. As root (CI), ``initdb`` and ``pg_ctl`` run as the ``postgres`` user,
which Debian's ``postgresql`` package creates, through ``runuser``; the cluster's folder is theirs.
Nothing here sleeps to wait: ``pg_ctl start -w`` returns once the server accepts connections.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")
USER = "dagster"                     # the cluster's superuser (initdb -U)
PASSWORD_ENV = "DAGSTER_PG_PASSWORD"
DRIVER_SCHEME = "postgresql+psycopg2"  # see PostgresServer.dagster_storage
START_TIMEOUT_S = 120                # pg_ctl -w gives up after this
PORT_ATTEMPTS = 5                    # a free port can be taken between choosing it and the server binding it


class PostgresUnavailable(RuntimeError):
    """The server could not be set up or started; the message says why (and holds the server's log)."""


def find_server_bin() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: from PATH (symlinks followed, as /usr/local/bin/pg_ctl
    is on Debian images), else the newest /usr/lib/postgresql/<version>/bin."""
    candidates: list[Path] = []
    for tool in ("pg_ctl", "initdb"):
        found = shutil.which(tool)
        if found:
            candidates += [Path(os.path.realpath(found)).parent, Path(found).parent]
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                      key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name.split(".")],
                      reverse=True)
    candidates += [Path(p) for p in versions]
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in SERVER_TOOLS):
            return folder
    return None


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    db_name: str
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """A libpq URL (psql, psycopg2.connect)."""
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.db_name}"

    def dagster_storage(self) -> dict:
        """``storage: postgres: postgres_db:`` for dagster.yaml; the password is read from the environment.

        The scheme names the driver: SQLAlchemy 2.1 maps a bare ``postgresql://`` to psycopg 3, which
        dagster-postgres does not install (it brings psycopg2-binary).
        """
        return {"postgres": {"postgres_db": {
            "username": self.user, "password": {"env": PASSWORD_ENV}, "hostname": self.host,
            "port": self.port, "db_name": self.db_name, "scheme": DRIVER_SCHEME}}}


def _as_server_user() -> tuple[list[str], int | None, int | None]:
    """The command prefix that runs the server tools, and the uid/gid that must own the cluster folder."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable("running as root, and PostgreSQL refuses root: it needs the 'postgres' user "
                                  "(Debian's postgresql package creates it)") from None
    runuser = shutil.which("runuser")
    if not runuser:
        raise PostgresUnavailable("running as root, and `runuser` (util-linux) is missing to run PostgreSQL as "
                                  "'postgres'")
    return [runuser, "-u", "postgres", "--"], account.pw_uid, account.pw_gid


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], cwd: Path, what: str, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise PostgresUnavailable(f"{what} failed (exit {done.returncode}): {' '.join(cmd)}\n"
                                  f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done


@contextlib.contextmanager
def postgres_server(db_name: str = "dagster", settings: dict[str, str] | None = None,
                    base_dir: str | None = None) -> Iterator[PostgresServer]:
    """Start a PostgreSQL server with one database ``db_name``; stop it (immediate) and delete it on exit.

    ``settings`` are extra server settings (``-c name=value``). Connections: TCP on 127.0.0.1 only, with
    a random password (scram-sha-256); the Unix socket lives in the temporary folder.
    """
    bin_dir = find_server_bin()
    if bin_dir is None:
        raise PostgresUnavailable("no PostgreSQL server binaries (initdb, pg_ctl, postgres) on PATH or in "
                                  "/usr/lib/postgresql/*/bin; on Debian: apt-get install postgresql")
    prefix, uid, gid = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="pg-kit-", dir=base_dir))
    data, sockets, log = root / "data", root / "sock", root / "server.log"
    password = secrets.token_hex(16)
    started = False
    try:
        sockets.mkdir()
        pwfile = root / "pwfile"
        pwfile.write_text(password + "\n")
        if uid is not None:
            for path in (root, sockets, pwfile):
                os.chown(path, uid, gid)
        _run([*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={pwfile}",
              "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"],
             root, "initdb")
        pwfile.unlink()

        options = {"listen_addresses": "127.0.0.1", "unix_socket_directories": str(sockets),
                   **(settings or {})}
        for _ in range(PORT_ATTEMPTS):
            port = _free_port()
            log.unlink(missing_ok=True)  # this attempt's log only
            opts = " ".join([f"-p {port}", *(f"-c {k}={v}" for k, v in options.items())])
            # -w: pg_ctl itself waits until the server accepts connections (or -t runs out)
            start = subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "start", "-D", str(data), "-l", str(log),
                                    "-w", "-t", str(START_TIMEOUT_S), "-o", opts],
                                   cwd=root, capture_output=True, text=True)
            started = True  # even a failed start may have left a postmaster behind: always stop
            if start.returncode == 0:
                break
            already_in_use = log.exists() and "could not bind" in log.read_text(errors="replace")
            _stop(prefix, bin_dir, data, root)
            started = False
            if not already_in_use:
                raise PostgresUnavailable(f"pg_ctl start failed (exit {start.returncode}):\n{start.stdout[-1500:]}"
                                          f"{start.stderr[-1500:]}\n--- server log ---\n{_tail(log)}")
        else:
            raise PostgresUnavailable(f"no free port after {PORT_ATTEMPTS} tries\n{_tail(log)}")

        # the server's own client (its bin folder, else PATH), as us: over TCP with the password
        createdb = bin_dir / "createdb" if (bin_dir / "createdb").exists() else shutil.which("createdb")
        if not createdb:
            raise PostgresUnavailable(f"no createdb beside {bin_dir / 'pg_ctl'} nor on PATH")
        _run([str(createdb), "-h", "127.0.0.1", "-p", str(port), "-U", USER, db_name], root, "createdb",
             env={**os.environ, "PGPASSWORD": password})
        yield PostgresServer(host="127.0.0.1", port=port, user=USER, password=password, db_name=db_name,
                             data_dir=data, env={PASSWORD_ENV: password})
    finally:
        try:
            if started:
                _stop(prefix, bin_dir, data, root)
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _stop(prefix: list[str], bin_dir: Path, data: Path, cwd: Path) -> None:
    """Stop at once (a throw-away cluster needs no checkpoint); -w waits until the server is gone."""
    if (data / "postmaster.pid").exists():
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate", "-w"],
                       cwd=cwd, capture_output=True, text=True)


def _tail(log: Path, chars: int = 3000) -> str:
    try:
        return log.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no server log)"

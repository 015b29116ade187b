"""The ``infusionsoft-assets`` command.

  infusionsoft-assets sandbox [--host H] [--port P] [--seed N] [--scale N] ... a local Keap (--help)
  infusionsoft-assets auth login [--port P] [--no-browser]                     OAuth consent -> token file
  infusionsoft-assets materialize REPORT... (--date D | --days-back N | --start S --end E)
  infusionsoft-assets demo                                                     the whole thing on the sandbox
  infusionsoft-assets dev                                                      the Dagster UI on the sandbox
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Iterator

DEMO_DIR = Path("data/demo")


#: Written into a new DAGSTER_HOME: pools per credential need a persistent instance, and slots held by a
#: crashed or cancelled run must come back (dagster-notes §3.1).
DAGSTER_YAML = """\
concurrency:
  pools:
    default_limit: 2
run_monitoring:
  enabled: true
  free_slots_after_run_end_seconds: 300
run_retries:
  enabled: true
  max_retries: 1
  retry_on_asset_or_op_failure: false
telemetry:
  enabled: false
nux:
  enabled: false
"""


def dagster_home() -> Path:
    """``$DAGSTER_HOME``, else ``.dagster_home`` here (git-ignored), with our dagster.yaml if it has none."""
    home = Path(os.environ.get("DAGSTER_HOME") or ".dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _instance():
    import dagster as dg

    dagster_home()
    return dg.DagsterInstance.get()


def cmd_sandbox(argv: list[str]) -> int:
    from .sandbox.__main__ import main as sandbox_main

    sandbox_main(argv)  # one set of flags: the sandbox's own (`infusionsoft-assets sandbox --help`)
    return 0


def cmd_auth_login(args: argparse.Namespace) -> int:
    from .keap.client import DEFAULT_API_URL
    from .keap.login import login
    from .resources import authorize_url

    credentials = _oauth_credentials()
    tokens = login(credentials, authorize_url(_env("INFUSIONSOFT_API_URL", DEFAULT_API_URL)), port=args.port,
                   approve_sandbox=args.approve_sandbox, open_browser=not args.no_browser)
    print(f"Authorised{' for ' + tokens.tenant if tokens.tenant else ''}; tokens saved to "
          f"{credentials.store.path} (mode 0600).")
    return 0


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _oauth_credentials():
    from .keap import OAuthCredentials, TokenStore
    from .keap.client import DEFAULT_API_URL
    from .resources import DEFAULT_TOKEN_FILE, token_url

    client_id, secret = os.environ.get("INFUSIONSOFT_CLIENT_ID"), os.environ.get("INFUSIONSOFT_CLIENT_SECRET")
    if not client_id or not secret:
        raise SystemExit("auth login needs INFUSIONSOFT_CLIENT_ID and INFUSIONSOFT_CLIENT_SECRET")
    return OAuthCredentials(token_url=token_url(_env("INFUSIONSOFT_API_URL", DEFAULT_API_URL)),
                            client_id=client_id, client_secret=secret,
                            store=TokenStore(_env("INFUSIONSOFT_TOKEN_FILE", DEFAULT_TOKEN_FILE)))


def cmd_materialize(args: argparse.Namespace) -> int:
    from .dates import DateSelectionError, resolve, utc_today
    from .assets.partitions import start_date_from_env

    try:
        days = resolve(today=utc_today(), earliest=start_date_from_env(), date_=args.date,
                       days_back_n=args.days_back, start=args.start, end=args.end)
    except DateSelectionError as exc:
        raise SystemExit(f"materialize: {exc}") from None
    ok = materialize(args.reports, days.first.isoformat(), days.last.isoformat())
    return 0 if ok else 1


def materialize(report_names: list[str], first: str, last: str) -> bool:
    """Run each report's job (range or snapshot) through Dagster for an inclusive day range, one run each."""
    import dagster as dg

    from .catalog import REPORTS_BY_NAME, Dates
    from .definitions import RANGE_JOB, SNAPSHOT_JOB, build_definitions

    unknown = [n for n in report_names if n not in REPORTS_BY_NAME]
    if unknown:
        raise SystemExit(f"materialize: unknown report(s) {', '.join(unknown)}; "
                         f"known: {', '.join(sorted(REPORTS_BY_NAME))}")
    defs = build_definitions()
    instance = _instance()
    quiet = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
    ok = True
    for name in report_names:
        job = RANGE_JOB if REPORTS_BY_NAME[name].dates is Dates.RANGE else SNAPSHOT_JOB
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, asset_selection=[dg.AssetKey(name)], raise_on_error=False, run_config=quiet,
            tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last})
        ok = ok and result.success
        print(f"{name} {first}..{last}: {'ok' if result.success else 'FAILED'} ({job}, run {result.run_id})")
    return ok


@contextlib.contextmanager
def sandbox_session(seed: int, scale: int, callback_port: int = 0) -> Iterator[Path]:
    """Start the sandbox in its own process, point the environment at it, log in through its consent page.

    Yields the DuckDB path (under data/demo/, apart from a real account's warehouse).
    """
    from .keap.login import login
    from .resources import authorize_url
    from .sandbox.quotas import QuotaLimits
    from .sandbox.server import SandboxServer

    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    duckdb_path = (DEMO_DIR / "infusionsoft.duckdb").resolve()
    # Keap's own limits, enforced: the demo meets the throttles a real account would.
    with SandboxServer(seed=seed, scale=scale, mode="process", quotas=QuotaLimits()) as sandbox:
        creds = sandbox.credentials
        os.environ.update({
            "INFUSIONSOFT_API_URL": sandbox.base_url,
            "INFUSIONSOFT_CLIENT_ID": creds.client_id,
            "INFUSIONSOFT_CLIENT_SECRET": creds.client_secret,
            "INFUSIONSOFT_TOKEN_FILE": str((DEMO_DIR / "tokens.json").resolve()),
            "INFUSIONSOFT_DUCKDB_PATH": str(duckdb_path),
        })
        os.environ.pop("INFUSIONSOFT_API_KEY", None)
        print(f"Sandbox Keap at {sandbox.base_url} (seed {seed}, {scale} contacts)")
        login(_oauth_credentials(), authorize_url(sandbox.base_url), port=callback_port,
              approve_sandbox=True, say=lambda _: None)
        print("OAuth: consent approved on the sandbox, tokens stored")
        yield duckdb_path


def cmd_dev(args: argparse.Namespace) -> int:
    """The Dagster UI on the sandbox, with a persistent DAGSTER_HOME under the repo."""
    import subprocess

    home = dagster_home()
    with sandbox_session(args.seed, args.scale):
        print(f"DAGSTER_HOME={home}; the UI will be at http://{args.host}:{args.port}")
        command = [sys.executable, "-m", "dagster", "dev", "-m", "infusionsoft_assets.definitions",
                   "-h", args.host, "-p", str(args.port)]
        try:
            return subprocess.call(command)
        except KeyboardInterrupt:
            return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .dates import days_back, utc_today
    from .storage import Warehouse

    with sandbox_session(args.seed, args.scale, args.callback_port) as duckdb_path:
        today = utc_today()
        window = days_back(3, today=today, earliest=today - timedelta(days=3650))
        ok = materialize(["contacts"], window.first.isoformat(), window.last.isoformat())
        ok = materialize(["affiliate_programs"], today.isoformat(), today.isoformat()) and ok
    print(f"\nRows in {duckdb_path}:")
    for table, by_day in Warehouse(duckdb_path).rows_per_day().items():
        print(f"  keap.{table}: {sum(by_day.values())} rows")
        for day, n in by_day.items():
            print(f"    {day}: {n}")
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="infusionsoft-assets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    sandbox = sub.add_parser("sandbox", add_help=False,
                             help="serve a local Keap (OAuth2, REST v1/v2, XML-RPC) on one port; --help for flags")

    auth = sub.add_parser("auth", help="OAuth2 credentials").add_subparsers(dest="auth_command", required=True)
    login_p = auth.add_parser("login", help="authorise this tool with Keap (authorization-code flow)")
    login_p.add_argument("--port", type=int, default=8976, help="loopback port for the OAuth callback")
    login_p.add_argument("--no-browser", action="store_true", help="print the URL instead of opening a browser")
    login_p.add_argument("--approve-sandbox", action="store_true",
                         help="approve the consent form headlessly (the bundled sandbox only)")
    login_p.set_defaults(func=cmd_auth_login)

    mat = sub.add_parser("materialize", help="materialize reports through Dagster for chosen dates")
    mat.add_argument("reports", nargs="+")
    group = mat.add_mutually_exclusive_group()
    group.add_argument("--date", help="a specific day, YYYY-MM-DD")
    group.add_argument("--days-back", type=int, help="the N complete days before today")
    mat.add_argument("--start", help="a day (YYYY-MM-DD) or days back (0 = today)")
    mat.add_argument("--end", help="a day (YYYY-MM-DD) or days back (0 = today)")
    mat.set_defaults(func=cmd_materialize)

    demo = sub.add_parser("demo", help="start the sandbox, log in, materialize reports, print a summary")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--scale", type=int, default=2000)
    demo.add_argument("--callback-port", type=int, default=0, help="OAuth callback port (0 = any free port)")
    demo.set_defaults(func=cmd_demo)

    dev = sub.add_parser("dev", help="the Dagster UI on the sandbox (persistent .dagster_home)")
    dev.add_argument("--seed", type=int, default=1)
    dev.add_argument("--scale", type=int, default=2000)
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=3000)
    dev.set_defaults(func=cmd_dev)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Dagster flags backfill_policy as beta on every import; say it once in the README, not on every command.
    warnings.filterwarnings("ignore", message=".*backfill_policy.*")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sandbox"]:  # its flags are the sandbox's own parser's
        return cmd_sandbox(argv[1:])
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

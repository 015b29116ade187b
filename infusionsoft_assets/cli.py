"""The ``infusionsoft-assets`` command.

  infusionsoft-assets sandbox [--host H] [--port P] [--seed N] [--scale N] ... a local Keap (--help)
  infusionsoft-assets auth login [--port P] [--no-browser]                     OAuth consent -> token file
  infusionsoft-assets auth status                                              credential, app, token expiry
  infusionsoft-assets reports                                                  the catalog and the instances
  infusionsoft-assets materialize REPORT... (--date D | --days-back N | --start S --end E)
  infusionsoft-assets archive                                                  what only XML-RPC serves, now
  infusionsoft-assets runs [clear [RUN_ID...] [--force]]                       runs that are not finished
  infusionsoft-assets demo                                                     the whole thing on the sandbox
  infusionsoft-assets dev                                                      the Dagster UI on the sandbox

Every problem with settings, options or dates is one line naming it, before anything runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
import warnings
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

DEMO_DIR = Path("data/demo")


class UsageError(Exception):
    """A problem the user can fix, said in one line (no traceback)."""


def _settings():
    from .settings import Settings, SettingsError

    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise UsageError(str(exc)) from None


# -- sandbox ------------------------------------------------------------------------------------------
def cmd_sandbox(argv: list[str]) -> int:
    from keap_sandbox.__main__ import main as sandbox_main

    sandbox_main(argv)  # one set of flags: the sandbox's own (`infusionsoft-assets sandbox --help`)
    return 0


# -- auth ---------------------------------------------------------------------------------------------
def _oauth_credentials(settings):
    from .keap import KeapError
    from .keap.account import oauth_credentials

    secret = settings.client_secret.get_secret_value() if settings.client_secret else None
    try:
        return oauth_credentials(settings.api_url, settings.client_id, secret, settings.token_file)
    except KeapError as exc:
        raise UsageError(f"auth: {exc}") from None


def _sandbox_approver():
    """The bundled sandbox's headless consent (it refuses any host that is not the sandbox)."""
    from keap_sandbox.consent_robot import approve_sandbox_consent

    return approve_sandbox_consent


def cmd_auth_login(args: argparse.Namespace) -> int:
    from .keap import KeapError
    from .keap.account import authorize_url
    from .keap.login import login

    settings = _settings()
    credentials = _oauth_credentials(settings)
    try:
        tokens = login(credentials, authorize_url(settings.api_url), port=args.port,
                       approve=_sandbox_approver() if args.approve_sandbox else None,
                       open_browser=not args.no_browser)
    except KeapError as exc:
        raise UsageError(f"auth login: {exc}") from None
    print(f"Authorised{' for ' + tokens.tenant if tokens.tenant else ''}; tokens saved to "
          f"{credentials.store.path} (mode 0600).")
    return 0


def _when(epoch: float | None) -> str:
    if not epoch:
        return "unknown"
    moment = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(epoch))
    delta = epoch - time.time()
    days = abs(delta) / 86400
    span = f"{days:.1f} days" if days >= 1 else f"{abs(delta) / 3600:.1f} hours"
    return f"{moment} ({'in ' + span if delta > 0 else span + ' ago'})"


def cmd_auth_status(args: argparse.Namespace) -> int:
    """Which credential, which app, when the tokens expire and were last refreshed — never a secret."""
    from .keap import KeapError
    from .keap.account import is_sandbox_url, key_fingerprint

    settings = _settings()
    print(f"API:        {settings.api_url}{' (sandbox)' if is_sandbox_url(settings.api_url) else ''}")
    print(f"Pool:       {settings.pool}")
    if settings.api_key:
        print(f"Credential: API key (PAT/SAK) sha256:{key_fingerprint(settings.api_key.get_secret_value())}, "
              "sent as X-Keap-API-Key; nothing to refresh")
        return 0
    if not settings.client_id:
        raise UsageError("auth status: no credential configured: set INFUSIONSOFT_API_KEY, or "
                         "INFUSIONSOFT_CLIENT_ID and INFUSIONSOFT_CLIENT_SECRET")
    credentials = _oauth_credentials(settings)
    print(f"Credential: OAuth client {settings.client_id[:4]}… (sha256:{key_fingerprint(settings.client_id)})")
    try:
        info = credentials.store.describe()
    except KeapError as exc:
        raise UsageError(f"auth status: {exc}") from None
    print(f"Token file: {info['path']}" + (f" (mode {info['mode']})" if info.get("mode") else ""))
    if not info.get("exists"):
        print("Tokens:     none yet; run `infusionsoft-assets auth login`")
        return 1
    from .keap.auth import REFRESH_TOKEN_LIFETIME_S

    obtained = info.get("obtained_at")
    print(f"App:        {info.get('tenant') or 'unknown (the scope names no app)'}")
    print(f"Access:     expires {_when(info.get('expires_at'))}")
    print(f"Refreshed:  {_when(obtained)}")
    if obtained:
        print(f"Refresh token lapses if unused by {_when(obtained + REFRESH_TOKEN_LIFETIME_S)} "
              "(the keep-alive schedule refreshes it every 14 days)")
    return 0


# -- materialize --------------------------------------------------------------------------------------
def cmd_materialize(args: argparse.Namespace) -> int:
    from .dates import DateSelectionError, resolve, utc_today

    settings = _settings()
    try:
        days = resolve(today=utc_today(), earliest=settings.start_date, date_=args.date,
                       days_back_n=args.days_back, start=args.start, end=args.end)
    except DateSelectionError as exc:
        field, _, why = str(exc).partition(": ")
        if field in ("date", "days_back", "start", "end"):  # name the option as it is typed
            raise UsageError(f"materialize: --{field.replace('_', '-')}: {why}") from None
        raise UsageError(f"materialize: {exc}") from None
    ok = materialize(args.reports, days.first, days.last, settings=settings)
    return 0 if ok else 1


def _instances(settings, command: str):
    from .catalog import REPORTS_BY_NAME, InstancesError, load_instances

    try:
        return load_instances(settings.reports_file, REPORTS_BY_NAME)
    except InstancesError as exc:
        raise UsageError(f"{command}: {exc}") from None


def _preflight(names: list[str], first: date, last: date, settings) -> list:
    """Everything that can be checked before a run exists: report instances, dates, warehouse, credentials."""
    from .catalog import DEFAULT_FILE, Dates
    from .dates import utc_today
    from .keap import KeapError
    from .keap.account import credentials as build_credentials
    from .keap.auth import OAuthCredentials
    from .storage import Warehouse, WarehouseError

    from .definitions import archive_instances

    by_asset = {i.asset: i for i in (*_instances(settings, "materialize"), *archive_instances())}
    unknown = [n for n in names if n not in by_asset]
    if unknown:
        raise UsageError(f"materialize: no report instance {', '.join(unknown)} in {settings.reports_file or DEFAULT_FILE}"
                         f" (it has: {', '.join(sorted(by_asset)) or 'none'}); `infusionsoft-assets reports` lists "
                         "the catalog and the instances")
    today = utc_today()
    for name in names:
        instance = by_asset[name]
        if instance.dates is not Dates.RANGE and (first, last) != (today, today):
            raise UsageError(f"materialize: {name} is a {instance.dates.value} report (Keap gives current state "
                             f"only): only today's partition ({today}) can be taken, not "
                             f"{first if first == last else f'{first}..{last}'}. Use --date {today}.")
        if instance.dates is not Dates.RANGE and today < settings.snapshot_start_date:
            raise UsageError(f"materialize: {name}: snapshot partitions start at {settings.snapshot_start_date} "
                             "(INFUSIONSOFT_SNAPSHOT_START_DATE)")
    try:
        Warehouse(settings.warehouse_path).check_writable()
    except WarehouseError as exc:
        raise UsageError(f"materialize: {exc}") from None
    try:
        creds = build_credentials(
            settings.api_url, client_id=settings.client_id,
            client_secret=settings.client_secret.get_secret_value() if settings.client_secret else None,
            api_key=settings.api_key.get_secret_value() if settings.api_key else None,
            token_file=settings.token_file)
        if isinstance(creds, OAuthCredentials) and creds.store.read() is None:
            raise UsageError(f"materialize: no Keap tokens in {creds.store.path}; run "
                             "`infusionsoft-assets auth login` first")
    except KeapError as exc:
        raise UsageError(f"materialize: {exc}") from None
    return [by_asset[n] for n in names]


def materialize(names: list[str], first: date, last: date, settings=None) -> bool:
    """Materialize report instances through Dagster for an inclusive day range: the range reports in one run
    (each fetches the window once), the snapshot and lookup reports in another.

    Runs left behind by dead processes are released first; while a run waits for a pool slot or a step
    retry, a watcher reports who holds the pool and honours Ctrl-C / SIGTERM (:mod:`.run_watch`)."""
    import dagster as dg

    from .catalog import Dates
    from .definitions import RANGE_JOB, SNAPSHOT_JOB, build_definitions
    from .instance import open_instance
    from .run_watch import RunWatch, say_stderr
    from .stuck_runs import process_tags, reap_dead_runs

    settings = settings or _settings()
    chosen = _preflight(names, first, last, settings)
    defs = build_definitions(settings)
    instance = open_instance()
    reap_dead_runs(instance, say_stderr)
    quiet = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
    span = first.isoformat() if first == last else f"{first}..{last}"
    ok = True
    for job, group in ((RANGE_JOB, [i.asset for i in chosen if i.dates is Dates.RANGE]),
                       (SNAPSHOT_JOB, [i.asset for i in chosen if i.dates is not Dates.RANGE])):
        if not group:
            continue
        run_id = str(uuid.uuid4())
        what = f"report {group[0]}{f' and {len(group) - 1} more' if len(group) > 1 else ''}, partition {span}"
        with RunWatch(instance, run_id, settings.pool, what) as watch:
            result = defs.resolve_job_def(job).execute_in_process(
                instance=instance, asset_selection=[dg.AssetKey(n) for n in group], raise_on_error=False,
                run_config=quiet, run_id=run_id,
                tags={"dagster/asset_partition_range_start": first.isoformat(),
                      "dagster/asset_partition_range_end": last.isoformat(), **process_tags()})
        if watch.signalled:
            print(f"{what}: interrupted by {signal.Signals(watch.signalled).name} (run {run_id})")
            raise KeyboardInterrupt
        failed = {e.step_key: e.step_failure_data.error.message.splitlines()[0]
                  for e in result.all_events if e.is_step_failure}
        for name in group:
            print(f"{name} {span}: {'FAILED: ' + failed[name] if name in failed else 'ok'} ({job}, run {run_id})")
        ok = ok and result.success
    return ok


def cmd_reports(args: argparse.Namespace) -> int:
    """The catalog (every report, its Domo name, source, dates and parameters) and the instances of the
    current reports file."""
    from .catalog import DEFAULT_FILE, REPORTS

    print("Reports of the catalog (each instance of a report is one asset and one table keap.<asset>):\n")
    print(f"{'report':<34} {'dates':<9} {'parameters':<42} Domo report / source")
    for spec in REPORTS:
        params = []
        if spec.fan_out:
            fan = spec.fan_out
            how = ("default all" if fan.default_all else "or all" if (fan.all_from or fan.all_unfiltered)
                   else "required")
            params.append(f"{fan.param} ({how})")
        params += [f"{o.name} ({'required' if o.required else 'optional'})" for o in spec.options]
        print(f"{spec.name:<34} {spec.dates.value:<9} {', '.join(params) or '-':<42} {spec.domo_report} / "
              f"{spec.source.label}")
    settings = _settings()
    instances = _instances(settings, "reports")
    print(f"\nInstances in {settings.reports_file or DEFAULT_FILE} (INFUSIONSOFT_REPORTS_FILE):\n")
    for i in instances:
        schedule = (f"cron {i.schedule.cron}" + (f", {i.schedule.days_back} days back" if i.schedule.days_back
                                                 else "")) if i.schedule else "default schedule"
        print(f"  {i.asset:<34} {i.spec.name:<34} {i.describe_params():<30} {schedule}")
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    """Take everything only Keap's XML-RPC API serves (archive_xmlrpc_only) into today's partition."""
    ok = archive(_settings())
    return 0 if ok else 1


def archive(settings) -> bool:
    from .dates import utc_today
    from .definitions import ARCHIVE_JOB, archive_instances, build_definitions
    from .instance import open_instance
    from .run_watch import RunWatch, say_stderr
    from .storage import Warehouse
    from .stuck_runs import process_tags, reap_dead_runs

    today = utc_today()
    _preflight([i.asset for i in archive_instances()], today, today, settings)
    defs = build_definitions(settings)
    instance = open_instance()
    reap_dead_runs(instance, say_stderr)
    run_id = str(uuid.uuid4())
    print(f"Archiving what only Keap's XML-RPC API serves (it is switched off on 2026-12-31) into "
          f"{settings.warehouse_path}, partition {today}")
    with RunWatch(instance, run_id, settings.pool, f"{ARCHIVE_JOB}, partition {today}") as watch:
        result = defs.resolve_job_def(ARCHIVE_JOB).execute_in_process(
            instance=instance, partition_key=today.isoformat(), raise_on_error=False, run_id=run_id,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}}, tags=process_tags())
    if watch.signalled:
        raise KeyboardInterrupt
    for e in result.all_events:
        if e.is_step_failure:
            print(f"{e.step_key}: FAILED: {e.step_failure_data.error.message.splitlines()[0]}")
    print(f"\nThe XML-RPC archive in {settings.warehouse_path} ({'complete' if result.success else 'INCOMPLETE'}, "
          f"run {run_id}):")
    for table, rows, at in Warehouse(settings.warehouse_path).archive():
        print(f"  keap.{table:<44} {rows:>7} rows  {f'{at:%Y-%m-%d %H:%M} UTC' if at else ''}")
    return result.success


# -- runs ---------------------------------------------------------------------------------------------
def cmd_runs(args: argparse.Namespace) -> int:
    """List runs that are not finished (with whether their process lives); clear the ones that are stuck."""
    from .instance import open_instance
    from .stuck_runs import active_runs, dead_reason, describe, health, release

    instance = open_instance()
    runs = active_runs(instance)
    if args.runs_command != "clear":
        if not runs:
            print("No unfinished runs.")
        for run in runs:
            h = health(instance, run)
            pids = ",".join(str(p.pid) for p in h.processes) or "-"
            print(f"{run.run_id}  {run.status.value:<9} {h.state:<9} pid {pids:<12} {describe(run)}")
        if any(health(instance, r).dead for r in runs):
            print("Runs marked 'dead' hold pool slots for nothing: `infusionsoft-assets runs clear` releases them.")
        return 0
    wanted = set(args.run_ids)
    unknown = [r for r in wanted if not any(run.run_id.startswith(r) for run in runs)]
    if unknown:
        raise UsageError(f"runs clear: no unfinished run {', '.join(unknown)}")
    cleared = 0
    for run in runs:
        if wanted and not any(run.run_id.startswith(r) for r in wanted):
            continue
        h = health(instance, run)
        if h.dead:
            release(instance, run, dead_reason(h))
        elif wanted and args.force:
            release(instance, run, f"cleared by hand with `runs clear --force` (it was {h.state})")
        else:
            if wanted:
                print(f"{run.run_id[:8]}: its process is {h.state}; not cleared (add --force to clear it anyway)")
            continue
        cleared += 1
        print(f"{run.run_id[:8]} ({describe(run)}): marked finished, pool slots freed")
    print(f"Cleared {cleared} run(s).")
    return 0


# -- the sandbox: demo and dev ------------------------------------------------------------------------
@contextlib.contextmanager
def sandbox_session(seed: int, scale: int, callback_port: int = 0) -> Iterator[Path]:
    """Start the sandbox in its own process, point the environment at it, log in through its consent page.

    Yields the DuckDB path (under data/demo/, apart from a real account's warehouse).
    """
    from .keap.account import authorize_url
    from .keap.login import login
    from keap_sandbox.quotas import QuotaLimits
    from keap_sandbox.server import SandboxServer

    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    duckdb_path = (DEMO_DIR / "infusionsoft.duckdb").resolve()
    # Keap's own limits, enforced: the demo meets the throttles a real account would.
    with SandboxServer(seed=seed, scale=scale, mode="process", quotas=QuotaLimits(),
                       reports_file=(DEMO_DIR / "reports.yaml").resolve()) as sandbox:
        creds = sandbox.credentials
        os.environ.update({
            "INFUSIONSOFT_API_URL": sandbox.base_url,
            "INFUSIONSOFT_CLIENT_ID": creds.client_id,
            "INFUSIONSOFT_CLIENT_SECRET": creds.client_secret,
            "INFUSIONSOFT_TOKEN_FILE": str((DEMO_DIR / "tokens.json").resolve()),
            "INFUSIONSOFT_DUCKDB_PATH": str(duckdb_path),
            # every report of the catalog, with targets that exist in the sandbox's data
            "INFUSIONSOFT_REPORTS_FILE": str(sandbox.reports_file),
        })
        os.environ.pop("INFUSIONSOFT_API_KEY", None)
        print(f"Sandbox Keap at {sandbox.base_url} (seed {seed}, {scale} contacts)")
        login(_oauth_credentials(_settings()), authorize_url(sandbox.base_url), port=callback_port,
              approve=_sandbox_approver(), say=lambda _: None)
        print("OAuth: consent approved on the sandbox, tokens stored")
        yield duckdb_path


def _stop_group(proc: subprocess.Popen, timeout: float = 30) -> None:
    """Stop ``proc`` and everything it started (its own process group): SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)  # the group lives while any member does (the code server, ...)
            except ProcessLookupError:
                proc.poll()
                return
            proc.poll()
            time.sleep(0.2)


def cmd_dev(args: argparse.Namespace) -> int:
    """The Dagster UI on the sandbox, with a persistent DAGSTER_HOME under the repo.

    Ctrl-C or SIGTERM stops everything it started: dagster dev (webserver, daemon, code server, in its
    own process group) and the sandbox."""
    from .instance import open_instance, prepare_home

    home = prepare_home()  # exported as DAGSTER_HOME for dagster dev
    with open_instance(home):
        pass  # its storages created and migrated here, once, under the home's lock
    with sandbox_session(args.seed, args.scale):
        print(f"DAGSTER_HOME={home}; the UI will be at http://{args.host}:{args.port}")
        command = [sys.executable, "-m", "dagster", "dev", "-m", "infusionsoft_assets.definitions",
                   "-h", args.host, "-p", str(args.port)]
        proc = subprocess.Popen(command, start_new_session=True)
        try:
            return proc.wait()
        finally:
            _stop_group(proc)


def cmd_demo(args: argparse.Namespace) -> int:
    from .dates import utc_today
    from .storage import Warehouse

    from .catalog import Dates

    with sandbox_session(args.seed, args.scale, args.callback_port) as duckdb_path:
        settings = _settings()
        instances = _instances(settings, "demo")
        today = utc_today()
        print(f"Materializing {len(instances)} report instances from {settings.reports_file}: range reports for "
              "the 3 complete days before today, snapshot and lookup reports for today")
        ok = materialize([i.asset for i in instances if i.dates is Dates.RANGE], today - timedelta(days=3),
                         today - timedelta(days=1), settings=settings)
        ok = materialize([i.asset for i in instances if i.dates is not Dates.RANGE], today, today,
                         settings=settings) and ok
        ok = archive(settings) and ok
    print(f"\nRows per report in {duckdb_path}:")
    for table, by_day in Warehouse(duckdb_path).rows_per_day().items():
        days = ", ".join(f"{day:%m-%d}: {n}" for day, n in by_day.items())
        print(f"  keap.{table:<48} {sum(by_day.values()):>7} rows  ({days})")
    return 0 if ok else 1


# -- parsing ------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="infusionsoft-assets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("sandbox", add_help=False,
                   help="serve a local Keap (OAuth2, REST v1/v2, XML-RPC) on one port; --help for flags")

    auth = sub.add_parser("auth", help="OAuth2 credentials").add_subparsers(dest="auth_command", required=True)
    login_p = auth.add_parser("login", help="authorise this tool with Keap (authorization-code flow)")
    login_p.add_argument("--port", type=int, default=8976, help="loopback port for the OAuth callback")
    login_p.add_argument("--no-browser", action="store_true", help="print the URL instead of opening a browser")
    login_p.add_argument("--approve-sandbox", action="store_true",
                         help="approve the consent form headlessly (the bundled sandbox only)")
    login_p.set_defaults(func=cmd_auth_login)
    status_p = auth.add_parser("status", help="which credential and app, token expiry and last refresh")
    status_p.set_defaults(func=cmd_auth_status)

    mat = sub.add_parser("materialize", help="materialize report instances through Dagster for chosen dates",
                         description="Materialize report instances (assets) through Dagster. The names are the "
                                     "assets of the reports file (INFUSIONSOFT_REPORTS_FILE); "
                                     "`infusionsoft-assets reports` lists them and the catalog.")
    mat.add_argument("reports", nargs="+", metavar="REPORT", help="report instance (asset) names")
    group = mat.add_mutually_exclusive_group()
    group.add_argument("--date", help="a specific day, YYYY-MM-DD")
    group.add_argument("--days-back", type=int, help="the N complete days before today")
    mat.add_argument("--start", help="a day (YYYY-MM-DD) or days back (0 = today)")
    mat.add_argument("--end", help="a day (YYYY-MM-DD) or days back (0 = today)")
    mat.set_defaults(func=cmd_materialize)

    archive_p = sub.add_parser("archive", help="take everything only Keap's XML-RPC API serves into DuckDB, now "
                                               "(Keap switches XML-RPC off on 2026-12-31)")
    archive_p.set_defaults(func=cmd_archive)

    reports = sub.add_parser("reports", help="the catalog of reports and the instances of the reports file")
    reports.set_defaults(func=cmd_reports)

    runs = sub.add_parser("runs", help="unfinished runs, and whether their process lives; `runs clear` frees "
                                       "the slots of runs whose process is gone")
    runs.set_defaults(func=cmd_runs, runs_command="list")
    runs_sub = runs.add_subparsers(dest="runs_command")
    clear = runs_sub.add_parser("clear", help="mark runs whose process is gone as failed and free their slots")
    clear.add_argument("run_ids", nargs="*", help="only these runs (an id or its first characters)")
    clear.add_argument("--force", action="store_true", help="clear the named runs even if their process lives")

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


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    # Dagster flags backfill_policy as beta on every import; say it once in the README, not on every command.
    warnings.filterwarnings("ignore", message=".*backfill_policy.*")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sandbox"]:  # its flags are the sandbox's own parser's
        return cmd_sandbox(argv[1:])
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)  # SIGTERM unwinds like Ctrl-C: children and locks are released
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"infusionsoft-assets: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("infusionsoft-assets: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

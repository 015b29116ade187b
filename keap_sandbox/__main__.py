"""``python -m keap_sandbox`` (or ``infusionsoft-assets sandbox``) — run a local imitation of Keap's API.

Prints ``Keap sandbox listening on http://HOST:PORT`` then the INFUSIONSOFT_* settings to use,
and serves until Ctrl-C / SIGTERM.

Quotas are Keap's and enforced unless overridden by ``--quota-*`` flags or ``KEAP_SANDBOX_QUOTA_*``
env vars (e.g. ``KEAP_SANDBOX_QUOTA_KEY_PER_MINUTE=5``, ``KEAP_SANDBOX_QUOTA_ENFORCE=0``). Faults come
from ``--faults`` or ``KEAP_SANDBOX_FAULTS`` (spec: ``DataService.query=db_too_long*3,ok`` or
``/rest/v2/contacts=http_503:html@0.1``, rules separated by ``;``) and can be changed at run time
through ``/sandbox/admin/faults``.

OAuth: the consent page sends codes only to registered redirect URIs: by default
``http://127.0.0.1/callback`` and ``http://localhost/callback`` on any port (RFC 8252 loopback rule);
``--redirect-uri URI`` (repeatable) registers others instead. ``--keap-build YYYY-MM`` imitates a tenant
on an older Keap build, e.g. ``--keap-build 2026-04`` rejects ``order_by=update_time`` on v2 contacts.

``--xmlrpc-shut-down`` imitates Keap after it retired the legacy XML-RPC API on 2026-12-31: every request to
``/crm/xmlrpc/v1`` (or ``/crm/xmlrpc``) answers ``410 Gone`` with an HTML page, before authentication and
quotas; REST and OAuth keep working. Switch it at run time through ``/sandbox/admin/xmlrpc``
(``{"shut_down": true|false}``).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import fields
from datetime import datetime, timezone

from .builds import FEATURES, parse_build
from .consent import DEFAULT_REDIRECT_URIS, RedirectUris
from .quotas import QuotaLimits
from .server import serve

FAULTS_ENV = "KEAP_SANDBOX_FAULTS"


def _utc(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m keap_sandbox", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="dataset seed (default: %(default)s)")
    parser.add_argument("--scale", type=int, default=200, help="number of contacts (default: %(default)s)")
    parser.add_argument("--now", type=_utc, default=None,
                        help="anchor time, ISO-8601 (naive = UTC); default: now, truncated to the second")
    parser.add_argument("--access-token-ttl", type=int, default=86_400, help="seconds (default: %(default)s)")
    parser.add_argument("--refresh-token-ttl", type=int, default=45 * 86_400,
                        help="seconds (default: %(default)s)")
    parser.add_argument("--log-level", default="warning",
                        choices=["critical", "error", "warning", "info", "debug", "trace"])
    parser.add_argument("--faults", default=os.environ.get(FAULTS_ENV, ""),
                        help=f"fault-injection spec (default: ${FAULTS_ENV} or none)")
    parser.add_argument("--redirect-uri", dest="redirect_uris", action="append", type=_redirect_uri,
                        metavar="URI",
                        help="an OAuth redirect URI to register; repeat for several (default: "
                             f"{' and '.join(DEFAULT_REDIRECT_URIS)}, any port)")
    features = ", ".join(f"{name} since {month}" for name, month in FEATURES.items())
    parser.add_argument("--keap-build", type=_build, default=None, metavar="YYYY-MM",
                        help=f"imitate a tenant on this Keap build: later features answer 400 ({features}); "
                             "default: current")
    parser.add_argument("--reports-file", default=None, metavar="PATH",
                        help="where to write infusionsoft-assets' reports file for this dataset (every report, "
                             "with targets that exist here; printed as INFUSIONSOFT_REPORTS_FILE); default: "
                             "keap-sandbox-reports-SEED-SCALE.yaml in the system temp folder")
    parser.add_argument("--xmlrpc-shut-down", action="store_true",
                        help="imitate Keap after the XML-RPC API's retirement on 2026-12-31: /crm/xmlrpc/v1 answers "
                             "410 Gone (HTML) to every request; REST and OAuth keep working (default: XML-RPC on; "
                             "switchable at run time through /sandbox/admin/xmlrpc)")
    _add_quota_flags(parser, QuotaLimits.from_env())
    return parser.parse_args(argv)


def _redirect_uri(value: str) -> str:
    try:
        RedirectUris([value])
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _build(value: str) -> str | None:
    try:
        return parse_build(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_quota_flags(parser: argparse.ArgumentParser, defaults: QuotaLimits) -> None:
    """One ``--quota-<field>`` per QuotaLimits field; defaults are Keap's unless env vars say otherwise."""
    group = parser.add_argument_group("quotas (default: Keap's, or KEAP_SANDBOX_QUOTA_<FIELD>)")
    for field in fields(QuotaLimits):
        option, default = "--quota-" + field.name.replace("_", "-"), getattr(defaults, field.name)
        if isinstance(default, bool):
            group.add_argument(option, dest=f"quota_{field.name}", action=argparse.BooleanOptionalAction,
                               default=default, help="answer 429 over a limit (default: %(default)s)")
        else:
            group.add_argument(option, dest=f"quota_{field.name}", type=int, default=default,
                               help="(default: %(default)s)")


def quota_limits(args: argparse.Namespace) -> QuotaLimits:
    return QuotaLimits(**{f.name: getattr(args, f"quota_{f.name}") for f in fields(QuotaLimits)})


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    serve(host=args.host, port=args.port, seed=args.seed, scale=args.scale, now=args.now,
          access_token_ttl=args.access_token_ttl, refresh_token_ttl=args.refresh_token_ttl,
          log_level=args.log_level, quotas=quota_limits(args), faults=args.faults,
          redirect_uris=args.redirect_uris, keap_build=args.keap_build, reports_file=args.reports_file,
          xmlrpc_shut_down=args.xmlrpc_shut_down)


if __name__ == "__main__":
    main()

"""``python -m infusionsoft_assets.sandbox`` — run a local imitation of Keap's API.

Prints ``Keap sandbox listening on http://HOST:PORT`` then the INFUSIONSOFT_* settings to use,
and serves until Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from .server import serve


def _utc(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m infusionsoft_assets.sandbox", description=__doc__,
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
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    serve(host=args.host, port=args.port, seed=args.seed, scale=args.scale, now=args.now,
          access_token_ttl=args.access_token_ttl, refresh_token_ttl=args.refresh_token_ttl,
          log_level=args.log_level)


if __name__ == "__main__":
    main()

"""`python -m bench --scale small|national [--database-url URL] [--no-generate]
[--only NAME,NAME] [--workers N] [--load [--load-users 8,16,32] [--load-seconds 30]]`."""

import argparse

from bench import load
from bench.generate import SCALES, default_database_url
from bench.run import main, parse_only, target_names


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Wijkportaal benchmark (docs/performance.md)."
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="national")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL database to (re)create; default postgres://postgres@127.0.0.1:5432/"
        "wp_bench_<scale>. It is dropped and rebuilt unless --no-generate is given.",
    )
    parser.add_argument(
        "--no-generate", action="store_true", help="Measure the existing database again."
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4).")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME,NAME",
        help="Measure only these targets (comma-separated names as in the table; may be "
        "repeated): " + "; ".join(target_names()),
    )
    parser.add_argument(
        "--load",
        action="store_true",
        help="Run the concurrent mixed load instead of the targets (docs/performance.md, "
        "Mixed load).",
    )
    parser.add_argument(
        "--load-users",
        default=",".join(str(n) for n in load.DEFAULT_USERS),
        metavar="N,N",
        help="Numbers of virtual users, one run each (default 8,16,32).",
    )
    parser.add_argument(
        "--load-seconds",
        type=float,
        default=load.DEFAULT_SECONDS,
        help="Measured seconds per number of users (default 30).",
    )
    args = parser.parse_args(argv)
    try:
        args.only = parse_only(args.only)
        args.load_users = load.parse_users(args.load_users)
    except ValueError as exc:
        parser.error(str(exc))
    if args.load and args.only:
        parser.error("--only en --load gaan niet samen.")
    if args.load_seconds <= 0:
        parser.error("--load-seconds moet groter dan 0 zijn.")
    return args


if __name__ == "__main__":
    args = parse_args()
    if args.load:
        load.main(
            args.scale,
            args.database_url or default_database_url(args.scale),
            generate=not args.no_generate,
            workers=args.workers,
            user_counts=args.load_users,
            seconds=args.load_seconds,
        )
    else:
        main(
            args.scale,
            args.database_url or default_database_url(args.scale),
            generate=not args.no_generate,
            workers=args.workers,
            only=args.only,
        )

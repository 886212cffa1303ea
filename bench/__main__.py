"""`python -m bench --scale small|national [--database-url URL] [--no-generate]
[--only NAME,NAME]`."""

import argparse

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
    args = parser.parse_args(argv)
    try:
        args.only = parse_only(args.only)
    except ValueError as exc:
        parser.error(str(exc))
    return args


if __name__ == "__main__":
    args = parse_args()
    main(
        args.scale,
        args.database_url or default_database_url(args.scale),
        generate=not args.no_generate,
        workers=args.workers,
        only=args.only,
    )

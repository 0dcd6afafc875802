#!/usr/bin/env python
"""One page at two ticket counts, measured in turns: is a difference the page's or the run's?

    .venv/bin/python bench/compare.py --path / --sizes 10000,1000000 --rounds 4

Starts the bench's server (bench/run.py: production gunicorn configuration, bench settings)
on each bench database (made by bench/run.py first), logs the demo customer (or --user) in,
and runs wrk on the page against each server in turn, --rounds times. A difference that
comes from the data shows in every round; one that comes from the machine moves from round
to round. Prints req/s, p50/p95 latency and the worker's CPU and SQL time per request.
"""

import argparse
import os
import sys
import tempfile
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load, run  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default="/", help="the page (a GET)")
    parser.add_argument("--sizes", default="10000,1000000", help="two or more ticket counts")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=3000, help="per page and round")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--user", default=run.USERS["customer"])
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    args = parser.parse_args()
    os.chdir(ROOT)
    settings = types.SimpleNamespace(database=args.database, redis=args.redis)
    servers = []
    logs = Path(tempfile.gettempdir()) / "netdigi-bench-logs"
    logs.mkdir(exist_ok=True)
    media = tempfile.mkdtemp(prefix="netdigi-compare-media-")
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            env = run.server_env(settings, size, run.free_port(), media)
            port = run.free_port()
            log = (logs / f"compare-{size}.log").open("w")
            process = run.start_gunicorn(env, port, 2, log)
            servers.append((size, process, f"http://127.0.0.1:{port}"))
            browser = load.Browser(servers[-1][2])
            browser.login(args.user, run.PASSWORD)
            servers[-1] += (browser.cookie_header(),)
        print("round | tickets | req/s | p50 ms | p95 ms | worker CPU ms p50 | SQL ms p50")
        for number in range(1, args.rounds + 1):
            for size, _process, base, cookie in servers:
                result = load.wrk(
                    base,
                    [args.path],
                    requests=args.requests,
                    concurrency=args.concurrency,
                    cookie=cookie,
                )
                print(
                    f"{number} | {size:,} | {result['rps']:.0f} | {result['p50_us'] / 1000:.1f} "
                    f"| {result['p95_us'] / 1000:.1f} | {result['server_cpu_ms']['p50']:.2f} "
                    f"| {result['server_sql_ms']['p50']:.2f}",
                    flush=True,
                )
    finally:
        for server in servers:
            server[1].terminate()


if __name__ == "__main__":
    main()

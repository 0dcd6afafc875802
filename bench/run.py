#!/usr/bin/env python
"""The load benchmark of issue 7: `make bench` or `.venv/bin/python bench/run.py`.

For each ticket count (default 10k, 100k, 1M) it makes (once) a PostgreSQL database
netdigi_bench_<count> with seed_demo + seed_bench, starts gunicorn on it, logs in the demo
customer and staff member, and measures every page with wrk: a fixed number of requests at a
fixed concurrency, p50/p95/p99 latency, requests per second, SQL queries per request (header
of bench/middleware.py) and the ratio to a bare Django view served the same way. Then the
RSS of the gunicorn workers across 20,000 requests and the email path (one Celery worker, a
local SMTP sink). Results: bench/results/results.json, README.md (tables) and a PNG plot.
Rows that the POST benchmarks add are deleted afterwards, so a database can be measured again.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import ingest, load, mail, pages, report  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "results.json"  # --results changes the folder
VENV_BIN = Path(sys.executable).parent
PASSWORD = "netdigi-demo"  # noqa: S105 (the documented demo password)
USERS = {
    "customer": "customer@example.com",
    "staff": "staff@example.com",
    "admin": "admin@example.com",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(args, size, smtp_port, media):
    """The server's environment. The flood limits of tickets/throttle.py are raised, not
    turned off: their queries stay in every POST, but one customer may post as fast as the
    load generator asks."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{args.database.rstrip('/')}/netdigi_bench_{size}",
        "SECRET_KEY": "bench-only-not-secret",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CELERY_BROKER_URL": args.redis,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "MEDIA_ROOT": media,
        "LOG_LEVEL": "ERROR",
        "TICKET_RATE_LIMIT": "100000/1s",
        "TICKET_REPLY_RATE_LIMIT": "100000/1s",
        "KB_SUGGEST_RATE_LIMIT": "100000/1s",
        "PYTHONPATH": str(ROOT),
    }


def manage(env, *command):
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def ensure_database(args, size):
    """netdigi_bench_<size> with seed_demo and seed_bench, unless it is there already."""
    name = f"netdigi_bench_{size}"
    admin_url = f"{args.database.rstrip('/')}/postgres"
    env = {**os.environ, "DATABASE_URL": f"{args.database.rstrip('/')}/{name}", "DEBUG": "true"}
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone() is not None
            if exists and not args.reseed:
                seeded = True
                try:
                    db = psycopg2.connect(env["DATABASE_URL"])
                    with db.cursor() as check:
                        check.execute("SELECT count(*) FROM tickets_ticket")
                        seeded = check.fetchone()[0] >= size
                    db.close()
                except psycopg2.Error:
                    seeded = False
                if seeded:
                    print(f"== {name}: already seeded")
                    manage(env, "migrate", "--noinput", "-v0")
                    ensure_report_figures(env)
                    return None
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()
    print(f"== {name}: migrate, seed_demo, seed_bench --tickets {size}")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    started = time.monotonic()
    manage(env, "seed_bench", "--tickets", str(size))
    seconds = round(time.monotonic() - started, 1)
    ensure_report_figures(env)
    return seconds


def ensure_report_figures(env):
    """The service level clocks and report figures of every ticket (sla/), computed from
    history once, as `manage.py sla_refresh --all` does after installing; and surveys and
    ratings (bench/reports.py adds them when there are none)."""
    import psycopg2

    db = psycopg2.connect(env["DATABASE_URL"])
    try:
        with db.cursor() as check:
            check.execute("SELECT EXISTS (SELECT 1 FROM sla_ticketstat LIMIT 1)")
            done = check.fetchone()[0]
    finally:
        db.close()
    if not done:
        print("== sla_refresh --all (clocks and report figures from history)")
        manage(env, "sla_refresh", "--all", "--batch", "5000")
    from bench.reports import seed_satisfaction

    db = psycopg2.connect(env["DATABASE_URL"])
    try:
        seed_satisfaction(db)
        db.commit()
    finally:
        db.close()


def start_gunicorn(env, port, workers, log):
    """The production configuration (deploy/gunicorn.conf.py) with the bench's address and
    worker count, no worker recycling (the RSS measurement needs the same workers) and a
    long timeout (a slow page is measured, not killed)."""
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": "1",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_TIMEOUT": "300",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    command = [str(VENV_BIN / "gunicorn")]
    if (ROOT / "deploy" / "gunicorn.conf.py").exists():
        command += ["-c", "deploy/gunicorn.conf.py"]
    else:
        command += ["netdigi.wsgi:application", "--bind", env["GUNICORN_BIND"],
                    "--workers", str(workers), "--timeout", "300"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    browser = load.Browser(f"http://127.0.0.1:{port}")
    for _ in range(300):
        time.sleep(0.2)
        try:
            if browser.request("/__bench__/bare/")[0] == 200:
                return process
        except OSError:
            continue
    process.terminate()
    raise RuntimeError(f"gunicorn did not start; see {log.name}.")


def worker_rss(master_pid):
    """RSS in MiB of each gunicorn worker (the master's children)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = {}
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes[int(pid)] = round(int(line.split()[1]) / 1024, 1)
    return sizes


def read_data():
    """What the page list needs from the database under test."""
    from django.conf import settings

    from accounts.models import User
    from tickets.models import Ticket

    customer = User.objects.get(email=USERS["customer"])
    twenty = Ticket.objects.get(customer=customer, subject=pages.TWENTY_MESSAGES_SUBJECT)
    targets = (
        customer.tickets.exclude(status=Ticket.Status.CLOSED)
        .exclude(pk=twenty.pk)
        .order_by("-updated_at")
        .values_list("number", flat=True)[:50]
    )
    return {
        "per_page": settings.TICKETS_PER_PAGE,
        "demo_tickets": customer.tickets.count(),
        "twenty_number": twenty.number,
        "twenty_id": twenty.pk,
        "reply_targets": list(targets),
        "tickets": Ticket.objects.count(),
    }


class Writes:
    """Remembers the last ids before the POST benchmarks and the reply targets' state, and
    puts the database back afterwards."""

    FIELDS = ["status", "updated_at", "last_reply_at", "last_reply_by", "waiting_since",
              "closed_at", "assignee"]  # fmt: skip

    def __init__(self, reply_numbers):
        from notifications.models import Notification
        from tickets.models import Message, Ticket, TicketEvent

        self.models = [Notification, TicketEvent, Message, Ticket]
        self.last = {m: m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                     for m in self.models}  # fmt: skip
        self.targets = list(Ticket.objects.filter(number__in=reply_numbers))

    def undo(self):
        from tickets.models import Attachment, Ticket

        Attachment.objects.filter(message_id__gt=self.last[self.models[2]]).delete()
        for model in self.models:
            model.objects.filter(pk__gt=self.last[model]).delete()
        Ticket.objects.bulk_update(self.targets, self.FIELDS)


def measure(args, size):
    # A terminated run still stops its gunicorn, worker and SMTP sink (the finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    seed_seconds = ensure_database(args, size)
    smtp_port = free_port()
    media = tempfile.mkdtemp(prefix="netdigi-bench-media-")
    env = server_env(args, size, smtp_port, media)
    os.environ.update(env)
    import django

    django.setup()
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    manage(env, "collectstatic", "--noinput", "-v0")
    data = read_data()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = Path(tempfile.gettempdir()) / "netdigi-bench-logs"
    logs.mkdir(exist_ok=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    result = {
        "code": commit or os.environ.get("BENCH_CODE", "unknown"),
        "tickets": data["tickets"],
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed_seconds": seed_seconds,
        "settings": {
            "workers": args.workers,
            "concurrency": args.concurrency,
            "requests": args.requests,
            "load_generator": "wrk 4.1 (1 thread)",
        },  # fmt: skip
        "pages": {},
    }
    with (
        mail.Sink(smtp_port) as sink,
        open(logs / f"gunicorn-{size}.log", "w") as gunicorn_log,
        open(logs / f"celery-{size}.log", "w") as celery_log,
    ):
        server = start_gunicorn(env, port, args.workers, gunicorn_log)
        try:
            browsers = {"anonymous": load.Browser(base)}
            for role, email in USERS.items():
                browsers[role] = load.Browser(base).login(email, PASSWORD)
            csrf = browsers["customer"].cookie("csrftoken")
            page_list = pages.build(data, csrf, args.requests)
            writes = None
            for page in page_list:
                if page.kind == "write" and writes is None:
                    writes = Writes(data["reply_targets"])
                result["pages"][page.name] = run_page(args, base, browsers, page)
            if writes:
                writes.undo()
            ceiling = page_list[0]
            result["pages"][ceiling.name + ", again"] = run_page(args, base, browsers, ceiling)
            store(args, size, result)
            if args.rss_requests:
                result["rss"] = measure_rss(args, base, browsers, server.pid, data)
                store(args, size, result)
            if not args.skip_email:
                try:
                    result["email"] = measure_email(args, env, sink, browsers, data, celery_log)
                except Exception as error:  # recorded in the results, not hidden
                    result["email"] = {"error": f"{type(error).__name__}: {error}"}
                    print(f"   email: failed: {error}")
                store(args, size, result)
            if not args.skip_ingest:
                result["ingest"] = measure_ingest(args, env, data, logs / f"ingest-{size}.log")
                store(args, size, result)
        finally:
            server.terminate()
            server.wait(30)


def run_page(args, base, browsers, page):
    user = page.user
    browser = browsers[user]
    body = page.body.replace(b"@@TOKEN@@", str(uuid.uuid4()).encode()) if page.body else None
    headers = {"Content-Type": page.content_type} if page.content_type else {}
    status, response_headers, _ = browser.request(page.paths[0], data=body, headers=headers)
    row = {"user": user, "method": page.method, "path": page.paths[0], "note": page.note}
    if status == 403 and user == "staff" and "/admin/" in page.paths[0]:
        # staff@example.com has no admin permission on tickets: measure as the superuser.
        row["note"] = (row["note"] + " as admin@example.com: staff@example.com got 403").strip()
        user, browser = "admin", browsers["admin"]
        status, response_headers, _ = browser.request(page.paths[0])
        row["user"] = user
    if status in (404, 405) and page.kind == "staff":
        print(f"   {page.name}: not available (HTTP {status})")
        return {**row, "available": False, "probe_status": status}
    if status != page.expect:
        raise RuntimeError(f"{page.name}: HTTP {status} instead of {page.expect}")
    queries = int(response_headers.get("X-Bench-Queries", "-1"))
    # The machine may be shared: the load average says how much else was running.
    load_before = os.getloadavg()[0]
    summary = load.wrk(
        base,
        page.paths,
        requests=page.requests or args.requests,
        concurrency=args.concurrency,
        cookie=browser.cookie_header() if user != "anonymous" else None,
        method=page.method,
        body=page.body,
        content_type=page.content_type,
        max_seconds=args.max_seconds,
    )
    ok = summary["statuses"].get(str(page.expect), 0)
    print(f"   {page.name}: {summary['rps']:.1f} req/s, p95 {summary['p95_us'] / 1000:.1f} ms, "
          f"{queries} queries, {ok}/{summary['requests']} HTTP {page.expect}")  # fmt: skip
    return {**row, "available": True, "kind": page.kind, "queries": queries, "expect": page.expect,
            "ok": ok, "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            **summary}  # fmt: skip


def measure_rss(args, base, browsers, master_pid, data):
    paths = [
        "/",
        "/support/tickets/",
        f"/support/tickets/{data['twenty_number']}/",
        "/support/tickets/?status=all&page=2",
        f"/support/tickets/new/{pages.DEPARTMENT}/",
    ]
    before = worker_rss(master_pid)
    summary = load.wrk(base, paths, requests=args.rss_requests, concurrency=args.concurrency,
                       cookie=browsers["customer"].cookie_header(), max_seconds=1800)  # fmt: skip
    after = worker_rss(master_pid)
    print(f"   RSS before {before} after {after} MiB ({summary['requests']} requests)")
    return {"requests": summary["requests"], "paths": paths, "before_mib": before,
            "after_mib": after, "statuses": summary["statuses"]}  # fmt: skip


def measure_email(args, env, sink, browsers, data, log):
    from notifications.models import Notification
    from tickets.models import Ticket

    twenty = Ticket.objects.select_related("customer").get(pk=data["twenty_id"])
    first = twenty.messages.order_by("pk").first()
    writes = Writes([])
    worker = mail.start_worker(VENV_BIN, ROOT, env, log)
    try:
        warm = mail.throughput(sink, count=1, ticket=twenty, recipient=twenty.customer,
                               message=first, timeout=120)  # fmt: skip
        if "error" in warm:
            raise RuntimeError(f"The Celery worker sent nothing; see {log.name}.")
        rate = mail.throughput(sink, count=args.emails, ticket=twenty,
                               recipient=twenty.customer, message=first)  # fmt: skip
        latency = mail.post_to_inbox(sink, browsers["customer"],
                                     path=f"/support/tickets/new/{pages.DEPARTMENT}/",
                                     customer_email=USERS["customer"], posts=args.email_posts,
                                     pause=args.email_pause)  # fmt: skip
        pending = Notification.objects.filter(pk__gt=writes.last[Notification], state="pending")
        latency["left_pending"] = pending.count()
    finally:
        worker.terminate()
        worker.wait(30)
        writes.undo()
    print(f"   email: {rate.get('per_second', 0):.1f}/s, POST->inbox p50 "
          f"{latency.get('p50_s', 0):.3f} s p95 {latency.get('p95_s', 0):.3f} s")  # fmt: skip
    return {"throughput": rate, "latency": latency}


def measure_ingest(args, env, data, log_path):
    """Incoming email with one Celery worker (bench/ingest.py), of one process and of two
    (as deploy/worker.sh runs it): messages a second, and the queries and CPU of one
    message."""
    from tickets.models import Ticket

    twenty = Ticket.objects.select_related("customer", "department").get(pk=data["twenty_id"])
    with open(log_path, "w") as log:
        try:
            return ingest.measure(
                twenty, count=args.ingest_count, env=env, log=log, processes=(1, 2)
            )
        except Exception as error:  # recorded in the results, not hidden
            print(f"   ingest: failed: {error}")
            return {"error": f"{type(error).__name__}: {error}"}


def store(args, size, result):
    path = Path(args.results) / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results[str(size)] = result
    path.write_text(json.dumps(results, indent=1) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="ticket counts")
    parser.add_argument("--requests", type=int, default=1000, help="requests per read page")
    parser.add_argument("--concurrency", type=int, default=4, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--max-seconds", type=int, default=90, help="cap per page")
    parser.add_argument("--rss-requests", type=int, default=20_000)
    parser.add_argument("--emails", type=int, default=300, help="for the throughput")
    parser.add_argument("--email-posts", type=int, default=60)
    parser.add_argument("--email-pause", type=float, default=0.5, help="seconds between POSTs")
    parser.add_argument("--skip-email", action="store_true")
    parser.add_argument("--ingest-count", type=int, default=500, help="incoming emails")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--reseed", action="store_true", help="rebuild the databases")
    parser.add_argument("--report-only", action="store_true", help="redraw table and plot")
    parser.add_argument("--results", default=str(RESULTS.parent), help="where to write")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (databases netdigi_bench_<count> are made there)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="a Redis database for the bench alone: it is flushed",
    )
    args = parser.parse_args()
    if args.one:
        measure(args, args.one)
        return
    if not args.report_only:
        for size in [int(s) for s in args.sizes.split(",") if s]:
            print(f"== {size:,} tickets")
            # A process per size: Django binds its database at start-up.
            argv, skip = [], False
            for arg in sys.argv[1:]:
                if skip or arg.startswith("--sizes="):
                    skip = False
                elif arg == "--sizes":
                    skip = True
                else:
                    argv.append(arg)
            subprocess.run([sys.executable, __file__, *argv, "--one", str(size)], check=True)
    folder = Path(args.results)
    report.write(json.loads((folder / "results.json").read_text()), folder)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Broadcast benchmark of the network status: `make bench-broadcast` or
`.venv/bin/python bench/broadcast.py [--tickets 5000] [--concurrency 1]`.

A PostgreSQL database of its own (netdigi_bench_broadcast, made again each run), a Redis of
its own on a free port, one Celery worker on both queues, a local SMTP sink. It links
`--tickets` tickets (each of another customer) to an incident, posts one update to all of
them as a staff member does, and measures the time from the post until the last email is in
the sink: the replies written in batches by the broadcast task, the emails sent by the same
worker. Then it checks that every ticket got exactly one reply and every customer one email.
Result: bench/results/broadcast.json.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VENV_BIN = Path(sys.executable).parent

RESULT = ROOT / "bench" / "results" / "broadcast.json"
DATABASE = "netdigi_bench_broadcast"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(admin_url, sql):
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def start_redis(port, folder):
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", folder]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    import redis

    client = redis.Redis(port=port, socket_connect_timeout=1)
    for _ in range(100):
        try:
            if client.ping():
                return process
        except redis.RedisError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def seed(count):
    """A staff member, `count` customers with a hosting plan on sg-web-03 and a ticket each,
    all linked to one open incident. Written with bulk inserts (no email)."""
    from django.utils import timezone

    from accounts.models import User
    from network import actions
    from network.models import Incident, IncidentTicket
    from services.models import Service
    from tickets.models import Department, Ticket

    department = Department.objects.get(slug="technical-support")
    staff = User.objects.create_user("staff@example.com", "bench-pass", name="Dewi Staff")
    staff.is_staff = True
    staff.save()
    department.staff.add(staff)
    User.objects.bulk_create(
        User(email=f"customer{i}@example.net", name=f"Customer {i}", password="!")  # noqa: S106 (unusable)
        for i in range(count)
    )
    customers = list(User.objects.filter(is_staff=False).order_by("pk"))
    Service.objects.bulk_create(
        Service(
            owner=c,
            product_name="Cloud Hosting Business",
            domain=f"site{i}.co.id",
            server="sg-web-03",
        )  # fmt: skip
        for i, c in enumerate(customers)
    )
    now = timezone.now()
    Ticket.objects.bulk_create(
        Ticket(
            number=str(100000 + i),
            customer=c,
            department=department,
            subject="No email since this morning",
            last_reply_at=now,
            waiting_since=now,
            last_reply_by=c,
        )  # fmt: skip
        for i, c in enumerate(customers)
    )
    incident = actions.create_incident(
        by=staff,
        kind=Incident.Kind.INCIDENT,
        title="Email delivery delays on server sg-web-03",
        impact=Incident.Impact.MAJOR,
        starts_at=now,
        servers=["sg-web-03"],
        message="We are looking into it.",
    )
    IncidentTicket.objects.bulk_create(
        IncidentTicket(incident=incident, ticket=t) for t in Ticket.objects.all()
    )
    return staff, incident


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=1, help="worker processes")
    parser.add_argument("--batch", type=int, default=200, help="tickets per transaction")
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    args = parser.parse_args()
    # A terminated run still stops its worker, Redis and SMTP sink (the finally block).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not shutil.which("redis-server"):
        sys.exit("redis-server is needed (apt-get install redis-server)")

    server = args.database.rstrip("/")
    psql(f"{server}/postgres", f'DROP DATABASE IF EXISTS "{DATABASE}"')
    psql(f"{server}/postgres", f'CREATE DATABASE "{DATABASE}"')
    folder = tempfile.mkdtemp(prefix="netdigi-bench-broadcast-")
    redis_port, smtp_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "netdigi.settings",
        "DATABASE_URL": f"{server}/{DATABASE}",
        "SECRET_KEY": "bench-only-not-secret",
        "DEBUG": "false",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "MEDIA_ROOT": folder,
        "LOG_LEVEL": "WARNING",
        "NETWORK_BROADCAST_BATCH": str(args.batch),
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    from django.db import connection

    from bench import mail
    from network import actions
    from network.models import Incident
    from notifications.models import Notification
    from tickets.models import Message

    print(f"== broadcast to {args.tickets:,} linked tickets, one worker")
    staff, incident = seed(args.tickets)
    redis_process = start_redis(redis_port, folder)
    log = open(Path(folder) / "celery.log", "w")
    command = [f"{VENV_BIN}/celery", "-A", "netdigi", "worker", "-Q", "notifications,celery",
               "--concurrency", str(args.concurrency), "--pool", "prefork",
               "--without-gossip", "--without-mingle", "--without-heartbeat",
               "--loglevel", "WARNING"]  # fmt: skip
    result = {}
    with mail.Sink(smtp_port) as sink:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            time.sleep(3)  # the worker connects to Redis and starts its pool
            text = "Mail flows again; delayed messages are being delivered."
            started = time.time()
            update = actions.post_update(
                incident=incident,
                by=staff,
                state=Incident.State.MONITORING,
                body=text,
                broadcast=True,
            )
            posted = time.time() - started
            arrived = sink.wait(lambda received: len(received) >= args.tickets, args.timeout)
            last = sink.received[-1][0] if sink.received else started
            connection.close()
            update.refresh_from_db()
            written_at = update.broadcast_finished_at
            replies = Message.objects.filter(body=text).count()
            per_ticket = (
                Message.objects.filter(body=text)
                .values("ticket")
                .annotate(n=django.db.models.Count("pk"))
                .filter(n__gt=1)
                .count()
            )
            recipients = [r for _, rcpts, _ in sink.received for r in rcpts]
            result = {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "code": subprocess.run(
                    ["git", "rev-parse", "--short", "HEAD"],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                ).stdout.strip(),  # fmt: skip
                "tickets": args.tickets,
                "worker_processes": args.concurrency,
                "batch": args.batch,
                "post_seconds": round(posted, 3),
                "replies_written_seconds": round(written_at.timestamp() - started, 1)
                if written_at
                else None,  # fmt: skip
                "all_emails_out_seconds": round(last - started, 1) if arrived else None,
                "emails": len(sink.received),
                "emails_per_second": round(len(sink.received) / (last - started), 1),
                "replies": replies,
                "tickets_with_two_replies": per_ticket,
                "customers_mailed_twice": len(recipients) - len(set(recipients)),
                "notifications_pending": Notification.objects.filter(state="pending").count(),
            }
        finally:
            worker.terminate()
            worker.wait(30)
            redis_process.terminate()
            redis_process.wait(30)
            log.close()
    print(json.dumps(result, indent=1))
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()

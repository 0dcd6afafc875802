"""Incoming email: messages ingested a second with one worker, and queries per message.

Used by bench/run.py (one Celery worker on the bench database, the broker of the bench) and
on its own against any database, processing in this process as with no broker:

    DEBUG=true .venv/bin/python bench/ingest.py --count 500

Each message is a customer's reply to the signed reply address of one of their tickets,
stored as the pipe stores it (store()) and processed by the pipeline; the rate counts from
the first store to the last message processed.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def reply(ticket, n, run):
    from mailin.addresses import reply_address

    return (
        f"From: <{ticket.customer.email}>\r\nTo: <{reply_address(ticket)}>\r\n"
        f"Subject: Re: [Ticket #{ticket.number}] {ticket.subject}\r\n"
        f"Message-ID: <bench-{run}-{n}@bench.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Benchmark reply {n}: the site works again.\r\n\r\n"
        "On Mon, 30 Nov 2026 at 10:00, Netdigi wrote:\r\n> Hello,\r\n> A new reply.\r\n"
    ).encode()


def per_message(ticket, run, samples=20):
    """SQL statements and CPU time of processing one message in this process (the email
    to staff is written to the outbox, not sent): the queries of the last sample, the
    median CPU milliseconds (time.thread_time, which a busy machine does not inflate)."""
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mailin.pipeline import process
    from mailin.store import store

    counts, cpu = [], []
    with (
        mock.patch("mailin.store.process_later", lambda ids: None),
        mock.patch("notifications.outbox.dispatch", lambda ids: None),
    ):
        for n in range(samples):
            row, _ = store(reply(ticket, f"q{n}", run), source="pipe")
            with CaptureQueriesContext(connection) as queries:
                started = time.thread_time()
                process(row.pk)
                cpu.append((time.thread_time() - started) * 1000)
            counts.append(len(queries))
    return {"queries": counts[-1], "cpu_ms_median": sorted(cpu)[len(cpu) // 2]}


def start_worker(env, log, processes=1):
    """One Celery worker on both queues (processing, then the staff emails), with
    `processes` pool processes (deploy/worker.sh runs 2 by default, one a core)."""
    command = [str(Path(sys.executable).parent / "celery"), "-A", "netdigi", "worker",
               "-Q", "celery,notifications", "--concurrency", str(processes), "--pool", "prefork",
               "--without-gossip", "--without-mingle", "--without-heartbeat",
               "--loglevel", os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING")]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def throughput(ticket, count, run, timeout=600):
    """Store `count` messages (each handed to the workers after its commit) and wait until
    the last one is processed."""
    from mailin.models import InboundMessage
    from mailin.store import store

    started = time.time()
    ids = [store(reply(ticket, n, run), source="pipe")[0].pk for n in range(count)]
    stored = time.time()
    waiting = InboundMessage.objects.filter(pk__in=ids, state=InboundMessage.State.RECEIVED)
    deadline = time.time() + timeout
    while waiting.exists():
        if time.time() > deadline:
            return {"count": count, "error": f"{waiting.count()} left unprocessed"}
        time.sleep(0.05)
    done = time.time()
    states = dict.fromkeys(InboundMessage.State.values, 0)
    for state in InboundMessage.objects.filter(pk__in=ids).values_list("state", flat=True):
        states[state] += 1
    return {
        "count": count,
        "seconds": done - started,
        "store_seconds": stored - started,
        "per_second": count / (done - started),
        "states": {key: value for key, value in states.items() if value},
    }


def cleanup(run):
    """Remove what the run added: its stored messages and the posts they made."""
    from mailin.models import InboundMessage
    from tickets.models import Message

    rows = InboundMessage.objects.filter(message_id__startswith=f"bench-{run}-")
    Message.objects.filter(inbound__in=rows).delete()
    rows.delete()


def purge_queues(env):
    """Empty the worker queues of the bench's broker before a measurement: tasks left by
    earlier benchmarks (the page POSTs' emails, a previous run's tasks) would otherwise be
    worked through first and counted against the intake. Returns how many were dropped
    (their rows stay pending in the bench database; nothing of a customer's is lost)."""
    import redis

    client = redis.Redis.from_url(env["CELERY_BROKER_URL"])
    dropped = sum(client.llen(queue) for queue in ("celery", "notifications"))
    client.delete("celery", "notifications")
    return dropped


def measure(ticket, *, count, env=None, log=None, processes=(1,)):
    """Queries and CPU of one message in this process; then, with a broker (`env`), the
    rate of one worker with each number of `processes`."""
    run = f"{int(time.time())}"
    result = {"per_message": per_message(ticket, run), "workers": {}}
    cleanup(run)
    for number in processes if env is not None else (None,):
        run = f"{int(time.time())}-{number}"
        worker = None
        if number is not None:
            result.setdefault("purged_tasks", []).append(purge_queues(env))
            worker = start_worker(env, log, number)
        try:
            rate = throughput(ticket, count, run)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(30)
            cleanup(run)
        result["workers"][str(number or 0)] = rate
    first = next(iter(result["workers"].values()))
    result["throughput"] = first
    one = result["per_message"]
    rates = ", ".join(
        f"{r.get('per_second', 0):.1f} with {n} process{'es' if n != '1' else ''}"
        for n, r in result["workers"].items()
    )
    print(
        f"   ingest: {rates} messages/s; {one['queries']} queries and "
        f"{one['cpu_ms_median']:.1f} ms of CPU a message"
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--customer", default="customer@example.com")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netdigi.settings")
    # Generous flood limits: their queries stay, one customer may post this fast.
    os.environ["TICKET_REPLY_RATE_LIMIT"] = "100000/1s"
    os.environ["TICKET_RATE_LIMIT"] = "100000/1s"
    import django

    django.setup()
    from tickets.models import Ticket

    ticket = (
        Ticket.objects.select_related("customer", "department")
        .filter(customer__email=args.customer)
        .order_by("-pk")
        .first()
    )
    if ticket is None:
        sys.exit(f"{args.customer} has no ticket: run seed_demo first.")
    measure(ticket, count=args.count)


if __name__ == "__main__":
    main()

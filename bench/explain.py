#!/usr/bin/env python
"""EXPLAIN ANALYZE of every SQL query of the benchmark's GET pages, on a bench database.

    .venv/bin/python bench/explain.py --size 1000000 [--all] > explain.txt

Each page is requested once through Django's test client as the demo customer or staff
member; its queries are captured and explained (ANALYZE, BUFFERS). Prints, per page, each
query's execution time and its plan when it is slower than --slow milliseconds (or with --all).
Read-only: only GET pages, and EXPLAIN ANALYZE of SELECTs.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, help="ticket count: database netdigi_bench_<size>")
    parser.add_argument("--name", help="or the database's name")
    parser.add_argument("--slow", type=float, default=5.0, help="plans of queries above (ms)")
    parser.add_argument("--all", action="store_true", help="print every plan")
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    args = parser.parse_args()
    name = args.name or f"netdigi_bench_{args.size}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": f"{args.database.rstrip('/')}/{name}",
            "SECRET_KEY": "bench-only-not-secret",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
        }
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench import pages
    from tickets.models import Ticket

    customer = User.objects.get(email="customer@example.com")
    staff = User.objects.get(email="staff@example.com")
    twenty = Ticket.objects.get(customer=customer, subject=pages.TWENTY_MESSAGES_SUBJECT)
    deep = -(-customer.tickets.count() // 25)
    urls = [
        (customer, "/"),
        (customer, "/support/tickets/"),
        (customer, f"/support/tickets/?status=all&page={deep}"),
        (customer, f"/support/tickets/{twenty.number}/"),
        (customer, f"/support/tickets/new/{pages.DEPARTMENT}/"),
        (staff, "/staff/"),
        (staff, f"/staff/queues/{pages.DEPARTMENT}/"),
        (staff, f"/staff/tickets/{twenty.number}/"),
        (staff, "/admin/tickets/ticket/"),
        (staff, f"/admin/tickets/ticket/{twenty.pk}/change/"),
        (staff, f"/staff/queues/{pages.DEPARTMENT}/?sort=due"),
        (staff, "/staff/reports/"),
        (staff, f"/staff/reports/?{pages.YEAR_REPORT}"),
    ]
    client = Client()
    for user, url in urls:
        client.force_login(user)
        client.get(url)  # warm caches, as a running server would be
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        queries = [q["sql"] for q in captured.captured_queries]
        print(f"\n=== {url} as {user.email}: HTTP {status}, {len(queries)} queries")
        for sql in queries:
            if not sql.lstrip().upper().startswith(("SELECT", "DECLARE")):
                continue
            if sql.lstrip().upper().startswith("DECLARE"):
                sql = sql[sql.upper().index(" FOR ") + 5 :]
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            took = float(plan[-1].split(":")[1].split()[0])
            print(f"--- {took:.1f} ms  {sql[:160]}")
            if args.all or took >= args.slow:
                print("\n".join("    " + line for line in plan))


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""The reports page (and the queue sorted by due soonest) at a bench database: how long
each takes in the worker, and EXPLAIN (ANALYZE, BUFFERS) of its queries.

    .venv/bin/python bench/reports.py --name netdigi_bench_1000000 [--runs 7] [--explain]

Needs a database made by `make bench` (or seed_demo + seed_bench) whose report figures were
computed (`manage.py sla_refresh --all`; this script runs it when none are there). Surveys
and ratings are not part of seed_bench: when the database has none, this script adds them
(a survey for 60 % of the closed tickets staff replied to, a rating for 40 % of those) so
the satisfaction figures are read from tables of a realistic size. Then each report is
requested --runs times through Django's test client as staff@example.com (every
department) and the median of the worker's time is printed, with its SQL time.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed_satisfaction(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sla_survey")
        if cursor.fetchone()[0] >= 1000:
            return
        cursor.execute(
            """
            INSERT INTO sla_survey (ticket_id, customer_id, department_id, priority,
                                    assignee_id, sent_at, rated)
            SELECT t.id, t.customer_id, t.department_id, t.priority, t.assignee_id,
                   t.closed_at, false
            FROM tickets_ticket t JOIN sla_ticketstat s ON s.ticket_id = t.id
            WHERE t.status = 'closed' AND s.staff_replies > 0 AND (t.id * 7919) % 10 < 6
              AND NOT EXISTS (SELECT 1 FROM sla_survey o WHERE o.ticket_id = t.id)
            """
        )
        cursor.execute(
            """
            INSERT INTO sla_rating (ticket_id, customer_id, score, comment, department_id,
                                    assignee_id, priority, created_at, updated_at)
            SELECT v.ticket_id, v.customer_id,
                   CASE WHEN v.ticket_id % 10 < 7 THEN 'good'
                        WHEN v.ticket_id % 10 < 9 THEN 'okay' ELSE 'bad' END,
                   '', v.department_id, t.assignee_id, t.priority,
                   v.sent_at + interval '2 hours', v.sent_at + interval '2 hours'
            FROM sla_survey v JOIN tickets_ticket t ON t.id = v.ticket_id
            WHERE (v.ticket_id * 104729) % 10 < 4
              AND NOT EXISTS (SELECT 1 FROM sla_rating o WHERE o.ticket_id = v.ticket_id)
            """
        )
        cursor.execute(
            "UPDATE sla_survey SET rated = true"
            " WHERE ticket_id IN (SELECT ticket_id FROM sla_rating)"
        )
        cursor.execute("ANALYZE sla_survey")
        cursor.execute("ANALYZE sla_rating")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", required=True, help="the bench database")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every query")
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    args = parser.parse_args()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": f"{args.database.rstrip('/')}/{args.name}",
            "SECRET_KEY": "bench-only-not-secret",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
        }
    )
    import django
    from django.conf import settings

    # Static file URLs without the manifest of collectstatic (no server runs here).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench import pages
    from sla.models import TicketStat
    from tickets.models import Ticket

    if not TicketStat.objects.exists():
        call_command("sla_refresh", "--all", "--batch", "5000")
    seed_satisfaction(connection)
    staff = User.objects.get(email="staff@example.com")
    department = staff.departments.order_by("pk").first()
    print(
        f"{Ticket.objects.count():,} tickets, {TicketStat.objects.count():,} report rows; "
        f"median of {args.runs} runs, as {staff.email}"
    )
    reports = [
        ("last 4 weeks (default)", "/staff/reports/"),
        ("366 days", f"/staff/reports/?{pages.YEAR_REPORT}"),
        (
            "366 days, one department, High",
            f"/staff/reports/?{pages.YEAR_REPORT}&department={department.pk}&priority=high",
        ),
        ("366 days, one staff member", f"/staff/reports/?{pages.YEAR_REPORT}&staff={staff.pk}"),
        ("366 days, CSV", f"/staff/reports/?{pages.YEAR_REPORT}&format=csv"),
        ("department queue, due soonest", f"/staff/queues/{pages.DEPARTMENT}/?sort=due"),
    ]
    client = Client()
    client.force_login(staff)
    for label, url in reports:
        client.get(url)  # a warm worker
        totals, sql, cpu = [], [], []
        for _run in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started, thread = time.perf_counter(), time.thread_time()
                response = client.get(url)
                totals.append(time.perf_counter() - started)
                cpu.append(time.thread_time() - thread)
            assert response.status_code == 200, (url, response.status_code)
            sql.append(sum(float(q["time"]) for q in captured.captured_queries))
        print(
            f"{label:36} {statistics.median(totals) * 1000:7.1f} ms "
            f"(worker CPU {statistics.median(cpu) * 1000:6.1f} ms, "
            f"SQL {statistics.median(sql) * 1000:6.1f} ms, {len(captured)} queries, "
            f"max {max(totals) * 1000:.1f} ms)"
        )
        if args.explain:
            for query in captured.captured_queries:
                if not query["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    plan = [row[0] for row in cursor.fetchall()]
                print(f"--- {plan[-1].strip()}  {query['sql'][:140]}")
                print("\n".join("    " + line for line in plan))


if __name__ == "__main__":
    main()

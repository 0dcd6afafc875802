"""The measured numbers behind docs/capacity.md, and the projection made from them.

    .venv/bin/python bench/capacity.py --database postgres://postgres@127.0.0.1:5432/netdigi_bench_100000

prints, as Markdown tables:
1. from bench/results/results.json (`make bench`): each page's worker CPU and SQL wait per
   request at the largest size measured, and the requests per second one core of web
   workers gives at that CPU cost;
2. the email throughput of one worker (the bench) and what the soak's workers did
   (bench/results/soak.json, `make soak`);
3. from a database seeded by `manage.py seed_bench`: bytes per row of each table, its
   indexes and TOAST, and the time of the queue's filter box (a sequential scan) at that size;
4. the projection for --customers / --tickets / --messages with those bytes per row.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
GIB = 1024**3

TABLES = [
    "tickets_ticket",
    "tickets_message",
    "tickets_ticketevent",
    "tickets_attachment",
    "notifications_notification",
    "accounts_user",
    "services_service",
    "django_session",
]


def pages_table(results):
    size = max(results, key=int)
    run = results[size]
    lines = [
        f"Pages at {int(size):,} tickets (bench/results/results.json, code {run['code']}, "
        f"{run['settings']['workers']} gunicorn workers):",
        "",
        "| page | queries | worker CPU ms (mean) | SQL wait ms (mean) | req/s per web core "
        "(1000 / CPU ms) | req/s measured (2 workers, 2 cores shared with PostgreSQL and wrk) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, page in run["pages"].items():
        cpu = page.get("server_cpu_ms", {}).get("mean")
        sql = page.get("server_sql_ms", {}).get("mean")
        if not cpu:
            continue
        lines.append(
            f"| {name} | {page.get('queries', '')} | {cpu:.1f} | {sql or 0:.1f} "
            f"| {1000 / cpu:,.0f} | {page['rps']:,.0f} |"
        )
    email = run["email"]["throughput"]
    lines += [
        "",
        f"Email: one Celery worker (concurrency 1) sent {email['count']} notifications in "
        f"{email['seconds']:.2f} s: **{email['per_second']:.0f} emails/s per worker process** "
        "(to a local SMTP sink; a real relay answers slower, see capacity.md).",
    ]
    return lines


def soak_lines():
    path = RESULTS / "soak.json"
    if not path.exists():
        return ["(no bench/results/soak.json: run `make soak`)"]
    soak = json.loads(path.read_text())
    aggregated = next((p for p in soak["pages"] if p["name"] == "Aggregated"), {})
    lines = [
        f"Soak ({soak['minutes']:g} min, {soak['users']} users, started {soak['started_at']}): "
        f"{soak['requests_at_the_hosts']:,} requests at the hosts, "
        f"{aggregated.get('rps', 0)} req/s from Locust, p50 {aggregated.get('p50_ms')} ms, "
        f"p95 {aggregated.get('p95_ms')} ms; {soak['emails']['rows']:,} emails, "
        f"{soak['posts']['accepted']:,} posts; server errors {soak['server_errors']}.",
        "",
        "| table (soak database) | rows | table bytes/row | index bytes/row |",
        "|---|---:|---:|---:|",
    ]
    for name, size in sorted(soak.get("table_sizes", {}).items()):
        if size["rows"] > 0:
            lines.append(
                f"| {name} | {size['rows']:,} | {size['table'] / size['rows']:,.0f} "
                f"| {size['indexes'] / size['rows']:,.0f} |"
            )
    return lines


def measure(url):
    conn = psycopg2.connect(url)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("ANALYZE")
    cur.execute(
        """SELECT c.relname, c.reltuples::bigint, pg_relation_size(c.oid),
                  pg_table_size(c.oid) - pg_relation_size(c.oid), pg_indexes_size(c.oid)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY(%s)""",
        [TABLES],
    )
    sizes = {name: (rows, heap, toast, idx) for name, rows, heap, toast, idx in cur.fetchall()}
    cur.execute("SELECT avg(length(body))::int FROM tickets_message")
    body = cur.fetchone()[0]
    cur.execute("SELECT coalesce(avg(size), 0)::bigint, count(*) FROM tickets_attachment")
    attachment_size, attachments = cur.fetchone()
    cur.execute("SELECT pg_database_size(current_database())")
    database = cur.fetchone()[0]
    # The department queue's filter box (tickets/staff/queries.py): subject or customer email
    # containing the text, which no b-tree index serves.
    search = """SELECT t.id FROM tickets_ticket t JOIN accounts_user u ON u.id = t.customer_id
                WHERE t.subject ILIKE %s OR u.email ILIKE %s ORDER BY t.id DESC LIMIT 26"""
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        cur.execute(search, ["%zzq-not-there%", "%zzq-not-there%"])
        cur.fetchall()
        timings.append(time.perf_counter() - start)
    conn.close()
    return sizes, body, attachment_size, attachments, database, sorted(timings)[2]


def database_lines(url, sizes, body, attachment_size, attachments, database, search):
    lines = [
        f"Database {url.rsplit('/', 1)[-1]} ({database / GIB:.2f} GiB; message bodies "
        f"{body} characters on average; {attachments:,} attachment rows, "
        f"{attachment_size / 1024:,.0f} KiB each on average):",
        "",
        "| table | rows | heap bytes/row | TOAST bytes/row | index bytes/row | total bytes/row |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in TABLES:
        if name not in sizes:
            continue
        rows, heap, toast, idx = sizes[name]
        if rows <= 0:
            continue
        lines.append(
            f"| {name} | {rows:,} | {heap / rows:,.0f} | {toast / rows:,.0f} "
            f"| {idx / rows:,.0f} | {(heap + toast + idx) / rows:,.0f} |"
        )
    tickets = sizes["tickets_ticket"][0]
    lines += [
        "",
        f"Staff search (no match, so every row is read): median of 5 runs "
        f"**{search * 1000:,.0f} ms at {tickets:,} tickets**.",
    ]
    return lines


def projection(args, sizes, soak_sizes):
    def per_row(name):
        rows, heap, toast, idx = sizes[name]
        return (heap + toast) / rows, idx / rows

    ticket, ticket_idx = per_row("tickets_ticket")
    message, message_idx = per_row("tickets_message")
    event, event_idx = per_row("tickets_ticketevent")
    attachment, attachment_idx = per_row("tickets_attachment")
    # Bodies longer than the seed's: the extra characters on every message's row.
    message += max(0, args.body_chars - args.seed_body_chars)
    notification = soak_sizes.get("notifications_notification")
    if notification and notification["rows"]:
        n_row = notification["table"] / notification["rows"]
        n_idx = notification["indexes"] / notification["rows"]
    else:
        n_row, n_idx = 250.0, 120.0
    user, user_idx = per_row("accounts_user")
    rows = [
        ("tickets", args.tickets, ticket, ticket_idx),
        ("messages", args.messages, message, message_idx),
        ("status events", int(args.tickets * args.events_per_ticket), event, event_idx),
        (
            "attachment rows",
            int(args.messages * args.attachment_share),
            attachment,
            attachment_idx,
        ),
        (
            "notifications (kept)",
            int(args.messages * args.emails_per_message * args.notification_days / args.days),
            n_row,
            n_idx,
        ),
        ("users", args.customers + args.staff, user, user_idx),
    ]
    lines = [
        f"Projection: {args.customers:,} customers, {args.tickets:,} tickets, "
        f"{args.messages:,} messages over {args.days / 365:g} years; bodies "
        f"{args.body_chars} characters on average; notifications kept "
        f"{args.notification_days} days:",
        "",
        "| rows | count | table GiB | index GiB |",
        "|---|---:|---:|---:|",
    ]
    total_table = total_index = 0
    for name, count, row, idx in rows:
        table_gib, index_gib = count * row / GIB, count * idx / GIB
        total_table += table_gib
        total_index += index_gib
        lines.append(f"| {name} | {count:,} | {table_gib:,.1f} | {index_gib:,.1f} |")
    lines.append(f"| **total** | | **{total_table:,.1f}** | **{total_index:,.1f}** |")
    files = args.messages * args.attachment_share
    lines += [
        "",
        f"Bucket: {files:,.0f} files of {args.attachment_kib} KiB on average "
        f"= **{files * args.attachment_kib / 1024**3:,.2f} TiB** (thumbnails add about 1 %).",
        f"Per day on average: {args.tickets / args.days:,.0f} tickets, "
        f"{args.messages / args.days:,.0f} messages, "
        f"{args.messages * args.emails_per_message / args.days:,.0f} emails.",
    ]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a seed_bench database URL")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--staff", type=int, default=100)
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--messages", type=int, default=40_000_000)
    parser.add_argument("--days", type=int, default=5 * 365)
    parser.add_argument("--body-chars", type=int, default=600)
    parser.add_argument("--seed-body-chars", type=int, default=None)
    parser.add_argument("--events-per-ticket", type=float, default=3.0)
    parser.add_argument("--attachment-share", type=float, default=0.05)
    parser.add_argument("--attachment-kib", type=int, default=400)
    parser.add_argument("--emails-per-message", type=float, default=2.0)
    parser.add_argument("--notification-days", type=int, default=5 * 365)
    args = parser.parse_args()

    results = json.loads((RESULTS / "results.json").read_text())
    sizes, body, attachment_size, attachments, database, search = measure(args.database)
    if args.seed_body_chars is None:
        args.seed_body_chars = body
    soak_path = RESULTS / "soak.json"
    soak_sizes = (
        json.loads(soak_path.read_text()).get("table_sizes", {}) if soak_path.exists() else {}
    )
    out = []
    out += pages_table(results) + [""]
    out += soak_lines() + [""]
    out += database_lines(
        args.database, sizes, body, attachment_size, attachments, database, search
    ) + [""]
    out += projection(args, sizes, soak_sizes)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The soak test (`make soak`): the scaled-out Member Area under a steady crowd for minutes.

Two gunicorn hosts and two Celery workers (and two beats) share PostgreSQL (through PgBouncer
in transaction pooling mode), Redis and an S3 server (moto), as the integration tests start
them (tests/integration/stack.py); Locust, headless, drives customers and staff
(bench/soak_locustfile.py) against both hosts. Afterwards it checks, and writes to
bench/results/soak.md, soak.json and soak_latency.png:

- server errors: 5xx answers in both hosts' access logs, and Locust's failed requests;
- lost posts: every post Locust saw accepted is in the database (by its form token);
- lost emails: every outbox row ends "sent" and arrives at the SMTP sink exactly once;
- memory: RSS of each host's gunicorn workers and each Celery worker, sampled all along,
  compared between the end of the warm-up and the end of the run (recycling turned off).

Run: `make soak` (10 minutes, 200 users), or bench/soak.py --minutes 2 --users 50 for a try.
"""

import argparse
import csv
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.stack import BIN, ScaleStack, wait_until  # noqa: E402
from twofactor.demo import DEMO_TOTP_SECRET  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PASSWORD = "soak-pass-7351"  # noqa: S105 - the throwaway accounts of a throwaway database
SAMPLE_EVERY = 10  # seconds between two memory samples

SEED = """
from django.contrib.auth.hashers import make_password
from accounts.models import User
from tickets import actions
from tickets.models import Department
department = Department.objects.get(slug="technical-support")
password = make_password({password!r})
customers = User.objects.bulk_create(
    User(email=f"soak-customer-{{n}}@example.com", name=f"Customer {{n}}", password=password)
    for n in range(1, {customers} + 1)
)
# Three of the staff get the department's emails, as the people on duty would.
staff = User.objects.bulk_create(
    User(email=f"soak-staff-{{n}}@netdigi.test", name=f"Staff {{n}}", password=password,
         is_staff=True, notify_new_ticket=n <= 3, notify_customer_reply=n <= 3)
    for n in range(1, {staff} + 1)
)
department.staff.add(*staff)
# Staff sign in with a second factor: each has the demo authenticator.
from twofactor.demo import enrol_demo_authenticator
for member in staff:
    enrol_demo_authenticator(member)
for customer in customers:
    actions.open_ticket(
        customer=customer, department=department, subject="Email bounces",
        body="Mails to gmail bounce since yesterday.",
    )
print(len(customers), len(staff))
"""


def rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """RSS of every gunicorn worker and Celery pool process (and the worker's main
    process), every SAMPLE_EVERY seconds, in MiB per group."""

    def __init__(self, groups):
        super().__init__(daemon=True)
        self.groups = groups  # name -> Process
        self.samples = []
        self.stopping = threading.Event()

    def sample(self, elapsed):
        row = {"t": round(elapsed, 1)}
        for name, process in self.groups.items():
            pids = process.children()
            if name.startswith("worker"):
                pids = [process.pid, *pids]
            row[name] = round(sum(rss_kib(pid) for pid in pids) / 1024, 1)
            row[f"{name}_processes"] = len(pids)
        self.samples.append(row)

    def run(self):
        start = time.monotonic()
        while not self.stopping.wait(SAMPLE_EVERY):
            self.sample(time.monotonic() - start)


def png_hex():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), "orange").save(buffer, format="PNG")
    return buffer.getvalue().hex()


def server_errors(stack):
    """(requests, 5xx answers) in the hosts' access logs."""
    total = errors = 0
    status = re.compile(r'" (\d{3}) ')
    for host in stack.hosts:
        log = stack.workdir / f"access-{host.name}.log"
        for line in log.read_text(errors="replace").splitlines():
            match = status.search(line)
            if match:
                total += 1
                errors += match.group(1).startswith("5")
    return total, errors


def posts(stack, accepted):
    """Every accepted post found again by its form token."""
    tokens = [row["token"] for row in accepted]
    found = stack.database.query(
        """SELECT count(DISTINCT token) FROM (
             SELECT submission_token::text AS token FROM tickets_message
             WHERE submission_token::text = ANY(%s)
             UNION ALL
             SELECT submission_token::text FROM tickets_ticket
             WHERE submission_token::text = ANY(%s)) found""",
        [tokens, tokens],
    )[0][0]
    by_kind = {}
    for row in accepted:
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + 1
    return {"accepted": len(tokens), "found": found, "lost": len(tokens) - found, **by_kind}


def emails(stack):
    rows = stack.database.query("SELECT id, state FROM notifications_notification")
    # Our Message-IDs are <n<row>.<signature>@host> (notifications/message_ids.py): the
    # sink's copies are counted per row.
    copies = {}
    for message_id, count in stack.sink.copies().items():
        match = re.match(r"<n(\d+)\.", message_id or "")
        if match:
            copies[int(match[1])] = copies.get(int(match[1]), 0) + count
    arrived = [copies.get(pk, 0) for pk, _ in rows]
    states = {}
    for _, state in rows:
        states[state] = states.get(state, 0) + 1
    return {
        "rows": len(rows),
        "states": states,
        "arrived": sum(1 for n in arrived if n),
        "lost": sum(1 for n in arrived if n == 0),
        "duplicated": sum(n - 1 for n in arrived if n > 1),
        "messages_at_sink": sum(copies.values()),
    }


def table_sizes(stack):
    """Rows and bytes (table, indexes) of the tables the soak wrote, for docs/capacity.md."""
    rows = stack.database.query(
        """SELECT c.relname, c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY(%s)""",
        [["notifications_notification", "tickets_message", "tickets_ticket", "django_session"]],
    )
    return {name: {"rows": n, "table": t, "indexes": i} for name, n, t, i in rows}


def memory_verdict(samples, groups, warmup):
    """Per group: the mean RSS of the samples just after the warm-up and of the last ones."""
    settled = [s for s in samples if s["t"] >= warmup]
    verdict = {}
    if len(settled) < 4:
        return verdict
    window = max(2, len(settled) // 6)
    for name in groups:
        first = statistics.mean(s[name] for s in settled[:window])
        last = statistics.mean(s[name] for s in settled[-window:])
        verdict[name] = {
            "after_warmup_mib": round(first, 1),
            "at_end_mib": round(last, 1),
            "growth_pct": round((last - first) / first * 100, 1) if first else None,
            "processes": settled[-1][f"{name}_processes"],
        }
    return verdict


def locust_stats(prefix):
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv")))
    pages = []
    for row in rows:
        pages.append(
            {
                "name": row["Name"],
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "max_ms": round(float(row["Max Response Time"] or 0)),
            }
        )
    return pages, failures


def _number(value):
    try:
        return round(float(value))
    except (TypeError, ValueError):
        return None


def plot(prefix, samples, groups, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = list(csv.DictReader(open(f"{prefix}_stats_history.csv")))
    start = int(history[0]["Timestamp"]) if history else 0
    figure, (latency, load, memory) = plt.subplots(3, 1, figsize=(11, 10), sharex=True)
    names = sorted({row["Name"] for row in history if row["Name"] != "Aggregated"})
    for name in ["Aggregated", *names]:
        points = [
            (int(row["Timestamp"]) - start, float(row["95%"]))
            for row in history
            if row["Name"] == name and row["95%"] not in ("N/A", "", "0")
        ]
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        if name == "Aggregated":
            latency.plot(xs, ys, color="black", linewidth=2, label="all requests (p95)")
            p50 = [
                (int(r["Timestamp"]) - start, float(r["50%"]))
                for r in history
                if r["Name"] == name and r["50%"] not in ("N/A", "", "0")
            ]
            latency.plot(*zip(*p50, strict=True), color="grey", label="all requests (p50)")
        else:
            latency.plot(xs, ys, linewidth=0.8, alpha=0.7, label=f"{name} (p95)")
    latency.set_ylabel("latency (ms, 10 s window)")
    latency.set_yscale("log")
    latency.legend(fontsize=7, ncol=3)
    latency.set_title("Soak: latency, load and memory over time")
    aggregated = [row for row in history if row["Name"] == "Aggregated"]
    xs = [int(row["Timestamp"]) - start for row in aggregated]
    load.plot(xs, [float(row["Requests/s"]) for row in aggregated], label="requests/s")
    load.plot(xs, [int(row["User Count"]) for row in aggregated], label="users")
    load.plot(xs, [float(row["Failures/s"]) for row in aggregated], label="failures/s")
    load.legend(fontsize=8)
    for name in groups:
        memory.plot([s["t"] for s in samples], [s[name] for s in samples], label=name)
    memory.set_ylabel("RSS (MiB)")
    memory.set_xlabel("seconds")
    memory.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=110)


def machine():
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in load],
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=1)
    parser.add_argument("--customers", type=int, default=170)
    parser.add_argument("--staff", type=int, default=40)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per host")
    parser.add_argument("--warmup", type=float, default=300, help="seconds before memory counts")
    parser.add_argument("--out", default=str(RESULTS), help="folder of the results")
    args = parser.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    workdir = (
        Path(os.environ.get("SOAK_WORKDIR", tempfile.gettempdir())) / f"netdigi-soak-{os.getpid()}"
    )
    workdir.mkdir(parents=True)
    conditions = machine()
    started_at = datetime.now(UTC)
    stack = ScaleStack(
        workdir,
        hosts=2,
        workers=2,
        beats=2,
        web_workers=args.web_workers,
        extra_env={
            # Production's timings, not the short ones of the integration tests.
            "EMAIL_TIMEOUT": "20",
            "NOTIFICATION_MAX_ATTEMPTS": "8",
            "NOTIFICATION_RETRY_BACKOFF": "30",
            "NOTIFICATION_RETRY_BACKOFF_MAX": "1800",
            "NOTIFICATION_REDISPATCH_AFTER": "180",
            "NOTIFICATION_REDISPATCH_EVERY": "60",
            # A soak customer opens a ticket every minute or so and posts every 30 s: the
            # flood limits stay on, above what these users do.
            "TICKET_RATE_LIMIT": "60/10m",
            "TICKET_REPLY_RATE_LIMIT": "120/10m",
            # Memory is compared over the run: no recycling of gunicorn workers.
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_TIMEOUT": "60",
        },
    )
    stack.worker_options = ("--max-tasks-per-child", "1000000")
    print(f"Starting the stack in {workdir} ...", flush=True)
    stack.start()
    try:
        print(
            stack.manage(
                "shell",
                "-c",
                SEED.format(password=PASSWORD, customers=args.customers, staff=args.staff),
            ).strip(),
            "users seeded",
            flush=True,
        )
        # The seed's tickets wrote outbox rows too: they are counted with the rest.
        groups = {h.name: h.process for h in stack.hosts}
        groups.update({w.name: w for w in stack.workers})
        sampler = MemorySampler(groups)
        sampler.sample(0)
        sampler.start()
        prefix = str(workdir / "locust")
        accepted_path = workdir / "accepted.json"
        env = {
            **os.environ,
            "SOAK_HOSTS": ",".join(h.base_url for h in stack.hosts),
            "SOAK_PASSWORD": PASSWORD,
            "SOAK_TOTP_SECRET": DEMO_TOTP_SECRET,
            "SOAK_ACCEPTED": str(accepted_path),
            "SOAK_PNG_HEX": png_hex(),
        }
        command = [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "soak_locustfile.py"),
            "--headless",
            "--host",
            stack.hosts[0].base_url,
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{int(args.minutes * 60)}s",
            "--stop-timeout",
            "30",
            "--csv",
            prefix,
            "--csv-full-history",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        print(f"Locust: {args.users} users for {args.minutes} minutes ...", flush=True)
        load_start = os.getloadavg()
        with open(workdir / "locust.log", "w") as log:
            subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        load_end = os.getloadavg()
        print("Waiting for the outbox to be sent ...", flush=True)

        def drained():
            pending = stack.database.query(
                "SELECT count(*) FROM notifications_notification WHERE state <> 'sent'"
            )[0][0]
            return pending == 0

        try:
            wait_until(drained, "every notification to be sent", timeout=600, interval=2)
        except AssertionError as timeout:
            print(str(timeout)[:500], flush=True)
        time.sleep(3)  # a message accepted just now is stored by the sink's thread
        sampler.stopping.set()
        sampler.join()

        pages, failures = locust_stats(prefix)
        accepted = json.loads(accepted_path.read_text()) if accepted_path.exists() else []
        requests, errors_5xx = server_errors(stack)
        memory = memory_verdict(sampler.samples, groups, args.warmup)
        analyze = stack.database.connect()  # fresh row estimates for table_sizes
        analyze.cursor().execute("ANALYZE")
        analyze.close()
        result = {
            "started_at": started_at.isoformat(timespec="seconds"),
            "minutes": args.minutes,
            "users": args.users,
            "customers": args.customers,
            "staff": args.staff,
            "web_hosts": 2,
            "gunicorn_workers_per_host": args.web_workers,
            "celery_workers": 2,
            "machine": {
                **conditions,
                "load_average_during": [round(x, 2) for x in load_start],
                "load_average_at_end": [round(x, 2) for x in load_end],
            },
            "requests_at_the_hosts": requests,
            "server_errors": errors_5xx,
            "locust_failures": [
                {k: row[k] for k in ("Method", "Name", "Error", "Occurrences")} for row in failures
            ],
            "posts": posts(stack, accepted),
            "emails": emails(stack),
            "memory": memory,
            "table_sizes": table_sizes(stack),
            "memory_samples": sampler.samples,
            "pages": pages,
            "bucket_objects": len(
                stack.s3.client()
                .list_objects_v2(Bucket="netdigi-attachments", MaxKeys=1000)
                .get("Contents", [])
            ),
            "media_files_on_hosts": sum(len(h.media_files()) for h in stack.hosts),
        }
        (out / "soak.json").write_text(json.dumps(result, indent=2) + "\n")
        plot(prefix, sampler.samples, groups, out / "soak_latency.png")
        (out / "soak.md").write_text(report(result))
        print(report(result))
        ok = (
            errors_5xx == 0
            and result["posts"]["lost"] == 0
            and result["emails"]["lost"] == 0
            and result["emails"]["duplicated"] == 0
        )
        return 0 if ok else 1
    finally:
        stack.stop()


def report(r):
    # Whether other work shared the machine: a load over the cores before the soak began.
    shared = (
        "other work was running on the machine too"
        if r["machine"]["load_average_at_start"][0] > r["machine"]["cpus"]
        else "nothing else was running: the load is the soak's own"
    )
    e, p = r["emails"], r["posts"]
    m = r["machine"]
    failed = sum(int(f["Occurrences"]) for f in r["locust_failures"])
    kinds = ", ".join(f"{k} {v}" for k, v in p.items() if k not in ("accepted", "found", "lost"))
    lines = [
        "# Soak test results",
        "",
        f"`make soak` (bench/soak.py) at commit {m['commit']}, started {r['started_at']}: "
        f"{r['users']} Locust users ({r['customers']} customer and {r['staff']} staff "
        f"accounts) for {r['minutes']:g} minutes against {r['web_hosts']} gunicorn hosts "
        f"({r['gunicorn_workers_per_host']} sync workers each) and {r['celery_workers']} "
        "Celery workers (concurrency 1), two beats, PostgreSQL through PgBouncer "
        "(transaction pooling), Redis and an S3 server (moto), all on this "
        f"{m['cpus']}-core machine with Locust itself. Load average at the start "
        f"{m['load_average_at_start']}, during {m['load_average_during']}, at the end "
        f"{m['load_average_at_end']} ({shared}).",
        "",
        "| check | result |",
        "|---|---|",
        f"| server errors (5xx in both hosts' access logs) | **{r['server_errors']}** of "
        f"{r['requests_at_the_hosts']:,} requests |",
        f"| failed requests seen by Locust | {failed} |",
        f"| lost posts (accepted, not in the database) | **{p['lost']}** of {p['accepted']:,} "
        f"accepted ({kinds}) |",
        f"| lost emails (outbox rows never at the sink) | **{e['lost']}** of {e['rows']:,} rows "
        f"(states {e['states']}) |",
        f"| emails sent twice | **{e['duplicated']}** ({e['messages_at_sink']:,} messages "
        "at the sink) |",
        f"| files on the hosts' disks | {r['media_files_on_hosts']} "
        f"({r['bucket_objects']:,} objects in the bucket) |",
        "",
        "## Memory (RSS, MiB; recycling of gunicorn workers and Celery pool processes off)",
        "",
        "| process group | processes | after the warm-up | at the end | growth |",
        "|---|---|---|---|---|",
    ]
    for name, v in r["memory"].items():
        lines.append(
            f"| {name} | {v['processes']} | {v['after_warmup_mib']} | {v['at_end_mib']} "
            f"| {v['growth_pct']} % |"
        )
    lines += [
        "",
        "## Requests",
        "",
        "| request | method | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for page in r["pages"]:
        lines.append(
            f"| {page['name']} | {page['method']} | {page['requests']:,} | {page['failures']} "
            f"| {page['rps']} | {page['p50_ms']} | {page['p95_ms']} | {page['p99_ms']} "
            f"| {page['max_ms']} |"
        )
    if r["locust_failures"]:
        lines += [
            "",
            "## Failures",
            "",
            "| method | request | error | count |",
            "|---|---|---|---|",
        ]
        for f in r["locust_failures"]:
            lines.append(f"| {f['Method']} | {f['Name']} | {f['Error']} | {f['Occurrences']} |")
    lines += [
        "",
        "Latency (p50/p95 per 10 s window), load and memory over time: "
        "[soak_latency.png](soak_latency.png). Every figure: [soak.json](soak.json).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

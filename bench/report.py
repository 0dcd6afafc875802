"""Tables (markdown) and the plot (PNG) of bench/results/results.json."""

from pathlib import Path

CEILING = "bare Django view (ceiling)"
# The pages in the order of the issue; names not listed come after them.
ORDER = [
    "login page",
    "dashboard",
    "Support > Tickets, first page",
    "Support > Tickets, deep page",
    "ticket page, 20 messages",
    "Open New Ticket form",
    "ticket creation POST",
    "ticket creation POST, 1 MB attachment",
    "customer reply POST",
    "staff queues overview",
    "department queue",
    "staff ticket page",
    "admin ticket list",
    "admin ticket change page",
]
PLOT = "throughput_p95.png"
# Throughput goals of the issue, as a share of the bare view's: customer read pages and
# writes. Staff and admin pages have none (their queries and p95 budgets still apply).
GOALS = {"read": 0.5, "write": 0.25}


def ceiling_rps(run):
    values = [run["pages"][name]["rps"] for name in (CEILING, CEILING + ", again")
              if name in run["pages"]]  # fmt: skip
    return sum(values) / len(values) if values else None


def page_names(results):
    names = []
    for run in results.values():
        for name in run["pages"]:
            if name not in names and not name.startswith(CEILING):
                names.append(name)
    return sorted(names, key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER))


def ordered_rows(run):
    names = [n for n in run["pages"] if n.startswith(CEILING)]
    names = names[:1] + page_names({"run": run}) + names[1:]
    return [(name, run["pages"][name]) for name in names]


def cpu_share(run, row):
    """What the page could reach of the ceiling's throughput when CPU is the limit: the
    ceiling's CPU per request over the page's (p50s). Unlike req/s, it hardly moves with
    the load of a shared machine."""
    ceiling = run["pages"].get(CEILING, {}).get("server_cpu_ms")
    page = row.get("server_cpu_ms")
    return ceiling["p50"] / page["p50"] if ceiling and page and page["p50"] else None


def growth(rows, key, stat="p95"):
    values = [r.get(key) for r in (rows[0], rows[-1])]
    return f"{values[1][stat] / values[0][stat]:.2f}" if all(values) and values[0][stat] else "–"


def label(size):
    size = int(size)
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"


def ms(us):
    return f"{us / 1000:.1f}"


def queries(row):
    """The probe's count, and the spread over the run when it varied (e.g. ticket numbers
    that had to be drawn again)."""
    spread = row.get("server_queries")
    cell = str(row["queries"])
    if spread and (spread["max"] != row["queries"] or abs(spread["mean"] - row["queries"]) > 0.05):
        cell += f" (mean {spread['mean']:.1f}, max {spread['max']:.0f})"
    return cell


def most_queries(row):
    spread = row.get("server_queries")
    return max(row["queries"], int(spread["max"])) if spread else row["queries"]


def percent(value):
    return f"{value:.0%}" if value is not None else "–"


def server(row, key, stat="p50"):
    values = row.get(key)
    return f"{values[stat]:.1f}" if values else "–"


def size_table(size, run):
    ceiling = ceiling_rps(run)
    s = run["settings"]
    loads = [value for row in run["pages"].values() for value in row.get("load", [])]
    load = (
        f" Load average of the machine during the pages: {min(loads)}–{max(loads)}."
        if loads
        else ""
    )
    lines = [
        f"### {label(size)} tickets ({run['tickets']:,} in the database, measured {run['when']}"
        f", code {run.get('code', '?')})",
        "",
        f"gunicorn {s['workers']} sync workers, {s['load_generator']}, {s['concurrency']} "
        f"connections; ceiling {ceiling:,.0f} req/s (mean of a run before and after the pages)."
        + load,
        "",
        "| page | user | SQL queries | req/s | % of ceiling | p50 ms | p95 ms | p99 ms "
        "| server CPU ms p50 | SQL wait ms p50 | CPU share of ceiling | expected answers |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in ordered_rows(run):
        if not row.get("available", True):
            lines.append(f"| {name} | {row['user']} | not available (HTTP "
                         f"{row['probe_status']}) | | | | | | | | | |")  # fmt: skip
            continue
        share = f"{100 * row['rps'] / ceiling:.0f}%" if ceiling else ""
        lines.append(
            f"| {name} | {row['user']} | {queries(row)} | {row['rps']:,.1f} | {share} | "
            f"{ms(row['p50_us'])} | {ms(row['p95_us'])} | {ms(row['p99_us'])} | "
            f"{server(row, 'server_cpu_ms')} | {server(row, 'server_sql_ms')} | "
            f"{percent(cpu_share(run, row))} | {row['ok']}/{row['requests']} × {row['expect']} |"
        )
    notes = [f"- {name}: {row['note']}" for name, row in run["pages"].items() if row.get("note")]
    if notes:
        lines += ["", *notes]
    rss = run.get("rss")
    if rss:
        before = ", ".join(f"{v} MiB" for v in rss["before_mib"].values())
        after = ", ".join(f"{v} MiB" for v in rss["after_mib"].values())
        lines += ["", f"Worker RSS before {rss['requests']:,} more requests (customer pages in "
                  f"turn): {before}; after: {after}."]  # fmt: skip
    email = run.get("email")
    if email and "error" in email:
        lines += ["", f"Email: not measured ({email['error']})."]
    elif email:
        rate, latency = email["throughput"], email["latency"]
        lines += [
            "",
            f"Email, one Celery worker (1 process) to a local SMTP sink: "
            f"{rate.get('per_second', 0):.1f} notifications/s ({rate['count']} queued at once); "
            f"ticket POST → customer's email p50 {latency.get('p50_s', 0):.3f} s, p95 "
            f"{latency.get('p95_s', 0):.3f} s ({latency['arrived']}/{latency['posts']} posts, "
            f"one every {latency['pause_s']} s).",
        ]
    ingest = run.get("ingest")
    if ingest and "error" in ingest:
        lines += ["", f"Incoming email: not measured ({ingest['error']})."]
    elif ingest:
        rates = "; ".join(
            f"{rate.get('per_second', 0):.1f} messages/s with {number} "
            f"process{'es' if number != '1' else ''}"
            for number, rate in ingest.get("workers", {"1": ingest["throughput"]}).items()
        )
        one = ingest["per_message"]
        lines += [
            "",
            f"Incoming email, one Celery worker on both queues (bench/ingest.py, "
            f"{ingest['throughput'].get('count', 0)} replies stored by the pipe's code): {rates}; "
            f"{one['queries']} queries and {one['cpu_ms_median']:.1f} ms of CPU a message.",
        ]
    return lines


def budgets(results):
    sizes = sorted(results, key=int)
    small, large = sizes[0], sizes[-1]
    lines = [
        "## Budgets",
        "",
        f"Compared: {label(small)} and {label(large)} tickets. The p95 ratio is wall-clock "
        "latency at the client, which also moves with the machine's load; the server CPU ratio "
        "(CPU time of the worker per request, p95) moves with the work a page does; the SQL "
        "wait ratio with the database's. Throughput vs ceiling is req/s over the bare view's "
        "req/s in the same run; CPU share is the bare view's CPU per request over the page's, "
        "what the page would reach on an idle machine where the workers' CPU is the limit.",
        "",
        "| page | queries ≤ 8 and flat | p95 ratio ≤ 1.2 | server CPU p95 ratio "
        "| SQL wait p95 ratio | throughput vs ceiling | CPU share of ceiling |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in page_names(results):
        rows = [results[s]["pages"].get(name) for s in sizes]
        if not all(r and r.get("available", True) for r in rows):
            lines.append(f"| {name} | not available | | | | | |")
            continue
        counts = [most_queries(r) for r in rows]
        flat = len(set(counts)) == 1
        q = "met" if flat and max(counts) <= 8 else "**missed**"
        ratio = rows[-1]["p95_us"] / rows[0]["p95_us"] if rows[0]["p95_us"] else 0
        r = f"{ratio:.2f} " + ("met" if ratio <= 1.2 else "**missed**")
        ceiling = ceiling_rps(results[large])
        share = rows[-1]["rps"] / ceiling
        goal = GOALS.get(rows[-1]["kind"])
        if goal is None:
            c = f"{share:.0%} of ceiling (no goal: the issue sets none for staff pages)"
        else:
            c = f"{share:.0%} of ceiling (goal {goal:.0%}) " + (
                "met" if share >= goal else "**missed**"
            )
        share_cpu = percent(cpu_share(results[large], rows[-1]))
        lines.append(
            f"| {name} | {'/'.join(map(str, counts))} {q} | {r} | "
            f"{growth(rows, 'server_cpu_ms')} | {growth(rows, 'server_sql_ms')} | "
            f"{c} | {share_cpu} |"
        )
    return lines


def trend_table(results):
    sizes = sorted(results, key=int)
    head = " | ".join(f"p95 ms {label(s)}" for s in sizes)
    rps = " | ".join(f"req/s {label(s)}" for s in sizes)
    lines = [
        "## Across ticket counts",
        "",
        f"| page | queries | {head} | {rps} |",
        "|---|---|" + "---:|" * (2 * len(sizes)),
    ]
    for name in [CEILING, *page_names(results)]:
        rows = [results[s]["pages"].get(name) for s in sizes]
        cells_q, cells_p, cells_r = [], [], []
        for row in rows:
            if not row or not row.get("available", True):
                cells_q.append("–")
                cells_p.append("n/a")
                cells_r.append("n/a")
            else:
                cells_q.append(str(most_queries(row)))
                cells_p.append(ms(row["p95_us"]))
                cells_r.append(f"{row['rps']:,.0f}")
        lines.append(f"| {name} | {'/'.join(cells_q)} | {' | '.join(cells_p)} | "
                     f"{' | '.join(cells_r)} |")  # fmt: skip
    return lines


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results, key=int)
    xs = [int(s) for s in sizes]
    figure, (left, middle, right) = plt.subplots(1, 3, figsize=(18, 6.5))
    colours = plt.get_cmap("tab20").colors
    for index, name in enumerate([CEILING, *page_names(results)]):
        points = [(x, results[s]["pages"].get(name)) for x, s in zip(xs, sizes, strict=True)]
        points = [(x, row) for x, row in points if row and row.get("available", True)]
        if not points:
            continue
        style = {"color": "black", "linestyle": "--"} if name == CEILING else {
            "color": colours[index % len(colours)], "marker": "o"}  # fmt: skip
        x = [x for x, _ in points]
        left.plot(x, [r["rps"] for _, r in points], label=name, **style)
        middle.plot(x, [r["p95_us"] / 1000 for _, r in points], **style)
        cpu = [(x, r["server_cpu_ms"]["p95"]) for x, r in points if r.get("server_cpu_ms")]
        right.plot([x for x, _ in cpu], [v for _, v in cpu], **style)
    panels = (
        (left, "Throughput", "requests/s"),
        (middle, "p95 latency (at the client)", "ms"),
        (right, "Worker CPU per request, p95 (load-independent)", "ms"),
    )
    for axis, title, unit in panels:
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xticks(xs, [label(s) for s in sizes])
        axis.set_xlabel("tickets in the database")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
    figure.legend(loc="lower center", ncol=4, fontsize=8, frameon=False)
    figure.tight_layout(rect=(0, 0.14, 1, 1))
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write(results, folder):
    folder = Path(folder)
    sizes = sorted(results, key=int)
    lines = [
        "# Benchmark results",
        "",
        "Made by `make bench` (bench/run.py); how to read them: bench/README.md.",
        "",
        f"![Throughput and p95 per page against ticket count]({PLOT})",
        "",
        *budgets(results),
        "",
        *trend_table(results),
        "",
        "## Each run",
        "",
    ]
    for size in sizes:
        lines += [*size_table(size, results[size]), ""]
    (folder / "README.md").write_text("\n".join(lines))
    plot(results, folder / PLOT)

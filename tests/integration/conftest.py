"""The stack of real processes, started once for the integration tests, and the delivery
figures they record (printed at the end of the run and written to
test-results/delivery-figures.md)."""

import os
import shutil
from pathlib import Path

import psycopg2
import pytest

from .stack import PG_ADMIN_URL, ROOT, Stack

FIGURES = []


def _unavailable():
    """Why the stack cannot run on this machine, or None."""
    if not shutil.which("redis-server"):
        return "redis-server is not installed (apt-get install redis-server)"
    try:
        psycopg2.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg2.Error as error:
        return f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}".strip()
    return None


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    """Started for the integration tests and stopped after them (the rest of the suite
    does not share the machine with a worker and beat)."""
    reason = _unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The integration tests need it in CI: {reason}")
        pytest.skip(reason)
    running = Stack(tmp_path_factory.mktemp("stack"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def sink(stack):
    """The SMTP sink, emptied and accepting everything at the start of each test."""
    stack.sink.reset()
    yield stack.sink
    stack.sink.reset()


@pytest.fixture
def record():
    """record(case, figures, **details): one line of the delivery figures table."""

    def add(case, figures, **details):
        FIGURES.append({"case": case, **figures, **details})

    return add


def pytest_sessionfinish(session):
    if not FIGURES:
        return
    lines = [
        "| case | tickets | notifications | sent | lost | duplicated | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in sorted(FIGURES, key=lambda row: row["case"]):
        lines.append(
            f"| {row['case']} | {row.get('tickets', '')} | {row['notifications']} "
            f"| {row['sent']} | {row['lost']} | {row['duplicated']} | {row.get('notes', '')} |"
        )
    text = "\n".join(lines) + "\n"
    out = Path(ROOT) / "test-results"
    out.mkdir(exist_ok=True)
    (out / "delivery-figures.md").write_text(text)
    session.config._delivery_figures = text


def pytest_terminal_summary(terminalreporter, config):
    text = getattr(config, "_delivery_figures", None)
    if text:
        terminalreporter.section("delivery figures (integration)")
        terminalreporter.write(text)

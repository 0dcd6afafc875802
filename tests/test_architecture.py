"""The dependency rules of docs/architecture.md, checked on the source: which app may
import which. An import that breaks a rule fails here, with the file and the line."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ["accounts", "services", "tickets", "notifications", "mailin", "ratelimits", "netdigi"]
PRODUCT += ["kb", "search", "twofactor"]
PRODUCT += ["sla"]
PRODUCT += ["network"]

# app: modules it must never import (prefixes).
FORBIDDEN = {
    "accounts": ["tickets", "mailin", "network", "twofactor", "bench"],
    "services": ["tickets", "accounts.views", "mailin", "network", "bench"],
    "notifications": ["tickets", "accounts", "services", "mailin", "network", "bench"],
    "scheduling": ["tickets", "accounts", "services", "notifications", "mailin", "bench"],
    # Counters of requests, under accounts and tickets alike: imports no other app.
    "ratelimits": ["tickets", "accounts", "services", "notifications", "mailin", "bench"],
    "tickets": ["mailin", "bench", "kb", "search"],
    # Incoming email builds on the tickets and the outbox; nothing builds on it.
    "mailin": ["bench"],
    # The knowledgebase builds on the tickets; the ticket search on both.
    "kb": ["search", "mailin", "bench"],
    "search": ["mailin", "bench"],
    # Service levels build on the tickets and the outbox; the survey listens to
    # tickets.signals.ticket_closed; tickets still call them in two marked places (the
    # due-soonest order of the staff queue, the templates' tags).
    "sla": ["mailin", "bench"],
    # Incidents reply to tickets through the ticket actions only; the outbox they reach
    # through those actions.
    "network": ["bench", "notifications", "mailin", "accounts.views"],
    "netdigi": ["bench"],
    "twofactor": ["tickets", "services", "mailin", "bench"],
}
# Nobody imports another app's views or template tags but the URL configuration.
FOREIGN_VIEWS = (".views", ".templatetags")


def _imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _sources(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _violations(app, forbidden):
    for path in _sources(app):
        for line, module in _imports(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                yield f"{path.relative_to(ROOT)}:{line} imports {module}"


@pytest.mark.parametrize("app", list(FORBIDDEN))
def test_apps_import_only_what_the_architecture_allows(app):
    assert list(_violations(app, FORBIDDEN[app])) == []


def test_only_url_configurations_import_views_and_template_tags_of_another_app():
    problems = []
    for app in PRODUCT:
        for path in _sources(app):
            if path.name == "urls.py":
                continue
            for line, module in _imports(path):
                top = module.split(".")[0]
                if top in PRODUCT and top != app and any(p in module for p in FOREIGN_VIEWS):
                    problems.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert problems == []


def test_the_rules_are_checked_on_real_files():
    # A rule checked on no file would pass forever.
    assert all(list(_sources(app)) for app in FORBIDDEN)
    assert any(True for _ in _imports(ROOT / "tickets" / "views.py"))

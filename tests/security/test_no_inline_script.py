"""The Content-Security-Policy allows scripts from our static files only, so no template
may hold an inline script, an inline event handler or a javascript: URL: it would not run
(and the page would silently lose a feature). Scripts live in static/js/."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_a_script_the_policy_would_block(template):
    text = template.read_text(encoding="utf-8")
    assert INLINE_SCRIPT.findall(text) == []
    assert EVENT_HANDLER.findall(text) == []
    assert SCRIPT_URL.findall(text) == []


@pytest.mark.parametrize(
    "html, pattern",
    [
        ("<script>alert(1)</script>", INLINE_SCRIPT),
        ('<script type="module">x()</script>', INLINE_SCRIPT),
        ('<button onclick="go()">', EVENT_HANDLER),
        ('<body onload="go()">', EVENT_HANDLER),
        ('<a href="javascript:go()">', SCRIPT_URL),
    ],
)
def test_the_checks_find_what_they_look_for(html, pattern):
    assert pattern.findall(html)


def test_the_checks_let_external_scripts_through():
    assert INLINE_SCRIPT.findall('<script src="/static/js/app.js" defer></script>') == []

"""Article bodies are Markdown, sanitised after rendering: nothing that could run."""

import pytest

from kb.rendering import render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<style>body{display:none}</style>",
    '<svg onload="alert(1)"></svg>',
    "<form action='https://evil.example'><input name=p></form>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_nothing_that_runs_survives(attack):
    html = str(render_markdown(f"Hello\n\n{attack}\n\nbye"))
    for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<style"):
        assert bad not in html.lower(), html
    assert "<form" not in html and "<input" not in html


def test_markdown_becomes_html():
    html = str(render_markdown("## Steps\n\n* **one**\n* `two`\n\n[docs](https://netdigi.co.id)"))
    assert "<h2>Steps</h2>" in html
    assert "<strong>one</strong>" in html
    assert "<code>two</code>" in html
    assert '<a href="https://netdigi.co.id" rel="noopener noreferrer">docs</a>' in html

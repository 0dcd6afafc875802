"""Message bodies link only addresses written with http:// or https://; nothing else the
text holds (another scheme, a bare domain, an email address) becomes a link."""

import pytest
from django.template import Context, Template

LINKS = [
    ("https://alice-shop.co.id/x", '<a href="https://alice-shop.co.id/x" rel="nofollow">'),
    ("see http://a.test/p?q=1&r=2.", '<a href="http://a.test/p?q=1&amp;r=2" rel="nofollow">'),
    ("(https://a.test/wiki/X_(Y))", '<a href="https://a.test/wiki/X_(Y)" rel="nofollow">'),
    ("HTTPS://A.TEST/", '<a href="HTTPS://A.TEST/" rel="nofollow">'),
]
NOT_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "alice-shop.co.id is down",
    "www.alice-shop.co.id",
    "mail me at alice@example.com",
    "ftp://files.example.com/a",
    "https://",
    "javascript://example.com/%0Aalert(1)",
]


def render(text):
    return Template("{% load message_text %}{{ text|message_body }}").render(
        Context({"text": text})
    )


@pytest.mark.parametrize(("text", "link"), LINKS)
def test_a_web_address_becomes_a_link(text, link):
    assert link in render(text)


@pytest.mark.parametrize("text", NOT_LINKS)
def test_nothing_else_becomes_a_link(text):
    assert "<a " not in render(text)


def test_a_quote_ends_the_address_and_stays_text():
    out = render('https://a.test/x"onmouseover="alert(1)')
    assert out == (
        '<a href="https://a.test/x" rel="nofollow">https://a.test/x</a>'
        "&quot;onmouseover=&quot;alert(1)"
    )


def test_line_breaks_become_br_and_markup_is_escaped():
    assert render("a\r\nb\rc\n<b>d</b>") == "a<br>b<br>c<br>&lt;b&gt;d&lt;/b&gt;"

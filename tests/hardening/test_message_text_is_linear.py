"""Rendering a message body costs work in proportion to its length, whatever its shape.

A body is shown on every view of its ticket, and page views are not rate-limited: one
50,000-character message whose rendering grows with the square of its length (a URL followed
by tens of thousands of closing brackets, each trimmed by a scan of the whole URL) would let
a customer stall the staff queue with a handful of replies.

The work is measured without a clock: every Python line run while rendering, plus the length
of every string a string method is called on and of every text a regular expression
searches (C code that walks a string walks it once per call). A body of 2N characters must
cost about twice a body of N, never four times, and a few dozen units per character at most.
"""

import sys

import pytest
from django.template import Context, Template

from tickets.templatetags import message_text

TEMPLATE = Template("{% load message_text %}{{ text|message_body }}")
SIZE = 50_000


def _closing_brackets(n):
    return "https://a" + ")" * (n - 9)


def _mixed_trailing(n):
    return "https://a" + ").]},;:!?*" * ((n - 9) // 10)


def _dots(n):
    return "https://a" + "." * (n - 9)


def _bracket_pairs(n):
    return "https://a/" + "(" * ((n - 10) // 2) + ")" * ((n - 10) // 2)


def _long_word(n):
    return "a" * n


def _long_url(n):
    return "https://" + "a" * (n - 8)


def _many_urls(n):
    return " ".join(["https://a.test/x)"] * (n // 18))


def _urls_glued(n):
    return "https://a" * (n // 9)


def _lines(n):
    return "https://a)\n" * (n // 11)


SHAPES = {
    "closing brackets": _closing_brackets,
    "mixed trailing punctuation": _mixed_trailing,
    "dots": _dots,
    "bracket pairs": _bracket_pairs,
    "one long word": _long_word,
    "one long URL": _long_url,
    "many URLs": _many_urls,
    "URLs glued together": _urls_glued,
    "many lines": _lines,
}


class _CountingPattern:
    """A compiled pattern that adds the length of every text it searches to the work."""

    def __init__(self, pattern, meter):
        self._pattern = pattern
        self._meter = meter

    def __getattr__(self, name):
        method = getattr(self._pattern, name)
        if not callable(method):
            return method

        def counted(text, *args, **kwargs):
            self._meter.units += len(text)
            return method(text, *args, **kwargs)

        return counted


class _Meter:
    def __init__(self):
        self.units = 0

    def trace(self, frame, event, arg):
        if event == "line":
            self.units += 1
        return self.trace

    def profile(self, frame, event, arg):
        if event == "c_call" and isinstance(getattr(arg, "__self__", None), str):
            self.units += len(arg.__self__)


def work(text, monkeypatch):
    """Units of work `message_body` spends on `text` (see the module's docstring)."""
    meter = _Meter()
    for name in dir(message_text):
        value = getattr(message_text, name)
        if hasattr(value, "finditer") and hasattr(value, "pattern"):
            monkeypatch.setattr(message_text, name, _CountingPattern(value, meter))
    context = Context({"text": text})
    sys.settrace(meter.trace)
    sys.setprofile(meter.profile)
    try:
        TEMPLATE.render(context)
    finally:
        sys.setprofile(None)
        sys.settrace(None)
    monkeypatch.undo()
    return meter.units


def test_the_measure_sees_work_done_inside_string_methods(monkeypatch):
    """The measure is not blind to C code: counting a character in a string costs its
    length."""
    short, long = "https://a.test/" + "x" * 100, "https://a.test/" + "x" * 10_000
    assert work(long, monkeypatch) - work(short, monkeypatch) >= 9_900


@pytest.mark.parametrize("shape", SHAPES)
def test_a_body_twice_as_long_costs_about_twice_as_much(shape, monkeypatch):
    make = SHAPES[shape]
    half, full = make(SIZE // 2), make(SIZE)
    assert SIZE * 0.95 <= len(full) <= SIZE
    small, large = work(half, monkeypatch), work(full, monkeypatch)
    ratio = large / small
    assert ratio < 2.5, f"{shape}: {small} units at {len(half)} chars, {large} at {len(full)}"
    assert large <= 40 * len(full), f"{shape}: {large} units for {len(full)} characters"


def test_trailing_brackets_are_still_trimmed_as_before():
    render = lambda text: TEMPLATE.render(Context({"text": text}))  # noqa: E731
    assert render("(see https://a.test/x_(y)).") == (
        '(see <a href="https://a.test/x_(y)" rel="nofollow">https://a.test/x_(y)</a>).'
    )
    assert render("https://a" + ")" * 5) == (
        '<a href="https://a" rel="nofollow">https://a</a>)))))'
    )
    assert render("[https://a.test/[x]]]!") == (
        '[<a href="https://a.test/[x]" rel="nofollow">https://a.test/[x]</a>]]!'
    )
    assert render("https://a.test/{x}}.)") == (
        '<a href="https://a.test/{x}" rel="nofollow">https://a.test/{x}</a>}.)'
    )

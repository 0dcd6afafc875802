"""How a message body is shown: plain text, its line breaks kept, and links to web pages.

Only addresses written with http:// or https:// become links. Django's `urlize` also links
bare domains ("example.com") and email addresses, guessing a scheme; here nothing is guessed,
so no other scheme (`javascript:`, `data:`, `mailto:`...) can ever end up in an href, and a
domain typed in passing ("site.co.id is down") stays text.
"""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The address ends at whitespace, quotes and angle brackets.
_LINK = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
# Punctuation that closes the sentence rather than the address.
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _split_trailing(url):
    """("https://x.test/a", ").") from "https://x.test/a)." unless the ) is the URL's own.

    One walk from the end, with the brackets counted once beforehand: each character
    trimmed costs the same whatever the URL's length (a message may hold tens of thousands
    of them, and every view of the ticket renders it again)."""
    open_count = {closing: url.count(opening) for closing, opening in _PAIRS.items()}
    close_count = {closing: url.count(closing) for closing in _PAIRS}
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in _PAIRS and close_count[last] > open_count[last]:
            # An unmatched closing bracket belongs to the text around the address.
            close_count[last] -= 1
            end -= 1
        else:
            break
    return url[:end], url[end:]


def _linked(text):
    parts, position = [], 0
    for match in _LINK.finditer(text):
        url, rest = _split_trailing(match.group())
        parts.append(escape(text[position : match.start()]))
        if "://" in url and url.split("://", 1)[1]:
            parts.append(format_html('<a href="{}" rel="nofollow">{}</a>', url, url))
        else:
            parts.append(escape(url))
        parts.append(escape(rest))
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


@register.filter(is_safe=True)
def message_body(text):
    """`{{ message.body|message_body }}`: escaped text, <br> for line breaks, http(s) links."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    # Every piece was escaped above (text with escape(), links with format_html()); only
    # the <br> and <a> this function writes are markup.
    return mark_safe("<br>".join(_linked(line) for line in text.split("\n")))  # noqa: S308

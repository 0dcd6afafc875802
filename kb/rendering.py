"""Article bodies: Markdown made into HTML, then sanitised.

Markdown lets raw HTML through, so its output is never trusted: nh3 (the Rust `ammonia`
sanitiser) keeps only the tags and attributes below, drops every script, style, event
handler and `javascript:` link, and adds rel="noopener noreferrer" to links. What is left
needs no exception to the strict Content-Security-Policy.
"""

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=512)
def _render(text):
    html = markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text):
    """Safe HTML of the Markdown `text` (cached by text: bodies change rarely)."""
    return mark_safe(_render(text or ""))  # noqa: S308 (sanitised by nh3 just above)

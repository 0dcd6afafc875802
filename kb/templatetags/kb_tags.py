from django import template

from kb.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """An article body, Markdown rendered and sanitised (kb/rendering.py)."""
    return render_markdown(text)

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def older_query(context):
    """The query string of the "Older results" link: this search, before the oldest hit
    shown."""
    older = context.get("older")
    if not older:
        return ""
    query = context["request"].GET.copy()
    query["before"] = older.isoformat()
    return query.urlencode()

"""The public status page and its Atom feed: no login, nothing about any customer."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from . import queries


def _cacheable(request, response):
    """Shared caches may keep the page for anonymous visitors; a logged-in user's copy
    (with their name in the navigation) stays in their own browser."""
    scope = "private" if request.user.is_authenticated else "public"
    patch_cache_control(response, **{scope: True}, max_age=settings.NETWORK_STATUS_PAGE_MAX_AGE)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


@require_GET
def status(request):
    context = queries.status_page()
    return _cacheable(request, render(request, "network/status.html", context))


class StatusFeed(Feed):
    """Every public update of the status page, newest first."""

    feed_type = Atom1Feed
    title = gettext_lazy("Netdigi network status")
    subtitle = gettext_lazy("Incidents and scheduled maintenance of the Netdigi network.")
    link = reverse_lazy("network:status")

    def items(self):
        return queries.feed_updates()

    def item_title(self, item):
        return f"{item.incident.display_title} — {item.get_state_display()}"

    def item_description(self, item):
        return item.display_body

    def item_link(self, item):
        return reverse("network:status") + f"#incident-{item.incident_id}"

    def item_guid(self, item):
        return f"{settings.SITE_URL}{reverse('network:status')}#update-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at

    def item_categories(self, item):
        return [item.incident.get_kind_display(), item.incident.get_impact_display()]

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        return _cacheable(request, response)


feed = require_GET(StatusFeed())

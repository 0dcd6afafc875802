"""The Django admin site of the helpdesk: Django's own, with two differences.

- Its titles are the helpdesk's, and there is no sidebar of every app and model on each page
  (the header links home, and the pages render faster without it).
- The list of apps and models is worked out only where a page shows it (the index and an
  app's page): Django's admin builds it for every page's context, for the sidebar, which
  costs a permission query and a URL per model on every admin page.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


class HelpdeskAdminSite(admin.AdminSite):
    site_header = _("Netdigi Helpdesk")
    site_title = _("Netdigi Helpdesk")
    index_title = _("Support administration")
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        # Read when a template first uses it, once.
        return SimpleLazyObject(lambda: super(HelpdeskAdminSite, self).get_app_list(request))


class HelpdeskAdminConfig(AdminConfig):
    default_site = "netdigi.admin_site.HelpdeskAdminSite"

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.language import set_language
from netdigi.admin_links import view_on_site
from netdigi.health import healthz
from tickets.views import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("accounts/", include("accounts.urls")),
    # Service level reports and the links of the satisfaction emails (sla/urls.py).
    path("", include("sla.urls")),
    path("accounts/two-factor/", include("twofactor.urls")),
    path("accounts/two-factor/passkeys/", include("twofactor.passkey_urls")),
    path("support/", include("tickets.urls")),
    path("staff/mail/", include("mailin.staff_urls")),
    # Provider webhooks of incoming email (django-anymail), e.g. /mail/postmark/inbound/.
    path("mail/", include("mailin.webhook_urls")),
    path("support/kb/", include("kb.urls")),
    path("", include("search.urls")),
    path("status/", include("network.urls")),
    path("staff/incidents/", include("network.staff_urls")),
    path("staff/", include("tickets.staff.urls")),
    # Django's set_language, which also saves the choice on a logged-in user.
    path("i18n/setlang/", set_language, name="set_language"),
    # Before the admin's own: "view on site" scoped like the admin (netdigi/admin_links.py).
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="admin_view_on_site",
    ),
    # The admin's own password change would skip the code that ours asks for.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="twofactor:change_password"),
        name="admin_password_change",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

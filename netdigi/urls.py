from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import dashboard
from netdigi.health import healthz

admin.site.site_header = _("Netdigi Helpdesk")
admin.site.site_title = _("Netdigi Helpdesk")
admin.site.index_title = _("Support administration")

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("accounts/", include("accounts.urls")),
    path("support/", include("tickets.urls")),
    path("staff/", include("tickets.staff_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

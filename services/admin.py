from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "product_name",
        "domain",
        "kind",
        "server",
        "status",
        "owner",
        "next_due_date",
        "domain_expiry",
    ]
    list_filter = ["kind", "status", "server"]
    search_fields = ["product_name", "domain", "server", "owner__email"]
    fieldsets = [
        (None, {"fields": ["owner", "kind", "product_name", "domain", "status"]}),
        (_("Where it runs"), {"fields": ["server"]}),
        (_("Dates"), {"fields": ["next_due_date", "domain_expiry"]}),
    ]
    autocomplete_fields = ["owner"]
    list_select_related = ["owner"]
    date_hierarchy = "next_due_date"

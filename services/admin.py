from django.contrib import admin

from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["product_name", "domain", "kind", "status", "owner", "next_due_date"]
    list_filter = ["kind", "status"]
    search_fields = ["product_name", "domain", "owner__email"]
    autocomplete_fields = ["owner"]
    list_select_related = ["owner"]
    date_hierarchy = "next_due_date"

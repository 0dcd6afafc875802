"""Every stored message, for superusers (staff review held mail on /staff/mail/)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "source", "sender", "subject", "state", "reason", "ticket"]
    list_filter = ["state", "reason", "source"]
    search_fields = ["=sender", "=message_id", "=ticket__number"]
    list_select_related = ["ticket"]
    show_full_result_count = False
    exclude = ["raw"]
    readonly_fields = [
        "source",
        "original",
        "size",
        "sha256",
        "message_id",
        "sender",
        "subject",
        "envelope_recipient",
        "imap_mailbox",
        "imap_uidvalidity",
        "imap_uid",
        "provider_verdict",
        "state",
        "reason",
        "detail",
        "body",
        "customer",
        "ticket",
        "department",
        "post",
        "answered_unknown",
        "reviewed_by",
        "received_at",
        "processed_at",
        "content_key",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.display(description=_("original"))
    def original(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("mailin:original", args=[obj.pk]), _("Show original")
        )

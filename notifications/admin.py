from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notification
from .outbox import dispatch


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "recipient", "ticket", "state", "attempts", "sent_at"]
    list_filter = ["state", "event"]
    search_fields = ["=ticket__number", "recipient__email"]
    list_select_related = ["recipient", "ticket"]
    raw_id_fields = ["recipient", "ticket", "message"]
    readonly_fields = [
        "event",
        "recipient",
        "ticket",
        "message",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    show_full_result_count = False
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Resend selected notifications"))
    def resend(self, request, queryset):
        ids = list(queryset.exclude(state=Notification.State.SENT).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(
            state=Notification.State.PENDING, attempts=0, last_error=""
        )
        dispatch(ids)
        self.message_user(
            request, _("%(count)d notification(s) queued again.") % {"count": len(ids)}
        )

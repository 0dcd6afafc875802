from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification
from .outbox import dispatch


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "recipient",
        "ticket",
        "state",
        "attempts",
        "error",
        "sent_at",
    ]
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
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    show_full_result_count = False
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("last error"))
    def error(self, obj):
        return Truncator(obj.last_error).chars(80)

    @admin.action(description=_("Resend selected notifications"), permissions=["change"])
    def resend(self, request, queryset):
        """Send failed (or stuck) rows again, with a fresh count of attempts.

        Rows already sent are left alone: resending them would mail the recipient twice.
        """
        with transaction.atomic():
            ids = list(queryset.exclude(state=Notification.State.SENT).values_list("pk", flat=True))
            Notification.objects.filter(pk__in=ids).exclude(state=Notification.State.SENT).update(
                state=Notification.State.PENDING,
                attempts=0,
                last_error="",
                next_attempt_at=timezone.now(),
            )
            transaction.on_commit(lambda: dispatch(ids))
        skipped = queryset.count() - len(ids)
        self.message_user(
            request,
            ngettext(
                "%(count)d notification queued to be sent again.",
                "%(count)d notifications queued to be sent again.",
                len(ids),
            )
            % {"count": len(ids)},
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d notification was sent already and is left alone.",
                    "%(count)d notifications were sent already and are left alone.",
                    skipped,
                )
                % {"count": skipped},
            )

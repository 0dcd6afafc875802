from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import kinds
from .models import Notification
from .tasks import dispatch


class KindFilter(admin.SimpleListFilter):
    """The registered kinds of email (not a scan of the table for its distinct values)."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kinds.choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(event=self.value())
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "recipient",
        "ticket",
        "state",
        "attempts",
        "error",
        "sent_at",
    ]
    list_filter = ["state", KindFilter]
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

    def get_queryset(self, request):
        """Staff given access to the outbox see the emails of their departments' tickets
        only (recipients, subjects and errors of other queues are not theirs to read);
        account emails and every department's rows are for superusers."""
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(ticket__department__staff=request.user)

    def get_object(self, request, object_id, from_field=None):
        # Without access to the outbox: 403, as before any lookup. With it, a row of
        # another department is a 404 exactly like a missing one.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    @admin.display(description=_("kind"), ordering="event")
    def kind(self, obj):
        try:
            return obj.kind.label
        except LookupError:
            return obj.event

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

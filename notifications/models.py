from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One email to send, written in the transaction of the event that causes it.

    Workers send pending rows and mark them sent; a row is never deleted by sending, so the
    outbox is also the log of what was mailed to whom.
    """

    class Event(models.TextChoices):
        TICKET_OPENED = "ticket_opened", _("Ticket opened (to the customer)")
        STAFF_NEW_TICKET = "staff_new_ticket", _("New ticket in a queue (to staff)")
        STAFF_REPLY = "staff_reply", _("Staff reply (to the customer)")
        CUSTOMER_REPLY = "customer_reply", _("Customer reply (to staff)")
        TICKET_CLOSED = "ticket_closed", _("Ticket closed (to the customer)")
        TICKET_MOVED = "ticket_moved", _("Ticket moved to a queue (to staff)")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("ticket"),
    )
    message = models.ForeignKey(
        "tickets.Message",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("message"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When the row is due: its creation, or the time of its next retry after an SMTP error.
    # The periodic re-dispatch picks pending rows well past this time.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The re-dispatch pass scans pending rows only: a partial index keeps it small.
            models.Index(
                fields=["next_attempt_at"],
                name="notif_pending_due_idx",
                condition=models.Q(state="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} to {self.recipient_id} (#{self.ticket_id})"

    @property
    def email_message_id(self):
        """The Message-ID header: stable, so a re-send is recognisably the same mail.

        (Not `message_id`: that is the column of the `message` foreign key.)
        """
        domain = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "netdigi"
        return f"<notification-{self.pk}@{domain}>"

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def site_domain():
    """The host name of SITE_URL: the domain of our Message-IDs."""
    return urlsplit(settings.SITE_URL).hostname or "netdigi"


class Notification(models.Model):
    """One email to send, written in the transaction of the event that causes it.

    Any email of the product is a row: ticket emails and account emails alike. `event`
    names its kind (notifications/kinds.py: each app registers the kinds it sends); the
    ticket and message are set for ticket emails, `context` holds what another kind needs.
    Workers send pending rows and mark them sent; a row is never deleted by sending, so the
    outbox is also the log of what was mailed to whom.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Sent, then a delivery status notification came back (mailin.bounces); the
        # reason is in last_error.
        BOUNCED = "bounced", _("Bounced")

    # A kind registered in notifications.kinds (not database choices: an app adds kinds
    # without a migration of the outbox).
    event = models.CharField(_("kind"), max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
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
    # Small JSON data of kinds that are not about a ticket message.
    context = models.JSONField(_("context"), default=dict, blank=True)
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
        return f"{self.kind} to {self.recipient_id}"

    @property
    def kind(self):
        from . import kinds

        return kinds.get(self.event)

    @property
    def email_message_id(self):
        """The Message-ID header: stable, so a re-send is recognisably the same mail, and
        unguessable (signed, see notifications.message_ids): a reply that names it in
        In-Reply-To or References proves the mail reached its sender.

        (Not `message_id`: that is the column of the `message` foreign key.)
        """
        from .message_ids import message_id

        return message_id(self.pk)

"""Every email received, kept raw, with what became of it.

The raw bytes are stored first (whichever door the message came through), then a Celery task
works out what the message is and records the outcome on the row. The row is the proof of
what arrived: kept INBOUND_RETENTION_DAYS, then pruned.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundMessage(models.Model):
    class Source(models.TextChoices):
        PIPE = "pipe", _("MTA pipe")
        IMAP = "imap", _("IMAP mailbox")
        WEBHOOK = "webhook", _("Provider webhook")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received (not processed yet)")
        POSTED = "posted", _("Posted to a ticket")
        NEW_TICKET = "new_ticket", _("Opened a ticket")
        HELD = "held", _("Held for review")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded by staff")

    class Reason(models.TextChoices):
        DUPLICATE = "duplicate", _("The same message arrived before")
        AUTOMATIC = "automatic", _("Automatic mail (auto-reply, list, bulk or a loop)")
        OUT_OF_OFFICE = "out_of_office", _("Out-of-office reply")
        BOUNCE = "bounce", _("Delivery failure report")
        UNPARSEABLE = "unparseable", _("The message could not be read")
        AUTH_FAILED = "auth_failed", _("The sender's domain did not authenticate it (DMARC/DKIM)")
        SPAM = "spam", _("The mail provider flagged it as spam")
        NOT_CUSTOMER = "not_customer", _("The sender is not the ticket's customer")
        BAD_SIGNATURE = "bad_signature", _("The ticket reply address is forged")
        RATE_LIMITED = "rate_limited", _("The customer sent too many messages")
        UNKNOWN_SENDER = "unknown_sender", _("The sender is no customer")
        NO_DEPARTMENT = "no_department", _("Not sent to a department address")
        EMPTY = "empty", _("No text and no files")
        ERROR = "error", _("Processing failed")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size"), default=0)
    # The same bytes delivered twice are one row.
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    # Filled while processing: the same Message-ID, sender and body a second time (a
    # re-delivery with other Received: headers) is ignored as a duplicate.
    content_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # The address the message was delivered to (envelope recipient), when the door knows it.
    envelope_recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    # IMAP: the mailbox, its UIDVALIDITY and the message's UID identify a message for good.
    imap_mailbox = models.CharField(max_length=255, blank=True)
    imap_uidvalidity = models.BigIntegerField(null=True, blank=True)
    imap_uid = models.BigIntegerField(null=True, blank=True)
    # A provider's spam/authentication verdict, when the webhook door received one.
    provider_verdict = models.CharField(max_length=20, blank=True)

    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.RECEIVED
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    body = models.TextField(_("text"), blank=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("ticket"),
    )
    department = models.ForeignKey(
        "tickets.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    post = models.OneToOneField(
        "tickets.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound",
        verbose_name=_("post"),
    )
    # The address got the "we do not know this address" answer with this message.
    answered_unknown = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    # When a worker took it into a chunk beside its own message (mailin.pipeline.drain):
    # other chunks leave it to its own task. Bookkeeping only, never shown.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("incoming email")
        verbose_name_plural = _("incoming emails")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["imap_mailbox", "imap_uidvalidity", "imap_uid"],
                name="mailin_imap_uid_unique",
                condition=models.Q(imap_uid__isnull=False),
            ),
        ]
        indexes = [
            # The held list of a department, newest first.
            models.Index(
                fields=["department", "-received_at"],
                name="mailin_held_idx",
                condition=models.Q(state="held"),
            ),
            # The re-dispatch pass and the pruning pass.
            models.Index(fields=["state", "received_at"], name="mailin_state_received_idx"),
            # One "unknown address" answer per address per day.
            models.Index(
                fields=["sender", "-received_at"],
                name="mailin_answered_idx",
                condition=models.Q(answered_unknown=True),
            ),
        ]

    def __str__(self):
        return f"{self.sender or '?'}: {self.subject or '(no subject)'}"

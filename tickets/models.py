import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def attachment_storage():
    return storages["attachments"]


def attachment_path(instance, filename):
    """A random name; the name the customer gave is kept as data only, never as a path."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{suffix}"


class Department(models.Model):
    """A queue of tickets: Technical Support, Billing & Payments, Sales & Marketing."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    examples = models.TextField(
        _("examples"), blank=True, help_text=_("One example per line, shown to customers.")
    )
    # The same texts in Bahasa Indonesia; an empty one falls back to the English text.
    name_id = models.CharField(_("name (Indonesian)"), max_length=100, blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    examples_id = models.TextField(
        _("examples (Indonesian)"),
        blank=True,
        help_text=_("One example per line, shown to customers who read Bahasa Indonesia."),
    )
    sender_email = models.EmailField(
        _("sender address"),
        blank=True,
        help_text=_("Emails about this department's tickets are sent from this address."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="departments",
        verbose_name=_("staff members"),
        limit_choices_to={"is_staff": True},
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["order", "name"]

    def __str__(self):
        return self.display_name

    def _localized(self, field):
        """The field in the active language: its Indonesian twin when that is filled in."""
        if (get_language() or "").split("-")[0] == "id":
            value = getattr(self, f"{field}_id")
            if value.strip():
                return value
        return getattr(self, field)

    @property
    def display_name(self):
        return self._localized("name")

    @property
    def display_description(self):
        return self._localized("description")

    @property
    def example_list(self):
        examples = self._localized("examples")
        return [line.strip() for line in examples.splitlines() if line.strip()]

    def get_open_ticket_url(self):
        return reverse("tickets:open_form", args=[self.slug])


# The department queue's order of priorities, High first (tickets/staff_queries.py sorts on
# it, and an index of Ticket holds it, so the queue's first page is read off the index).
PRIORITY_RANK = models.Case(
    models.When(priority="high", then=0),
    models.When(priority="medium", then=1),
    default=2,
    output_field=models.IntegerField(),
)
# Every status but "closed": the tickets of the queues.
ACTIVE_STATUSES = ["open", "answered", "customer_reply", "on_hold", "in_progress"]


class Ticket(models.Model):
    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CUSTOMER_REPLY = "customer_reply", _("Customer-Reply")
        ON_HOLD = "on_hold", _("On Hold")
        IN_PROGRESS = "in_progress", _("In Progress")
        CLOSED = "closed", _("Closed")

    # Statuses that wait for staff: the queue's "awaiting reply".
    AWAITING_STAFF = (Status.OPEN, Status.CUSTOMER_REPLY)

    number = models.CharField(_("number"), max_length=12, unique=True, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("customer"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("department")
    )
    service = models.ForeignKey(
        "services.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("related service"),
    )
    subject = models.CharField(_("subject"), max_length=255)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    last_reply_at = models.DateTimeField(_("last reply"), null=True, blank=True)
    last_reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last reply by"),
    )
    # When the customer started waiting for staff (the last customer post after a staff
    # reply); null while the ball is in the customer's court.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The token of the form that created the ticket: a double submit finds it again.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "submission_token"], name="tickets_ticket_submission_unique"
            ),
        ]
        indexes = [
            # Support > Tickets, "All": a page's ids are read off the index (queries.py).
            models.Index(
                fields=["customer", "-updated_at", "-id"], name="tickets_customer_list_idx"
            ),
            # The dashboard and Support > Tickets (active tickets, the default).
            models.Index(
                fields=["customer", "-updated_at", "-id"],
                name="tickets_customer_active_idx",
                condition=~models.Q(status="closed"),
            ),
            models.Index(
                fields=["customer", "status", "-updated_at"], name="tickets_cust_status_upd_idx"
            ),
            # The flood limit counts a customer's newest tickets (tickets/throttle.py).
            models.Index(fields=["customer", "-created_at"], name="tickets_customer_created_idx"),
            models.Index(fields=["department", "status"], name="tickets_dept_status_idx"),
            # The staff queues overview counts the active tickets from the index alone.
            models.Index(
                fields=["department", "status"],
                include=["assignee", "waiting_since", "id"],
                name="tickets_overview_idx",
                condition=models.Q(status__in=ACTIVE_STATUSES),
            ),
            # The auto-close pass: "Answered" tickets by the time of their last reply.
            models.Index(fields=["status", "last_reply_at"], name="tickets_status_reply_idx"),
            # The admin's ticket list, newest activity first (its default order).
            models.Index(fields=["-updated_at", "-id"], name="tickets_updated_id_idx"),
            # The department queue in its exact order (staff_queries.QUEUE_ORDER), active
            # tickets only: a page is the first rows of the index, however many tickets,
            # customers and services there are.
            models.Index(
                "department",
                PRIORITY_RANK,
                "waiting_since",
                "last_reply_at",
                "id",
                name="tickets_queue_order_idx",
                condition=models.Q(status__in=ACTIVE_STATUSES),
            ),
        ]

    def __str__(self):
        return f"#{self.number} {self.subject}"

    def get_absolute_url(self):
        return reverse("tickets:detail", args=[self.number])

    def get_staff_url(self):
        return reverse("staff:ticket", args=[self.number])

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    @property
    def status_badge(self):
        """The Bootstrap colour of the status badge."""
        return {
            self.Status.OPEN: "success",
            self.Status.ANSWERED: "primary",
            self.Status.CUSTOMER_REPLY: "warning",
            self.Status.ON_HOLD: "secondary",
            self.Status.IN_PROGRESS: "info",
            self.Status.CLOSED: "dark",
        }.get(self.status, "secondary")

    @property
    def priority_badge(self):
        return {
            self.Priority.LOW: "secondary",
            self.Priority.MEDIUM: "info",
            self.Priority.HIGH: "danger",
        }.get(self.priority, "secondary")


class Message(models.Model):
    """One post in a ticket's thread."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ticket_messages",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"))
    is_staff_reply = models.BooleanField(_("staff reply"), default=False)
    is_internal = models.BooleanField(
        _("internal note"),
        default=False,
        help_text=_("Seen by staff only; never shown or emailed to the customer."),
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "submission_token"], name="tickets_message_submission_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="tickets_msg_ticket_time_idx"),
            # The flood limit counts a customer's newest posts (tickets/throttle.py); with
            # the id, the storage quota (tickets/forms.py) finds their posts from the index.
            models.Index(
                fields=["author", "-created_at"],
                include=["id"],
                name="tickets_msg_author_time_idx",
            ),
        ]

    def __str__(self):
        return f"{self.author} on #{self.ticket.number}"


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(_("file"), storage=attachment_storage, upload_to=attachment_path)
    thumbnail = models.FileField(
        _("thumbnail"), storage=attachment_storage, upload_to=attachment_path, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]
        indexes = [
            # The storage quota sums a customer's file sizes from the index alone.
            models.Index(fields=["message"], include=["size"], name="tickets_att_msg_size_idx"),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("tickets:attachment", args=[self.pk])

    def get_thumbnail_url(self):
        return reverse("tickets:attachment_thumbnail", args=[self.pk])

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class TicketEvent(models.Model):
    """The audit trail: who changed a ticket's status, priority, department or assignee."""

    class Field(models.TextChoices):
        STATUS = "status", _("status")
        PRIORITY = "priority", _("priority")
        DEPARTMENT = "department", _("department")
        ASSIGNEE = "assignee", _("assignee")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    old_value = models.CharField(_("from"), max_length=255, blank=True)
    new_value = models.CharField(_("to"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="tickets_event_ticket_idx")]

    def __str__(self):
        return f"#{self.ticket_id} {self.field}: {self.old_value} -> {self.new_value}"


class CannedResponse(models.Model):
    """A predefined reply staff insert into the reply box: for one department, or global."""

    # Placeholders replaced when the reply is inserted on a ticket's page.
    PLACEHOLDERS = {
        "{customer_name}": _("the customer's name"),
        "{ticket_number}": _("the ticket number"),
        "{staff_name}": _("your name"),
    }

    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("reply"))
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
        verbose_name=_("department"),
        help_text=_("Leave empty to offer it in every department."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("predefined reply")
        verbose_name_plural = _("predefined replies")
        ordering = ["title", "id"]

    def __str__(self):
        return self.title

    def render_for(self, *, ticket, staff):
        """The body with its placeholders filled in for `ticket`, as `staff` writes it."""
        values = {
            "{customer_name}": ticket.customer.get_short_name(),
            "{ticket_number}": f"#{ticket.number}",
            "{staff_name}": str(staff.name_for_customers),
        }
        body = self.body
        for placeholder, value in values.items():
            body = body.replace(placeholder, value)
        return body

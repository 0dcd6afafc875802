"""Everything that changes a ticket. Each action is one transaction that writes every row
its event needs: the ticket, the message, attachments, event lines, notification rows."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.outbox import queue, queue_events

from .emails import TicketEmail
from .models import Attachment, Message, Ticket, TicketEvent
from .uploads import make_thumbnail

User = get_user_model()

# After this many taken numbers in a row, a longer number is drawn: the 6-digit space only
# holds 900,000 tickets.
NUMBER_TRIES_PER_LENGTH = 8


def _draws(digits):
    low = 10 ** (digits - 1)
    return [str(low + secrets.randbelow(9 * low)) for _ in range(NUMBER_TRIES_PER_LENGTH)]


def _new_ticket_number():
    """A random number not yet taken, as short as the crowding of the number space allows.

    Draws of the current length and of one digit more are checked together, in one query:
    the first free one of the shorter draws wins, else the first free longer one. So a
    crowded 6-digit space (a million tickets) costs the same single query as an empty one.
    """
    digits = settings.TICKET_NUMBER_DIGITS
    while True:
        candidates = list(dict.fromkeys(_draws(digits) + _draws(digits + 1)))
        taken = set(
            Ticket.objects.filter(number__in=candidates).order_by().values_list("number", flat=True)
        )
        for candidate in candidates:
            if candidate not in taken:
                return candidate
        digits += 2


class AttachmentsNotStored(Exception):
    """The files could not be written (disk full, quota of the volume, I/O error). Nothing of
    the action was kept: no row, no file. The message is for people; the cause stays in the
    log."""


def _store(field_file, name, content):
    """Write `content` into `field_file` under a fresh random name.

    The storage writes a file chunk by chunk and leaves it half-written when a write fails
    (a full disk). The random name is chosen here, first, so that whatever was written under
    it can be removed."""
    target = field_file.field.generate_filename(field_file.instance, name)
    try:
        saved = field_file.storage.save(target, content, max_length=field_file.field.max_length)
    except OSError as error:
        _delete_quietly(field_file.storage, target)
        raise AttachmentsNotStored(str(error)) from error
    except BaseException:
        _delete_quietly(field_file.storage, target)
        raise
    setattr(field_file.instance, field_file.field.attname, saved)
    return getattr(field_file.instance, field_file.field.attname)


def _save_attachments(message, checked_files, stored):
    """Store each checked file under a random name; `stored` collects what was written so
    that the caller can remove it if the transaction fails."""
    for checked in checked_files:
        attachment = Attachment(
            message=message,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
        )
        checked.upload.seek(0)
        stored.append(_store(attachment.file, checked.name, checked.upload))
        if attachment.is_image:
            thumb = make_thumbnail(checked.upload)
            if thumb:
                stored.append(_store(attachment.thumbnail, "thumb.png", ContentFile(thumb)))
        attachment.save()


def _delete_quietly(storage, name):
    try:
        storage.delete(name)
    except OSError:
        pass


def _discard(stored):
    for field_file in stored:
        _delete_quietly(field_file.storage, field_file.name)


def _record(ticket, actor, field, old, new):
    if old != new:
        TicketEvent.objects.create(
            ticket=ticket, actor=actor, field=field, old_value=old or "", new_value=new or ""
        )


# The setting on the staff member's user that turns each staff email off for them.
STAFF_EMAIL_SETTINGS = {
    TicketEmail.STAFF_NEW_TICKET: "notify_new_ticket",
    TicketEmail.CUSTOMER_REPLY: "notify_customer_reply",
    TicketEmail.TICKET_MOVED: "notify_ticket_moved",
}


def _department_staff(ticket, event):
    """The department's staff who want the `event` email (without loading the department)."""
    wanted = {STAFF_EMAIL_SETTINGS[event]: True}
    staff = User.objects.filter(
        departments=ticket.department_id, is_active=True, is_staff=True, **wanted
    )
    return list(staff)


def _customer_reply_recipients(ticket):
    """The assignee, or the department's staff while nobody is assigned."""
    event = TicketEmail.CUSTOMER_REPLY
    if ticket.assignee_id:
        wants = getattr(ticket.assignee, STAFF_EMAIL_SETTINGS[event])
        return [ticket.assignee] if wants else []
    return _department_staff(ticket, event)


def works_in(user, department):
    """May `user` handle tickets of `department`? Superusers handle every department."""
    if user.is_superuser:
        return True
    return user.is_staff and department.staff.filter(pk=user.pk).exists()


def open_ticket(
    *,
    customer,
    department,
    subject,
    body,
    priority=Ticket.Priority.MEDIUM,
    service=None,
    files=(),
    submission_token=None,
):
    """Open a ticket for `customer` with its first message and attachments.

    `files` are CheckedFile objects (see tickets.uploads). The same `submission_token` twice
    (a double click) returns the ticket the first submit created instead of a second one:
    the token is unique per customer, so the second insert fails and the first ticket is
    looked up (no lookup is made before, for the common case).
    """
    if service is not None and service.owner_id != customer.pk:
        raise ValueError("The related service must belong to the customer.")

    stored = []
    try:
        with transaction.atomic():
            now = timezone.now()
            ticket = Ticket.objects.create(
                number=_new_ticket_number(),
                customer=customer,
                department=department,
                service=service,
                subject=subject,
                priority=priority,
                status=Ticket.Status.OPEN,
                last_reply_at=now,
                last_reply_by=customer,
                waiting_since=now,
                submission_token=submission_token,
            )
            message = Message.objects.create(ticket=ticket, author=customer, body=body)
            _save_attachments(message, files, stored)
            staff_event = TicketEmail.STAFF_NEW_TICKET
            queue_events(
                {
                    TicketEmail.TICKET_OPENED: [customer],
                    staff_event: _department_staff(ticket, staff_event),
                },
                ticket=ticket,
                message=message,
            )
    except IntegrityError:
        _discard(stored)
        # The same form submitted twice (a double click, or two submits racing): the first
        # one's ticket is the answer.
        if submission_token:
            existing = customer.tickets.filter(submission_token=submission_token).first()
            if existing:
                return existing
        raise
    except BaseException:
        _discard(stored)
        raise
    return ticket


def add_reply(
    *,
    ticket,
    author,
    body,
    files=(),
    internal=False,
    new_status=None,
    submission_token=None,
):
    """Add a post to the thread: a customer's reply, a staff reply or a staff internal note.

    A customer reply sets "Customer-Reply" (reopening a closed ticket) and tells the
    assignee, or the department's staff. A staff reply sets "Answered" unless `new_status`
    says otherwise, and emails the customer. An internal note changes nothing the customer
    sees and is never emailed to them.
    """
    is_staff_reply = author.pk != ticket.customer_id
    if internal and not is_staff_reply:
        raise ValueError("Only staff write internal notes.")

    stored = []
    try:
        with transaction.atomic():
            # Lock the ticket: concurrent replies are serialised, none is lost.
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            message = Message.objects.create(
                ticket=locked,
                author=author,
                body=body,
                is_staff_reply=is_staff_reply,
                is_internal=internal,
                submission_token=submission_token,
            )
            _save_attachments(message, files, stored)
            now = message.created_at
            update = ["updated_at"]
            old_status = locked.status
            if internal:
                if new_status and new_status != old_status:
                    locked.status = new_status
                    update.append("status")
            elif is_staff_reply:
                locked.status = new_status or Ticket.Status.ANSWERED
                locked.last_reply_at = now
                locked.last_reply_by = author
                locked.waiting_since = None
                update += ["status", "last_reply_at", "last_reply_by", "waiting_since"]
                queue(
                    TicketEmail.STAFF_REPLY,
                    recipients=[locked.customer],
                    ticket=locked,
                    message=message,
                )
            else:
                locked.status = Ticket.Status.CUSTOMER_REPLY
                locked.last_reply_at = now
                locked.last_reply_by = author
                if locked.waiting_since is None:
                    locked.waiting_since = now
                update += ["status", "last_reply_at", "last_reply_by", "waiting_since"]
                queue(
                    TicketEmail.CUSTOMER_REPLY,
                    recipients=_customer_reply_recipients(locked),
                    ticket=locked,
                    message=message,
                )
            if locked.status != Ticket.Status.CLOSED and locked.closed_at:
                locked.closed_at = None
                update.append("closed_at")
            elif locked.status == Ticket.Status.CLOSED and not locked.closed_at:
                locked.closed_at = now
                update.append("closed_at")
            _record(locked, author, TicketEvent.Field.STATUS, old_status, locked.status)
            locked.save(update_fields=update)
    except IntegrityError:
        _discard(stored)
        # The same form submitted twice: the token is unique per ticket, the first post is
        # the answer.
        if submission_token:
            existing = ticket.messages.filter(submission_token=submission_token).first()
            if existing:
                return existing
        raise
    except BaseException:
        _discard(stored)
        raise
    # The caller's ticket gets the values just saved, without reading the row again.
    for name in update:
        attname = Ticket._meta.get_field(name).attname
        setattr(ticket, attname, getattr(locked, attname))
    return message


def close_ticket(*, ticket, by, notify_customer=False):
    """Close a ticket. The customer can reopen it by replying."""
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status == Ticket.Status.CLOSED:
            return locked
        old_status = locked.status
        locked.status = Ticket.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.waiting_since = None
        locked.save(update_fields=["status", "closed_at", "waiting_since", "updated_at"])
        _record(locked, by, TicketEvent.Field.STATUS, old_status, locked.status)
        if notify_customer:
            queue(TicketEmail.TICKET_CLOSED, recipients=[locked.customer], ticket=locked)
    ticket.refresh_from_db()
    return locked


def update_ticket(*, ticket, by, **changes):
    """Change a ticket's department, status, priority, assignee or related service.

    Every change of department, status, priority or assignee is recorded as an event line;
    moving the ticket to another department tells that department's staff. Only a member of
    the target department (or a superuser) may move a ticket there; an assignee who does
    not work in the new department is unassigned by the move.
    """
    allowed = {"department", "status", "priority", "assignee", "service"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"update_ticket() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        # Lock the ticket's row only: the assignee is an outer join, which PostgreSQL
        # cannot lock.
        locked = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("department", "assignee")
            .get(pk=ticket.pk)
        )
        department = changes.get("department")
        if department is not None and department != locked.department:
            if not works_in(by, department):
                raise PermissionDenied("Only its staff may move a ticket into a department.")
            assignee = changes.get("assignee", locked.assignee)
            if assignee is not None and not works_in(assignee, department):
                changes["assignee"] = None
        assignee = changes.get("assignee")
        if assignee is not None and not assignee.is_staff:
            raise ValueError("Only staff members can be assigned to a ticket.")
        if "service" in changes and changes["service"] is not None:
            if changes["service"].owner_id != locked.customer_id:
                raise ValueError("The related service must belong to the customer.")

        update = ["updated_at"]
        labels = {
            "department": lambda value: value.name if value else "",
            "assignee": lambda value: value.email if value else "",
        }
        moved = False
        for name, value in changes.items():
            old = getattr(locked, name)
            if old == value:
                continue
            setattr(locked, name, value)
            update.append(name)
            if name in TicketEvent.Field.values:
                label = labels.get(name, lambda v: v or "")
                _record(locked, by, name, label(old), label(value))
            if name == "department":
                moved = True
            if name == "status":
                if value == Ticket.Status.CLOSED:
                    locked.closed_at = timezone.now()
                    locked.waiting_since = None
                    update += ["closed_at", "waiting_since"]
                elif locked.closed_at:
                    locked.closed_at = None
                    update.append("closed_at")
        locked.save(update_fields=update)
        if moved:
            event = TicketEmail.TICKET_MOVED
            queue(
                event,
                recipients=[u for u in _department_staff(locked, event) if u.pk != by.pk],
                ticket=locked,
            )
    ticket.refresh_from_db()
    return locked


def autoclose_stale_tickets(*, limit=500):
    """Close tickets that stayed "Answered" with no customer reply (and no other change) for
    TICKET_AUTOCLOSE_HOURS, and email each customer. Returns the numbers closed.

    0 hours turns auto-close off. Each ticket is checked again under its row lock, so a
    customer reply that arrives during the pass keeps its ticket open. At most `limit`
    tickets a pass: the next pass takes the rest.
    """
    hours = settings.TICKET_AUTOCLOSE_HOURS
    if hours <= 0:
        return []
    cutoff = timezone.now() - timedelta(hours=hours)
    stale = Ticket.objects.filter(
        status=Ticket.Status.ANSWERED, last_reply_at__lt=cutoff, updated_at__lt=cutoff
    )
    closed = []
    for pk in stale.order_by("last_reply_at", "pk").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            ticket = stale.select_for_update().filter(pk=pk).first()
            if ticket is None:
                continue
            # No actor: the event line reads as closed automatically.
            close_ticket(ticket=ticket, by=None, notify_customer=True)
            closed.append(ticket.number)
    return closed

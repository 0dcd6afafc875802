"""Processing one stored message: a chain of small filters over the parsed message, in a
fixed order; the first that decides ends the chain, and its outcome (state, reason, detail)
is written on the row.

parse -> duplicate -> delivery report -> automatic mail -> provider verdict -> match the
ticket -> sender authentication (DMARC/DKIM) -> sender is the customer -> flood limit ->
post the reply or open the ticket.
"""

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications import outbox
from tickets import actions, throttle
from tickets.models import Ticket

from . import answers, bounces, files
from .checks import authentication_failure, automatic_reason
from .matching import customer_for, department_for, match
from .models import InboundMessage
from .parsing import ParseError, header_recipients, parse
from .quotes import strip_reply

logger = logging.getLogger(__name__)

State = InboundMessage.State
Reason = InboundMessage.Reason

RE_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|balas|tr)\s*:\s*)+", re.IGNORECASE)


PROCESSED_FIELDS = [
    "state",
    "reason",
    "detail",
    "processed_at",
    "sender",
    "subject",
    "message_id",
    "body",
    "customer",
    "ticket",
    "department",
    "post",
    "answered_unknown",
]


@dataclass
class Outcome:
    state: str
    reason: str = ""
    detail: str = ""


class Duplicate(Exception):  # noqa: N818 (reads as what it is)
    """The same message (Message-ID, sender and text) was processed before."""

    def __init__(self, key):
        super().__init__(key)
        self.key = key


class Retry(Exception):
    """A passing fault (the files could not be written): the row stays received and is
    processed again by the re-dispatch."""


def process(inbound_id):
    """Process one received row once. Returns its new state, or None when another worker
    holds it or it was processed already."""
    with transaction.atomic():
        row = (
            InboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=inbound_id, state=State.RECEIVED)
            .first()
        )
        if row is None:
            return None
        try:
            with transaction.atomic():
                outcome = run(row)
        except Retry as error:
            row.detail = str(error)
            row.save(update_fields=["detail"])
            return None
        except Duplicate as duplicate:
            first = InboundMessage.objects.filter(content_key=duplicate.key).values_list("pk")
            outcome = Outcome(
                State.IGNORED, Reason.DUPLICATE, f"Same as incoming email {first[0][0]}."
            )
        except Exception as error:
            logger.exception("Processing incoming email %s failed", row.pk)
            outcome = Outcome(State.FAILED, Reason.ERROR, f"{type(error).__name__}: {error}")
        row.state = outcome.state
        row.reason = outcome.reason
        row.detail = outcome.detail[:5000]
        row.processed_at = timezone.now()
        # Every column but the raw bytes, which are never rewritten.
        row.save(update_fields=PROCESSED_FIELDS)
    return row.state


def claim(limit):
    """Up to `limit` ids of messages waiting for their first attempt, oldest first, marked
    as taken into a chunk (in a short transaction of their own) so that no other chunk
    takes them. Each is still processed by process(), once: a message whose own task comes
    first is processed there, and the chunk finds it done. A message of a chunk whose
    worker died stays received and is processed by its own task (or the re-dispatch), never
    by another chunk."""
    with transaction.atomic():
        ids = list(
            InboundMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.RECEIVED, claimed_at__isnull=True, detail="")
            .order_by("received_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            InboundMessage.objects.filter(pk__in=ids).update(claimed_at=timezone.now())
    return ids


def drain(*, chunk, seconds):
    """Process the messages waiting for their first attempt, `chunk` at a time, until none
    is left or `seconds` have passed. Returns how many this call processed."""
    deadline = time.monotonic() + seconds
    done = 0
    while time.monotonic() < deadline:
        ids = claim(chunk)
        if not ids:
            break
        # The staff emails of the chunk's posts go to the workers together, at its end.
        with outbox.dispatched_together():
            for inbound_id in ids:
                if process(inbound_id) is not None:
                    done += 1
    return done


def _content_key(mail):
    value = "\0".join([mail.message_id, mail.sender, mail.text])
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def run(row):
    try:
        mail = parse(bytes(row.raw), envelope_recipient=row.envelope_recipient)
    except ParseError as error:
        # Held where its department's staff see it, when the addresses can be read.
        row.department = department_for(header_recipients(row))
        return Outcome(State.HELD, Reason.UNPARSEABLE, str(error))
    row.sender = mail.sender[:254]
    row.subject = mail.subject[:255]
    row.message_id = mail.message_id[:998]
    row.body = strip_reply(mail.text)

    if mail.message_id:
        key = _content_key(mail)
        try:
            # The first write of the processing, so that the savepoint of process() alone
            # undoes it (a copy processed in parallel waits here for the first to commit).
            InboundMessage.objects.filter(pk=row.pk).update(content_key=key)
        except IntegrityError as error:
            raise Duplicate(key) from error
        row.content_key = key

    report = bounces.delivery_report(mail)
    if report is not None:
        return Outcome(State.IGNORED, Reason.BOUNCE, bounces.record(report))
    automatic = automatic_reason(mail)
    if automatic:
        return Outcome(State.IGNORED, *automatic)

    found = match(mail)
    row.ticket = found.ticket
    row.department = found.department
    if row.provider_verdict == "spam":
        return Outcome(State.HELD, Reason.SPAM, "The provider's spam check flagged it.")
    if row.provider_verdict == "auth_failed":
        return Outcome(State.HELD, Reason.AUTH_FAILED, "The provider's DKIM/DMARC check failed.")
    failure = authentication_failure(mail)
    if failure:
        return Outcome(
            State.HELD, Reason.AUTH_FAILED, f"Authentication-Results of our server: {failure}"
        )
    if found.held:
        return Outcome(State.HELD, found.held, found.detail)

    if found.ticket is not None:
        customer = found.ticket.customer
        row.customer = customer
        return post(row, mail, ticket=found.ticket, customer=customer, check_rate=True)

    customer = customer_for(mail.sender)
    row.customer = customer
    if customer is None:
        answered = answers.unknown_sender(row)
        detail = f"{mail.sender or 'No sender'} is no customer."
        if answered:
            detail += " They were told where to open a ticket."
        return Outcome(State.IGNORED, Reason.UNKNOWN_SENDER, detail)
    if found.department is None:
        return Outcome(
            State.HELD,
            Reason.NO_DEPARTMENT,
            f"Sent to {', '.join(mail.recipients) or 'nobody'}: no department's address.",
        )
    return post(row, mail, department=found.department, customer=customer, check_rate=True)


def post(row, mail, *, customer, ticket=None, department=None, check_rate, note=""):
    """Post the message: a reply on `ticket` (a new ticket naming it when it was closed too
    long ago), or a new ticket in `department`. Files that fail the upload checks are left
    out and the customer is told which and why."""
    body = row.body.strip()
    if note:
        body = f"{note}\n\n{body}".strip()
    checked, refused = files.check(mail.files, customer)
    if not body and not checked:
        return Outcome(State.HELD, Reason.EMPTY, "Neither text nor acceptable files.")
    reopen_days = settings.TICKET_REOPEN_DAYS
    if (
        ticket is not None
        and ticket.status == Ticket.Status.CLOSED
        and ticket.closed_at
        and ticket.closed_at < timezone.now() - timedelta(days=reopen_days)
    ):
        with translation.override(customer.language or settings.LANGUAGE_CODE):
            follow_up = _("Follow-up to the closed ticket #%(number)s.") % {"number": ticket.number}
        body = f"{follow_up}\n\n{body}".strip()
        department, ticket = ticket.department, None
    if not body:
        with translation.override(customer.language or settings.LANGUAGE_CODE):
            body = _("(Files sent by email, without text.)")
    try:
        if ticket is not None:
            # The web's flood limits, checked by the action under the customer's row lock
            # (so parallel workers count one after the other).
            message = actions.add_reply(
                ticket=ticket, author=customer, body=body, files=checked, enforce_limits=check_rate
            )
            row.post = message
            outcome = Outcome(State.POSTED, detail=f"Posted to ticket #{ticket.number}.")
        else:
            subject = RE_PREFIX.sub("", mail.subject or "").strip()
            if not subject:
                with translation.override(customer.language or settings.LANGUAGE_CODE):
                    subject = _("(no subject)")
            ticket = actions.open_ticket(
                customer=customer,
                department=department,
                subject=subject[:255],
                body=body,
                priority=Ticket.Priority.MEDIUM,
                files=checked,
                enforce_limits=check_rate,
            )
            row.post = ticket.messages.order_by("pk").first()
            outcome = Outcome(State.NEW_TICKET, detail=f"Opened ticket #{ticket.number}.")
    except throttle.RateLimited as refused:
        refusal = refused.refusal
        return Outcome(
            State.HELD,
            Reason.RATE_LIMITED,
            f"{refusal.count} {refusal.kind} within {refusal.period}: the customer's limit.",
        )
    except actions.AttachmentsNotStored as error:
        raise Retry(f"The files could not be stored: {error}") from error
    row.ticket = ticket
    row.department = ticket.department
    row.customer = customer
    if refused:
        answers.files_refused(row, customer=customer, ticket=ticket, refused=refused)
        outcome.detail += " Refused files: " + "; ".join(refused)
    return outcome

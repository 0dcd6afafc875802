"""Which ticket a message answers, and whether its sender may post there.

In this order, the first that applies decides:
1. a signed reply address of ours among the recipients (Reply-To of our emails);
2. a Message-ID of ours in In-Reply-To / References, when the sender is the person that
   email was sent to;
3. "[Ticket #NNNNNN]" in the subject, when the sender is the ticket's customer.
A forged signature (in an address or a Message-ID) or a sender who is not the ticket's
customer holds the message. Nothing matched: a known customer writing to a department
address opens a ticket.
"""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from notifications.models import Notification
from tickets.models import Department, Ticket

from .addresses import (
    OUR_MESSAGE_ID,
    mailbox_of,
    plain_address,
    read_message_id,
    read_reply_address,
)
from .models import InboundMessage

Reason = InboundMessage.Reason
User = get_user_model()

SUBJECT_TAG = re.compile(r"\[\s*(?:Ticket|Tiket)\s*#\s*(\d{4,12})\s*\]", re.IGNORECASE)


@dataclass
class Match:
    ticket: Ticket | None = None
    department: Department | None = None
    via: str = ""
    # Set when the message must be held: why, and the detail for staff.
    held: str = ""
    detail: str = ""


def _ticket(number):
    return Ticket.objects.select_related("customer", "department").filter(number=number).first()


def department_for(recipients):
    """The department whose mailbox one of `recipients` is (tagged addresses included)."""
    wanted = {plain_address(address) for address in recipients}
    if not wanted:
        return None
    for department in Department.objects.filter(is_active=True):
        if mailbox_of(department) in wanted:
            return department
    return None


def match(mail):
    sender = mail.sender

    for address in mail.recipients:
        read = read_reply_address(address)
        if read is None:
            continue
        number, signature_ok = read
        if not signature_ok:
            return Match(
                department=department_for([address]),
                held=Reason.BAD_SIGNATURE,
                detail=f"Reply address {address} does not carry the signature of ticket #{number}.",
            )
        ticket = _ticket(number)
        if ticket is not None:
            return _checked(ticket, sender, via=f"reply address {address}")

    for value in mail.in_reply_to + mail.references:
        if not OUR_MESSAGE_ID.match(value):
            continue
        pk = read_message_id(value)
        if pk is None:
            return Match(
                department=department_for(mail.recipients),
                held=Reason.BAD_SIGNATURE,
                detail=f"In-Reply-To/References name <{value}>, which we did not send.",
            )
        notification = (
            Notification.objects.select_related(
                "recipient", "ticket__customer", "ticket__department"
            )
            .filter(pk=pk)
            .first()
        )
        if notification is None or notification.ticket_id is None:
            continue
        ticket = notification.ticket
        if notification.recipient.email.lower() != sender:
            return Match(
                ticket=ticket,
                department=ticket.department,
                held=Reason.NOT_CUSTOMER,
                detail=f"Answers our email <{value}> to {notification.recipient.email}, "
                f"but comes from {sender or 'nobody'}.",
            )
        return _checked(ticket, sender, via=f"Message-ID <{value}>")

    tag = SUBJECT_TAG.search(mail.subject or "")
    if tag:
        ticket = _ticket(tag.group(1))
        if ticket is not None:
            return _checked(ticket, sender, via=f"subject tag {tag.group(0)}")

    return Match(department=department_for(mail.recipients))


def _checked(ticket, sender, *, via):
    if ticket.customer.email.lower() != sender:
        return Match(
            ticket=ticket,
            department=ticket.department,
            held=Reason.NOT_CUSTOMER,
            detail=f"Matched by {via}, but sent by {sender or 'nobody'}, not by the ticket's "
            "customer.",
        )
    return Match(ticket=ticket, department=ticket.department, via=via)


def customer_for(sender):
    if not sender:
        return None
    return User.objects.filter(email__iexact=sender, is_active=True).first()

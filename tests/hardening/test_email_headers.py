"""A line break typed into a subject, a name or an address cannot add a header or a recipient
to any email: every event's message is built, turned into the bytes that go to the SMTP
server, parsed back, and its headers and recipients compared with what they must be."""

import email
import email.policy

import pytest
from django.core.mail import BadHeaderError

from notifications.emails import build_email
from notifications.models import Notification
from tests.tickets.helpers import open_ticket
from tickets import actions
from tickets.emails import TicketEmail

BREAKS = [
    "\r\n",
    "\n",
    "\r",
    "\r\n\t",
    "\r\n ",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1e",
]
INJECTED = "Help{brk}Bcc: victim@example.net{brk}X-Evil: 1{brk}{brk}<b>body</b>"
# The headers a notification carries; nothing else may appear.
EXPECTED_HEADERS = {
    "reply-to",
    "content-type",
    "mime-version",
    "subject",
    "from",
    "to",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "x-netdigi-ticket",
    "auto-submitted",
    "x-auto-response-suppress",
}
FIELDS = ["ticket subject", "customer name", "department name", "staff name"]
EVENTS = [event for event, _label in TicketEmail.choices]
# The figure SECURITY.md quotes: injection attempts (break x field x event message).
TRIED = len(BREAKS) * len(FIELDS) * len(EVENTS)


def _every_event_email(ticket, customer, staff):
    message = ticket.messages.order_by("pk").first()
    for event in EVENTS:
        for_staff = event in ("staff_new_ticket", "customer_reply", "ticket_moved")
        row = Notification.objects.create(
            event=event,
            recipient=staff if for_staff else customer,
            ticket=ticket,
            message=message,
        )
        yield event, row.recipient.email, build_email(row)


def _check(mail, recipient):
    raw = mail.message().as_bytes()
    head, _sep, _body = raw.partition(b"\n\n")
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    problems = []
    names = {name.lower() for name in parsed.keys()}
    if names - EXPECTED_HEADERS:
        problems.append(f"extra headers {sorted(names - EXPECTED_HEADERS)}")
    if [str(value) for value in parsed.get_all("To")] != [recipient]:
        problems.append(f"To is {parsed.get_all('To')}")
    if mail.recipients() != [recipient]:
        problems.append(f"recipients are {mail.recipients()}")
    for line in head.split(b"\n"):
        if line.lower().startswith((b"bcc:", b"cc:", b"x-evil:")):
            problems.append(f"header line {line!r}")
    for name, value in parsed.items():
        if "\n" in str(value) or "\r" in str(value):
            problems.append(f"{name} holds a line break")
    return problems


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("brk", BREAKS, ids=repr)
def test_a_line_break_typed_anywhere_adds_no_header_or_recipient(alice, sam, technical, field, brk):
    typed = INJECTED.format(brk=brk)
    technical.sender_email = "support@netdigi.co.id"
    technical.save()
    subject = "Website down"
    if field == "ticket subject":
        subject = typed
    elif field == "customer name":
        alice.name = typed
        alice.save()
    elif field == "department name":
        technical.name = typed
        technical.save()
    elif field == "staff name":
        sam.name = typed
        sam.save()
    ticket = open_ticket(alice, technical, subject=subject, body=typed)
    actions.add_reply(ticket=ticket, author=sam, body=typed)
    problems = {}
    for event, recipient, mail in _every_event_email(ticket, alice, sam):
        found = _check(mail, recipient)
        if found:
            problems[event] = found
    assert problems == {}


@pytest.mark.parametrize("address", ["customer", "department sender"])
@pytest.mark.parametrize("brk", ["\r\n", "\n", "\r"], ids=repr)
def test_an_address_holding_a_line_break_is_refused_not_sent(alice, technical, address, brk):
    # Addresses are validated by every form; this one was written to the database directly.
    ticket = open_ticket(alice, technical)
    technical.sender_email = "support@netdigi.co.id"
    if address == "customer":
        alice.email = f"alice@example.com{brk}Bcc: victim@example.net"
        alice.save()
    else:
        technical.sender_email = f"support@netdigi.co.id{brk}Bcc: victim@example.net"
    technical.save()
    ticket.refresh_from_db()
    row = Notification.objects.create(event="ticket_opened", recipient=alice, ticket=ticket)
    with pytest.raises((BadHeaderError, ValueError)):
        build_email(row).message().as_bytes()

"""Nothing a customer (or staff) typed can add a header or change one."""

import pytest
from django.core import mail

from notifications.emails import build_email, single_line
from notifications.tasks import deliver
from tests.tickets.helpers import open_ticket

# What can be stored in a subject or name (forms refuse NUL, and PostgreSQL cannot store it).
BREAKS = ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1e", "\r\n\t"]


@pytest.mark.parametrize("brk", [*BREAKS, "\x00", "\x1b", "\x7f"], ids=repr)
def test_a_header_value_is_one_line_without_control_characters(brk):
    assert single_line(f"Help{brk}Bcc: victim@example.net") == "Help Bcc: victim@example.net"


@pytest.mark.parametrize("brk", BREAKS, ids=repr)
def test_a_line_break_in_the_subject_cannot_add_a_header(alice, technical, brk):
    subject = f"Help{brk}Bcc: victim@example.net{brk}X-Evil: 1"
    ticket = open_ticket(alice, technical, subject=subject)
    message = build_email(ticket.notifications.get()).message()
    assert message["Subject"] == f"[Ticket #{ticket.number}] Help Bcc: victim@example.net X-Evil: 1"
    assert message["Bcc"] is None
    assert message["X-Evil"] is None
    headers = message.as_bytes().split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers
    assert b"\nX-Evil:" not in headers


@pytest.mark.parametrize("brk", BREAKS, ids=repr)
def test_a_line_break_in_the_department_name_cannot_add_a_header(alice, technical, brk):
    technical.name = f"Support{brk}Bcc: victim@example.net"
    technical.sender_email = "support@netdigi.co.id"
    technical.save()
    ticket = open_ticket(alice, technical)
    message = build_email(ticket.notifications.get()).message()
    assert message["Bcc"] is None
    assert "\n" not in message["From"] and "\r" not in message["From"]
    assert message["From"].endswith("<support@netdigi.co.id>")


def test_a_sent_mail_with_an_injected_subject_goes_to_the_customer_only(alice, technical):
    ticket = open_ticket(alice, technical, subject="Hi\r\nBcc: victim@example.net\r\nTo: x@y.z")
    assert deliver(ticket.notifications.get().pk) == "sent"
    (sent,) = mail.outbox
    assert sent.recipients() == ["alice@example.com"]
    assert sent.subject == f"[Ticket #{ticket.number}] Hi Bcc: victim@example.net To: x@y.z"


def test_a_name_with_quotes_and_commas_stays_one_sender(alice, technical):
    technical.name = 'Support, "Tier 1" <boss@example.net>'
    technical.sender_email = "support@netdigi.co.id"
    technical.save()
    ticket = open_ticket(alice, technical)
    message = build_email(ticket.notifications.get()).message()
    from email.utils import getaddresses

    assert [addr for _, addr in getaddresses([message["From"]])] == ["support@netdigi.co.id"]

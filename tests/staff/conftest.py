"""Fixtures of the staff-side tests, on top of tests/conftest.py.

alice's tickets are opened through the real action, so they carry what a real ticket has:
a first message, waiting time, notification rows. `open_for` builds more of them.
"""

import pytest
from django.core import mail

from notifications.models import Notification
from tests.factories import StaffFactory
from tests.staff.pages import logged_in
from tickets import actions
from tickets.models import CannedResponse, Ticket


@pytest.fixture
def open_for():
    """`open_for(customer, department, subject=..., **kwargs)`: a ticket opened by the
    customer through actions.open_ticket (its emails cleared)."""

    def build(customer, department, subject="Website alice-shop.co.id Error 500", **kwargs):
        kwargs.setdefault("body", "The website shows Error 500 since this morning.")
        ticket = actions.open_ticket(
            customer=customer, department=department, subject=subject, **kwargs
        )
        mail.outbox = []
        return ticket

    return build


@pytest.fixture
def alice_ticket(alice, alice_hosting, technical, open_for):
    """alice's Technical Support ticket: sam's queue, not bill's."""
    return open_for(alice, technical, service=alice_hosting, priority=Ticket.Priority.HIGH)


@pytest.fixture
def alice_billing_ticket(alice, billing, open_for):
    return open_for(alice, billing, subject="Invoice INV-1001 paid twice")


@pytest.fixture
def tess(technical):
    """A second Technical Support staff member: sam's colleague."""
    return StaffFactory(email="tess@netdigi.test", name="Tess Technical", departments=[technical])


@pytest.fixture
def bill_client(bill):
    return logged_in(bill)


@pytest.fixture
def root_client(root):
    return logged_in(root)


@pytest.fixture
def tess_client(tess):
    return logged_in(tess)


@pytest.fixture
def canned(technical, billing):
    """Predefined replies: a global one, one per department, and an inactive one."""
    return {
        "global": CannedResponse.objects.create(
            title="Thanks, looking into it",
            body="Hello {customer_name}, we are looking into {ticket_number}. {staff_name}",
        ),
        "technical": CannedResponse.objects.create(
            title="Error 500 fixed", body="We raised the PHP memory limit.", department=technical
        ),
        "billing": CannedResponse.objects.create(
            title="Payment received", body="Your payment has arrived.", department=billing
        ),
        "inactive": CannedResponse.objects.create(
            title="Old greeting", body="Dear customer", department=technical, is_active=False
        ),
    }


def events_of(ticket, event):
    """The recipients' emails of the notification rows of `event` for `ticket`."""
    return sorted(
        Notification.objects.filter(ticket=ticket, event=event).values_list(
            "recipient__email", flat=True
        )
    )

"""Removing a staff member from a department (or making them inactive, or no longer
staff) stops their emails about it and unassigns their active tickets there, each with an
event line; their page of that ticket is a 404 like any other department's."""

import pytest

from notifications.models import Notification
from tests.factories import StaffFactory
from tickets import actions
from tickets.emails import TicketEmail
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def tess(technical):
    """A second member of Technical Support, who stays."""
    return StaffFactory(email="tess@netdigi.test", name="Tess Tech", departments=[technical])


@pytest.fixture
def assigned(alice_ticket, sam):
    actions.update_ticket(ticket=alice_ticket, by=sam, assignee=sam)
    alice_ticket.refresh_from_db()
    return alice_ticket


def _reply_recipients(ticket, customer):
    message = actions.add_reply(ticket=ticket, author=customer, body="Any news?")
    return sorted(
        Notification.objects.filter(message=message, event=TicketEmail.CUSTOMER_REPLY).values_list(
            "recipient__email", flat=True
        )
    )


def _assignee_events(ticket):
    return list(
        ticket.events.filter(field=TicketEvent.Field.ASSIGNEE)
        .order_by("pk")
        .values_list("old_value", "new_value", "actor")
    )


def test_while_assigned_the_assignee_alone_gets_the_customers_replies(assigned, alice, tess):
    assert _reply_recipients(assigned, alice) == ["sam@netdigi.test"]


@pytest.mark.parametrize(
    "removal",
    [
        "department.staff.remove",
        "user.departments.remove",
        "user.departments.clear",
        "department.staff.set (the admin's form)",
        "made inactive",
        "no longer staff",
    ],
)
def test_a_removed_assignee_is_unassigned_and_emailed_no_more(
    removal, assigned, alice, sam, tess, technical, billing, client
):
    if removal == "department.staff.remove":
        technical.staff.remove(sam)
    elif removal == "user.departments.remove":
        sam.departments.remove(technical)
    elif removal == "user.departments.clear":
        sam.departments.add(billing)
        sam.departments.clear()
    elif removal.startswith("department.staff.set"):
        technical.staff.set([tess])
    elif removal == "made inactive":
        sam.is_active = False
        sam.save()
    else:
        sam.is_staff = False
        sam.save()

    assigned.refresh_from_db()
    assert assigned.assignee is None
    assert _assignee_events(assigned)[-1] == ("sam@netdigi.test", "", None)
    # The department's remaining staff hear from the customer; sam does not.
    assert _reply_recipients(assigned, alice) == ["tess@netdigi.test"]
    if removal not in ("made inactive", "no longer staff"):
        client.force_login(sam)
        assert client.get(assigned.get_staff_url()).status_code == 404


def test_tickets_of_departments_they_still_work_in_stay_assigned(
    alice, bob, sam, technical, billing, open_for
):
    sam.departments.add(billing)
    tech = open_for(alice, technical)
    bills = open_for(bob, billing)
    for ticket in (tech, bills):
        actions.update_ticket(ticket=ticket, by=sam, assignee=sam)
    technical.staff.remove(sam)
    assert Ticket.objects.get(pk=tech.pk).assignee_id is None
    assert Ticket.objects.get(pk=bills.pk).assignee_id == sam.pk


def test_closed_tickets_keep_who_handled_them(assigned, sam, technical):
    actions.close_ticket(ticket=assigned, by=sam)
    technical.staff.remove(sam)
    assert Ticket.objects.get(pk=assigned.pk).assignee_id == sam.pk


def test_a_removed_staff_member_gets_no_new_ticket_emails(alice, sam, tess, technical, open_for):
    technical.staff.remove(sam)
    ticket = open_for(alice, technical)
    recipients = set(
        ticket.notifications.filter(event=TicketEmail.STAFF_NEW_TICKET).values_list(
            "recipient__email", flat=True
        )
    )
    assert recipients == {"tess@netdigi.test"}


def test_a_login_does_not_touch_assignments(assigned, sam, client, password):
    client.post("/accounts/login/", {"username": sam.email, "password": password})
    assert Ticket.objects.get(pk=assigned.pk).assignee_id == sam.pk

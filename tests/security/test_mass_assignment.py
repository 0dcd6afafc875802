"""A customer cannot set what their forms do not offer by adding fields to the POST.

The open-ticket form sets subject, related service (theirs only), priority and message;
the reply form a message. Fields a staff member or the system sets (status, assignee, the
ticket's customer, its department after creation, its number, the internal-note and
staff-reply flags, the author) are ignored whatever their name or value.
"""

import uuid

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.factories import ServiceFactory
from tickets import actions
from tickets.models import Message, Ticket

from . import figures

pytestmark = pytest.mark.django_db


def extra_fields(bob, bob_ticket, sam, billing):
    """Field name -> value an attacker adds (every spelling a model or form might take)."""
    return {
        "status": Ticket.Status.CLOSED,
        "status_id": Ticket.Status.ANSWERED,
        "assignee": sam.pk,
        "assignee_id": sam.pk,
        "customer": bob.pk,
        "customer_id": bob.pk,
        "owner": bob.pk,
        "author": bob.pk,
        "author_id": bob.pk,
        "department": billing.pk,
        "department_id": billing.pk,
        "number": "000042",
        "ticket": bob_ticket.pk,
        "ticket_id": bob_ticket.pk,
        "is_internal": "on",
        "internal": "on",
        "is_staff_reply": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "last_reply_by": sam.pk,
        "waiting_since": "",
        "closed_at": "2020-01-01 00:00",
        "created_at": "2020-01-01 00:00",
        "pk": bob_ticket.pk,
        "id": bob_ticket.pk,
    }


@pytest.fixture
def bob_ticket(bob, technical):
    return actions.open_ticket(customer=bob, department=technical, subject="Bob's", body="Hi")


def open_form_data(**extra):
    return {
        "subject": "Website alice-shop.co.id Error 500",
        "priority": Ticket.Priority.MEDIUM,
        "body": "The website shows Error 500 since this morning.",
        "submission_token": str(uuid.uuid4()),
        **extra,
    }


def assert_alices_new_ticket_is_as_the_form_says(alice, technical):
    ticket = alice.tickets.get()
    assert ticket.customer == alice
    assert ticket.department == technical
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.assignee is None
    assert ticket.closed_at is None
    assert ticket.number != "000042"
    assert ticket.last_reply_by == alice
    (message,) = ticket.messages.all()
    assert (message.author, message.is_internal, message.is_staff_reply) == (alice, False, False)


OPEN_EXTRA = [
    "status",
    "status_id",
    "assignee",
    "assignee_id",
    "customer",
    "customer_id",
    "owner",
    "author",
    "author_id",
    "department",
    "department_id",
    "number",
    "ticket",
    "ticket_id",
    "is_internal",
    "internal",
    "is_staff_reply",
    "is_staff",
    "is_superuser",
    "last_reply_by",
    "waiting_since",
    "closed_at",
    "created_at",
    "pk",
    "id",
]


def test_the_table_of_extra_fields_is_the_one_posted(bob, bob_ticket, sam, billing):
    assert sorted(OPEN_EXTRA) == sorted(extra_fields(bob, bob_ticket, sam, billing))


@pytest.mark.parametrize("field", OPEN_EXTRA)
def test_an_extra_field_on_the_open_ticket_form_changes_nothing(
    alice_client, alice, bob, bob_ticket, sam, billing, technical, field
):
    value = extra_fields(bob, bob_ticket, sam, billing)[field]
    url = reverse("tickets:open_form", args=[technical.slug])
    response = alice_client.post(url, open_form_data(**{field: value}))
    figures.add("mass_assignment_fields")
    assert response.status_code == 302
    assert_alices_new_ticket_is_as_the_form_says(alice, technical)
    bob_ticket.refresh_from_db()
    assert bob_ticket.messages.count() == 1
    assert not bob.is_staff and not alice.is_staff


def test_every_extra_field_at_once_on_the_open_ticket_form_changes_nothing(
    alice_client, alice, bob, bob_ticket, sam, billing, technical
):
    url = reverse("tickets:open_form", args=[technical.slug])
    extra = extra_fields(bob, bob_ticket, sam, billing)
    response = alice_client.post(url, open_form_data(**extra))
    figures.add("mass_assignment_fields", len(extra))
    assert response.status_code == 302
    assert_alices_new_ticket_is_as_the_form_says(alice, technical)
    alice.refresh_from_db()
    assert not alice.is_staff and not alice.is_superuser


def test_another_customers_service_is_a_form_error_and_nothing_is_stored(
    alice_client, alice, bob, technical
):
    bobs = ServiceFactory(owner=bob, domain="bob-bakery.com")
    url = reverse("tickets:open_form", args=[technical.slug])
    response = alice_client.post(url, open_form_data(service=bobs.pk))
    figures.add("mass_assignment_fields")
    assert response.status_code == 400
    assert "bob-bakery.com" not in response.content.decode()
    assert not Ticket.objects.filter(customer=alice).exists()
    assert not Notification.objects.filter(recipient=alice).exists()


@pytest.fixture
def alice_ticket(alice, alice_hosting, technical):
    return actions.open_ticket(
        customer=alice,
        department=technical,
        service=alice_hosting,
        subject="Website alice-shop.co.id Error 500",
        body="The website shows Error 500.",
        priority=Ticket.Priority.LOW,
    )


def ticket_state(ticket):
    ticket.refresh_from_db()
    return {
        "customer": ticket.customer_id,
        "department": ticket.department_id,
        "assignee": ticket.assignee_id,
        "number": ticket.number,
        "subject": ticket.subject,
        "priority": ticket.priority,
        "service": ticket.service_id,
        "closed_at": ticket.closed_at,
        "created_at": ticket.created_at,
    }


REPLY_EXTRA = [
    "status",
    "status_id",
    "assignee",
    "assignee_id",
    "customer",
    "customer_id",
    "owner",
    "author",
    "author_id",
    "department",
    "department_id",
    "number",
    "ticket",
    "ticket_id",
    "is_internal",
    "internal",
    "is_staff_reply",
    "is_staff",
    "is_superuser",
    "last_reply_by",
    "closed_at",
    "created_at",
    "pk",
    "id",
    "priority",
    "subject",
    "service",
]


def reply_extra(bob, bob_ticket, sam, billing, bob_service):
    values = extra_fields(bob, bob_ticket, sam, billing)
    values.update(
        {"priority": Ticket.Priority.HIGH, "subject": "Changed by a reply", "service": bob_service}
    )
    return values


@pytest.mark.parametrize("field", REPLY_EXTRA)
def test_an_extra_field_on_the_reply_form_changes_nothing_but_the_reply(
    alice_client, alice, alice_ticket, bob, bob_ticket, sam, billing, field
):
    bob_service = ServiceFactory(owner=bob).pk
    value = reply_extra(bob, bob_ticket, sam, billing, bob_service)[field]
    before = ticket_state(alice_ticket)
    url = reverse("tickets:reply", args=[alice_ticket.number])
    response = alice_client.post(url, {"body": "One more detail.", field: value})
    figures.add("mass_assignment_fields")
    assert response.status_code == 302
    assert ticket_state(alice_ticket) == before
    assert alice_ticket.status == Ticket.Status.CUSTOMER_REPLY
    reply = alice_ticket.messages.latest("created_at")
    assert (reply.body, reply.author, reply.is_internal, reply.is_staff_reply) == (
        "One more detail.",
        alice,
        False,
        False,
    )
    assert bob_ticket.messages.count() == 1
    assert Message.objects.filter(author=bob).count() == 1


def test_every_extra_field_at_once_on_the_reply_form_changes_nothing_but_the_reply(
    alice_client, alice, alice_ticket, bob, bob_ticket, sam, billing
):
    extra = reply_extra(bob, bob_ticket, sam, billing, ServiceFactory(owner=bob).pk)
    before = ticket_state(alice_ticket)
    url = reverse("tickets:reply", args=[alice_ticket.number])
    response = alice_client.post(url, {"body": "One more detail.", **extra})
    figures.add("mass_assignment_fields", len(extra))
    assert response.status_code == 302
    assert ticket_state(alice_ticket) == before
    assert alice_ticket.status == Ticket.Status.CUSTOMER_REPLY
    assert alice_ticket.messages.filter(is_internal=True).count() == 0
    assert alice_ticket.messages.filter(is_staff_reply=True).count() == 0


def test_closing_takes_no_other_change_along(alice_client, alice_ticket, bob, sam, billing):
    before = ticket_state(alice_ticket)
    url = reverse("tickets:close", args=[alice_ticket.number])
    extra = {"status": "open", "assignee": sam.pk, "department": billing.pk, "customer": bob.pk}
    response = alice_client.post(url, extra)
    figures.add("mass_assignment_fields", len(extra))
    assert response.status_code == 302
    after = ticket_state(alice_ticket)
    assert alice_ticket.status == Ticket.Status.CLOSED
    assert {k: v for k, v in after.items() if k != "closed_at"} == {
        k: v for k, v in before.items() if k != "closed_at"
    }

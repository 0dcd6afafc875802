"""Emails to staff: a new ticket to its department's staff, a customer reply to the
assignee (or the department's staff while unassigned), a moved ticket to the new
department's staff; each staff member can turn each of them off for themselves."""

import pytest
from django.core import mail

from tests.factories import StaffFactory
from tests.staff.conftest import events_of
from tests.staff.pages import logged_in
from tickets import actions
from tickets.emails import TicketEmail

pytestmark = pytest.mark.django_db

NEW = TicketEmail.STAFF_NEW_TICKET
REPLY = TicketEmail.CUSTOMER_REPLY
MOVED = TicketEmail.TICKET_MOVED


def test_a_new_ticket_goes_to_the_departments_staff_who_want_it(sam, tess, alice, open_for):
    tess.notify_new_ticket = False
    tess.save()
    ticket = open_for(alice, sam.departments.get())
    assert events_of(ticket, NEW) == ["sam@netdigi.test"]


def test_a_customer_reply_goes_to_the_assignee_only(sam, tess, alice, alice_ticket):
    actions.update_ticket(ticket=alice_ticket, by=sam, assignee=tess)
    actions.add_reply(ticket=alice_ticket, author=alice, body="Any news?")
    assert events_of(alice_ticket, REPLY) == ["tess@netdigi.test"]


def test_a_customer_reply_to_an_unassigned_ticket_goes_to_the_department(
    sam, tess, alice, alice_ticket
):
    actions.add_reply(ticket=alice_ticket, author=alice, body="Any news?")
    assert events_of(alice_ticket, REPLY) == ["sam@netdigi.test", "tess@netdigi.test"]


def test_an_assignee_who_turned_replies_off_gets_none(sam, tess, alice, alice_ticket):
    tess.notify_customer_reply = False
    tess.save()
    actions.update_ticket(ticket=alice_ticket, by=sam, assignee=tess)
    actions.add_reply(ticket=alice_ticket, author=alice, body="Any news?")
    assert events_of(alice_ticket, REPLY) == []
    sam.notify_customer_reply = False
    sam.save()
    actions.update_ticket(ticket=alice_ticket, by=sam, assignee=None)
    actions.add_reply(ticket=alice_ticket, author=alice, body="Hello?")
    assert events_of(alice_ticket, REPLY) == []


def test_a_moved_ticket_goes_to_the_new_departments_staff_who_want_it(
    root, bill, billing, alice_ticket
):
    quiet = StaffFactory(email="quiet@netdigi.test", departments=[billing])
    quiet.notify_ticket_moved = False
    quiet.save()
    actions.update_ticket(ticket=alice_ticket, by=root, department=billing)
    assert events_of(alice_ticket, MOVED) == ["bill@netdigi.test"]


def test_staff_emails_link_to_the_staff_ticket_page(
    sam, alice, technical, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = actions.open_ticket(
            customer=alice, department=technical, subject="Server down", body="Nothing loads."
        )
    to_sam = [m for m in mail.outbox if m.to == ["sam@netdigi.test"]]
    assert len(to_sam) == 1
    assert f"/staff/tickets/{ticket.number}/" in to_sam[0].body
    assert "/admin/" not in to_sam[0].body


def test_staff_turn_their_emails_off_on_the_settings_page(sam):
    client = logged_in(sam)
    page = client.get("/staff/settings/").content.decode()
    assert "Email me about new tickets" in page
    response = client.post("/staff/settings/", {"notify_ticket_moved": "on"})
    assert response.status_code == 302
    sam.refresh_from_db()
    assert (sam.notify_new_ticket, sam.notify_customer_reply, sam.notify_ticket_moved) == (
        False,
        False,
        True,
    )
    client.post("/staff/settings/", {})
    sam.refresh_from_db()
    assert sam.notify_ticket_moved is False


def test_an_administrator_sees_the_settings_in_the_user_admin(root, sam):
    html = logged_in(root).get(f"/admin/accounts/user/{sam.pk}/change/").content.decode()
    for name in ["notify_new_ticket", "notify_customer_reply", "notify_ticket_moved"]:
        assert f'name="{name}"' in html

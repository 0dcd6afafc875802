"""Changing status, priority, department and assignee from the staff ticket page: each
change is recorded with who and when and shown in the thread as an event line."""

import pytest

from notifications.models import Notification
from tests.staff.conftest import events_of
from tests.staff.pages import logged_in
from tickets.emails import TicketEmail
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def properties(ticket, **changes):
    """The properties form as the page shows it (with the values it showed), changed."""
    shown = {
        "status": ticket.status,
        "priority": ticket.priority,
        "department": ticket.department_id,
        "assignee": ticket.assignee_id or "",
    }
    data = {**shown, **changes}
    data.update({f"initial-{name}": value for name, value in shown.items()})
    return data


def update(client, ticket, **changes):
    return client.post(f"/staff/tickets/{ticket.number}/update/", properties(ticket, **changes))


def test_each_change_is_an_event_with_who_and_when(sam, tess, alice_ticket):
    response = update(
        logged_in(sam),
        alice_ticket,
        status=Ticket.Status.IN_PROGRESS,
        priority=Ticket.Priority.LOW,
        assignee=tess.pk,
    )
    assert response.status_code == 302
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.IN_PROGRESS
    assert alice_ticket.priority == Ticket.Priority.LOW
    assert alice_ticket.assignee == tess
    events = list(
        alice_ticket.events.values_list("actor__email", "field", "old_value", "new_value")
    )
    assert sorted(events) == sorted(
        [
            ("sam@netdigi.test", "status", "open", "in_progress"),
            ("sam@netdigi.test", "priority", "high", "low"),
            ("sam@netdigi.test", "assignee", "", "tess@netdigi.test"),
        ]
    )
    assert all(event.created_at for event in alice_ticket.events.all())


def test_event_lines_appear_in_the_thread(sam, tess, alice_ticket):
    client = logged_in(sam)
    update(client, alice_ticket, status=Ticket.Status.ON_HOLD, assignee=tess.pk)
    html = client.get(f"/staff/tickets/{alice_ticket.number}/").content.decode()
    assert 'data-event="status"' in html
    assert "changed the status from Open to On Hold" in html
    assert "assigned the ticket to tess@netdigi.test" in html
    # After the first post, in time order.
    assert html.index("Error 500 since this morning") < html.index('data-event="status"')


def test_the_customer_never_sees_event_lines(sam, alice, alice_ticket):
    update(logged_in(sam), alice_ticket, priority=Ticket.Priority.LOW)
    html = logged_in(alice).get(f"/support/tickets/{alice_ticket.number}/").content.decode()
    assert "changed the priority" not in html


def test_a_colleagues_change_in_the_meantime_is_not_overwritten(sam, tess, alice_ticket):
    stale_page = properties(alice_ticket)  # sam opens the page
    update(logged_in(tess), alice_ticket, priority=Ticket.Priority.LOW)  # tess changes it
    stale_page["status"] = Ticket.Status.IN_PROGRESS  # sam changes the status only
    logged_in(sam).post(f"/staff/tickets/{alice_ticket.number}/update/", stale_page)
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.IN_PROGRESS
    assert alice_ticket.priority == Ticket.Priority.LOW


def test_assign_to_me(sam, alice_ticket):
    client = logged_in(sam)
    response = client.post(f"/staff/tickets/{alice_ticket.number}/assign-to-me/")
    assert response.status_code == 302
    alice_ticket.refresh_from_db()
    assert alice_ticket.assignee == sam
    assert alice_ticket.events.get().field == TicketEvent.Field.ASSIGNEE


def test_only_colleagues_of_the_department_can_be_assigned(sam, bill, alice_ticket):
    response = update(logged_in(sam), alice_ticket, assignee=bill.pk)
    assert response.status_code == 400
    alice_ticket.refresh_from_db()
    assert alice_ticket.assignee is None


def test_moving_a_ticket_tells_the_new_departments_staff(sam, bill, alice_ticket, billing):
    sam.departments.add(billing)
    response = update(logged_in(sam), alice_ticket, department=billing.pk)
    assert response.status_code == 302
    alice_ticket.refresh_from_db()
    assert alice_ticket.department == billing
    assert events_of(alice_ticket, TicketEmail.TICKET_MOVED) == ["bill@netdigi.test"]
    event = alice_ticket.events.get(field="department")
    assert (event.old_value, event.new_value) == ("Technical Support", "Billing & Payments")


def test_staff_cannot_move_a_ticket_into_a_department_they_do_not_belong_to(
    sam, alice_ticket, billing
):
    response = update(logged_in(sam), alice_ticket, department=billing.pk)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    alice_ticket.refresh_from_db()
    assert alice_ticket.department.slug == "technical-support"
    assert not Notification.objects.filter(event=TicketEmail.TICKET_MOVED).exists()


def test_a_superuser_moves_a_ticket_anywhere(root, alice_ticket, billing):
    update(logged_in(root), alice_ticket, department=billing.pk)
    alice_ticket.refresh_from_db()
    assert alice_ticket.department == billing


def test_moving_unassigns_someone_who_does_not_work_in_the_new_department(
    sam, tess, alice_ticket, billing
):
    sam.departments.add(billing)
    client = logged_in(sam)
    update(client, alice_ticket, assignee=tess.pk)
    alice_ticket.refresh_from_db()
    response = update(client, alice_ticket, department=billing.pk)
    alice_ticket.refresh_from_db()
    assert alice_ticket.assignee is None
    assert alice_ticket.events.filter(field="assignee", new_value="").exists()
    html = client.get(response.url).content.decode()
    assert "no longer assigned" in html


def test_an_unchanged_form_changes_nothing(sam, alice_ticket):
    update(logged_in(sam), alice_ticket)
    assert not alice_ticket.events.exists()

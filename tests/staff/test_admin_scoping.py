"""The Ticket admin: department scoping (lists, change pages, filters, foreign-key
choices), the columns, the bulk actions, and the reply that staff post from it."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from notifications.models import Notification
from tests.factories import StaffFactory, TicketFactory, png_upload
from tests.staff.pages import logged_in
from tickets.emails import TicketEmail
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/tickets/ticket/"


def change_url(ticket):
    return f"/admin/tickets/ticket/{ticket.pk}/change/"


def listed_numbers(response):
    return re.findall(r">#(\d{6,})<", response.content.decode())


def select_options(html, name):
    select = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_department_staff_use_the_ticket_admin_without_model_permissions(sam, alice_ticket):
    client = logged_in(sam)
    assert client.get("/admin/").status_code == 200
    assert "Tickets" in client.get("/admin/").content.decode()
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(change_url(alice_ticket)).status_code == 200


def test_billing_staff_cannot_see_or_pick_a_technical_ticket(
    bill, alice_ticket, alice_billing_ticket
):
    client = logged_in(bill)
    assert listed_numbers(client.get(CHANGELIST)) == [alice_billing_ticket.number]
    searched = client.get(CHANGELIST, {"q": alice_ticket.number})
    assert listed_numbers(searched) == []
    # The pop-up of a raw-id lookup is the same scoped changelist.
    popup = client.get(CHANGELIST, {"_popup": "1", "_to_field": "id"})
    assert alice_ticket.number not in popup.content.decode()
    assert client.get(change_url(alice_ticket)).status_code == 404
    assert client.get(f"/admin/tickets/ticket/{alice_ticket.pk}/history/").status_code == 404
    response = client.post(
        change_url(alice_ticket),
        {"department": alice_ticket.department_id, "status": "closed", "priority": "low"},
    )
    assert response.status_code == 404
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.OPEN


def test_the_department_filter_and_choices_hold_only_my_departments(bill, alice_billing_ticket):
    client = logged_in(bill)
    changelist = client.get(CHANGELIST).content.decode()
    assert "Billing &amp; Payments" in changelist
    assert "Technical Support" not in changelist
    html = client.get(change_url(alice_billing_ticket)).content.decode()
    assert select_options(html, "department") == ["Billing &amp; Payments"]


def test_a_staff_member_cannot_move_a_ticket_into_another_department_in_the_admin(
    bill, alice_billing_ticket, technical
):
    response = logged_in(bill).post(
        change_url(alice_billing_ticket),
        {
            "department": technical.pk,
            "status": alice_billing_ticket.status,
            "priority": alice_billing_ticket.priority,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    alice_billing_ticket.refresh_from_db()
    assert alice_billing_ticket.department.slug == "billing-payments"


def test_the_assignee_and_service_choices_are_small_and_relevant(
    sam, tess, bill, bob_hosting, alice_hosting, alice_ticket
):
    html = logged_in(sam).get(change_url(alice_ticket)).content.decode()
    assignees = select_options(html, "assignee")
    assert any("sam@netdigi.test" in a for a in assignees)
    assert any("tess@netdigi.test" in a for a in assignees)
    assert not any("bill@netdigi.test" in a for a in assignees)
    assert not any("alice@example.com" in a for a in assignees)
    services = select_options(html, "service")
    assert any("alice-shop.co.id" in s for s in services)
    assert not any("bob-bakery.com" in s for s in services)


def test_a_superuser_sees_every_department(root, alice_ticket, alice_billing_ticket):
    client = logged_in(root)
    assert sorted(listed_numbers(client.get(CHANGELIST))) == sorted(
        [alice_ticket.number, alice_billing_ticket.number]
    )
    assert client.get(change_url(alice_ticket)).status_code == 200


def test_the_changelist_shows_waiting_time_and_assignee(sam, tess, alice_ticket):
    from tickets import actions

    actions.update_ticket(ticket=alice_ticket, by=sam, assignee=tess)
    html = logged_in(sam).get(CHANGELIST).content.decode()
    assert "column-waiting" in html and "column-assignee" in html
    assert "tess@netdigi.test" in html
    assert re.search(r'class="field-waiting">(&lt; 1 min|\d+ min)<', html)


def bulk(client, action, *tickets):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [t.pk for t in tickets], "index": 0},
    )


def test_bulk_close_put_on_hold_and_assign_to_me(sam, alice, technical, open_for):
    tickets = [open_for(alice, technical, subject=f"Problem {n}") for n in range(3)]
    client = logged_in(sam)
    assert bulk(client, "assign_to_me", *tickets[:2]).status_code == 302
    assert bulk(client, "put_on_hold", tickets[1]).status_code == 302
    assert bulk(client, "close_selected", tickets[2]).status_code == 302
    states = {t.number: (t.status, t.assignee_id) for t in Ticket.objects.all()}
    assert states == {
        tickets[0].number: (Ticket.Status.OPEN, sam.pk),
        tickets[1].number: (Ticket.Status.ON_HOLD, sam.pk),
        tickets[2].number: (Ticket.Status.CLOSED, None),
    }
    assert tickets[1].events.filter(field="status", new_value="on_hold", actor=sam).exists()


def test_bulk_actions_skip_tickets_of_other_departments(bill, alice_ticket):
    bulk(logged_in(bill), "close_selected", alice_ticket)
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.OPEN


def test_the_admin_reply_still_answers_the_customer(sam, alice_ticket):
    form = {
        "department": alice_ticket.department_id,
        "status": alice_ticket.status,
        "priority": alice_ticket.priority,
        "service": alice_ticket.service_id,
        "reply": "Answered from the admin.",
        "reply_attachments": [png_upload()],
        # The read-only thread inline, as the page posts it back.
        "messages-TOTAL_FORMS": 1,
        "messages-INITIAL_FORMS": 1,
        "messages-0-id": alice_ticket.messages.get().pk,
        "messages-0-ticket": alice_ticket.pk,
        "events-TOTAL_FORMS": 0,
        "events-INITIAL_FORMS": 0,
    }
    response = logged_in(sam).post(change_url(alice_ticket), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.ANSWERED
    post = alice_ticket.messages.latest("pk")
    assert post.body == "Answered from the admin." and post.attachments.count() == 1
    assert Notification.objects.filter(message=post, event=TicketEmail.STAFF_REPLY).exists()


def test_internal_notes_stand_out_in_the_admin_thread(sam, alice_ticket):
    from tickets import actions

    note = actions.add_reply(ticket=alice_ticket, author=sam, body="Secret note", internal=True)
    html = logged_in(sam).get(change_url(alice_ticket)).content.decode()
    assert f'class="form-row thread-post internal" id="message-{note.pk}"' in html
    assert '<span class="internal-badge">internal note</span>' in html
    assert "css/admin_thread.css" in html
    # The thread is read-only text now, not an inline formset to post back.
    assert "messages-TOTAL_FORMS" not in html


def test_the_admin_change_page_links_to_the_staff_page(sam, alice_ticket):
    html = logged_in(sam).get(change_url(alice_ticket)).content.decode()
    assert f'href="/staff/tickets/{alice_ticket.number}/"' in html


def test_customers_cannot_reach_the_admin(alice, alice_ticket):
    response = logged_in(alice).get(change_url(alice_ticket))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "1;DROP", "٣"])
def test_a_department_filter_that_is_no_department_id_is_ignored(sam, alice_ticket, value):
    response = logged_in(sam).get(CHANGELIST, {"department": value})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert alice_ticket.number in response.content.decode()


def test_only_a_superuser_deletes_a_ticket_even_with_the_model_permission(technical):
    ticket = TicketFactory(department=technical)
    staff = StaffFactory(departments=[technical])
    staff.user_permissions.add(Permission.objects.get(codename="delete_ticket"))
    url = reverse("admin:tickets_ticket_delete", args=[ticket.pk])
    page = logged_in(staff).get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert page.status_code == 200 and url not in page.content.decode()
    assert logged_in(staff).post(url, {"post": "yes"}).status_code == 403
    assert type(ticket).objects.filter(pk=ticket.pk).exists()
    superuser = StaffFactory(is_superuser=True)
    page = logged_in(superuser).get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert url in page.content.decode()
    assert logged_in(superuser).post(url, {"post": "yes"}).status_code == 302
    assert not type(ticket).objects.filter(pk=ticket.pk).exists()


def test_a_refused_admin_save_shows_its_error_by_the_field_and_keeps_the_ticket(technical, sam):
    ticket = TicketFactory(department=technical, status=Ticket.Status.OPEN)
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    page = logged_in(sam).get(url)
    form = {
        "department": technical.pk,
        "status": "closed",
        "priority": ticket.priority,
        "assignee": "",
        "service": "",
        "reply": "",
        "internal_note": "on",
    }
    response = logged_in(sam).post(url, form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the error below." in html
    row = html.split('class="form-row field-reply errors">', 1)[1].split("</textarea>", 1)[0]
    assert "Write the reply or note that goes with it." in row
    assert ">None<" not in html and ">None<" not in page.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_the_admin_index_still_lists_the_apps_each_user_may_use(sam):
    # The list of apps is built only where a page shows it (netdigi/admin_site.py).
    staff_page = logged_in(sam).get(reverse("admin:index")).content.decode()
    assert reverse("admin:tickets_ticket_changelist") in staff_page
    assert reverse("admin:accounts_user_changelist") not in staff_page
    superuser = StaffFactory(is_superuser=True)
    superuser_page = logged_in(superuser).get(reverse("admin:index")).content.decode()
    assert reverse("admin:accounts_user_changelist") in superuser_page
    assert reverse("admin:tickets_ticket_changelist") in superuser_page

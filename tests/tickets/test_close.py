"""The "Close Ticket" button: a POST that closes the ticket; a reply opens it again."""

from django.urls import reverse

from tests.tickets.helpers import open_ticket
from tests.tickets.pages import read
from tickets.models import Ticket, TicketEvent


def _close_url(ticket):
    return reverse("tickets:close", args=[ticket.number])


def test_close_closes_the_ticket_and_says_so(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    response = alice_client.post(_close_url(ticket), follow=True)
    assert response.redirect_chain == [(ticket.get_absolute_url(), 302)]
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert ticket.closed_at is not None
    text = read(response).text
    assert f"Ticket #{ticket.number} has been closed." in text
    assert "Status Closed" in text
    assert TicketEvent.objects.filter(
        ticket=ticket, actor=alice, field="status", old_value="open", new_value="closed"
    ).exists()


def test_a_closed_ticket_moves_from_active_to_closed_in_the_list(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    alice_client.post(_close_url(ticket), follow=True)  # the confirmation is shown there
    assert f"#{ticket.number}" not in read(alice_client.get(reverse("tickets:list"))).text
    closed = read(alice_client.get(reverse("tickets:list") + "?status=closed")).text
    assert f"#{ticket.number}" in closed


def test_closing_by_get_is_refused(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    assert alice_client.get(_close_url(ticket)).status_code == 405
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_closing_twice_changes_nothing_more(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    alice_client.post(_close_url(ticket))
    first = Ticket.objects.get(pk=ticket.pk).closed_at
    response = alice_client.post(_close_url(ticket))
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).closed_at == first
    assert TicketEvent.objects.filter(ticket=ticket, new_value="closed").count() == 1


def test_closing_needs_the_csrf_token(alice, technical):
    from django.test import Client

    ticket = open_ticket(alice, technical)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(_close_url(ticket)).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN

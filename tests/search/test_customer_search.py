"""Support > Tickets > search: a customer's own tickets, never an internal note."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("search:customer")


def numbers(response):
    return [result.ticket.number for result in response.context["results"]]


def test_the_ticket_list_has_the_search_box(alice_client):
    assert f'action="{URL}"' in alice_client.get(reverse("tickets:list")).content.decode()


def test_words_find_the_customers_own_tickets(alice_client, broken_site):
    assert numbers(alice_client.get(URL, {"q": "plugins folder"})) == [broken_site.number]
    assert numbers(alice_client.get(URL, {"q": "Error 500"})) == [broken_site.number]


def test_an_internal_note_is_never_searched_nor_shown(alice_client, broken_site):
    response = alice_client.get(URL, {"q": "firewall"})
    assert numbers(response) == []
    assert "outdated" not in response.content.decode()


def test_an_internal_note_never_shows_in_a_snippet(alice_client, broken_site):
    response = alice_client.get(URL, {"q": "server"})  # in a message and in the note
    assert numbers(response) == [broken_site.number]  # by its other messages
    assert "outdated" not in response.content.decode()
    (result,) = response.context["results"]
    assert not result.internal


def test_other_customers_tickets_are_never_found(bob_client, broken_site):
    assert numbers(bob_client.get(URL, {"q": "plugin"})) == []


def test_ones_ticket_number_opens_it_and_anothers_does_not(alice_client, broken_site, payment):
    response = alice_client.get(URL, {"q": broken_site.number})
    assert response["Location"] == broken_site.get_absolute_url()
    assert alice_client.get(URL, {"q": payment.number}).status_code == 200


def test_the_search_needs_a_login(client):
    assert client.get(URL, {"q": "plugin"}).status_code == 302


@pytest.mark.parametrize("query", ["", "   ", "%", "'; drop table x; --", "a" * 5000, "\x00"])
def test_odd_queries_are_answered(alice_client, broken_site, query):
    assert alice_client.get(URL, {"q": query}).status_code == 200

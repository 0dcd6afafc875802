"""A staff member's email address is never shown to customers: staff without a name appear
as "Netdigi Support" on the customer's pages, in predefined replies and in the emails a
customer is sent (their address is a login, and a target for phishing and guessing)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import StaffFactory
from tests.tickets.helpers import open_ticket
from tickets import actions
from tickets.models import CannedResponse, Ticket

pytestmark = pytest.mark.django_db

NAMELESS = "nameless.agent@netdigi.test"


@pytest.fixture
def nameless(technical):
    return StaffFactory(email=NAMELESS, name="", departments=[technical])


@pytest.fixture
def answered(alice, nameless, technical, django_capture_on_commit_callbacks):
    """alice's ticket answered, then closed, by a staff member without a name; every
    email of it sent."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(alice, technical)
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_reply(ticket=ticket, author=nameless, body="We restarted PHP-FPM.")
    with django_capture_on_commit_callbacks(execute=True):
        actions.close_ticket(ticket=Ticket.objects.get(pk=ticket.pk), by=nameless)
    return ticket


def test_the_customer_ticket_page_names_staff_without_a_name_netdigi_support(alice, answered):
    client = Client()
    client.force_login(alice)
    page = client.get(answered.get_absolute_url()).content.decode()
    assert "nameless.agent" not in page
    assert "Netdigi Support" in page
    alice.language = "id"
    alice.save(update_fields=["language"])
    page = client.get(answered.get_absolute_url()).content.decode()
    assert "nameless.agent" not in page
    assert "Dukungan Netdigi" in page


def test_the_customer_ticket_list_and_dashboard_do_not_show_staff_addresses(alice, answered):
    client = Client()
    client.force_login(alice)
    for url in (reverse("dashboard"), reverse("tickets:list") + "?status=all"):
        assert "nameless.agent" not in client.get(url).content.decode()


def test_every_email_the_customer_gets_leaves_the_staff_address_out(answered):
    to_customer = [m for m in mail.outbox if m.to == ["alice@example.com"]]
    assert len(to_customer) == 3  # opened, staff reply, satisfaction survey (sla/)
    for message in to_customer:
        texts = [message.subject, message.body, str(message.extra_headers)]
        texts += [content for content, _type in getattr(message, "alternatives", [])]
        texts += [str(value) for _name, value in message.message().items()]
        assert not any("nameless.agent" in text for text in texts), message.subject


def test_a_predefined_reply_signs_with_the_display_name(alice, nameless, sam, technical):
    ticket = open_ticket(alice, technical)
    canned = CannedResponse.objects.create(title="Sign", body="Regards,\n{staff_name}")
    assert canned.render_for(ticket=ticket, staff=nameless) == "Regards,\nNetdigi Support"
    assert canned.render_for(ticket=ticket, staff=sam) == "Regards,\nSam Support"

"""Emails speak the recipient's saved language, whatever language the sender uses: the
customer who switched to Bahasa Indonesia gets Indonesian mail, English staff get English."""

import re

from django.core import mail
from django.urls import reverse

from tests.tickets.helpers import form_data
from tickets import actions
from tickets.models import Ticket

FORM = reverse("tickets:open_form", args=["technical-support"])


def _mail_to(address):
    found = [m for m in mail.outbox if m.to == [address]]
    assert len(found) == 1, f"{len(found)} mails to {address}"
    return found[0]


def _html(email):
    return email.alternatives[0][0]


def test_the_customer_who_switched_gets_indonesian_mail_and_staff_english(
    alice_client, alice, sam, django_capture_on_commit_callbacks
):
    alice_client.post(reverse("set_language"), {"language": "id", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(FORM, form_data(subject="Website alice-shop.co.id down"))
    assert response.status_code == 302
    ticket = Ticket.objects.get()

    customer = _mail_to(alice.email)
    assert customer.subject == f"[Tiket #{ticket.number}] Website alice-shop.co.id down"
    assert "Halo Alice," in customer.body
    assert "Terima kasih telah menghubungi kami" in customer.body
    assert "antrian Dukungan Teknis" in customer.body
    assert "Departemen: Dukungan Teknis" in customer.body
    assert 'lang="id"' in _html(customer)
    assert "Dukungan Teknis" in _html(customer)

    staff = _mail_to(sam.email)
    assert staff.subject == f"[Ticket #{ticket.number}] Website alice-shop.co.id down"
    assert "A new ticket is in the Technical Support queue" in staff.body
    assert "Prioritas" not in staff.body


def test_a_staff_reply_reaches_an_indonesian_customer_in_indonesian(
    alice, sam, technical, django_capture_on_commit_callbacks
):
    alice.language = "id"
    alice.save()
    ticket = actions.open_ticket(
        customer=alice, department=technical, subject="Email tidak berfungsi", body="..."
    )
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_reply(ticket=ticket, author=sam, body="Sudah kami perbaiki.")
    email = _mail_to(alice.email)
    assert email.subject == f"[Tiket #{ticket.number}] Email tidak berfungsi"
    assert f"Ada balasan baru untuk tiket Anda #{ticket.number}." in email.body
    assert "Status: Dijawab" in email.body
    assert "Balas di halaman tiket" in _html(email)


def test_the_password_reset_email_is_in_the_accounts_language(
    client, alice, django_capture_on_commit_callbacks
):
    alice.language = "id"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        # The visitor's browser asks for English: the account's language still decides.
        client.post(
            reverse("accounts:password_reset"),
            {"email": alice.email},
            HTTP_ACCEPT_LANGUAGE="en-US",
        )
    email = _mail_to(alice.email)
    assert email.subject == "Reset kata sandi Member Area Netdigi Anda"
    assert "Untuk membuat kata sandi baru, buka tautan ini:" in email.body
    assert re.search(r"/accounts/password-reset/[^/]+/[^/]+/", email.body)

"""The service level, satisfaction and report texts in Bahasa Indonesia."""

from django.core import mail
from django.urls import reverse
from django.utils import translation

from sla import display, links
from tickets import actions

from .conftest import at


def test_due_labels_in_indonesian(clock):
    clock.to(at(2026, 11, 16, 9))
    with translation.override("id"):
        assert display.due_label(due_at=at(2026, 11, 16, 9, 42)).text == "jatuh tempo dalam 42 mnt"
        assert display.due_label(due_at=at(2026, 11, 16, 6)).text == "terlambat 3 jam"
        assert display.due_label(due_at=None, paused=True).text == "dijeda"


def test_the_survey_email_speaks_the_customers_language(
    alice, sam, technical, django_capture_on_commit_callbacks
):
    alice.language = "id"
    alice.save()
    ticket = actions.open_ticket(customer=alice, department=technical, subject="DNS", body="?")
    actions.add_reply(ticket=ticket, author=sam, body="Sudah.")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        actions.close_ticket(ticket=ticket, by=sam)
    [email] = mail.outbox
    assert email.subject == f"Bagaimana layanan kami? Tiket #{ticket.number}"
    assert "Baik: http" in email.body and "Buruk: http" in email.body
    assert "Masih butuh bantuan? Buka kembali tiket:" in email.body


def test_the_rating_page_and_the_reports_in_indonesian(client, alice, sam, technical):
    ticket = actions.open_ticket(customer=alice, department=technical, subject="DNS", body="?")
    actions.add_reply(ticket=ticket, author=sam, body="Sudah.")
    actions.close_ticket(ticket=ticket, by=sam)
    page = client.get(links.rate_url(ticket, "good"), HTTP_ACCEPT_LANGUAGE="id")
    assert "Bagaimana layanan kami?" in page.content.decode()
    assert "Kirim penilaian saya" in page.content.decode()
    bad = client.get(reverse("sla:rate", args=["rusak"]), HTTP_ACCEPT_LANGUAGE="id")
    assert "Tautan ini tidak valid" in bad.content.decode()

    sam.language = "id"
    sam.save()
    client.force_login(sam)
    html = client.get(reverse("sla:reports")).content.decode()
    assert "Tiket dibuka" in html and "Volume mingguan" in html and "Kepuasan pelanggan" in html

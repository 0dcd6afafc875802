"""What a notification email holds: subject, sender, parts, link, reply text, threading."""

import pytest
from django.conf import settings
from django.utils import translation

from notifications.emails import build_email
from notifications.message_ids import message_id
from notifications.models import Notification
from tests.factories import png_upload, text_upload
from tests.tickets.helpers import checked, open_ticket
from tickets import actions
from tickets.emails import thread_root


@pytest.fixture
def technical_with_sender(technical):
    technical.sender_email = "support@netdigi.co.id"
    technical.save()
    return technical


def email_for(ticket, event, recipient):
    row = Notification.objects.get(ticket=ticket, event=event, recipient=recipient)
    return row, build_email(row)


def test_the_customers_email_names_the_ticket_in_the_subject_and_comes_from_the_department(
    alice, technical_with_sender
):
    ticket = open_ticket(alice, technical_with_sender, subject="Website down")
    row, email = email_for(ticket, "ticket_opened", alice)
    assert email.subject == f"[Ticket #{ticket.number}] Website down"
    assert email.from_email == "Technical Support <support@netdigi.co.id>"
    assert email.to == ["alice@example.com"]


def test_without_a_department_address_the_default_sender_is_used(alice, technical):
    technical.sender_email = ""
    technical.save()
    ticket = open_ticket(alice, technical)
    _, email = email_for(ticket, "ticket_opened", alice)
    assert email.from_email == settings.DEFAULT_FROM_EMAIL


def test_the_email_has_a_text_and_an_html_part_with_the_link_and_the_message(alice, technical):
    ticket = open_ticket(alice, technical, body="Error 500 since 09:00.\nOnly on /checkout.")
    _, email = email_for(ticket, "ticket_opened", alice)
    link = settings.SITE_URL + ticket.get_absolute_url()
    assert link in email.body
    assert "Error 500 since 09:00.\nOnly on /checkout." in email.body
    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "Error 500 since 09:00.<br>Only on /checkout." in html


def test_attachments_are_listed_by_name_and_not_attached(alice, technical):
    files = [checked(png_upload("screen.png")), checked(text_upload("error.log"))]
    ticket = open_ticket(alice, technical, files=files)
    _, email = email_for(ticket, "ticket_opened", alice)
    assert "screen.png, error.log" in email.body
    assert "screen.png, error.log" in email.alternatives[0][0]
    assert email.attachments == []
    assert email.message().get_content_type() == "multipart/alternative"


def test_the_html_part_escapes_what_the_customer_typed(alice, technical):
    ticket = open_ticket(alice, technical, body="<script>alert(1)</script>")
    _, email = email_for(ticket, "ticket_opened", alice)
    html = email.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_staff_reply_email_holds_the_reply_text_and_a_link_for_the_customer(
    alice, sam, technical
):
    ticket = open_ticket(alice, technical)
    actions.add_reply(ticket=ticket, author=sam, body="Please clear the cache and retry.")
    _, email = email_for(ticket, "staff_reply", alice)
    assert email.subject.startswith(f"[Ticket #{ticket.number}] ")
    assert "Please clear the cache and retry." in email.body
    assert settings.SITE_URL + ticket.get_absolute_url() in email.body


def test_staff_get_a_link_to_answer_the_ticket_not_the_customer_page(alice, sam, technical):
    ticket = open_ticket(alice, technical)
    _, email = email_for(ticket, "staff_new_ticket", sam)
    assert email.to == ["sam@netdigi.test"]
    assert settings.SITE_URL + ticket.get_absolute_url() not in email.body
    assert f"{settings.SITE_URL}/" in email.body
    assert "Since 09:00 the shop shows Error 500." in email.body


def test_every_email_of_a_ticket_threads_with_the_ones_before(alice, sam, technical):
    ticket = open_ticket(alice, technical)
    actions.add_reply(ticket=ticket, author=sam, body="First answer.")
    actions.add_reply(ticket=ticket, author=sam, body="Second answer.")
    rows = list(Notification.objects.filter(ticket=ticket, recipient=alice).order_by("pk"))
    emails = [build_email(row) for row in rows]
    root = thread_root(ticket)
    ids = [email.extra_headers["Message-ID"] for email in emails]
    # Unguessable ids (signed, mailin.addresses), each naming its row.
    assert ids == [message_id(row.pk) for row in rows]
    assert all("notification-" not in value for value in ids)
    assert len(set(ids)) == 3
    assert emails[0].extra_headers["In-Reply-To"] == root
    assert emails[0].extra_headers["References"] == root
    for previous, email in zip(ids, emails[1:], strict=False):
        assert email.extra_headers["In-Reply-To"] == previous
        assert email.extra_headers["References"] == f"{root} {previous}"
    message = emails[1].message()
    assert message["Message-ID"] == ids[1]
    assert message["References"] == f"{root} {ids[0]}"


def test_the_message_id_stays_the_same_when_a_row_is_sent_again(alice, technical):
    ticket = open_ticket(alice, technical)
    row = ticket.notifications.get()
    first = build_email(row).message()["Message-ID"]
    assert build_email(row).message()["Message-ID"] == first


def test_the_email_is_rendered_in_the_recipients_language(alice, technical, monkeypatch):
    seen = []
    real = translation.override

    def spy(language, *args, **kwargs):
        seen.append(language)
        return real(language, *args, **kwargs)

    monkeypatch.setattr("notifications.emails.translation.override", spy)
    alice.language = "id"
    alice.save()
    ticket = open_ticket(alice, technical)
    build_email(ticket.notifications.get())
    assert seen == ["id"]

"""The ticket page: the ticket's facts, the thread oldest first, attachments, the forms."""

import io
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.factories import png_upload, text_upload
from tests.tickets.helpers import checked, open_ticket, pdf_upload
from tests.tickets.pages import read
from tickets import actions
from tickets.models import Attachment, Message


def _thread_bodies(html):
    return [
        " ".join(re.sub(r"<[^>]+>", " ", body).split())
        for body in re.findall(r'<div class="body">(.*?)</div>', html, re.S)
    ]


def test_the_page_shows_the_tickets_facts(alice_client, alice, alice_hosting, technical):
    ticket = open_ticket(
        alice,
        technical,
        subject="Website alice-shop.co.id Error 500",
        service=alice_hosting,
        priority="high",
    )
    response = alice_client.get(ticket.get_absolute_url())
    assert response.status_code == 200
    text = read(response).text
    assert f"#{ticket.number} Website alice-shop.co.id Error 500" in text
    assert "Status Open" in text
    assert "Department Technical Support" in text
    assert "Related Service Cloud Hosting Business - alice-shop.co.id" in text
    assert "Priority High" in text


def test_a_ticket_without_a_service_says_none(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    assert "Related Service None" in read(alice_client.get(ticket.get_absolute_url())).text


def test_the_thread_runs_oldest_first_with_author_and_time(alice_client, alice, sam, technical):
    ticket = open_ticket(alice, technical, body="First: the shop is down.")
    actions.add_reply(ticket=ticket, author=sam, body="Second: we restarted PHP.")
    actions.add_reply(ticket=ticket, author=alice, body="Third: it works, thanks.")
    earlier = timezone.now() - timedelta(hours=5)
    Message.objects.filter(body__startswith="First").update(created_at=earlier)
    html = alice_client.get(ticket.get_absolute_url()).content.decode()
    assert _thread_bodies(html) == [
        "First: the shop is down.",
        "Second: we restarted PHP.",
        "Third: it works, thanks.",
    ]
    text = read(html).text
    assert "Alice Wijaya" in text
    assert "Sam Support Netdigi staff" in text
    local = timezone.localtime(earlier)
    assert f'datetime="{local.isoformat()}"' in html
    latest = html[html.index('id="latest"') :]
    assert _thread_bodies(latest) == ["Third: it works, thanks."]


def test_line_breaks_are_kept_and_markup_is_escaped(alice_client, alice, technical):
    body = "Line one\nLine two\n\n<script>alert(1)</script> see https://alice-shop.co.id/x"
    ticket = open_ticket(alice, technical, body=body)
    html = alice_client.get(ticket.get_absolute_url()).content.decode()
    body_html = re.search(r'<div class="body">(.*?)</div>', html, re.S).group(1)
    assert body_html.startswith("Line one<br>Line two<br><br>&lt;script&gt;")
    assert "<script>alert(1)</script>" not in html
    assert 'href="https://alice-shop.co.id/x"' in body_html
    assert 'rel="nofollow"' in body_html


def test_attachments_are_links_and_images_show_a_thumbnail(alice_client, alice, technical):
    ticket = open_ticket(
        alice,
        technical,
        files=[checked(png_upload("error.png")), checked(pdf_upload("invoice.pdf"))],
    )
    image, pdf = Attachment.objects.order_by("id")
    page = read(alice_client.get(ticket.get_absolute_url()))
    links = dict((href, text) for href, text in page.links)
    assert links[image.get_absolute_url()] == "error.png"
    assert links[pdf.get_absolute_url()] == "invoice.pdf"
    assert page.images == [image.get_thumbnail_url()]

    thumbnail = alice_client.get(image.get_thumbnail_url())
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))) as picture:
        assert picture.format == "PNG"


def test_internal_notes_never_reach_the_customer(alice_client, alice, sam, technical):
    ticket = open_ticket(alice, technical, body="Please help with the shop.")
    note = actions.add_reply(
        ticket=ticket,
        author=sam,
        body="INTERNAL: customer owes two invoices",
        internal=True,
        files=[checked(text_upload("secret.txt"))],
    )
    actions.add_reply(ticket=ticket, author=sam, body="We are looking into it.")
    html = alice_client.get(ticket.get_absolute_url()).content.decode()
    assert "INTERNAL" not in html
    assert "secret.txt" not in html
    assert _thread_bodies(html) == ["Please help with the shop.", "We are looking into it."]
    secret = note.attachments.get()
    assert alice_client.get(secret.get_absolute_url()).status_code == 404


def test_the_page_has_a_reply_form_and_a_close_button(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    page = read(alice_client.get(ticket.get_absolute_url()))
    assert page.nested_forms == 0
    reply = page.form_posting_to(reverse("tickets:reply", args=[ticket.number]))
    assert reply.method == "post"
    assert reply.enctype == "multipart/form-data"
    assert {"body", "submission_token", "csrfmiddlewaretoken"} <= set(reply.fields)
    assert any(a.get("type") == "file" and "multiple" in a for _t, a in reply.inputs)
    assert page.labels["id_body"] == "Message"
    assert page.labels["id_attachments"] == "Attachments"
    close = page.form_posting_to(reverse("tickets:close", args=[ticket.number]))
    assert close.method == "post"
    assert "Close Ticket" in page.text


def test_a_closed_ticket_has_no_close_button_and_says_a_reply_reopens_it(
    alice_client, alice, technical
):
    ticket = open_ticket(alice, technical)
    actions.close_ticket(ticket=ticket, by=alice)
    page = read(alice_client.get(ticket.get_absolute_url()))
    assert "Close Ticket" not in page.text
    assert "Status Closed" in page.text
    assert "This ticket is closed. Replying opens it again." in page.text
    page.form_posting_to(reverse("tickets:reply", args=[ticket.number]))


def test_the_ticket_page_is_get_only(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    assert alice_client.post(ticket.get_absolute_url()).status_code == 405


def test_an_unknown_number_is_a_404(alice_client):
    assert alice_client.get(reverse("tickets:detail", args=["999999"])).status_code == 404
    assert alice_client.get("/support/tickets/12345/").status_code == 404
    assert alice_client.get("/support/tickets/abcdef/").status_code == 404

"""A customer reaches only their own tickets, messages and attachments. Anything else is a
404 that looks exactly like the 404 of something that does not exist."""

import pytest
from django.urls import reverse

from tests.factories import png_upload, text_upload
from tests.tickets.helpers import checked, open_ticket, pdf_upload, zip_upload
from tickets import actions
from tickets.models import Attachment, Message, Ticket

MISSING_NUMBER = "999999"
MISSING_PK = 999999


@pytest.fixture
def alices_ticket(alice, technical):
    return open_ticket(
        alice,
        technical,
        files=[checked(png_upload("alice-shop.png")), checked(text_upload("alice.log"))],
    )


def _urls(ticket, image, other):
    return {
        "page": ("get", reverse("tickets:detail", args=[ticket])),
        "reply": ("post", reverse("tickets:reply", args=[ticket])),
        "close": ("post", reverse("tickets:close", args=[ticket])),
        "attachment": ("get", reverse("tickets:attachment", args=[image])),
        "thumbnail": ("get", reverse("tickets:attachment_thumbnail", args=[image])),
        "text attachment": ("get", reverse("tickets:attachment", args=[other])),
    }


def _same_404(response, missing, url, missing_url):
    assert response.status_code == 404
    assert missing.status_code == 404
    assert response.content.replace(url.encode(), b"") == missing.content.replace(
        missing_url.encode(), b""
    )
    assert sorted(response.headers) == sorted(missing.headers)


@pytest.mark.parametrize(
    "name", ["page", "reply", "close", "attachment", "thumbnail", "text attachment"]
)
def test_bob_gets_the_same_404_for_alices_things_as_for_missing_ones(
    bob_client, alices_ticket, name
):
    image, log = Attachment.objects.order_by("id")
    method, url = _urls(alices_ticket.number, image.pk, log.pk)[name]
    _method, missing_url = _urls(MISSING_NUMBER, MISSING_PK, MISSING_PK + 1)[name]
    data = {"body": "Let me in"} if method == "post" else {}
    response = getattr(bob_client, method)(url, data)
    missing = getattr(bob_client, method)(missing_url, data)
    _same_404(response, missing, url, missing_url)


def test_bobs_reply_and_close_change_nothing_on_alices_ticket(bob_client, alices_ticket):
    bob_client.post(reverse("tickets:reply", args=[alices_ticket.number]), {"body": "Hi"})
    bob_client.post(reverse("tickets:close", args=[alices_ticket.number]))
    alices_ticket.refresh_from_db()
    assert alices_ticket.status == Ticket.Status.OPEN
    assert Message.objects.filter(ticket=alices_ticket).count() == 1


def test_alice_sees_her_own_things(alice_client, alices_ticket):
    image, log = Attachment.objects.order_by("id")
    for url in (
        alices_ticket.get_absolute_url(),
        image.get_absolute_url(),
        image.get_thumbnail_url(),
        log.get_absolute_url(),
    ):
        assert alice_client.get(url).status_code == 200, url


def test_a_text_file_has_no_thumbnail(alice_client, alices_ticket):
    _image, log = Attachment.objects.order_by("id")
    assert (
        alice_client.get(reverse("tickets:attachment_thumbnail", args=[log.pk])).status_code == 404
    )


def test_staff_of_another_department_cannot_download(client, alices_ticket, bill, sam):
    image, _log = Attachment.objects.order_by("id")
    client.force_login(bill)
    assert client.get(image.get_absolute_url()).status_code == 404
    client.force_login(sam)
    assert client.get(image.get_absolute_url()).status_code == 200


def test_a_customer_who_is_also_in_the_thread_cannot_see_internal_note_files(
    alice_client, alices_ticket, sam
):
    note = actions.add_reply(
        ticket=alices_ticket,
        author=sam,
        body="internal",
        internal=True,
        files=[checked(png_upload("note.png"))],
    )
    attachment = note.attachments.get()
    assert alice_client.get(attachment.get_absolute_url()).status_code == 404
    assert alice_client.get(attachment.get_thumbnail_url()).status_code == 404


SERVED = [
    (png_upload, "shot.png", "image/png", "inline"),
    (pdf_upload, "invoice.pdf", "application/pdf", "attachment"),
    (text_upload, "error.log", "text/plain", "attachment"),
    (zip_upload, "logs.zip", "application/zip", "attachment"),
]


@pytest.mark.parametrize(("make", "name", "content_type", "disposition"), SERVED)
def test_attachments_are_served_safely(
    alice_client, alice, technical, make, name, content_type, disposition
):
    open_ticket(alice, technical, files=[checked(make(name))])
    attachment = Attachment.objects.get()
    response = alice_client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'{disposition}; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("private")
    attachment.file.open("rb")
    assert b"".join(response.streaming_content) == attachment.file.read()
    attachment.file.close()


def test_the_served_name_is_encoded_for_the_header(alice_client, alice, technical):
    open_ticket(alice, technical, files=[checked(text_upload('bukti "transfer" ü.txt'))])
    response = alice_client.get(Attachment.objects.get().get_absolute_url())
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''")
    assert "\n" not in header and '"transfer"' not in header


def test_a_file_missing_from_disk_is_a_404(alice_client, alices_ticket):
    image, _log = Attachment.objects.order_by("id")
    image.file.storage.delete(image.file.name)
    assert alice_client.get(image.get_absolute_url()).status_code == 404


def test_attachments_are_stored_under_random_names_outside_any_url(alice_client, alices_ticket):
    from django.conf import settings

    for attachment in Attachment.objects.all():
        assert attachment.original_name not in attachment.file.name
        assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
        for guess in (f"/{attachment.file.name}", f"/media/{attachment.file.name}"):
            assert alice_client.get(guess).status_code == 404


def test_the_customer_downloads_files_staff_attached_to_a_reply(alice_client, alices_ticket, sam):
    reply = actions.add_reply(
        ticket=alices_ticket, author=sam, body="Here is the fix", files=[checked(pdf_upload())]
    )
    response = alice_client.get(reply.attachments.get().get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="invoice.pdf"'

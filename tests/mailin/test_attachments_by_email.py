"""Files sent by email pass the web form's checks: accepted ones are attached, refused ones
are not stored and the customer gets one email naming each and why."""

import base64
import io
import zipfile

import pytest
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from mailin.addresses import reply_address
from mailin.models import InboundMessage
from tests.factories import png_bytes
from tickets.models import Attachment, Message

from .conftest import corpus

pytestmark = pytest.mark.django_db


def with_files(ticket, files, *, body="See the files."):
    """A multipart mail from alice to her ticket's reply address with `files` [(name, bytes)]."""
    boundary = "b-files"
    parts = [
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
    ]
    for name, data in files:
        encoded = base64.encodebytes(data).decode()
        parts.append(
            f"--{boundary}\r\nContent-Type: application/octet-stream\r\n"
            f'Content-Disposition: attachment; filename="{name}"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n"
        )
    return (
        f"From: Alice <alice@example.com>\r\nTo: <{reply_address(ticket)}>\r\n"
        f"Subject: Re: files\r\nMessage-ID: <files-{len(files)}-{body[:5]}@example.com>\r\n"
        f'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
        + "".join(parts)
        + f"--{boundary}--\r\n"
    ).encode()


def test_an_rfc2231_file_name_is_read_and_the_exe_refused_with_one_email(
    ingest, ticket, alice, mailoutbox
):
    row = ingest(corpus("rfc2231_filename.eml", NUMBER=ticket.number))
    assert row.state == InboundMessage.State.POSTED
    attachment = Attachment.objects.get()
    assert attachment.original_name == "laporan kesalahan été.log"
    assert attachment.message.ticket == ticket
    refused = [m for m in mailoutbox if m.to == [alice.email] and "not attached" in m.body]
    assert len(refused) == 1
    assert "setup installer.exe: this type of file is not allowed" in refused[0].body
    assert refused[0].extra_headers["Auto-Submitted"] == "auto-replied"
    assert refused[0].extra_headers["Reply-To"] == reply_address(ticket)


def test_each_refused_file_is_named_with_the_web_forms_words(ingest, ticket, alice, mailoutbox):
    html_as_text = b"<!doctype html><script>alert(1)</script>"
    good = png_bytes()
    row = ingest(
        with_files(
            ticket,
            [("shot.png", good), ("page.txt", html_as_text), ("fake.png", b"not a png at all")],
        )
    )
    assert row.state == InboundMessage.State.POSTED
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["shot.png"]
    (email,) = [m for m in mailoutbox if "not attached" in m.body]
    assert "page.txt: the file's content does not match its extension." in email.body
    assert "fake.png: the file's content does not match its extension." in email.body
    assert "shot.png" not in email.body


def test_the_refusal_email_is_in_the_customers_language(ingest, ticket, alice, mailoutbox):
    alice.language = "id"
    alice.save(update_fields=["language"])
    ingest(with_files(ticket, [("setup.exe", b"MZ")]))
    (email,) = [m for m in mailoutbox if m.to == [alice.email] and "setup.exe" in m.body]
    assert "tidak dilampirkan" in email.body


def test_more_files_than_the_web_allows_are_refused_past_the_limit(
    ingest, ticket, settings, mailoutbox
):
    settings.TICKET_ATTACHMENT_MAX_FILES = 2
    files = [(f"log{n}.txt", f"line {n}\n".encode()) for n in range(3)]
    ingest(with_files(ticket, files))
    assert Attachment.objects.count() == 2
    (email,) = [m for m in mailoutbox if "not attached" in m.body]
    assert "log2.txt: You can attach at most 2 files." in email.body


def test_a_20_mb_mail_is_stored_and_its_oversized_file_refused(
    ingest, ticket, mailoutbox, settings
):
    """A 20 MB message (a 15 MB archive and a screenshot): stored whole, the text and the
    screenshot posted, the archive refused as larger than the limit."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
        zipped.writestr("backup.sql", b"x" * (15 * 1024 * 1024))
    raw = with_files(ticket, [("backup.zip", archive.getvalue()), ("shot.png", png_bytes())])
    assert len(raw) > 20 * 1024 * 1024
    row = ingest(raw)
    assert row.size == len(raw)
    assert row.state == InboundMessage.State.POSTED
    assert Message.objects.get(ticket=ticket).body == "See the files."
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["shot.png"]
    (email,) = [m for m in mailoutbox if "not attached" in m.body]
    with translation.override("en"):  # alice's language, whatever a test before left active
        limit = filesizeformat(settings.TICKET_ATTACHMENT_MAX_BYTES)
    assert f"backup.zip: the file is larger than {limit}." in email.body

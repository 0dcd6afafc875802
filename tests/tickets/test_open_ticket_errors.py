"""Every way the open-ticket form can be wrong: the form comes back (400) with the values
kept and the message at the field, and nothing at all is stored."""

import html as html_module
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from notifications.models import Notification
from tests.factories import png_upload, text_upload
from tests.tickets.helpers import HTML, PNG_MAGIC, form_data, media_files, upload
from tests.tickets.pages import read
from tickets.models import Attachment, Message, Ticket, TicketEvent

FORM = reverse("tickets:open_form", args=["technical-support"])
REQUIRED = "This field is required."
NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."
NOT_ALLOWED = "this type of file is not allowed"
MISMATCH = "the file's content does not match its extension."


def _error_cases():
    """(id, overrides of the form data, files, field in error, expected message)."""
    return [
        ("empty subject", {"subject": ""}, [], "subject", REQUIRED),
        ("whitespace subject", {"subject": "  \t  "}, [], "subject", REQUIRED),
        (
            "subject over 255",
            {"subject": "x" * 256},
            [],
            "subject",
            "Ensure this value has at most 255 characters (it has 256).",
        ),
        ("empty message", {"body": ""}, [], "body", REQUIRED),
        ("whitespace message", {"body": " \n\r\n  "}, [], "body", REQUIRED),
        ("unknown priority", {"priority": "urgent"}, [], "priority", "Select a valid choice."),
        ("missing priority", {"priority": None}, [], "priority", REQUIRED),
        ("nonsense service id", {"service": "abc"}, [], "service", NOT_A_CHOICE),
        ("missing service id", {"service": "999999"}, [], "service", NOT_A_CHOICE),
        (
            ".exe",
            {},
            [upload("setup.exe", b"MZ\x90\x00" + b"\x00" * 64)],
            "attachments",
            f"setup.exe: {NOT_ALLOWED}",
        ),
        (
            ".svg",
            {},
            [upload("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')],
            "attachments",
            f"logo.svg: {NOT_ALLOWED}",
        ),
        (".html", {}, [upload("page.html", HTML)], "attachments", f"page.html: {NOT_ALLOWED}"),
        ("no extension", {}, [upload("README", b"hello")], "attachments", f"README: {NOT_ALLOWED}"),
        (
            "text named .png",
            {},
            [upload("screenshot.png", b"this is not an image at all\n", "image/png")],
            "attachments",
            f"screenshot.png: {MISMATCH}",
        ),
        (
            "PNG header + HTML in a .txt",
            {},
            [upload("notes.txt", PNG_MAGIC + HTML, "text/plain")],
            "attachments",
            f"notes.txt: {MISMATCH}",
        ),
        (
            "HTML named .jpg",
            {},
            [upload("photo.jpg", HTML, "image/jpeg")],
            "attachments",
            f"photo.jpg: {MISMATCH}",
        ),
        (
            "JPEG magic then HTML",
            {},
            [upload("photo.jpg", b"\xff\xd8\xff\xe0" + HTML, "image/jpeg")],
            "attachments",
            "photo.jpg: the file is not a valid image.",
        ),
        (
            "PNG magic then garbage",
            {},
            [upload("broken.png", PNG_MAGIC + b"\x00" * 100, "image/png")],
            "attachments",
            "broken.png: the file is not a valid image.",
        ),
        (
            "a real PNG named .jpg",
            {},
            [png_upload("renamed.jpg")],
            "attachments",
            f"renamed.jpg: {MISMATCH}",
        ),
        (
            "text named .zip",
            {},
            [upload("logs.zip", b"not a zip\n", "application/zip")],
            "attachments",
            f"logs.zip: {MISMATCH}",
        ),
        (
            "ZIP header then garbage",
            {},
            [upload("logs.zip", b"PK\x03\x04" + b"\x13" * 200, "application/zip")],
            "attachments",
            "logs.zip: the file is not a valid ZIP archive.",
        ),
        (
            "binary named .log",
            {},
            [upload("server.log", b"\x00\x01\x02binary\xff", "text/plain")],
            "attachments",
            "server.log: the file is not plain text.",
        ),
        (
            "PDF named .pdf that is HTML",
            {},
            [upload("invoice.pdf", HTML, "application/pdf")],
            "attachments",
            f"invoice.pdf: {MISMATCH}",
        ),
        (
            "empty file",
            {},
            [upload("empty.txt", b"", "text/plain")],
            "attachments",
            "empty.txt: the file is empty.",
        ),
        (
            "six files",
            {},
            [text_upload(f"log{i}.txt") for i in range(6)],
            "attachments",
            "You can attach at most 5 files.",
        ),
    ]


CASES = _error_cases()


@pytest.fixture
def bobs_service_case(bob_hosting):
    return ({"service": str(bob_hosting.pk)}, "service", NOT_A_CHOICE)


def _submit_and_check_nothing_stored(client, data, files):
    before = media_files()
    if files:
        data["attachments"] = files
    response = client.post(FORM, data)
    assert response.status_code == 400
    assert not Ticket.objects.exists()
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert not Notification.objects.exists()
    assert not TicketEvent.objects.exists()
    assert media_files() == before, "no file is left in MEDIA_ROOT"
    return response


def _field_error(html, field):
    """The text of the error shown at a field (the invalid-feedback block of forms/field.html)."""
    match = re.search(
        rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>', html, re.S
    )
    assert match, f"no error shown at {field}"
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


@pytest.mark.parametrize(
    ("overrides", "files", "field", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_wrong_form_is_refused_with_the_error_at_its_field(
    alice_client, alice_hosting, overrides, files, field, message
):
    data = form_data(**{"service": str(alice_hosting.pk), "priority": "high", **overrides})
    response = _submit_and_check_nothing_stored(alice_client, data, files)
    html = response.content.decode()
    assert message in _field_error(html, field)
    assert "Please correct the errors below. Nothing has been sent yet." in html


def test_another_customers_service_is_a_form_error(alice_client, bobs_service_case):
    overrides, field, message = bobs_service_case
    response = _submit_and_check_nothing_stored(alice_client, form_data(**overrides), [])
    assert message in _field_error(response.content.decode(), field)
    assert "bob-bakery.com" not in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "files"),
    [case[1:3] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_values_typed_are_kept_on_error(alice_client, alice_hosting, overrides, files):
    typed = form_data(
        subject="Website alice-shop.co.id Error 500",
        body="Line one\nLine <two> & three",
        service=str(alice_hosting.pk),
        priority="high",
    )
    token = typed["submission_token"]
    data = {**typed, **{k: v for k, v in overrides.items() if v is not None}}
    for key in [k for k, v in overrides.items() if v is None]:
        data.pop(key)
    response = _submit_and_check_nothing_stored(alice_client, data, files)
    kept = read(response).forms[-1].fields
    for name in ("subject", "body", "service", "priority"):
        if name not in overrides:
            assert kept[name] == typed[name], name
    assert kept["submission_token"] == token, "a resubmit after the fix is still one ticket"


@override_settings(TICKET_ATTACHMENT_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused_by_name(alice_client):
    data = form_data()
    files = [text_upload("small.txt", b"ok\n"), text_upload("huge.log", b"a" * 1001)]
    response = _submit_and_check_nothing_stored(alice_client, data, files)
    error = _field_error(response.content.decode(), "attachments")
    assert "huge.log: the file is larger than 1000" in error
    assert "small.txt" not in error


@override_settings(TICKET_ATTACHMENT_MAX_BYTES=1000)
def test_a_file_of_exactly_the_limit_is_accepted(alice_client):
    data = form_data()
    data["attachments"] = [text_upload("edge.log", b"a" * 1000)]
    assert alice_client.post(FORM, data).status_code == 302


def test_every_refused_file_is_named_with_its_reason(alice_client):
    files = [
        png_upload("good.png"),
        upload("virus.exe", b"MZ"),
        upload("fake.png", b"hello", "image/png"),
        text_upload("fine.txt"),
    ]
    response = _submit_and_check_nothing_stored(alice_client, form_data(), files)
    error = _field_error(response.content.decode(), "attachments")
    assert "virus.exe: this type of file is not allowed" in error
    assert "fake.png: the file's content does not match its extension." in error
    assert "good.png" not in error and "fine.txt" not in error


def test_a_refused_file_name_is_shown_escaped(alice_client):
    files = [upload('<img src=x onerror="alert(1)">.exe', b"MZ")]
    response = _submit_and_check_nothing_stored(alice_client, form_data(), files)
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.exe" in html


def test_errors_in_several_fields_are_all_shown_at_once(alice_client):
    data = form_data(subject="", body="", priority="nope")
    response = _submit_and_check_nothing_stored(alice_client, data, [upload("x.exe", b"MZ")])
    html = response.content.decode()
    for field in ("subject", "body", "priority", "attachments"):
        assert _field_error(html, field)

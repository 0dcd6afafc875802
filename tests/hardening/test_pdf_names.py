"""A PDF's scripts are found however its names are spelled and wherever its objects sit.

A reader decodes `#xx` in names (`/J#61vaScript` is `/JavaScript`, `/L#61unch` is
`/Launch`) and unpacks compressed object streams, where the file's own bytes show nothing of
the objects inside. The check does the same, so each form below is refused, on a new
ticket, as the attacker would send it; clean PDFs of the same layouts are accepted.
"""

import uuid
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.hardening.files import pdf_document
from tests.hardening.http import post_files, row_counts
from tests.tickets.helpers import upload
from tickets.uploads import check_upload

SCRIPT = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
REFUSED = "the PDF holds scripts or embedded programs."
UNREADABLE = "the PDF is compressed or encrypted in a way that cannot be checked."

HOSTILE = {
    "name escapes: /J#61vaScript": (
        pdf_document(b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"),
        REFUSED,
    ),
    "name escapes: /L#61unch": (
        pdf_document(b"<< /S /L#61unch /F (cmd.exe) >>"),
        REFUSED,
    ),
    "every character escaped, hex in both cases": (
        pdf_document(b"<< /S /#4a#61#76#61#53#63#72#69#70#74 /#4A#53 (x) >>"),
        REFUSED,
    ),
    "embedded file, escaped": (
        pdf_document(b"<< /Type /Filespec /EF << /F 7 0 R >> /Embedde#64Files [] >>"),
        REFUSED,
    ),
    "compressed object stream": (pdf_document(SCRIPT, compressed=True), REFUSED),
    "compressed object stream, launch": (
        pdf_document(b"<< /S /Launch /F (cmd.exe) >>", compressed=True),
        REFUSED,
    ),
    "compressed object stream with escaped names": (
        pdf_document(b"<< /S /J#61vaScript /J#53 (x) >>", compressed=True),
        REFUSED,
    ),
    "object stream in hex, then compressed": (
        pdf_document(SCRIPT, compressed=True, filters=(b"ASCIIHexDecode", b"FlateDecode")),
        REFUSED,
    ),
    "object stream in ASCII85, then compressed": (
        pdf_document(SCRIPT, compressed=True, filters=(b"ASCII85Decode", b"FlateDecode")),
        REFUSED,
    ),
    "object stream in hex only": (
        pdf_document(SCRIPT, compressed=True, filters=(b"ASCIIHexDecode",)),
        REFUSED,
    ),
    "object stream packed with LZW": (
        pdf_document(b"<< /S /GoTo /D [3 0 R /Fit] >>", compressed=True, filters=()).replace(
            b"/Filter []", b"/Filter /LZW#44ecode"
        ),
        UNREADABLE,
    ),
    "encrypted, with object streams": (
        pdf_document(
            b"<< /S /GoTo /D [3 0 R /Fit] >>",
            compressed=True,
            extra_trailer=b"/Encrypt 9 0 R ",
        ),
        UNREADABLE,
    ),
}

CLEAN = {
    "plain": pdf_document(b"<< /S /GoTo /D [3 0 R /Fit] >>"),
    "compressed object stream": pdf_document(b"<< /S /GoTo /D [3 0 R /Fit] >>", compressed=True),
    "names that only start like active ones": pdf_document(
        b"<< /S /GoTo /D [3 0 R /Fit] /JSX 1 /Launcher 2 /JavaScripts 3 >>"
    ),
    "encrypted, without object streams": pdf_document(
        b"<< /S /GoTo /D [3 0 R /Fit] >>", extra_trailer=b"/Encrypt 9 0 R "
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hidden_script_is_refused(name):
    content, reason = HOSTILE[name]
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("invoice.pdf", content, "application/pdf"))
    assert refused.value.messages == [f"invoice.pdf: {reason}"]


@pytest.mark.parametrize("name", CLEAN)
def test_a_clean_pdf_of_the_same_layout_is_accepted(name):
    checked = check_upload(upload("invoice.pdf", CLEAN[name], "application/pdf"))
    assert checked.content_type == "application/pdf"


def test_the_fixtures_hide_their_names_from_a_plain_search():
    """What the check before this one searched for is not in these files' bytes."""
    for name, (content, _reason) in HOSTILE.items():
        if "encrypted" in name or "LZW" in name:
            continue
        assert b"/JavaScript" not in content and b"/Launch" not in content, name
        assert b"/EmbeddedFile" not in content, name


def test_a_pdf_that_unpacks_past_the_limit_is_refused():
    bomb = zlib.compress(b"\0" * (201 * 1024 * 1024), 9)
    content = pdf_document(b"<< /S /GoTo /D [3 0 R /Fit] >>").replace(
        b"%%EOF",
        b"7 0 obj << /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb)
        + bomb
        + b"\nendstream\nendobj\n%%EOF",
    )
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("invoice.pdf", content, "application/pdf"))
    assert "unpacks to more than 200" in refused.value.messages[0]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hidden_script_is_refused_through_the_form(alice_client, technical, name):
    content, reason = HOSTILE[name]
    before = row_counts()
    fields = {
        "subject": "Invoice question",
        "priority": "medium",
        "body": "See the attached invoice.",
        "submission_token": str(uuid.uuid4()),
    }
    url = reverse("tickets:open_form", args=[technical.slug])
    response = post_files(alice_client, url, fields, [("attachments", "invoice.pdf", content)])
    assert response.status_code == 400
    assert reason.replace("'", "&#x27;") in response.content.decode()
    assert row_counts() == before

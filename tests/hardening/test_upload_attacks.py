"""Every kind of bad file is refused by its content, with a message naming the file, through
the real forms (open a ticket, reply), and leaves nothing behind: no row, no file in
MEDIA_ROOT, no temporary file, no open file handle."""

import functools
import html
import tempfile
import uuid

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.factories import png_bytes
from tests.hardening import files
from tests.hardening.http import media_files, open_fds_under, post_files, row_counts
from tests.tickets.helpers import HTML, open_ticket
from tickets import upload_handlers
from tickets.uploads import clean_filename

NOT_ALLOWED = "this type of file is not allowed"
MISMATCH = "the file's content does not match its extension."
NOT_TEXT = "the file is not plain text."
ACTIVE = "the file holds web page or script content"
PDF_SCRIPT = "the PDF holds scripts or embedded programs."
TOO_MANY_PIXELS = "the image is too large (more than 40,000,000 pixels)."
NOT_IMAGE = "the file is not a valid image."
UNPACKS = "the archive unpacks to more than 200.0\xa0MB."
MEMBERS = "the archive holds more than 1000 files."
LARGER = "the file is larger than 10.0\xa0MB."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

cached = functools.cache

# (id, file name as sent, content (bytes or a builder), the reason in the message)
BAD_FILES = [
    ("svg", "logo.svg", files.SVG, NOT_ALLOWED),
    ("svg named .png", "logo.png", files.SVG, MISMATCH),
    ("svg named .txt", "logo.txt", files.SVG, MISMATCH),
    ("html", "invoice.html", HTML, NOT_ALLOWED),
    ("htm", "invoice.htm", HTML, NOT_ALLOWED),
    ("html named .txt", "notes.txt", HTML, MISMATCH),
    ("html named .pdf", "invoice.pdf", HTML, MISMATCH),
    ("html named .jpg", "photo.jpg", HTML, MISMATCH),
    ("exe", "setup.exe", files.EXE, NOT_ALLOWED),
    ("exe named .pdf", "invoice.pdf", files.EXE, MISMATCH),
    ("exe named .txt", "readme.txt", files.EXE, NOT_TEXT),
    ("exe named .zip", "logs.zip", files.EXE, MISMATCH),
    ("elf named .png", "shot.png", files.ELF, MISMATCH),
    ("elf named .log", "server.log", files.ELF, NOT_TEXT),
    ("shell script", "fix.sh", files.SHELL, NOT_ALLOWED),
    ("shell script named .txt", "fix.txt", files.SHELL, MISMATCH),
    ("php", "shell.php", files.PHP, NOT_ALLOWED),
    ("php named .jpg", "photo.jpg", files.PHP, MISMATCH),
    ("php named .log", "access.log", files.PHP, MISMATCH),
    ("javascript", "app.js", files.JS, NOT_ALLOWED),
    ("polyglot png then html", "shot.png", cached(files.png_then_html), ACTIVE),
    ("polyglot png with html chunk", "shot.png", cached(files.png_with_html_text_chunk), ACTIVE),
    ("polyglot gif + javascript", "anim.gif", cached(files.gif_javascript_polyglot), ACTIVE),
    ("polyglot jpeg with html comment", "photo.jpg", cached(files.jpeg_with_html_comment), ACTIVE),
    ("pdf with html", "invoice.pdf", cached(files.pdf_with_html), ACTIVE),
    ("pdf with javascript", "invoice.pdf", cached(files.pdf_with_javascript), PDF_SCRIPT),
    ("png named .jpg", "photo.jpg", cached(png_bytes), MISMATCH),
    ("jpeg named .gif", "anim.gif", cached(files.jpeg), MISMATCH),
    ("pdf named .png", "shot.png", PDF, MISMATCH),
    ("pdf named .zip", "logs.zip", PDF, MISMATCH),
    (
        "png header of 900 Mpx",
        "bomb.png",
        cached(lambda: files.png_header_only(30000, 30000)),
        TOO_MANY_PIXELS,
    ),
    (
        "png header of 48 Mpx",
        "big.png",
        cached(lambda: files.png_header_only(8000, 6000)),
        TOO_MANY_PIXELS,
    ),
    ("png bomb of 50 Mpx", "bomb.png", cached(files.png_bomb), TOO_MANY_PIXELS),
    ("png that makes Pillow warn", "anim.png", cached(files.apng_with_bad_frame_count), NOT_IMAGE),
    (
        "zip declaring 4 GB",
        "logs.zip",
        cached(lambda: files.zip_with_declared_size(0xFFFFFFF0)),
        UNPACKS,
    ),
    ("zip bomb of 201 MB", "logs.zip", cached(files.real_zip_bomb), UNPACKS),
    ("zip of 1001 files", "logs.zip", cached(lambda: files.zip_with_members(1001)), MEMBERS),
    (
        "zip claiming 5000 files",
        "logs.zip",
        cached(lambda: files.zip_with_declared_count(5000)),
        MEMBERS,
    ),
    ("over 10 MB", "huge.log", cached(lambda: b"x" * (10 * 1024 * 1024 + 1)), LARGER),
    ("traversal to cron", "../../../etc/cron.d/evil", b"* * * * * root sh\n", NOT_ALLOWED),
    ("windows traversal", "..\\..\\Windows\\System32\\evil.exe", files.EXE, NOT_ALLOWED),
    ("bidi override hiding .exe", "invoice\u202efdp.exe", files.EXE, NOT_ALLOWED),
    ("bidi override hiding .html", "report\u202etxt.html", HTML, NOT_ALLOWED),
    ("nul byte in the name", "shot.png\x00.exe", files.EXE, NOT_ALLOWED),
    ("dots hiding the extension", "..txt", b"hello\n", NOT_ALLOWED),
]
# The figure SECURITY.md quotes: bad files tried (each through two forms).
BAD_FILE_COUNT = len(BAD_FILES)


def _content(content):
    return content() if callable(content) else content


@pytest.fixture
def upload_tmp(tmp_path):
    """Uploads spill to disk after 1 KB, into a folder of their own to look into."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(folder), FILE_UPLOAD_MAX_MEMORY_SIZE=1024):
        yield folder


def _form_fields():
    return {
        "subject": "Website alice-shop.co.id Error 500",
        "service": "",
        "priority": "medium",
        "body": "Please see the attached file.",
        "submission_token": str(uuid.uuid4()),
    }


def _assert_refused_and_nothing_left(response, name, reason, before, media_before, upload_tmp):
    assert response.status_code == 400
    shown = html.unescape(response.content.decode())
    # Django's parser keeps the last path component; the check names the file it kept.
    label = clean_filename(name.replace("\\", "/").split("/")[-1])
    assert f"{label}: {reason}" in shown
    assert row_counts() == before, "no row is stored"
    assert media_files() == media_before, "no file is written to MEDIA_ROOT"
    assert list(upload_tmp.iterdir()) == [], "no temporary file is left"
    assert open_fds_under(upload_tmp) == [], "no temporary file stays open"


@pytest.mark.parametrize(
    ("name", "content", "reason"), [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_a_bad_file_is_refused_when_opening_a_ticket(
    alice_client, technical, upload_tmp, name, content, reason
):
    url = reverse("tickets:open_form", args=[technical.slug])
    before, media_before = row_counts(), media_files()
    response = post_files(
        alice_client, url, _form_fields(), [("attachments", name, _content(content))]
    )
    _assert_refused_and_nothing_left(response, name, reason, before, media_before, upload_tmp)


@pytest.mark.parametrize(
    ("name", "content", "reason"), [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_a_bad_file_is_refused_in_a_reply(
    alice_client, alice, technical, upload_tmp, name, content, reason
):
    ticket = open_ticket(alice, technical)
    url = reverse("tickets:reply", args=[ticket.number])
    before, media_before = row_counts(), media_files()
    fields = {"body": "Here is the file.", "submission_token": str(uuid.uuid4())}
    response = post_files(alice_client, url, fields, [("attachments", name, _content(content))])
    _assert_refused_and_nothing_left(response, name, reason, before, media_before, upload_tmp)


def test_one_bad_file_among_good_ones_refuses_the_whole_submit(alice_client, technical, upload_tmp):
    url = reverse("tickets:open_form", args=[technical.slug])
    before, media_before = row_counts(), media_files()
    attached = [
        ("attachments", "error.log", b"PHP Fatal error\n"),
        ("attachments", "shot.png", files.png_then_html()),
        ("attachments", "screen.png", png_bytes()),
    ]
    response = post_files(alice_client, url, _form_fields(), attached)
    _assert_refused_and_nothing_left(response, "shot.png", ACTIVE, before, media_before, upload_tmp)


def test_a_traversal_name_on_a_good_file_is_stored_under_a_random_name(
    alice_client, alice, technical, upload_tmp
):
    url = reverse("tickets:open_form", args=[technical.slug])
    response = post_files(
        alice_client,
        url,
        _form_fields(),
        [("attachments", "../../../../etc/passwd\u202e.txt", b"root:x:0:0\n")],
    )
    assert response.status_code == 302
    attachment = alice.tickets.get().messages.get().attachments.get()
    assert attachment.original_name == "passwd.txt"
    private = (settings.MEDIA_ROOT / "private").resolve()
    stored = (private / attachment.file.name).resolve()
    assert stored.is_file() and stored.is_relative_to(private / "attachments")
    assert "passwd" not in attachment.file.name
    assert stored.read_bytes() == b"root:x:0:0\n"
    assert list(upload_tmp.iterdir()) == []


class _RecordingSpool(tempfile.SpooledTemporaryFile):
    """The upload handler's spool, counting what it was given to keep."""

    spools = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = 0
        self.spools.append(self)

    def write(self, data):
        self.kept += len(data)
        return super().write(data)


@pytest.fixture
def spools(monkeypatch):
    monkeypatch.setattr(_RecordingSpool, "spools", [])
    monkeypatch.setattr(upload_handlers.tempfile, "SpooledTemporaryFile", _RecordingSpool)
    return _RecordingSpool.spools


@override_settings(TICKET_ATTACHMENT_MAX_BYTES=100_000)
def test_an_oversized_file_is_not_kept_past_the_limit(alice_client, technical, upload_tmp, spools):
    url = reverse("tickets:open_form", args=[technical.slug])
    before = row_counts()
    big = b"x" * (5 * 1024 * 1024)
    response = post_files(alice_client, url, _form_fields(), [("attachments", "huge.log", big)])
    assert response.status_code == 400
    assert "huge.log: the file is larger than 97.7\xa0KB." in html.unescape(
        response.content.decode()
    )
    (spool,) = spools
    assert spool.kept <= 100_000, "no more than the limit was ever written"
    assert spool.closed
    assert row_counts() == before
    assert list(upload_tmp.iterdir()) == [] and open_fds_under(upload_tmp) == []


def test_files_past_the_count_limit_are_not_kept(alice_client, technical, upload_tmp, spools):
    url = reverse("tickets:open_form", args=[technical.slug])
    before, media_before = row_counts(), media_files()
    attached = [("attachments", f"log{i}.txt", b"y" * 5000) for i in range(8)]
    response = post_files(alice_client, url, _form_fields(), attached)
    assert response.status_code == 400
    assert "You can attach at most 5 files." in html.unescape(response.content.decode())
    assert [spool.kept for spool in spools] == [5000] * 5 + [0] * 3
    assert all(spool.closed for spool in spools)
    assert row_counts() == before and media_files() == media_before
    assert list(upload_tmp.iterdir()) == [] and open_fds_under(upload_tmp) == []


def test_the_upload_handler_gives_the_form_a_named_empty_stand_in_for_a_dropped_file():
    handler = upload_handlers.AttachmentUploadHandler()
    handler.new_file("attachments", "huge.log", "text/plain", None)
    chunk = b"z" * 65536
    with override_settings(TICKET_ATTACHMENT_MAX_BYTES=200_000):
        for start in range(0, 20 * len(chunk), len(chunk)):
            assert handler.receive_data_chunk(chunk, start) is None
        stand_in = handler.file_complete(20 * len(chunk))
    assert isinstance(stand_in, upload_handlers.DiscardedUpload)
    assert (stand_in.name, stand_in.size, stand_in.read()) == ("huge.log", 20 * 65536, b"")
    assert handler.file.closed

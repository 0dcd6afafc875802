"""Attachments are checked by their content, not their name, before anything is stored."""

import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from PIL import Image

from tests.factories import png_bytes, png_upload, text_upload
from tests.tickets.helpers import (
    HTML,
    gif_upload,
    jpeg_upload,
    pdf_upload,
    upload,
    webp_upload,
    zip_upload,
)
from tickets import uploads
from tickets.uploads import check_upload, clean_filename, make_thumbnail

ACCEPTED = [
    (jpeg_upload, "photo.jpg", "image/jpeg"),
    (lambda name: jpeg_upload(name), "photo.jpeg", "image/jpeg"),
    (png_upload, "shot.png", "image/png"),
    (gif_upload, "anim.gif", "image/gif"),
    (webp_upload, "shot.webp", "image/webp"),
    (pdf_upload, "invoice.pdf", "application/pdf"),
    (text_upload, "notes.txt", "text/plain"),
    (text_upload, "error.log", "text/plain"),
    (zip_upload, "logs.zip", "application/zip"),
    (png_upload, "SHOUTING.PNG", "image/png"),
]


@pytest.mark.parametrize(("make", "name", "content_type"), ACCEPTED, ids=[a[1] for a in ACCEPTED])
def test_each_allowed_type_with_matching_content_is_accepted(make, name, content_type):
    checked = check_upload(make(name))
    assert (checked.name, checked.content_type) == (name, content_type)
    assert checked.size > 0
    assert checked.upload.tell() == 0, "the file is handed on rewound"


def test_the_content_type_the_browser_claims_is_ignored():
    checked = check_upload(upload("shot.png", png_bytes(), "text/html"))
    assert checked.content_type == "image/png"
    with pytest.raises(ValidationError):
        check_upload(upload("page.txt", b"\x89PNG\r\n\x1a\n" + HTML, "text/plain"))


def test_a_multi_picture_jpeg_from_a_camera_is_accepted():
    # Phones and cameras write JPEGs with extra pictures (MPO); Pillow names them "MPO".
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (40, 30), "red"), Image.new("RGB", (40, 30), "blue")
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    checked = check_upload(upload("IMG_0042.jpg", buffer.getvalue(), "image/jpeg"))
    assert checked.content_type == "image/jpeg"


def test_utf8_text_with_accents_split_across_chunks_is_accepted():
    content = ("Gagal memuat halaman — kesalahan ü\n" * 5000).encode()
    assert check_upload(text_upload("server.log", content)).content_type == "text/plain"


@pytest.mark.parametrize(
    "content",
    [b"caf\xe9\n", "hello".encode("utf-16"), b"ok\x00ok"],
    ids=["latin-1", "utf-16", "nul byte"],
)
def test_text_that_is_not_utf8_or_holds_binary_is_refused(content):
    with pytest.raises(ValidationError, match="server.log: the file is not plain text."):
        check_upload(text_upload("server.log", content))


@override_settings(TICKET_IMAGE_MAX_PIXELS=100)
def test_an_image_with_too_many_pixels_is_refused():
    with pytest.raises(ValidationError, match="huge.png: the image is too large"):
        check_upload(png_upload("huge.png", size=(20, 20)))


def test_an_archive_with_too_many_members_is_refused():
    members = {f"f{i}.txt": "x" for i in range(4)}
    with (
        mock.patch.object(uploads, "ZIP_MAX_MEMBERS", 3),
        pytest.raises(ValidationError, match="many.zip: the archive holds more than 3 files."),
    ):
        check_upload(zip_upload("many.zip", members=members))


def test_an_archive_that_unpacks_too_big_is_refused():
    with (
        mock.patch.object(uploads, "ZIP_MAX_UNCOMPRESSED", 1000),
        pytest.raises(ValidationError, match="bomb.zip: the archive unpacks to more than"),
    ):
        check_upload(zip_upload("bomb.zip", members={"zeros.txt": "0" * 5000}))


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\alice\\Desktop\\error.png", "error.png"),
        ("\u202egnp.exe.txt", "gnp.exe.txt"),
        ("line\nbreak.txt", "linebreak.txt"),
        (".hidden.txt", "hidden.txt"),
        ("", "file"),
    ],
)
def test_the_original_name_is_kept_only_as_a_safe_label(given, kept):
    assert clean_filename(given) == kept


def test_a_long_name_is_shortened_keeping_its_extension():
    name = clean_filename("a" * 300 + ".png")
    assert len(name) == 200
    assert name.endswith(".png")


def test_a_thumbnail_is_a_small_png():
    thumb = make_thumbnail(png_upload(size=(1600, 1200)))
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.format == "PNG"
        assert image.size == (320, 240)


def test_a_thumbnail_follows_the_photos_orientation():
    # A phone stores a portrait photo landscape with an EXIF "rotate 90°" note.
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (400, 200), "green").save(buffer, format="JPEG", exif=exif)
    thumb = make_thumbnail(upload("portrait.jpg", buffer.getvalue(), "image/jpeg"))
    with Image.open(io.BytesIO(thumb)) as image:
        width, height = image.size
    assert height > width


def test_a_thumbnail_of_a_palette_gif_with_transparency_is_made():
    buffer = io.BytesIO()
    Image.new("P", (50, 50), 0).save(buffer, format="GIF", transparency=0)
    thumb = make_thumbnail(upload("t.gif", buffer.getvalue(), "image/gif"))
    assert thumb and thumb.startswith(b"\x89PNG")

"""Builders shared by the customer ticket tests: files of every allowed kind (and fakes),
the open-ticket form's POST data, tickets opened through the real action, the files in
private media."""

import io
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tickets import actions
from tickets.uploads import check_upload

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>\n"


def image_bytes(fmt, size=(40, 30), color="blue"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_upload(name="photo.jpg"):
    return upload(name, image_bytes("JPEG"), "image/jpeg")


def gif_upload(name="anim.gif"):
    return upload(name, image_bytes("GIF"), "image/gif")


def webp_upload(name="shot.webp"):
    return upload(name, image_bytes("WEBP"), "image/webp")


def pdf_upload(name="invoice.pdf"):
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    return upload(name, content, "application/pdf")


def zip_bytes(members=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in (members or {"error.log": "Fatal error\n"}).items():
            archive.writestr(member, data)
    return buffer.getvalue()


def zip_upload(name="logs.zip", **kwargs):
    return upload(name, zip_bytes(**kwargs), "application/zip")


def checked(file):
    """An upload as the action takes it: checked by content, like the form does."""
    return check_upload(file)


def open_ticket(customer, department, **kwargs):
    """A ticket opened through the real action (ticket, first message, notifications)."""
    kwargs.setdefault("subject", "Website alice-shop.co.id Error 500 Internal Server")
    kwargs.setdefault("body", "Since 09:00 the shop shows Error 500.")
    kwargs.setdefault("submission_token", uuid.uuid4())
    return actions.open_ticket(customer=customer, department=department, **kwargs)


def form_data(**overrides):
    """A complete, valid POST of the open-ticket form."""
    data = {
        "subject": "Website alice-shop.co.id Error 500 Internal Server",
        "service": "",
        "priority": "medium",
        "body": "The shop shows Error 500.\nIt started after I changed PHP to 8.3.",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def media_files():
    """Every file under MEDIA_ROOT (attachments and thumbnails live there)."""
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()

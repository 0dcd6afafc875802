"""Posting forms as an attacker would: a hand-built multipart body, so that file names reach
the server exactly as typed (Django's test client would strip their directories first)."""

import os
import uuid
from pathlib import Path

from django.conf import settings

from notifications.models import Notification
from tickets.models import Attachment, Message, Ticket, TicketEvent


def multipart(fields, files):
    """(body, content type) of a multipart/form-data POST. `files`: [(field, name, bytes)]."""
    boundary = f"----attack{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(item).encode()
                + b"\r\n"
            )
    for field, filename, content in files:
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def post_files(client, url, fields, files):
    body, content_type = multipart(fields, files)
    return client.generic("POST", url, body, content_type=content_type)


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def open_fds_under(folder):
    """This process's open files (deleted ones too) under `folder`."""
    folder = str(folder)
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(folder):
            found.append(target)
    return found


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Ticket, Message, Attachment, Notification, TicketEvent)
    }

"""Faults while a customer writes: a database error half-way through, a full disk while the
files are written, a double submit, fifty replies at once, an SMTP server that refuses.
Nothing is stored half, nothing is lost, nothing of the fault reaches the customer's page."""

import errno
import html
import os
import smtplib
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.core.files.storage import filesystem
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, connection
from django.test import override_settings
from django.urls import reverse

from notifications import outbox
from notifications.models import Notification
from tests.concurrency import in_threads
from tests.factories import png_bytes, png_upload, text_upload
from tests.hardening.http import media_files, open_fds_under, post_files, row_counts
from tests.tickets.helpers import checked, open_ticket
from tickets import access, actions
from tickets.emails import TicketEmail
from tickets.models import Attachment, Message, Ticket

NOTHING = {"Ticket": 0, "Message": 0, "Attachment": 0, "Notification": 0, "TicketEvent": 0}


def _fail_on_call(number, error):
    """A side effect that lets the first number-1 calls through to the real function."""
    calls = {"n": 0}

    def wrap(real):
        def call(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == number:
                raise error
            return real(*args, **kwargs)

        return call

    return wrap


# (id, object, attribute, which call fails): a database error at each step of open_ticket.
DB_FAULTS = [
    ("ticket insert", Ticket, "save", 1),
    ("message insert", Message.objects, "create", 1),
    ("first attachment row", Attachment, "save", 1),
    ("second attachment row, after two files were written", Attachment, "save", 2),
    ("staff recipients lookup", access, "department_staff_wanting", 1),
    ("notification rows (the customer's and the staff's, one insert)", outbox, "queue_events", 1),
]


@pytest.mark.parametrize(
    ("target", "attribute", "call"), [f[1:] for f in DB_FAULTS], ids=[f[0] for f in DB_FAULTS]
)
def test_a_database_error_while_opening_a_ticket_leaves_nothing(
    alice, sam, technical, django_capture_on_commit_callbacks, target, attribute, call
):
    before = media_files()
    real = getattr(target, attribute)
    failing = _fail_on_call(call, DatabaseError("server closed the connection unexpectedly"))
    files = [checked(png_upload("error.png")), checked(text_upload("php.log"))]
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        mock.patch.object(target, attribute, failing(real)),
        pytest.raises(DatabaseError),
    ):
        open_ticket(alice, technical, files=files)
    assert row_counts() == NOTHING
    assert media_files() == before, "no orphan file (attachment or thumbnail)"
    assert callbacks == [] and mail.outbox == [], "nothing is handed to the mail workers"


class _FullDisk:
    """A file object on a disk with `budget` bytes left: it writes what fits, then fails as
    a full disk does, leaving a half-written file."""

    def __init__(self, real, state):
        self.real, self.state = real, state

    def write(self, data):
        room = self.state["budget"] - self.state["written"]
        if len(data) > room:
            self.real.write(data[: max(room, 0)])
            self.real.flush()
            self.state["written"] += max(room, 0)
            raise OSError(errno.ENOSPC, "No space left on device")
        self.state["written"] += len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)


class _OsWithFullDisk:
    def __init__(self, state):
        self.state = state

    def fdopen(self, fd, *args, **kwargs):
        return _FullDisk(os.fdopen(fd, *args, **kwargs), self.state)

    def __getattr__(self, name):
        return getattr(os, name)


@pytest.fixture
def disk(monkeypatch):
    """The attachment storage's disk; set disk["budget"] to the bytes that still fit."""
    state = {"budget": 10**12, "written": 0}
    monkeypatch.setattr(filesystem, "os", _OsWithFullDisk(state))
    return state


@pytest.fixture
def upload_tmp(tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(folder), FILE_UPLOAD_MAX_MEMORY_SIZE=1024):
        yield folder


LOG = b"PHP Fatal error: Allowed memory size exhausted\n" * 100
PNG = png_bytes(size=(200, 150))
# (id, files sent, bytes that still fit on the disk)
DISK_FULL = [
    ("half-way through the first file", [("error.log", LOG)], 1000),
    ("half-way through the second file", [("error.log", LOG), ("shot.png", PNG)], len(LOG) + 10),
    ("while writing the thumbnail", [("shot.png", PNG)], len(PNG) + 10),
    ("with nothing left at all", [("error.log", LOG)], 0),
]
NOT_STORED = "Your files could not be saved because of a problem on our side"


def _assert_clear_error_and_nothing_left(response, before, media_before, upload_tmp):
    assert response.status_code == 503
    page = html.unescape(response.content.decode())
    assert NOT_STORED in page
    assert "No space left" not in page and "ENOSPC" not in page and "Errno" not in page
    assert row_counts() == before
    assert media_files() == media_before, "nothing half-written is left"
    assert list(upload_tmp.iterdir()) == [] and open_fds_under(upload_tmp) == []


@pytest.mark.parametrize(
    ("sent", "budget"), [d[1:] for d in DISK_FULL], ids=[d[0] for d in DISK_FULL]
)
def test_a_full_disk_while_opening_a_ticket_gives_a_clear_error_and_leaves_nothing(
    alice_client, technical, disk, upload_tmp, sent, budget
):
    disk["budget"] = budget
    before, media_before = row_counts(), media_files()
    fields = {
        "subject": "Website down",
        "priority": "high",
        "body": "The page is blank.",
        "submission_token": str(uuid.uuid4()),
    }
    url = reverse("tickets:open_form", args=[technical.slug])
    response = post_files(alice_client, url, fields, [("attachments", *f) for f in sent])
    _assert_clear_error_and_nothing_left(response, before, media_before, upload_tmp)
    assert disk["written"] == budget, "the disk really filled up"
    # The customer's text is still in the form, to send again.
    assert "The page is blank." in response.content.decode()


@pytest.mark.parametrize(
    ("sent", "budget"), [d[1:] for d in DISK_FULL], ids=[d[0] for d in DISK_FULL]
)
def test_a_full_disk_while_replying_gives_a_clear_error_and_leaves_nothing(
    alice_client, alice, technical, disk, upload_tmp, sent, budget
):
    ticket = open_ticket(alice, technical)
    disk["budget"] = budget
    before, media_before = row_counts(), media_files()
    fields = {"body": "Here are the logs.", "submission_token": str(uuid.uuid4())}
    url = reverse("tickets:reply", args=[ticket.number])
    response = post_files(alice_client, url, fields, [("attachments", *f) for f in sent])
    _assert_clear_error_and_nothing_left(response, before, media_before, upload_tmp)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_a_full_disk_while_staff_reply_gives_a_clear_error_and_leaves_nothing(
    client, alice, sam, technical, disk, upload_tmp
):
    ticket = open_ticket(alice, technical)
    client.force_login(sam)
    disk["budget"] = 1000
    before, media_before = row_counts(), media_files()
    fields = {"body": "Here is the fix.", "submission_token": str(uuid.uuid4()), "status": ""}
    url = reverse("staff:reply", args=[ticket.number])
    response = post_files(client, url, fields, [("attachments", "error.log", LOG)])
    _assert_clear_error_and_nothing_left(response, before, media_before, upload_tmp)
    assert "Here is the fix." in response.content.decode()


def test_a_full_disk_during_an_admin_save_keeps_neither_the_changes_nor_the_reply(
    client, alice, sam, technical, disk, upload_tmp
):
    """The admin's save is one transaction: a priority change and a reply whose file cannot
    be stored are kept together or not at all; the reply waits in the box again."""
    ticket = open_ticket(alice, technical)
    client.force_login(sam)
    disk["budget"] = 1000
    before, media_before = row_counts(), media_files()
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    fields = {
        "department": ticket.department_id,
        "status": ticket.status,
        "priority": Ticket.Priority.HIGH,
        "service": "",
        "reply": "Here is the fix, from the admin.",
    }
    response = post_files(client, url, fields, [("reply_attachments", "error.log", LOG)])
    assert response.status_code == 302 and response.url == url
    assert row_counts() == before and media_files() == media_before
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.MEDIUM
    assert not ticket.events.filter(field="priority").exists()
    page = client.get(url).content.decode()
    assert NOT_STORED in page
    assert "Here is the fix, from the admin." in page
    assert "was changed successfully" not in page


def test_a_double_submit_opens_one_ticket(alice_client, technical, sam):
    fields = {
        "subject": "Website down",
        "priority": "high",
        "body": "The page is blank.",
        "submission_token": str(uuid.uuid4()),
    }
    url = reverse("tickets:open_form", args=[technical.slug])
    first = post_files(alice_client, url, fields, [("attachments", "shot.png", PNG)])
    second = post_files(alice_client, url, fields, [("attachments", "shot.png", PNG)])
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert row_counts() == {
        **NOTHING,
        "Ticket": 1,
        "Message": 1,
        "Attachment": 1,
        "Notification": 2,
    }


def _on_postgresql():
    return connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_replies_are_all_kept_with_one_email_each(alice, sam, technical):
    if not _on_postgresql():
        pytest.skip("SQLite serialises every write: real concurrency needs PostgreSQL")
    ticket = open_ticket(alice, technical)
    mail.outbox = []

    def reply(number):
        actions.add_reply(
            ticket=Ticket.objects.get(pk=ticket.pk), author=alice, body=f"Reply number {number}"
        )

    assert in_threads(50, reply) == []
    replies = Message.objects.filter(ticket=ticket).exclude(body=ticket.messages.first().body)
    assert sorted(replies.values_list("body", flat=True)) == sorted(
        f"Reply number {n}" for n in range(50)
    )
    rows = Notification.objects.filter(event=TicketEmail.CUSTOMER_REPLY)
    assert rows.count() == 50
    assert sorted(rows.values_list("message_id", flat=True)) == sorted(
        replies.values_list("pk", flat=True)
    ), "one notification for each reply"
    assert set(rows.values_list("state", flat=True)) == {Notification.State.SENT}
    assert len(mail.outbox) == 50
    assert {m.to[0] for m in mail.outbox} == {"sam@netdigi.test"}
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CUSTOMER_REPLY


@pytest.mark.django_db(transaction=True)
def test_a_racing_double_submit_opens_one_ticket(alice, sam, technical):
    if not _on_postgresql():
        pytest.skip("SQLite serialises every write: real concurrency needs PostgreSQL")
    token = uuid.uuid4()
    opened = []

    def submit(_number):
        opened.append(open_ticket(alice, technical, submission_token=token).pk)

    assert in_threads(2, submit) == []
    assert len(set(opened)) == 1
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1


SECRET_BITS = [
    "hunter2",
    "smtp.internal.netdigi",
    "mailer@",
    "Authentication failed",
    "Traceback",
    "SMTP",
]


class RefusingSMTPBackend(BaseEmailBackend):
    """An SMTP server that refuses the login, with the details a real one gives."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPAuthenticationError(
            535, b"5.7.8 Authentication failed for mailer@smtp.internal.netdigi:587 (hunter2)"
        )


@override_settings(EMAIL_BACKEND="tests.hardening.test_faults.RefusingSMTPBackend")
def test_an_smtp_error_never_reaches_the_customers_page(
    alice_client, alice, sam, technical, django_capture_on_commit_callbacks
):
    url = reverse("tickets:open_form", args=[technical.slug])
    fields = {"subject": "Website down", "priority": "high", "body": "Blank page."}
    with django_capture_on_commit_callbacks(execute=True):
        opened = alice_client.post(url, {**fields, "submission_token": str(uuid.uuid4())})
    assert opened.status_code == 302
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        replied = alice_client.post(
            reverse("tickets:reply", args=[ticket.number]),
            {"body": "Any news?", "submission_token": str(uuid.uuid4())},
        )
    assert replied.status_code == 302
    # The failure happened and was recorded where staff look, with its details.
    errors = list(Notification.objects.values_list("last_error", flat=True))
    assert len(errors) == 3 and all("hunter2" in error for error in errors)
    pages = [
        alice_client.get(ticket.get_absolute_url()),
        alice_client.get(reverse("tickets:list")),
        alice_client.get(reverse("dashboard")),
    ]
    for page in [opened, replied, *pages]:
        text = page.content.decode()
        assert page.status_code in (200, 302)
        assert [bit for bit in SECRET_BITS if bit in text] == []

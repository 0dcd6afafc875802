"""The IMAP door against a real Dovecot: messages are stored once (UIDVALIDITY+UID), moved
to the done folder, and processed like piped mail; `manage.py fetch_email` does one pass."""

import io
import tempfile

import pytest
from django.core.management import call_command
from imap_tools import MailBoxUnencrypted

from mailin import imap
from mailin.addresses import reply_address
from mailin.models import InboundMessage
from tickets.models import Message

from .dovecot import PASSWORD, Dovecot

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def dovecot():
    # Not pytest's tmp_path: its parents are private to root, and the mail belongs to
    # "nobody" when the tests run as root.
    with tempfile.TemporaryDirectory(prefix="netdigi-dovecot-") as directory:
        server = Dovecot(directory).start()
        yield server
        server.stop()


@pytest.fixture
def inbox(dovecot, settings):
    settings.EMAIL_INBOX_URL = dovecot.url()
    settings.EMAIL_INBOX_DONE_FOLDER = "Processed"
    return dovecot


def append(dovecot, raw, folder="INBOX"):
    with MailBoxUnencrypted("127.0.0.1", dovecot.port).login("support", PASSWORD) as box:
        box.append(raw, folder)


def folder_count(dovecot, folder):
    with MailBoxUnencrypted("127.0.0.1", dovecot.port).login("support", PASSWORD) as box:
        if not box.folder.exists(folder):
            return 0
        return box.folder.status(folder)["MESSAGES"]


def reply(ticket, body):
    return (
        f"From: Alice <alice@example.com>\r\nTo: <{reply_address(ticket)}>\r\n"
        f"Subject: Re: [Ticket #{ticket.number}]\r\nMessage-ID: <{body}@example.com>\r\n"
        f"\r\n{body}\r\n"
    ).encode()


def test_fetch_email_stores_processes_and_moves_each_message(
    inbox, ticket, django_capture_on_commit_callbacks
):
    append(inbox, reply(ticket, "first-by-imap"))
    append(inbox, reply(ticket, "second-by-imap"))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("fetch_email", stdout=out)
    assert "2 new message(s)" in out.getvalue()
    rows = InboundMessage.objects.order_by("pk")
    assert [row.source for row in rows] == ["imap", "imap"]
    assert all(row.imap_uidvalidity and row.imap_uid for row in rows)
    assert [row.state for row in rows] == ["posted", "posted"]
    assert sorted(Message.objects.values_list("body", flat=True)) == [
        "first-by-imap",
        "second-by-imap",
    ]
    assert folder_count(inbox, "INBOX") == 0
    assert folder_count(inbox, "Processed") == 2


def test_a_message_seen_again_is_stored_once(inbox, ticket, monkeypatch):
    """The move failed after the message was stored: the next pass finds it by its UID and
    only moves it."""
    append(inbox, reply(ticket, "moved-later"))
    moves = []
    monkeypatch.setattr(
        "imap_tools.mailbox.BaseMailBox.move", lambda self, uid, folder: moves.append(uid)
    )
    assert imap.fetch_once() == 1
    monkeypatch.undo()
    assert imap.fetch_once() == 0
    assert InboundMessage.objects.count() == 1
    assert folder_count(inbox, "INBOX") == 0
    assert moves


def test_an_unreadable_message_does_not_stop_the_batch(
    inbox, ticket, django_capture_on_commit_callbacks
):
    append(
        inbox,
        b"From: <alice@example.com>\r\nContent-Type: text/plain; charset=x-nope\r\n\r\n\xff\r\n",
    )
    append(inbox, reply(ticket, "after-the-broken-one"))
    with django_capture_on_commit_callbacks(execute=True):
        assert imap.fetch_once() == 2
    states = dict(InboundMessage.objects.values_list("subject", "state"))
    assert "held" in states.values()
    assert Message.objects.get().body == "after-the-broken-one"


def test_a_wrong_password_is_a_clear_error(dovecot, settings):
    settings.EMAIL_INBOX_URL = dovecot.url().replace(PASSWORD, "wrong")
    with pytest.raises(Exception) as error:
        call_command("fetch_email")
    assert "could not be read" in str(error.value)


def test_the_url_is_read_with_its_folder_and_port():
    inbox = imap.parse_url("imaps://help%40netdigi.co.id:p%40ss@imap.example.com/Support")
    assert (inbox.user, inbox.password, inbox.host, inbox.port, inbox.folder) == (
        "help@netdigi.co.id",
        "p@ss",
        "imap.example.com",
        993,
        "Support",
    )
    with pytest.raises(ValueError):
        imap.parse_url("pop3://user@host")


def test_xoauth2_logs_in_with_a_fresh_access_token(settings, monkeypatch):
    """Microsoft 365 and Gmail: the refresh token is exchanged for an access token, which
    is given to the server with XOAUTH2 (the server here is a stand-in)."""
    settings.EMAIL_INBOX_XOAUTH2 = True
    settings.EMAIL_INBOX_OAUTH2_TOKEN_URL = "https://login.example.com/token"
    settings.EMAIL_INBOX_OAUTH2_REFRESH_TOKEN = "refresh-1"
    posted, logins = [], []

    class Response:
        def raise_for_status(self):
            pass

        def json(self):
            return {"access_token": "access-2"}

    monkeypatch.setattr(
        "requests.post", lambda url, data, timeout: posted.append(data) or Response()
    )

    class StandIn:
        def __init__(self, host, port, timeout):
            pass

        def xoauth2(self, user, token, initial_folder):
            logins.append((user, token, initial_folder))
            return self

    monkeypatch.setattr(imap, "MailBox", StandIn)
    imap.connect(imap.parse_url("imaps://support@netdigi.co.id@outlook.office365.com/INBOX"))
    assert posted[0]["refresh_token"] == "refresh-1"
    assert logins == [("support@netdigi.co.id", "access-2", "INBOX")]

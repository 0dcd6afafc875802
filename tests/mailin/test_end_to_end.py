"""End to end: the real notification email, caught by an SMTP sink, is answered the way a
mail program answers (Reply-To, In-Reply-To, the text quoted below the reply), and the
answer arrives through the MTA pipe or through a real Dovecot mailbox; the customer's
ticket page shows the new words only, and the staff are notified as for a web reply."""

import tempfile
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.management import call_command
from imap_tools import MailBoxUnencrypted

from tests.integration.stack import Sink
from tests.tickets.helpers import open_ticket
from tickets import actions
from tickets.models import Message

from .conftest import run_ingest
from .dovecot import PASSWORD, Dovecot

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def sink(settings):
    server = Sink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


def staff_reply_email(sink, alice, sam, technical, capture):
    """Alice opens a ticket, Sam answers it: the email Alice receives, as the sink got it."""
    with capture(execute=True):
        ticket = open_ticket(alice, technical)
    with capture(execute=True):
        actions.add_reply(ticket=ticket, author=sam, body="Please clear the cache and retry.")
    to_alice = [m for m in sink.received() if m["To"] == alice.email]
    assert len(to_alice) == 2  # "ticket opened", then Sam's reply
    return ticket, to_alice[-1]


def answer(received, words, *, attribution="On Mon, 30 Nov 2026 at 10:00, Netdigi wrote:"):
    """What a mail program sends when Alice hits Reply and types `words` above the quote."""
    text = received.get_body(("plain",)).get_content()
    reply = EmailMessage(policy=policy.SMTP)
    reply["From"] = "Alice Wijaya <alice@example.com>"
    reply["To"] = received["Reply-To"]
    reply["Subject"] = "Re: " + received["Subject"]
    reply["Message-ID"] = make_msgid(domain="example.com")
    reply["In-Reply-To"] = received["Message-ID"]
    reply["References"] = f"{received['References']} {received['Message-ID']}"
    quoted = "\n".join(f"> {line}" for line in text.splitlines())
    reply.set_content(f"{words}\n\nAlice\n\n{attribution}\n{quoted}\n")
    return reply.as_bytes()


def test_a_reply_to_the_real_email_through_the_pipe_shows_on_the_ticket_page(
    sink, alice, sam, technical, client, django_capture_on_commit_callbacks
):
    ticket, received = staff_reply_email(
        sink, alice, sam, technical, django_capture_on_commit_callbacks
    )
    assert received["Reply-To"].startswith(f"support+{ticket.number}.")
    assert "## Reply above this line ##" in received.get_body(("plain",)).get_content()
    before = len(sink.received())

    with django_capture_on_commit_callbacks(execute=True):
        code, _out = run_ingest(answer(received, "Cleared it, the shop works again!"))
    assert code == 0

    client.force_login(alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Cleared it, the shop works again!" in page
    assert "Reply above this line" not in page
    post = Message.objects.filter(ticket=ticket).latest("pk")
    assert post.author == alice and not post.is_staff_reply
    assert post.body == "Cleared it, the shop works again!\n\nAlice"
    # Sam is told exactly as for a web reply.
    new = sink.received()[before:]
    assert [m["To"] for m in new] == [sam.email]
    assert f"#{ticket.number}" in new[0]["Subject"]


def test_an_indonesian_reply_to_the_real_email_is_cut_at_its_marker(
    sink, alice, sam, technical, client, django_capture_on_commit_callbacks
):
    alice.language = "id"
    alice.save(update_fields=["language"])
    ticket, received = staff_reply_email(
        sink, alice, sam, technical, django_capture_on_commit_callbacks
    )
    assert "## Balas di atas baris ini ##" in received.get_body(("plain",)).get_content()
    # A program that writes no attribution line: the marker alone ends the new words.
    with django_capture_on_commit_callbacks(execute=True):
        run_ingest(answer(received, "Sudah berhasil, terima kasih.", attribution=""))
    post = Message.objects.filter(ticket=ticket).latest("pk")
    assert post.body == "Sudah berhasil, terima kasih.\n\nAlice"


def test_a_reply_to_the_real_email_through_dovecot_and_fetch_email(
    sink, alice, sam, technical, client, settings, django_capture_on_commit_callbacks
):
    ticket, received = staff_reply_email(
        sink, alice, sam, technical, django_capture_on_commit_callbacks
    )
    with tempfile.TemporaryDirectory(prefix="netdigi-dovecot-") as directory:
        dovecot = Dovecot(directory).start()
        try:
            with MailBoxUnencrypted("127.0.0.1", dovecot.port).login("support", PASSWORD) as box:
                box.append(answer(received, "Fetched from the mailbox, thanks."), "INBOX")
            settings.EMAIL_INBOX_URL = dovecot.url()
            with django_capture_on_commit_callbacks(execute=True):
                call_command("fetch_email")
        finally:
            dovecot.stop()
    client.force_login(alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Fetched from the mailbox, thanks." in page
    assert Message.objects.filter(ticket=ticket, author=alice).count() == 2

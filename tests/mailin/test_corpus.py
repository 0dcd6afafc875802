"""The corpus of real-world mail programs: each reply lands on alice's ticket with only the
new words, whatever the program, the language or the character set."""

import pytest

from mailin.models import InboundMessage
from tickets.models import Message

from .conftest import corpus

pytestmark = pytest.mark.django_db

State = InboundMessage.State

# file -> (words that must be posted, words of the quote or signature that must not)
REPLIES = {
    "gmail_en.eml": ("cleared the cache", ["wrote:", "Hello Alice", "> "]),
    "gmail_id.eml": ("hapus cache", ["menulis:", "Halo Alice"]),
    "outlook_en.eml": ("error is gone", ["From:", "Sent:", "Hello Alice", "_____"]),
    "outlook_id.eml": ("sudah hilang", ["Dari:", "Dikirim:", "Pesan Asli", "Halo Alice"]),
    "apple_en.eml": ("Which PHP version", ["Sent from my iPhone", "wrote:", "Hello Alice"]),
    "apple_id.eml": ("Versi PHP mana", ["Dikirim dari iPhone", "menulis:", "Halo Alice"]),
    "thunderbird_en.eml": ("backup finished", ["wrote:", "Hello Alice", "alice-shop.co.id"]),
    "thunderbird_id.eml": ("Backup sudah selesai", ["Toko Alice", "menulis:", "Halo Alice"]),
    "yahoo_en.eml": ("upgrade my plan", ["Sent from Yahoo", "wrote:", "Hello Alice"]),
    "yahoo_id.eml": ("upgrade paket saya", ["Kirim dari Yahoo", "menulis:", "Halo Alice"]),
    "html_only.eml": ("The DNS records look right now.", ["alert", "color", "Hello Alice"]),
    "koi8r.eml": ("Здравствуйте, сайт всё ещё не работает.", []),
    "windows1252.eml": ("The café’s site shows “Error 500” – again.", []),
    "no_message_id.eml": ("writes no Message-ID", []),
}


@pytest.mark.parametrize("name", sorted(REPLIES))
def test_a_reply_is_posted_without_its_quote_and_signature(name, ingest, ticket, sam):
    posted, cut = REPLIES[name]
    row = ingest(corpus(name, NUMBER=ticket.number))
    assert row.state == State.POSTED, row.detail
    message = Message.objects.get(ticket=ticket)
    assert message.author == ticket.customer
    assert posted in message.body
    for words in cut:
        assert words not in message.body
    # The original is kept whole.
    assert bytes(row.raw) == corpus(name, NUMBER=ticket.number)
    assert row.post == message


def test_html_only_mail_keeps_its_line_breaks(ingest, ticket):
    ingest(corpus("html_only.eml", NUMBER=ticket.number))
    body = Message.objects.get(ticket=ticket).body
    assert "Line one\nLine two" in body


def test_an_indented_log_keeps_its_indentation(ingest, ticket):
    ingest(corpus("gmail_en.eml", NUMBER=ticket.number))
    body = Message.objects.get(ticket=ticket).body
    assert "\n    PHP Fatal error: Allowed memory size exhausted" in body


def test_an_unknown_charset_is_held_with_its_error(ingest, ticket):
    row = ingest(corpus("unknown_charset.eml", NUMBER=ticket.number))
    assert row.state == State.HELD
    assert row.reason == InboundMessage.Reason.UNPARSEABLE
    assert "x-netdigi-unknown" in row.detail
    # Held where the staff of the department it was sent to review it.
    assert row.department.slug == "technical-support"
    assert not Message.objects.exists()


def test_malformed_headers_never_crash_the_pipeline(ingest, ticket):
    row = ingest(corpus("malformed_headers.eml", NUMBER=ticket.number))
    assert row.state in (State.POSTED, State.HELD, State.IGNORED)
    assert row.state != State.FAILED


@pytest.mark.parametrize(
    "name", ["out_of_office_en.eml", "out_of_office_id.eml", "mailing_list.eml"]
)
def test_automatic_mail_is_stored_and_ignored(name, ingest, ticket, mailoutbox):
    row = ingest(corpus(name, NUMBER=ticket.number))
    assert row.state == State.IGNORED
    assert row.reason in (InboundMessage.Reason.AUTOMATIC, InboundMessage.Reason.OUT_OF_OFFICE)
    assert not Message.objects.exists()
    assert mailoutbox == []

"""The provider door (django-anymail inbound): a signed Mailgun post and a Postmark post
with the webhook secret are stored and processed like piped mail; wrong or missing
credentials store nothing; without a configured secret the URLs do not exist."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from mailin.addresses import reply_address
from mailin.models import InboundMessage
from tickets.models import Message

pytestmark = pytest.mark.django_db

SECRET = "hook-user:hook-password-123"
SIGNING_KEY = "key-mailgun-signing"
MAILGUN = reverse("mailin_webhooks:mailgun_inbound_webhook")
POSTMARK = reverse("mailin_webhooks:postmark_inbound_webhook")


@pytest.fixture
def secured(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def basic_auth(secret=SECRET):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def mailgun_post(ticket, *, key=SIGNING_KEY, spam="No"):
    raw = (
        f"From: Alice <alice@example.com>\r\nTo: <{reply_address(ticket)}>\r\n"
        f"Subject: Re: [Ticket #{ticket.number}]\r\nMessage-ID: <mg-{spam}@example.com>\r\n"
        f"X-Mailgun-Sflag: {spam}\r\n\r\nPosted through Mailgun.\r\n"
    )
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "body-mime": raw,
        "recipient": reply_address(ticket),
        "sender": "alice@example.com",
        "timestamp": timestamp,
        "token": token,
        "signature": signature.hexdigest(),
    }


def test_a_signed_mailgun_post_is_stored_and_posted(
    secured, ticket, django_capture_on_commit_callbacks
):
    # A provider has no CSRF token: the webhook is exempt (its secret is the check).
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MAILGUN, mailgun_post(ticket), **basic_auth())
    assert response.status_code == 200
    row = InboundMessage.objects.get()
    assert row.source == "webhook"
    assert row.envelope_recipient == reply_address(ticket)
    assert row.state == InboundMessage.State.POSTED
    assert Message.objects.get().body == "Posted through Mailgun."


def test_a_wrong_mailgun_signature_stores_nothing(client, secured, ticket):
    response = client.post(MAILGUN, mailgun_post(ticket, key="forged"), **basic_auth())
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def test_a_wrong_webhook_secret_stores_nothing(client, secured, ticket):
    response = client.post(MAILGUN, mailgun_post(ticket), **basic_auth("hook-user:wrong"))
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()
    response = client.post(MAILGUN, mailgun_post(ticket))
    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def test_without_a_configured_secret_the_webhooks_are_a_404(client, settings, ticket):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    assert client.post(MAILGUN, mailgun_post(ticket)).status_code == 404
    assert client.post(POSTMARK, "{}", content_type="application/json").status_code == 404
    assert not InboundMessage.objects.exists()


def test_the_providers_spam_verdict_holds_the_message(
    client, secured, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(MAILGUN, mailgun_post(ticket, spam="Yes"), **basic_auth())
    row = InboundMessage.objects.get()
    assert row.state == InboundMessage.State.HELD
    assert row.reason == InboundMessage.Reason.SPAM
    assert not Message.objects.exists()


def test_a_postmark_post_opens_a_ticket_for_a_known_customer(
    client, secured, alice, technical, django_capture_on_commit_callbacks
):
    payload = {
        "FromFull": {"Email": "alice@example.com", "Name": "Alice"},
        "ToFull": [{"Email": "support@netdigi.co.id", "Name": ""}],
        "OriginalRecipient": "support@netdigi.co.id",
        "Subject": "Domain transfer",
        "MessageID": "pm-1",
        "Date": "Mon, 30 Nov 2026 10:00:00 +0700",
        "TextBody": "Please transfer my domain.",
        "Headers": [{"Name": "Message-ID", "Value": "<pm-1@example.com>"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            POSTMARK, json.dumps(payload), content_type="application/json", **basic_auth()
        )
    assert response.status_code == 200
    row = InboundMessage.objects.get()
    assert row.state == InboundMessage.State.NEW_TICKET
    ticket = alice.tickets.get()
    assert ticket.subject == "Domain transfer"
    assert ticket.messages.get().body == "Please transfer my domain."


def test_an_amazon_ses_dmarc_failure_is_an_authentication_verdict():
    from types import SimpleNamespace

    from mailin.webhooks import provider_verdict

    message = SimpleNamespace(spam_detected=False)
    failed = {"receipt": {"dkimVerdict": {"status": "PASS"}, "dmarcVerdict": {"status": "FAIL"}}}
    passed = {"receipt": {"dkimVerdict": {"status": "PASS"}, "dmarcVerdict": {"status": "PASS"}}}
    assert provider_verdict(SimpleNamespace(message=message, esp_event=failed)) == "auth_failed"
    assert provider_verdict(SimpleNamespace(message=message, esp_event=passed)) == ""
    spam = SimpleNamespace(spam_detected=True)
    assert provider_verdict(SimpleNamespace(message=spam, esp_event=None)) == "spam"

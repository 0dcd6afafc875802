"""Password reset by email: the email is an outbox row sent by a worker after commit, its
link is built on SITE_URL (never on the request's Host), and the page answers the same
whether or not the address has an account."""

import re

from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.tickets.pages import read

RESET = reverse("accounts:password_reset")
SENT = reverse("accounts:password_reset_done")


def _ask_reset(client, email, capture):
    with capture(execute=True) as callbacks:
        response = client.post(RESET, {"email": email})
    return response, callbacks


def test_reset_page_asks_for_the_email_address_in_one_form(client, db):
    page = read(client.get(RESET))
    assert page.labels["id_email"] == "Email Address"
    assert page.nested_forms == 0


def test_reset_sends_a_link_that_sets_a_new_password(
    client, alice, django_capture_on_commit_callbacks
):
    response, callbacks = _ask_reset(
        client, "alice@example.com", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert response.url == SENT
    assert len(callbacks) == 1, "the email is handed to the task after commit"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["alice@example.com"]
    assert email.subject == "Reset your Netdigi Member Area password"
    site = re.escape(settings.SITE_URL)
    link = re.search(rf"{site}(/accounts/password-reset/\S+/\S+/)", email.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("a-new-long-passphrase")


def test_reset_finds_the_account_whatever_the_case_of_the_email(
    client, alice, django_capture_on_commit_callbacks
):
    _ask_reset(client, "ALICE@Example.com", django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_reset_of_an_unknown_email_answers_the_same_and_sends_nothing(
    client, alice, django_capture_on_commit_callbacks
):
    known, _ = _ask_reset(client, "alice@example.com", django_capture_on_commit_callbacks)
    mail.outbox = []
    unknown, callbacks = _ask_reset(
        client, "nobody@example.com", django_capture_on_commit_callbacks
    )
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert callbacks == []
    assert mail.outbox == []
    assert client.get(SENT).status_code == 200


def test_the_email_is_not_sent_inside_the_request(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(RESET, {"email": "alice@example.com"})
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_used_reset_link_is_no_longer_valid(client, alice, django_capture_on_commit_callbacks):
    _ask_reset(client, "alice@example.com", django_capture_on_commit_callbacks)
    link = re.search(re.escape(settings.SITE_URL) + r"(\S+)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "pass-phrase-one!", "new_password2": "pass-phrase-one!"})
    again = client.get(link, follow=True)
    assert "This link is no longer valid" in again.content.decode()


def test_with_the_broker_down_the_reset_page_answers_as_for_an_unknown_email(
    client, alice, django_capture_on_commit_callbacks, caplog
):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from notifications import tasks
    from notifications.models import Notification

    unknown, _ = _ask_reset(client, "nobody@example.com", django_capture_on_commit_callbacks)
    with mock.patch.object(
        tasks.send_notifications, "apply_async", side_effect=OperationalError("broker unreachable")
    ):
        known, callbacks = _ask_reset(
            client, "alice@example.com", django_capture_on_commit_callbacks
        )
    assert len(callbacks) == 1
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert "broker unreachable" in caplog.text
    # The email is not lost: its row waits for the re-dispatch.
    row = Notification.objects.get(recipient=alice, event="password_reset")
    assert row.state == Notification.State.PENDING and mail.outbox == []


def test_the_reset_link_ignores_the_host_the_request_named(
    client, alice, django_capture_on_commit_callbacks, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "alice@example.com"}, HTTP_HOST="evil.example")
    assert "evil.example" not in mail.outbox[0].body
    assert settings.SITE_URL + "/accounts/password-reset/" in mail.outbox[0].body

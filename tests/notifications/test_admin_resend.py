"""Failed notifications are visible in the admin with their error, and "resend" sends them."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from notifications.models import Notification

CHANGELIST = reverse("admin:notifications_notification_changelist")


@pytest.fixture
def root_client(client, root):
    client.force_login(root)
    return client


def fail(row, error="SMTPDataError: (451, b'Try again later')"):
    Notification.objects.filter(pk=row.pk).update(
        state=Notification.State.FAILED, attempts=8, last_error=error
    )


def resend(client, rows):
    return client.post(
        CHANGELIST,
        {"action": "resend", "_selected_action": [row.pk for row in rows]},
        follow=True,
    )


def test_a_failed_row_shows_its_error_in_the_admin(root_client, row):
    fail(row)
    page = root_client.get(CHANGELIST, {"state__exact": "failed"}).content.decode()
    assert "SMTPDataError: (451, b&#x27;Try again later&#x27;)" in page
    detail = root_client.get(reverse("admin:notifications_notification_change", args=[row.pk]))
    assert "Try again later" in detail.content.decode()


def test_resend_sends_a_failed_row_again_with_a_fresh_count(
    root_client, row, django_capture_on_commit_callbacks
):
    fail(row)
    with django_capture_on_commit_callbacks(execute=True):
        response = resend(root_client, [row])
    assert "1 notification queued to be sent again." in response.content.decode()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (Notification.State.SENT, 1, "")
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_resend_leaves_rows_that_were_sent_alone(
    root_client, sam, opened, django_capture_on_commit_callbacks
):
    failed, sent = opened.notifications.order_by("pk")
    fail(failed)
    Notification.objects.filter(pk=sent.pk).update(state=Notification.State.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        response = resend(root_client, [failed, sent])
    text = response.content.decode()
    assert "1 notification queued to be sent again." in text
    assert "1 notification was sent already and is left alone." in text
    assert [m.to for m in mail.outbox] == [[failed.recipient.email]]


def test_staff_who_may_only_view_notifications_cannot_resend(client, sam, row):
    sam.user_permissions.set([Permission.objects.get(codename="view_notification")])
    client.force_login(sam)
    fail(row)
    assert client.get(CHANGELIST).status_code == 200
    response = resend(client, [row])
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.state == Notification.State.FAILED
    assert mail.outbox == []

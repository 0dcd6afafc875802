"""The outbox admin is scoped like the ticket admin: staff given access to it read the
emails of their own departments' tickets only; other rows are 404 like missing ones, and
account emails (no ticket) are for superusers."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from notifications.models import Notification
from notifications.outbox import queue
from tests.tickets.helpers import open_ticket

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_notification_changelist")


def _change(row):
    return reverse("admin:notifications_notification_change", args=[row.pk])


@pytest.fixture
def bill_reads_the_outbox(client, bill):
    bill.user_permissions.add(Permission.objects.get(codename="view_notification"))
    client.force_login(bill)
    return client


@pytest.fixture
def rows(alice, bob, technical, billing):
    technical_ticket = open_ticket(alice, technical, subject="TECH-SUBJECT")
    billing_ticket = open_ticket(bob, billing, subject="BILL-SUBJECT")
    queue("password_reset", recipients=[alice])
    return {
        "technical": technical_ticket.notifications.first(),
        "billing": billing_ticket.notifications.first(),
        "account": Notification.objects.get(event="password_reset"),
    }


def test_staff_see_the_rows_of_their_departments_only(bill_reads_the_outbox, rows):
    page = bill_reads_the_outbox.get(CHANGELIST)
    assert page.status_code == 200
    shown = {row.pk for row in page.context["cl"].result_list}
    assert rows["billing"].pk in shown
    assert rows["technical"].pk not in shown
    assert rows["account"].pk not in shown


def test_another_departments_row_is_a_404(bill_reads_the_outbox, rows):
    assert bill_reads_the_outbox.get(_change(rows["billing"])).status_code == 200
    assert bill_reads_the_outbox.get(_change(rows["technical"])).status_code == 404
    assert bill_reads_the_outbox.get(_change(rows["account"])).status_code == 404


def test_superusers_see_every_row(client, root, rows):
    client.force_login(root)
    shown = {row.pk for row in client.get(CHANGELIST).context["cl"].result_list}
    assert {row.pk for row in rows.values()} <= shown


def test_staff_without_the_permission_get_403(client, bill, rows):
    client.force_login(bill)
    assert client.get(_change(rows["billing"])).status_code == 403

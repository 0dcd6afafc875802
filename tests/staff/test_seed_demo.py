"""`seed_demo` gives the staff side something to work on, and can run again."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification
from tickets.models import CannedResponse, Ticket

pytestmark = pytest.mark.django_db


def test_it_creates_staff_demo_tickets_and_replies_once(capsys):
    call_command("seed_demo", "--force")
    billing = User.objects.get(email="billing@example.com")
    assert billing.is_staff and billing.check_password("netdigi-demo")
    assert [d.slug for d in billing.departments.all()] == ["billing-payments"]
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses >= {"open", "customer_reply", "answered", "on_hold", "closed"}
    assert CannedResponse.objects.filter(department__isnull=True).exists()
    assert CannedResponse.objects.filter(department__slug="technical-support").exists()
    # The demo's history is not mailed to anybody.
    assert not Notification.objects.exists()
    counts = (Ticket.objects.count(), CannedResponse.objects.count())

    call_command("seed_demo", "--force")
    assert (Ticket.objects.count(), CannedResponse.objects.count()) == counts
    assert "make autoclose" in capsys.readouterr().out


def test_the_demo_answered_invoice_is_old_enough_for_auto_close(settings):
    settings.TICKET_AUTOCLOSE_HOURS = 72
    call_command("seed_demo", "--force")
    call_command("autoclose_tickets", stdout=StringIO())
    closed_now = Ticket.objects.filter(status="closed").values_list("subject", flat=True)
    assert sorted(closed_now) == [
        "DNS change for budi-store.co.id",
        "Invoice INV-2291 was paid twice",
    ]
    mail_ticket = Ticket.objects.get(subject__startswith="Email info@")
    waited = timezone.now() - mail_ticket.waiting_since
    assert timedelta(hours=3, minutes=11) < waited < timedelta(hours=3, minutes=13)

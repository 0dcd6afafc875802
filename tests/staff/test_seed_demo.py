"""`seed_demo` gives the staff side something to work on, and can run again."""

import pytest
from django.core.management import call_command

from accounts.models import User
from notifications.models import Notification
from tickets.models import CannedResponse, Ticket

pytestmark = pytest.mark.django_db


def test_it_creates_staff_demo_tickets_and_replies_once(capsys):
    call_command("seed_demo")
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

    call_command("seed_demo")
    assert (Ticket.objects.count(), CannedResponse.objects.count()) == counts
    assert "make autoclose" in capsys.readouterr().out

"""Predefined replies in the admin: department staff manage their departments' replies and
use the global ones; superusers manage everything."""

import pytest

from tests.staff.pages import logged_in
from tickets.models import CannedResponse

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/tickets/cannedresponse/"


def test_staff_list_their_departments_and_the_global_replies(bill, canned):
    html = logged_in(bill).get(CHANGELIST).content.decode()
    assert "Payment received" in html
    assert "Thanks, looking into it" in html
    assert "Error 500 fixed" not in html


def test_staff_add_a_reply_for_their_department_only(bill, billing, technical):
    client = logged_in(bill)
    page = client.get(CHANGELIST + "add/").content.decode()
    assert "Technical Support" not in page
    assert "{customer_name}" in page
    refused = client.post(
        CHANGELIST + "add/",
        {"title": "Tech", "body": "x", "department": technical.pk, "is_active": "on"},
    )
    assert refused.status_code == 200
    no_department = client.post(
        CHANGELIST + "add/", {"title": "Global", "body": "x", "is_active": "on"}
    )
    assert no_department.status_code == 200
    created = client.post(
        CHANGELIST + "add/",
        {"title": "Refund sent", "body": "We refunded you.", "department": billing.pk},
    )
    assert created.status_code == 302
    assert list(CannedResponse.objects.values_list("title", "department")) == [
        ("Refund sent", billing.pk)
    ]


def test_staff_cannot_change_global_or_other_departments_replies(bill, canned):
    client = logged_in(bill)
    other = canned["technical"]
    assert client.get(f"{CHANGELIST}{other.pk}/change/").status_code == 404
    shared = canned["global"]
    response = client.post(
        f"{CHANGELIST}{shared.pk}/change/", {"title": "Hacked", "body": "x", "is_active": "on"}
    )
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.title == "Thanks, looking into it"
    own = canned["billing"]
    response = client.post(
        f"{CHANGELIST}{own.pk}/change/",
        {"title": "Payment received!", "body": own.body, "department": own.department_id},
    )
    assert response.status_code == 302


def test_a_superuser_manages_global_replies(root):
    response = logged_in(root).post(
        CHANGELIST + "add/", {"title": "Holiday hours", "body": "We are closed.", "is_active": "on"}
    )
    assert response.status_code == 302
    assert CannedResponse.objects.get().department is None

"""`manage.py seed_demo`: the demo users and services, safe to run again."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from services.models import Service
from tickets.models import Department

PASSWORD = "netdigi-demo"


def _seed():
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def _snapshot():
    return (
        sorted(User.objects.values_list("email", "is_staff", "is_superuser", "is_active")),
        sorted(Service.objects.values_list("owner__email", "kind", "domain", "status")),
        sorted(Department.objects.values_list("slug", "staff__email")),
    )


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_users_with_the_demo_password():
    _seed()
    expected = {
        "customer@example.com": (False, False),
        "other@example.com": (False, False),
        "staff@example.com": (True, False),
        "admin@example.com": (True, True),
    }
    for email, (is_staff, is_superuser) in expected.items():
        user = User.objects.get(email=email)
        assert (user.is_staff, user.is_superuser, user.is_active) == (is_staff, is_superuser, True)
        assert user.check_password(PASSWORD), email


@pytest.mark.django_db
def test_seed_demo_makes_staff_a_member_of_all_three_departments():
    _seed()
    staff = User.objects.get(email="staff@example.com")
    assert set(staff.departments.values_list("slug", flat=True)) == {
        "technical-support",
        "billing-payments",
        "sales-marketing",
    }


@pytest.mark.django_db
def test_seed_demo_gives_each_customer_a_hosting_and_a_domain_service():
    _seed()
    for email in ("customer@example.com", "other@example.com"):
        services = Service.objects.filter(owner__email=email)
        kinds = sorted(services.values_list("kind", flat=True))
        assert kinds == [Service.Kind.DOMAIN, Service.Kind.HOSTING], email
        for service in services:
            assert service.domain
            assert service.status == Service.Status.ACTIVE
            assert service.next_due_date is not None


@pytest.mark.django_db
def test_seed_demo_prints_the_credentials():
    out = _seed()
    for email in (
        "customer@example.com",
        "other@example.com",
        "staff@example.com",
        "admin@example.com",
    ):
        assert email in out
    assert PASSWORD in out


@pytest.mark.django_db
def test_seed_demo_is_safe_to_run_again():
    _seed()
    first = _snapshot()
    customer = User.objects.get(email="customer@example.com")
    customer.set_password("changed-by-hand")
    customer.save()
    _seed()
    assert _snapshot() == first
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_demo_customer_can_log_in_and_open_a_ticket(client):
    _seed()
    response = client.post(
        "/accounts/login/", {"username": "Customer@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    html = client.get("/support/tickets/new/technical-support/").content.decode()
    assert "budi-store.co.id" in html
    assert "siti-catering.com" not in html

"""Shared fixtures: the named users of every test.

alice and bob are customers, each with a hosting plan; sam is staff of Technical Support;
bill is staff of Billing & Payments only; root is a superuser.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core import mail

from tests.factories import PASSWORD, ServiceFactory, StaffFactory, UserFactory
from tests.second_factor import sessions_pass_second_factor
from tickets.models import Department


@pytest.fixture(autouse=True)
def _guide_departments(request):
    """The three departments of the data migrations (English and Indonesian texts) exist
    in every database test.

    Transactional tests flush the database when they end, data migrations included; this
    puts the guide's departments back for whichever test comes next.
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        request.getfixturevalue("transactional_db")
    elif "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    migration = importlib.import_module("tickets.migrations.0002_default_departments")
    migration.create_departments(django_apps, None)
    indonesian = importlib.import_module("tickets.migrations.0005_indonesian_department_texts")
    indonesian.fill_indonesian_texts(django_apps, None)
    # The network status banner as a running site has it: cached, with no incident (pages
    # pin their queries with a warm cache; tests/network pins the banner's own query).
    from network.status import forget, live_incidents

    forget()
    live_incidents()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def technical(db):
    return Department.objects.get(slug="technical-support")


@pytest.fixture
def billing(db):
    return Department.objects.get(slug="billing-payments")


@pytest.fixture
def sales(db):
    return Department.objects.get(slug="sales-marketing")


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.com", name="Alice Wijaya")


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@example.com", name="Bob Hartono")


@pytest.fixture
def alice_hosting(alice):
    return ServiceFactory(owner=alice, domain="alice-shop.co.id")


@pytest.fixture
def bob_hosting(bob):
    return ServiceFactory(owner=bob, domain="bob-bakery.com")


@pytest.fixture
def sam(technical):
    return StaffFactory(email="sam@netdigi.test", name="Sam Support", departments=[technical])


@pytest.fixture
def bill(billing):
    return StaffFactory(email="bill@netdigi.test", name="Bill Billing", departments=[billing])


@pytest.fixture
def root(db):
    return UserFactory(email="root@netdigi.test", is_staff=True, is_superuser=True)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def sam_client(client, sam):
    client.force_login(sam)
    return client


@pytest.fixture(autouse=True)
def _second_factor_passed(request, monkeypatch):
    """`client.force_login(user)` of a user who owes a second factor (every staff member)
    gives a session that has passed it, as django-otp marks one; tests marked
    `real_second_factor` get the real behaviour (tests/twofactor/)."""
    if request.node.get_closest_marker("real_second_factor") is None:
        sessions_pass_second_factor(monkeypatch)


@pytest.fixture(autouse=True)
def _clean_outbox():
    mail.outbox = []


@pytest.fixture(autouse=True)
def _broker_not_paused(monkeypatch):
    """Each test starts with a broker that has not failed yet in this process."""
    from notifications import tasks

    monkeypatch.setattr(tasks, "_broker_paused_until", 0.0)

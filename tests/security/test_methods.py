"""State changes are POST-only and need the CSRF token.

Every URL that only changes state answers 405 to GET (and to the other methods that are
not POST): a link or an <img> on another site changes nothing. Every form that posts is
refused with 403 without the CSRF token (Django's test client skips the check unless
told, so these clients enforce it), and the refused request changes nothing.
"""

import uuid

import pytest
from django.urls import reverse

from tickets.models import Ticket

from . import figures
from .conftest import logged_in

pytestmark = pytest.mark.django_db


def strict_client(user=None, slot=0):
    return logged_in(user, slot=slot, enforce_csrf_checks=True)


def state(world):
    """Everything a refused request might have changed."""
    ticket = world.ticket
    ticket.refresh_from_db()
    customer = ticket.customer
    customer.refresh_from_db()
    return (
        ticket.status,
        ticket.assignee_id,
        ticket.priority,
        Ticket.objects.count(),
        ticket.messages.count(),
        ticket.notifications.count(),
        customer.password,
        customer.language,
        customer.notify_new_ticket,
    )


# (name, who, url(world), POST data(world)) of every URL that only changes state.
POST_ONLY = {
    "logout": ("alice", lambda w: reverse("accounts:logout"), lambda w: {}),
    "customer reply": (
        "alice",
        lambda w: reverse("tickets:reply", args=[w.ticket.number]),
        lambda w: {"body": "More.", "submission_token": str(uuid.uuid4())},
    ),
    "customer close": (
        "alice",
        lambda w: reverse("tickets:close", args=[w.ticket.number]),
        lambda w: {},
    ),
    "staff reply": (
        "sam",
        lambda w: reverse("staff:reply", args=[w.ticket.number]),
        lambda w: {"body": "On it.", "submission_token": str(uuid.uuid4())},
    ),
    "staff update": (
        "sam",
        lambda w: reverse("staff:update", args=[w.ticket.number]),
        lambda w: {
            "status": "on_hold",
            "initial-status": w.ticket.status,
            "priority": "high",
            "initial-priority": w.ticket.priority,
            "department": w.ticket.department_id,
            "initial-department": w.ticket.department_id,
        },
    ),
    "staff assign to me": (
        "sam",
        lambda w: reverse("staff:assign_to_me", args=[w.ticket.number]),
        lambda w: {},
    ),
    "language": ("alice", lambda w: reverse("set_language"), lambda w: {"language": "id"}),
}

# Forms that are shown by GET and post to the same URL.
FORMS = {
    "login": (
        None,
        lambda w: reverse("accounts:login"),
        lambda w: {
            "username": "alice@example.com",
            "password": "correct-horse-battery",
        },
    ),
    "password reset": (
        None,
        lambda w: reverse("accounts:password_reset"),
        lambda w: {"email": "alice@example.com"},
    ),
    "open ticket": (
        "alice",
        lambda w: reverse("tickets:open_form", args=[w.ticket.department.slug]),
        lambda w: {"subject": "Another", "priority": "medium", "body": "Hello"},
    ),
    "staff email settings": ("sam", lambda w: reverse("staff:settings"), lambda w: {}),
    "admin login": (
        None,
        lambda w: reverse("admin:login"),
        lambda w: {
            "username": "root@netdigi.test",
            "password": "correct-horse-battery",
        },
    ),
    "admin ticket change": (
        "root",
        lambda w: reverse("admin:tickets_ticket_change", args=[w.ticket.pk]),
        lambda w: {"status": "closed", "priority": "low", "department": w.ticket.department_id},
    ),
    "admin customer change": (
        "root",
        lambda w: reverse("admin:accounts_user_change", args=[w.ticket.customer_id]),
        lambda w: {"email": "alice@example.com", "is_staff": "on", "is_superuser": "on"},
    ),
    "admin password change of a customer": (
        "root",
        lambda w: reverse("admin:auth_user_password_change", args=[w.ticket.customer_id]),
        lambda w: {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    ),
}


@pytest.fixture
def users(alice, sam, root):
    return {None: None, "alice": alice, "sam": sam, "root": root}


@pytest.mark.parametrize("method", ["get", "head", "put", "patch", "delete"])
@pytest.mark.parametrize("name", list(POST_ONLY))
def test_urls_that_change_state_refuse_every_method_but_post(world, users, name, method):
    who, url, _data = POST_ONLY[name]
    client = logged_in(users[who])
    before = state(world)
    response = getattr(client, method)(url(world))
    figures.add("method_tries")
    assert response.status_code == 405
    assert "POST" in response["Allow"] and "GET" not in response["Allow"]
    assert state(world) == before
    # Still logged in: a GET of the logout URL logged nobody out.
    assert client.get(reverse("dashboard")).status_code == (200 if who else 302)


@pytest.mark.parametrize("name", [*POST_ONLY, *FORMS])
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world, users, name):
    who, url, data = {**POST_ONLY, **FORMS}[name]
    client = strict_client(users[who])
    before = state(world)
    response = client.post(url(world), data(world))
    figures.add("method_tries")
    assert response.status_code == 403
    assert state(world) == before
    assert "_auth_user_id" not in client.session or who is not None


@pytest.mark.parametrize("name", [*POST_ONLY, *FORMS])
def test_a_post_with_a_token_from_another_session_is_refused_too(world, users, name):
    """A token taken from the attacker's own session does not fit the victim's cookie."""
    who, url, data = {**POST_ONLY, **FORMS}[name]
    attacker = strict_client(slot=1)
    attacker.get(reverse("accounts:login"))
    stolen = attacker.cookies["csrftoken"].value
    client = strict_client(users[who])
    client.get(reverse("dashboard") if who else reverse("accounts:login"))
    assert client.cookies["csrftoken"].value != stolen
    before = state(world)
    response = client.post(url(world), {**data(world), "csrfmiddlewaretoken": stolen})
    figures.add("method_tries")
    assert response.status_code == 403
    assert state(world) == before


def test_with_its_token_the_same_post_goes_through(world, alice):
    """The refusals above are the CSRF check's, not a broken form."""
    client = strict_client(alice)
    page = client.get(reverse("tickets:detail", args=[world.ticket.number]))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("tickets:close", args=[world.ticket.number]), {"csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    world.ticket.refresh_from_db()
    assert world.ticket.status == Ticket.Status.CLOSED

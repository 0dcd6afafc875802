"""The SQL queries of every page of the benchmark (bench/pages.py), pinned.

Each page is requested with a little data and again after the data has grown (more
tickets, customers, messages, events, attachments): the count must be the same, and the
one written here. Read pages stay within the budget of 8 queries. A change that adds a
query to a page fails here first; update the number only together with bench/README.md.
"""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    MessageFactory,
    ServiceFactory,
    StaffFactory,
    TicketFactory,
    UserFactory,
    png_upload,
)
from tests.second_factor import authenticator_for
from tests.staff.pages import logged_in
from tickets import actions
from tickets.models import ACTIVE_STATUSES, Ticket
from tickets.uploads import check_upload

READ_BUDGET = 8
# Read pages over the budget, with the reason in bench/README.md ("Queries per request").
OVER_BUDGET = {"staff ticket page"}

# Queries of two-factor sign-in on every page, outside the budget like session and user.
# Staff (STAFF_2FA_REQUIRED): django-otp loads the device that verified the session, one
# query, so that a device removed (an admin's reset) ends the session's access at once.
# A customer without a second factor: none (the middleware reads the session and the user
# row only); a customer who enrolled pays staff's one query (pinned below).
SECOND_FACTOR_QUERIES = {"anonymous": 0, "customer": 0, "staff": 1, "customer with 2FA": 1}

# page: (who, method, queries). Session and user are counted (two queries on every page
# of a logged-in user); BEGIN/COMMIT/SAVEPOINT are not (the test runs in a transaction).
# Staff pages include the verified device's query above.
PAGES = {
    "login page": ("anonymous", "GET", 0),
    "dashboard": ("customer", "GET", 4),
    "Support > Tickets, first page": ("customer", "GET", 5),
    "Support > Tickets, deep page": ("customer", "GET", 5),
    "ticket page": ("customer", "GET", 4),
    "Open New Ticket form": ("customer", "GET", 4),
    # Staff pages: django-otp reads the session's verified device (1 more than before).
    "staff queues overview": ("staff", "GET", 5),
    "department queue": ("staff", "GET", 5),
    # 9 + the device, plus the incidents linked to the ticket (network/), plus the 3 of the
    # service level policy (calendar, extra days off, targets: sla/policy.py), which
    # production caches for a minute (SLA_POLICY_CACHE_SECONDS; 0 in the tests): 11 warm.
    "staff ticket page": ("staff", "GET", 14),
    # The admin reads no model permissions for department staff: membership comes first
    # (tickets/admin_scope.py) and the list of apps is built only where it is shown
    # (netdigi/admin_site.py).
    "admin ticket list": ("staff", "GET", 6),
    "admin ticket change page": ("staff", "GET", 8),
    # Posts lock the customer's row and count their recent posts inside the transaction
    # (2 queries: the flood limits hold under parallel posts); with files, the limits are
    # also checked before any file is decoded (1 more).
    "ticket creation POST": ("customer", "POST", 10),
    "ticket creation POST with an attachment": ("customer", "POST", 13),
    "customer reply POST": ("customer", "POST", 11),
    "dashboard of a customer with 2FA": ("customer with 2FA", "GET", 5),
}


@pytest.fixture(autouse=True)
def _flood_limits_out_of_reach(settings):
    # Still counted (their query stays in every post), but too high to refuse these posts.
    settings.TICKET_RATE_LIMIT = "1000/10m"
    settings.TICKET_REPLY_RATE_LIMIT = "1000/10m"


@pytest.fixture
def world(alice, sam, technical):
    """The demo customer's ticket with a thread, and a queue with other customers in it."""
    ticket = actions.open_ticket(
        customer=alice, department=technical, subject="Website slow", body="Since Monday."
    )
    actions.update_ticket(ticket=ticket, by=sam, assignee=sam)
    actions.add_reply(ticket=ticket, author=sam, body="Looking into it.")
    return {"ticket": ticket}


def grow(world, alice, sam, technical, rounds):
    """More of everything: the customer's tickets, other customers' tickets, messages with
    attachments, events, staff, services."""
    ticket = world["ticket"]
    StaffFactory(departments=[technical])
    for n in range(rounds):
        customer = UserFactory()
        ServiceFactory(owner=customer)
        TicketFactory.create_batch(3, customer=customer, department=technical)
        TicketFactory(customer=alice, department=technical)
        ServiceFactory(owner=alice)
        MessageFactory(ticket=ticket, author=alice)
        MessageFactory(ticket=ticket, author=sam, is_staff_reply=True)
        actions.add_reply(
            ticket=ticket, author=sam, body=f"Note {n}", internal=True, new_status="on_hold"
        )
        actions.update_ticket(ticket=ticket, by=sam, priority=["low", "high"][n % 2])
    actions.add_reply(
        ticket=ticket,
        author=alice,
        body="A screenshot",
        files=[check_upload(png_upload())],
    )


def request(page, clients, world, technical):
    ticket = world["ticket"]
    who, method, _expected = PAGES[page]
    client = clients[who]
    token = str(uuid.uuid4())
    open_url = reverse("tickets:open_form", args=[technical.slug])
    form = {"subject": "Website error 500 now", "priority": "medium", "body": "Error 500."}
    urls = {
        "login page": "/accounts/login/",
        "dashboard": "/",
        "dashboard of a customer with 2FA": "/",
        "Support > Tickets, first page": "/support/tickets/",
        "Support > Tickets, deep page": "/support/tickets/?status=all&page=2",
        "ticket page": ticket.get_absolute_url(),
        "Open New Ticket form": open_url,
        "staff queues overview": "/staff/",
        "department queue": reverse("staff:queue", args=[technical.slug]),
        "staff ticket page": ticket.get_staff_url(),
        "admin ticket list": reverse("admin:tickets_ticket_changelist"),
        "admin ticket change page": reverse("admin:tickets_ticket_change", args=[ticket.pk]),
    }
    posts = {
        "ticket creation POST": (open_url, {**form, "submission_token": token}),
        "ticket creation POST with an attachment": (
            open_url,
            {**form, "submission_token": token, "attachments": [png_upload()]},
        ),
        "customer reply POST": (
            reverse("tickets:reply", args=[ticket.number]),
            {"body": "Still slow.", "submission_token": token},
        ),
    }
    if page == "customer reply POST":
        # A reply to an answered ticket: it changes the status, and that is recorded.
        Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.ANSWERED)
    with CaptureQueriesContext(connection) as context:
        if method == "GET":
            response = client.get(urls[page])
        else:
            response = client.post(*posts[page])
    assert response.status_code == (200 if method == "GET" else 302), page
    return [
        query["sql"]
        for query in context.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.mark.parametrize("page", list(PAGES))
def test_each_page_makes_its_pinned_number_of_queries_whatever_the_data(
    page, client, alice, sam, technical, world, settings
):
    settings.TICKETS_PER_PAGE = 2  # so that "page 2" is a deep page already
    bob = UserFactory()
    authenticator_for(bob)
    clients = {
        "anonymous": client,
        "customer": logged_in(alice),
        "staff": logged_in(sam),
        "customer with 2FA": logged_in(bob),
    }
    request(page, clients, world, technical)  # warm the caches, as a running server has
    small = request(page, clients, world, technical)
    grow(world, alice, sam, technical, rounds=6)
    large = request(page, clients, world, technical)
    who, method, expected = PAGES[page]
    assert len(small) == len(large) == expected, "\n".join(large)
    if method == "GET" and page not in OVER_BUDGET:
        assert expected - SECOND_FACTOR_QUERIES[who] <= READ_BUDGET
    if SECOND_FACTOR_QUERIES[who]:
        assert sum("otp_totp_totpdevice" in sql for sql in large) == 1
    else:
        assert not any("otp_" in sql or "twofactor" in sql for sql in large)


def test_the_active_statuses_of_the_queue_index_are_every_status_but_closed():
    # The queue index's condition (tickets/models.py) is written out before Ticket exists.
    assert ACTIVE_STATUSES == [s for s in Ticket.Status.values if s != Ticket.Status.CLOSED]

"""Fixtures of the security tests, on top of tests/conftest.py.

`world` is what an attacker would go after: alice's Technical Support ticket (sam's
department, not bill's) with a screenshot, a staff internal note with an attachment of its
own, its notification rows, and the admin objects around it. Every text in it carries a
marker, so a test can tell whether any of it leaks into a page it must not reach.
"""

from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from tests.factories import png_upload
from tickets import actions
from tickets.models import CannedResponse, Ticket
from tickets.uploads import check_upload

from . import figures

ALICE_SUBJECT = "Website alice-shop.co.id Error 500 SUBJECT-ALICE-7f3a"
ALICE_BODY = "My database password is in wp-config.php BODY-ALICE-7f3a"
ALICE_FILE = "screenshot-ALICE-7f3a.png"
NOTE_BODY = "Staff only: customer is on the old cluster NOTE-INTERNAL-7f3a"
NOTE_FILE = "diagram-NOTE-INTERNAL-7f3a.png"
CANNED_TITLE = "CANNED-TECH-7f3a"

# What a page shows when it shows alice's ticket, and what only staff may see.
ALICE_MARKERS = ["SUBJECT-ALICE-7f3a", "BODY-ALICE-7f3a", "screenshot-ALICE-7f3a", "alice-shop"]
STAFF_ONLY_MARKERS = ["NOTE-INTERNAL-7f3a"]


@dataclass
class World:
    ticket: Ticket
    attachment: object
    note_attachment: object
    notification: object
    canned: CannedResponse
    group: Group
    incident: object


_CLIENTS = {}


def logged_in(user, slot=0, **options):
    """A test client logged in as `user` (None: anonymous), with no other cookie.

    Clients are kept and reused, their cookies cleared: a new Client builds the whole
    middleware chain again (WhiteNoise indexes every static file), a tenth of a second
    that the hundreds of requests here would pay each time. `slot` tells apart clients
    that a test uses side by side.
    """
    key = (slot, tuple(sorted(options.items())))
    client = _CLIENTS.get(key)
    if client is None:
        client = _CLIENTS[key] = Client(**options)
    client.cookies = SimpleCookie()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(alice, bob, sam, bill, root, alice_hosting, bob_hosting, technical):
    ticket = actions.open_ticket(
        customer=alice,
        department=technical,
        service=alice_hosting,
        subject=ALICE_SUBJECT,
        body=ALICE_BODY,
        files=[check_upload(png_upload(ALICE_FILE))],
    )
    note = actions.add_reply(
        ticket=ticket,
        author=sam,
        body=NOTE_BODY,
        internal=True,
        files=[check_upload(png_upload(NOTE_FILE, color="green"))],
    )
    ticket.refresh_from_db()
    return World(
        ticket=ticket,
        attachment=ticket.messages.earliest("created_at").attachments.get(),
        note_attachment=note.attachments.get(),
        notification=ticket.notifications.order_by("id").first(),
        canned=CannedResponse.objects.create(
            title=CANNED_TITLE, body="We are on it.", department=technical
        ),
        group=Group.objects.create(name="Helpdesk leads"),
        incident=_incident(sam, ticket),
    )


def _incident(sam, ticket):
    """A network incident with alice's ticket linked to it."""
    from django.utils import timezone

    from network import actions as network_actions

    incident = network_actions.create_incident(
        by=sam,
        kind="incident",
        title="Outage of sg-web-03",
        impact="major",
        starts_at=timezone.now(),
        servers=["sg-web-03", "sg-web-04"],
        message="Looking into it.",
    )
    network_actions.link_tickets(incident=incident, tickets=[ticket], by=sam)
    return incident


def pytest_terminal_summary(terminalreporter):
    lines = figures.summary()
    if lines:
        terminalreporter.write_sep("-", "security figures")
        for line in lines:
            terminalreporter.write_line(line)

"""Who reaches what: every URL that takes an id, for every kind of user.

The object is alice's Technical Support ticket and everything around it (its files, a staff
internal note with a file, its notification rows, the admin objects). Each row of the
tables gives the exact answer each kind of user gets:

    ok           200, the page or file
    done         302 to a page of this site after the action was carried out
    login        302 to the Member Area login page
    admin-login  302 to the admin's login page
    to-change    302 from the admin's bare object URL to its change page (no data)
    403 / 404    refused; a 404 is the answer for an object that does not exist

Besides the status, no answer may carry data its user is not entitled to: alice's texts,
files, email and domain to anyone but alice and the department's staff; the internal note
to anyone but staff. Refused actions change nothing. A last test checks that the tables
cover every URL of the project that takes an id.
"""

import hashlib
import re
import uuid

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kb.models import Article, Category
from mailin.addresses import reply_address
from mailin.models import InboundMessage
from sla.models import BusinessCalendar, ExtraHoliday, Rating, Target
from tickets.models import Message, Ticket

from . import figures
from .conftest import ALICE_MARKERS, STAFF_ONLY_MARKERS, logged_in

pytestmark = pytest.mark.django_db

USERS = ["anonymous", "alice", "bob", "bill", "sam", "root"]
# Other tenants: a customer on another customer's object, staff of another department.
CROSS_TENANT = {"bob", "bill"}
ALICE_PRIVATE = [*ALICE_MARKERS, "alice@example.com", "Alice Wijaya"]


def row(*codes):
    assert len(codes) == len(USERS)
    return dict(zip(USERS, codes, strict=True))


# --- What each kind of user gets -------------------------------------------------------

CUSTOMER_PAGE = row("login", "ok", 404, 404, 404, 404)
CUSTOMER_FILE = row("login", "ok", 404, 404, "ok", "ok")
STAFF_ONLY_FILE = row("login", 404, 404, 404, "ok", "ok")
STAFF_PAGE = row("login", 403, 403, 404, "ok", "ok")
# Department-scoped admin (tickets, predefined replies): the department's staff and
# superusers; staff of another department get the 404 of a missing object.
SCOPED_ADMIN = row("admin-login", "admin-login", "admin-login", 404, "ok", "ok")
SCOPED_ADMIN_DELETE = row("admin-login", "admin-login", "admin-login", 404, 403, "ok")
# Admin of everything else: model permissions, which only the superuser has here.
SUPERUSER_ADMIN = row("admin-login", "admin-login", "admin-login", 403, 403, "ok")
BARE_ADMIN_URL = row("admin-login", "admin-login", "admin-login", *["to-change"] * 3)

# Network incidents concern every customer: every staff member handles them (the tickets
# linked to them stay scoped to their departments).
INCIDENT_STAFF_PAGE = row("login", 403, 403, "ok", "ok", "ok")
INCIDENT_STAFF_ACTION = row("login", 403, 403, "done", "done", "done")
INCIDENT_ADMIN = row("admin-login", "admin-login", "admin-login", "ok", "ok", "ok")
INCIDENT_ADMIN_DELETE = row("admin-login", "admin-login", "admin-login", 403, 403, "ok")

CUSTOMER_ACTION = row("login", "done", 404, 404, 404, 404)
STAFF_ACTION = row("login", 403, 403, 404, "done", "done")


def _admin_object_urls(name, obj_id, page, delete=None, extra=()):
    """The admin's URLs of one object: change, history, delete and the bare object URL."""
    base = f"/admin/{name}/{obj_id}"
    return [
        (f"admin {name} change", f"{base}/change/", page),
        (f"admin {name} history", f"{base}/history/", page),
        (f"admin {name} delete", f"{base}/delete/", delete or page),
        (f"admin {name} bare", f"{base}/", BARE_ADMIN_URL),
        *extra,
    ]


def held_mail(ticket):
    """A message held on the ticket (its sender is not the customer), for the held-mail
    review pages (mailin)."""
    raw = (
        f"From: <bob@example.com>\r\nTo: <{reply_address(ticket)}>\r\nSubject: Re: hello\r\n"
        "Message-ID: <held-1@example.com>\r\n\r\nForwarded detail.\r\n"
    ).encode()
    held, _created = InboundMessage.objects.get_or_create(
        sha256=hashlib.sha256(raw).hexdigest(),
        defaults={
            "source": "pipe",
            "raw": raw,
            "sender": "bob@example.com",
            "state": InboundMessage.State.HELD,
            "reason": InboundMessage.Reason.NOT_CUSTOMER,
            "ticket": ticket,
            "department_id": ticket.department_id,
        },
    )
    return held


def get_routes(world):
    """(label, url, expected) of every page that shows one object."""
    ticket, attachment, note_file = world.ticket, world.attachment, world.note_attachment
    alice = ticket.customer
    attempt = AccessAttempt.objects.create(
        username="alice@example.com",
        ip_address="203.0.113.9",
        user_agent="curl",
        failures_since_start=2,
    )
    log = AccessLog.objects.create(username="alice@example.com", ip_address="203.0.113.9")
    failure = AccessFailureLog.objects.create(
        username="alice@example.com", ip_address="203.0.113.9"
    )
    ticket_type = ContentType.objects.get_for_model(Ticket)
    category = Category.objects.create(slug="matrix", name="Matrix")
    members_only = Article.objects.create(
        category=category,
        slug="members-only",
        title="For customers",
        body="Logged-in customers only.",
        status=Article.Status.PUBLISHED,
        audience=Article.Audience.CUSTOMERS,
    )
    draft = Article.objects.create(
        category=category, slug="a-draft", title="Draft", body="Not yet.", status="draft"
    )
    calendar = BusinessCalendar.objects.first() or BusinessCalendar.objects.create()
    day_off = ExtraHoliday.objects.create(date="2026-12-24", name="Cuti bersama")
    target = Target.objects.filter(department=ticket.department).first()
    now = timezone.now()
    rating = Rating.objects.create(
        ticket=ticket,
        customer=alice,
        score="good",
        department=ticket.department,
        created_at=now,
        updated_at=now,
    )
    return [
        ("ticket page", reverse("tickets:detail", args=[ticket.number]), CUSTOMER_PAGE),
        ("attachment", reverse("tickets:attachment", args=[attachment.pk]), CUSTOMER_FILE),
        (
            "thumbnail",
            reverse("tickets:attachment_thumbnail", args=[attachment.pk]),
            CUSTOMER_FILE,
        ),
        (
            "internal note's attachment",
            reverse("tickets:attachment", args=[note_file.pk]),
            STAFF_ONLY_FILE,
        ),
        (
            "internal note's thumbnail",
            reverse("tickets:attachment_thumbnail", args=[note_file.pk]),
            STAFF_ONLY_FILE,
        ),
        ("staff ticket page", reverse("staff:ticket", args=[ticket.number]), STAFF_PAGE),
        ("staff queue", reverse("staff:queue", args=[ticket.department.slug]), STAFF_PAGE),
        (
            "held mail original",
            reverse("mailin:original", args=[held_mail(ticket).pk]),
            STAFF_PAGE,
        ),
        *_admin_object_urls("mailin/inboundmessage", held_mail(ticket).pk, SUPERUSER_ADMIN),
        *_admin_object_urls("tickets/ticket", ticket.pk, SCOPED_ADMIN, delete=SCOPED_ADMIN_DELETE),
        *_admin_object_urls(
            "tickets/cannedresponse", world.canned.pk, SCOPED_ADMIN, delete=SCOPED_ADMIN
        ),
        *_admin_object_urls("tickets/department", ticket.department_id, SUPERUSER_ADMIN),
        ("staff incident page", f"/staff/incidents/{world.incident.pk}/", INCIDENT_STAFF_PAGE),
        (
            "staff incident edit page",
            f"/staff/incidents/{world.incident.pk}/edit/",
            INCIDENT_STAFF_PAGE,
        ),
        *_admin_object_urls(
            "network/incident", world.incident.pk, INCIDENT_ADMIN, delete=INCIDENT_ADMIN_DELETE
        ),
        *_admin_object_urls(
            "network/incidentticket", world.incident.links.get().pk, SUPERUSER_ADMIN
        ),
        *_admin_object_urls("notifications/notification", world.notification.pk, SUPERUSER_ADMIN),
        *_admin_object_urls("services/service", ticket.service_id, SUPERUSER_ADMIN),
        *_admin_object_urls(
            "accounts/user",
            alice.pk,
            SUPERUSER_ADMIN,
            extra=[
                (
                    "admin accounts/user password",
                    f"/admin/accounts/user/{alice.pk}/password/",
                    SUPERUSER_ADMIN,
                )
            ],
        ),
        *_admin_object_urls("auth/group", world.group.pk, SUPERUSER_ADMIN),
        ("knowledgebase category", category.get_absolute_url(), row(*["ok"] * 6)),
        ("article for customers", members_only.get_absolute_url(), row(404, *["ok"] * 5)),
        # Staff preview drafts on the site.
        ("draft article", draft.get_absolute_url(), row(404, 404, 404, "ok", "ok", "ok")),
        *_admin_object_urls("kb/article", members_only.pk, SUPERUSER_ADMIN),
        *_admin_object_urls("kb/category", category.pk, SUPERUSER_ADMIN),
        *_admin_object_urls("sla/businesscalendar", calendar.pk, SUPERUSER_ADMIN),
        *_admin_object_urls("sla/extraholiday", day_off.pk, SUPERUSER_ADMIN),
        *_admin_object_urls("sla/target", target.pk, SUPERUSER_ADMIN),
        *_admin_object_urls("sla/rating", rating.pk, SUPERUSER_ADMIN),
        *_admin_object_urls("axes/accessattempt", attempt.pk, SUPERUSER_ADMIN),
        *_admin_object_urls("axes/accesslog", log.pk, SUPERUSER_ADMIN),
        *_admin_object_urls("axes/accessfailurelog", failure.pk, SUPERUSER_ADMIN),
        (
            "admin view on site",
            f"/admin/r/{ticket_type.pk}/{ticket.pk}/",
            row("admin-login", "admin-login", "admin-login", 404, "done", "done"),
        ),
        (
            "admin autocomplete of a service's owner",
            "/admin/autocomplete/?app_label=services&model_name=service&field_name=owner"
            "&term=alice",
            SUPERUSER_ADMIN,
        ),
    ]


def post_routes(world):
    """(label, url, data, expected, changed) of every action on one object. `changed(before,
    after)` tells whether the action was carried out, from two snapshots."""
    ticket = world.ticket
    number = ticket.number
    technical = ticket.department_id
    return {
        "customer reply": (
            reverse("tickets:reply", args=[number]),
            {"body": "One more detail.", "submission_token": str(uuid.uuid4())},
            CUSTOMER_ACTION,
        ),
        "customer close": (reverse("tickets:close", args=[number]), {}, CUSTOMER_ACTION),
        "staff reply": (
            reverse("staff:reply", args=[number]),
            {"body": "We are on it.", "submission_token": str(uuid.uuid4())},
            STAFF_ACTION,
        ),
        "staff update": (
            reverse("staff:update", args=[number]),
            {
                "status": Ticket.Status.ON_HOLD,
                "initial-status": ticket.status,
                "priority": ticket.priority,
                "initial-priority": ticket.priority,
                "department": technical,
                "initial-department": technical,
                "assignee": "",
                "initial-assignee": "",
            },
            STAFF_ACTION,
        ),
        "staff assign to me": (reverse("staff:assign_to_me", args=[number]), {}, STAFF_ACTION),
        "held mail approve": (
            reverse("mailin:approve", args=[held_mail(ticket).pk]),
            {},
            STAFF_ACTION,
        ),
        "held mail discard": (
            reverse("mailin:discard", args=[held_mail(ticket).pk]),
            {},
            STAFF_ACTION,
        ),
    }


# --- Checking one answer ---------------------------------------------------------------


def _foreign_markers(user_kind):
    if user_kind in ("sam", "root"):
        return []
    if user_kind == "alice":
        return STAFF_ONLY_MARKERS
    return ALICE_PRIVATE + STAFF_ONLY_MARKERS


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _outcome(response):
    """The answer in the tables' words."""
    status = response.status_code
    if status == 200:
        return "ok"
    if status == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/?next="):
            return "login"
        if location.startswith("/admin/login/?next="):
            return "admin-login"
        if re.fullmatch(r"/admin/[a-z_]+/[a-z_]+/\d+/change/", location):
            return "to-change"
        if location.startswith("/") and not location.startswith("//"):
            return "done"
        return f"302 to {location}"
    return status


def _check(user_kind, label, response, expected):
    """Problems with one answer (an empty list when it is right)."""
    problems = []
    outcome = _outcome(response)
    if outcome != expected:
        problems.append(f"{label} as {user_kind}: expected {expected}, got {outcome}")
    body = _body(response)
    location = response.get("Location", "")
    for marker in _foreign_markers(user_kind):
        if marker.encode() in body or marker in location:
            problems.append(f"{label} as {user_kind}: leaks {marker!r}")
    figures.add("matrix_requests")
    entitled = expected in ("ok", "done")
    figures.add("matrix_successes", 0)
    if not entitled:
        figures.add("matrix_unentitled")
        if user_kind in CROSS_TENANT:
            figures.add("matrix_cross_tenant")
        if outcome in ("ok", "done") or problems:
            figures.add("matrix_successes")
    return problems


# --- The tests -------------------------------------------------------------------------

GET_LABELS = [
    "ticket page",
    "attachment",
    "thumbnail",
    "internal note's attachment",
    "internal note's thumbnail",
    "staff ticket page",
    "staff queue",
    "held mail original",
    "staff incident page",
    "staff incident edit page",
    *[
        f"admin {name} {page}"
        for name in [
            "tickets/ticket",
            "tickets/cannedresponse",
            "tickets/department",
            "network/incident",
            "network/incidentticket",
            "notifications/notification",
            "services/service",
            "accounts/user",
            "auth/group",
            "axes/accessattempt",
            "axes/accesslog",
            "axes/accessfailurelog",
            "mailin/inboundmessage",
            "kb/article",
            "kb/category",
            "sla/businesscalendar",
            "sla/extraholiday",
            "sla/target",
            "sla/rating",
        ]
        for page in ["change", "history", "delete", "bare"]
    ],
    "knowledgebase category",
    "article for customers",
    "draft article",
    "admin accounts/user password",
    "admin view on site",
    "admin autocomplete of a service's owner",
]


@pytest.fixture
def users(alice, bob, bill, sam, root):
    return {"anonymous": None, "alice": alice, "bob": bob, "bill": bill, "sam": sam, "root": root}


def test_the_table_of_pages_lists_each_page_once(world):
    assert sorted(label for label, _url, _expected in get_routes(world)) == sorted(GET_LABELS)


@pytest.mark.parametrize("label", GET_LABELS)
def test_each_kind_of_user_gets_exactly_its_answer_on_every_page_of_an_object(world, users, label):
    url, expected = next((u, e) for lab, u, e in get_routes(world) if lab == label)
    problems = []
    for kind, user in users.items():
        response = logged_in(user).get(url)
        problems += _check(kind, label, response, expected[kind])
    assert problems == []


def test_pages_that_answer_ok_show_the_object_itself(world, users):
    """The "ok" answers are the real thing, not an empty page that happens to be a 200."""
    alice, sam = logged_in(users["alice"]), logged_in(users["sam"], slot=1)
    ticket = world.ticket
    page = alice.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "SUBJECT-ALICE-7f3a" in page and "BODY-ALICE-7f3a" in page
    assert "NOTE-INTERNAL-7f3a" not in page
    staff_page = sam.get(reverse("staff:ticket", args=[ticket.number])).content.decode()
    assert "NOTE-INTERNAL-7f3a" in staff_page
    with world.attachment.file.open("rb") as stored:
        expected = stored.read()
    download = alice.get(reverse("tickets:attachment", args=[world.attachment.pk]))
    assert b"".join(download.streaming_content) == expected


def snapshot(ticket):
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.assignee_id,
        ticket.department_id,
        Message.objects.filter(ticket=ticket).count(),
        ticket.events.count(),
        ticket.notifications.count(),
        list(InboundMessage.objects.filter(ticket=ticket).values_list("state", flat=True)),
    )


@pytest.mark.parametrize("user_kind", USERS)
@pytest.mark.parametrize(
    "label",
    [
        "customer reply",
        "customer close",
        "staff reply",
        "staff update",
        "staff assign to me",
        "held mail approve",
        "held mail discard",
    ],
)
def test_each_kind_of_user_gets_exactly_its_answer_on_every_action_on_an_object(
    world, users, label, user_kind
):
    url, data, expected = post_routes(world)[label]
    before = snapshot(world.ticket)
    response = logged_in(users[user_kind]).post(url, data)
    assert _check(user_kind, label, response, expected[user_kind]) == []
    after = snapshot(world.ticket)
    if expected[user_kind] == "done":
        assert after != before, f"{label} as {user_kind} changed nothing"
    else:
        assert after == before, f"{label} as {user_kind} changed the ticket"


def incident_routes(world):
    """(url, data, expected) of the actions on an incident."""
    incident = world.incident
    server = incident.servers.get(hostname="sg-web-04")
    number = world.ticket.number
    return {
        "incident update": (
            f"/staff/incidents/{incident.pk}/updates/",
            {"state": "monitoring", "body": "A fix is in place."},
            INCIDENT_STAFF_ACTION,
        ),
        "incident server recovered": (
            f"/staff/incidents/{incident.pk}/servers/{server.pk}/recovered/",
            {},
            INCIDENT_STAFF_ACTION,
        ),
        # Alice's ticket is Technical Support's: bill's answer is the 404 of a missing one.
        "incident unlink": (
            f"/staff/incidents/{incident.pk}/unlink/{number}/",
            {},
            row("login", 403, 403, 404, "done", "done"),
        ),
    }


def incident_snapshot(incident):
    incident.refresh_from_db()
    return (
        incident.state,
        incident.updates.count(),
        incident.links.count(),
        incident.servers.filter(recovered_at__isnull=True).count(),
    )


@pytest.mark.parametrize("user_kind", USERS)
@pytest.mark.parametrize(
    "label", ["incident update", "incident server recovered", "incident unlink"]
)
def test_each_kind_of_user_gets_exactly_its_answer_on_every_action_on_an_incident(
    world, users, label, user_kind
):
    url, data, expected = incident_routes(world)[label]
    before = incident_snapshot(world.incident)
    response = logged_in(users[user_kind]).post(url, data)
    assert _check(user_kind, label, response, expected[user_kind]) == []
    after = incident_snapshot(world.incident)
    if expected[user_kind] == "done":
        assert after != before, f"{label} as {user_kind} changed nothing"
    else:
        assert after == before, f"{label} as {user_kind} changed the incident"


# Parameterised URLs that are not about one tenant's object, and why.
NOT_AN_OBJECT = {
    # A department's public slug: any customer may open a ticket in any active department
    # (tests/tickets/test_choose_department.py covers inactive and unknown ones).
    "support/tickets/new/<slug:slug>/",
    # Signed, expiring one-time links (tests/accounts/test_password_reset.py).
    "accounts/password-reset/<uidb64>/<token>/",
    # Votes and "This solved my problem" on an article: tests/kb/test_helpful.py and
    # tests/kb/test_suggestions.py (a draft or another audience's article is a 404, a
    # visitor is sent to the login page, nothing is counted).
    "support/kb/article/<slug:slug>/vote/",
    "support/kb/article/<slug:slug>/solved/",
    # Signed, expiring links of the satisfaction and staff reply emails, which work without
    # logging in; tampered, foreign and expired ones are refused in
    # tests/sla/test_satisfaction.py and tests/sla/test_close_link.py.
    "support/feedback/<str:token>/",
    "support/close/<str:token>/",
    # The admin's catch-all: no object.
    "admin/(?P<url>.*)$",
}
# The admin's index of one app (its pattern lists the installed apps): no object.
APP_INDEX = "admin/^(?P<app_label>"


def _parameterised_routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _parameterised_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and ("<" in route or "(?P" in route):
            yield route


def _matches(route, url):
    regex = re.escape(route.lstrip("^"))
    regex = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "[^?]+", regex)
    return re.fullmatch(regex, url.split("?")[0].lstrip("/")) is not None


def test_the_tables_cover_every_url_of_the_project_that_takes_an_id(world):
    urls = [url for _label, url, _expected in get_routes(world)]
    urls += [url for url, _data, _expected in post_routes(world).values()]
    urls += [url for url, _data, _expected in incident_routes(world).values()]
    uncovered = [
        route
        for route in _parameterised_routes()
        if route not in NOT_AN_OBJECT
        and not route.startswith(APP_INDEX)
        and not any(_matches(route, url) for url in urls)
    ]
    assert uncovered == []

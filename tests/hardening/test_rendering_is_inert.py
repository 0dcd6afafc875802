"""What people type is stored as typed and shown as text, never as markup, on every surface.

Each payload goes everywhere at once, through the real forms and actions: the customer's
name, the related service, the department's name, the ticket's subject, the first message,
an attachment's name, a staff reply. Then every surface that shows them is read: the
customer's pages, the staff pages, the admin, the HTML and text emails of every event.
On an HTML surface the payload must appear escaped and nothing it holds may have become a
tag, an attribute, a script or a `javascript:` link. In a text email it must appear exactly
as typed (escaping there would garble it) and template syntax must stay text.
"""

import html
import re
import uuid
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from notifications.emails import build_email
from notifications.models import Notification
from tests.factories import ServiceFactory
from tests.hardening.http import post_files
from tickets import actions
from tickets.emails import TicketEmail
from tickets.models import Ticket
from tickets.uploads import clean_filename

PAYLOADS = [
    ("script tag", "<script>alert(1)</script>"),
    ("attribute breakout", '"><img src=x onerror=alert(1)>'),
    ("single-quote breakout", "'-alert(1)-'' onmouseover='alert(1)"),
    ("textarea breakout", "</textarea><script>alert(1)</script>"),
    ("title breakout", "</title><script>alert(1)</script>"),
    ("svg onload", "<svg onload=alert(1)>"),
    ("javascript url", "javascript:alert(1)"),
    ("javascript link", '<a href="javascript:alert(1)">click</a>'),
    ("quote in a link", 'https://example.com/x"onmouseover="alert(1)'),
    ("template variable", "{{ 7*7 }}"),
    ("template tag", "{% debug %}"),
    ("pre-escaped text", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("style block", "<style>body{display:none}</style>"),
    ("html comment", "<!-- hidden"),
    ("bidi override", "invoice\u202efdp.exe"),
]

HTML_SURFACES = [
    "customer dashboard",
    "customer ticket list",
    "customer ticket page",
    "open-ticket form shown again",
    "reply form shown again",
    "staff queue",
    "staff ticket page",
    "admin ticket list",
    "admin ticket page",
]
EMAIL_EVENTS = [event for event, _label in TicketEmail.choices]
SURFACES = (
    HTML_SURFACES
    + [f"html email: {event}" for event in EMAIL_EVENTS]
    + [f"text email: {event}" for event in EMAIL_EVENTS]
)
# The figures SECURITY.md quotes: payloads x surfaces tried, unescaped outputs.
TRIED = len(PAYLOADS) * len(SURFACES)


class _Injected(HTMLParser):
    """Collects what in a page could only come from injected markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.in_script = self.in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> event handler")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                if re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                    self.found.append(f"<{tag} {name}={value!r}> javascript: URL")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")
        self.in_script = tag == "script"
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_script = self.in_style = False

    def handle_data(self, data):
        if self.in_script and "alert(" in data:
            self.found.append("<script> running alert()")
        if self.in_style and "display:none" in data:
            self.found.append("<style> from the page's text")

    def handle_comment(self, data):
        if "hidden" in data:
            self.found.append("an HTML comment opened by the text")


def _html_problems(page, payload):
    problems = []
    parser = _Injected()
    parser.feed(page)
    problems += parser.found
    if any(ch in payload for ch in "<>\"'&") and payload in page:
        problems.append("the payload appears unescaped")
    if html.escape(payload) not in page and html.escape(payload, quote=False) not in page:
        problems.append("the payload is not shown (escaped) at all")
    return problems


def _text_problems(text, payload):
    problems = []
    if payload not in text:
        problems.append("the payload is not shown as typed")
    return problems


@pytest.fixture
def staged(request, alice, sam, root, technical):
    """A ticket whose every typed field holds the payload, and clients to look at it."""
    payload = request.param
    alice.name = payload
    alice.save(update_fields=["name"])
    technical.name = payload
    technical.save(update_fields=["name"])
    service = ServiceFactory(owner=alice, product_name=payload, domain="alice-shop.co.id")

    customer = Client()
    customer.force_login(alice)
    fields = {
        "subject": payload,
        "service": str(service.pk),
        "priority": "high",
        "body": payload,
        "submission_token": str(uuid.uuid4()),
    }
    url = reverse("tickets:open_form", args=[technical.slug])
    response = post_files(customer, url, fields, [("attachments", f"{payload}.txt", b"log\n")])
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = Ticket.objects.get(customer=alice)
    message = ticket.messages.get()
    attachment = message.attachments.get()
    # Stored as typed: the database holds exactly what was sent.
    assert (ticket.subject, message.body) == (payload, payload)
    # Browsers send some names HTML-encoded; Django decodes them and keeps the last path
    # component, then the name is cleaned (tickets.uploads.clean_filename).
    sent = html.unescape(f"{payload}.txt").replace("\\", "/").split("/")[-1]
    assert attachment.original_name == clean_filename(sent)

    actions.add_reply(ticket=ticket, author=sam, body=payload)
    actions.add_reply(ticket=ticket, author=alice, body=payload)
    staff, admin = Client(), Client()
    staff.force_login(sam)
    admin.force_login(root)
    return payload, ticket, customer, staff, admin


def _html_surfaces(payload, ticket, customer, staff, admin):
    open_url = reverse("tickets:open_form", args=[ticket.department.slug])
    again = customer.post(
        open_url, {"subject": payload, "body": payload, "priority": "urgent", "service": ""}
    )
    assert again.status_code in (400, 429)
    reply_again = post_files(
        customer,
        reverse("tickets:reply", args=[ticket.number]),
        {"body": payload},
        [("attachments", "x.svg", b"<svg/>")],
    )
    assert reply_again.status_code in (400, 429)
    responses = {
        "customer dashboard": customer.get(reverse("dashboard")),
        "customer ticket list": customer.get(reverse("tickets:list")),
        "customer ticket page": customer.get(ticket.get_absolute_url()),
        "open-ticket form shown again": again,
        "reply form shown again": reply_again,
        "staff queue": staff.get(reverse("staff:queue", args=[ticket.department.slug])),
        "staff ticket page": staff.get(ticket.get_staff_url()),
        "admin ticket list": admin.get(reverse("admin:tickets_ticket_changelist")),
        "admin ticket page": admin.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])),
    }
    for name, response in responses.items():
        if response.status_code not in (200, 400, 429):
            raise AssertionError(f"{name}: status {response.status_code}")
        yield name, response.content.decode()


def _emails(ticket, alice, sam):
    message = ticket.messages.order_by("pk").first()
    for event in EMAIL_EVENTS:
        staff_event = event in ("staff_new_ticket", "customer_reply", "ticket_moved")
        row = Notification.objects.create(
            event=event,
            recipient=sam if staff_event else alice,
            ticket=ticket,
            message=None if event in ("ticket_closed", "ticket_moved") else message,
        )
        email = build_email(row)
        (html_body, mimetype) = email.alternatives[0]
        assert mimetype == "text/html"
        yield event, html_body, email.body


@pytest.mark.parametrize(
    "staged", [p for _id, p in PAYLOADS], ids=[i for i, _p in PAYLOADS], indirect=True
)
def test_typed_text_is_stored_as_typed_and_shown_inert_everywhere(staged, alice, sam):
    payload, ticket, customer, staff, admin = staged
    problems, tried = {}, 0
    for surface, page in _html_surfaces(payload, ticket, customer, staff, admin):
        tried += 1
        found = _html_problems(page, payload)
        if found:
            problems[surface] = found
    for event, html_body, text_body in _emails(ticket, alice, sam):
        tried += 2
        found = _html_problems(html_body, payload)
        if found:
            problems[f"html email: {event}"] = found
        found = _text_problems(text_body, payload)
        if found:
            problems[f"text email: {event}"] = found
    assert tried == len(SURFACES)
    unescaped = len(problems)
    assert unescaped == 0, problems

"""Every Member Area page needs a logged-in user; the anonymous visitor goes to login."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.tickets.helpers import open_ticket

LOGIN = reverse("accounts:login")


def test_anonymous_visitor_of_home_reaches_the_login_page(client, db):
    response = client.get("/", follow=True)
    assert response.redirect_chain == [(f"{LOGIN}?next=/", 302)]
    assert response.status_code == 200
    assert "Email Address" in response.content.decode()


@pytest.fixture
def member_area_pages(alice, technical):
    ticket = open_ticket(alice, technical)
    return [
        ("get", reverse("dashboard")),
        ("get", reverse("tickets:list")),
        ("get", reverse("tickets:list") + "?status=closed"),
        ("get", reverse("tickets:open")),
        ("get", reverse("tickets:open_form", args=["technical-support"])),
        ("post", reverse("tickets:open_form", args=["technical-support"])),
        ("get", reverse("tickets:detail", args=[ticket.number])),
        ("post", reverse("tickets:reply", args=[ticket.number])),
        ("post", reverse("tickets:close", args=[ticket.number])),
        ("get", reverse("tickets:attachment", args=[1])),
        ("get", reverse("tickets:attachment_thumbnail", args=[1])),
    ]


def test_every_member_area_page_sends_the_anonymous_visitor_to_login(client, member_area_pages):
    for method, url in member_area_pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        path = url.split("?")[0]
        assert response.url.startswith(f"{LOGIN}?next={quote(path)}"), (method, url)


def test_anonymous_posts_change_nothing(client, member_area_pages, alice):
    from tickets.models import Message, Ticket

    for method, url in member_area_pages:
        if method == "post":
            client.post(url, {"body": "Hello", "subject": "Hi", "priority": "low"})
    ticket = Ticket.objects.get()
    assert ticket.status == Ticket.Status.OPEN
    assert Message.objects.count() == 1

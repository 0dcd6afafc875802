"""Predefined replies on the staff ticket page: the department's and the global ones,
with their placeholders filled in, inserted into the reply box."""

import re
from html import unescape

import pytest

from tests.staff.pages import logged_in

pytestmark = pytest.mark.django_db


def offered(html):
    """{title: body} of the predefined-reply select."""
    return {
        unescape(title.strip()).split(" (all departments)")[0]: unescape(body)
        for body, title in re.findall(r'<option value="\d+" data-body="([^"]*)">([^<]*)<', html)
    }


def test_the_department_and_global_replies_are_offered(sam, alice_ticket, canned):
    html = logged_in(sam).get(f"/staff/tickets/{alice_ticket.number}/").content.decode()
    choices = offered(html)
    assert sorted(choices) == ["Error 500 fixed", "Thanks, looking into it"]
    assert choices["Thanks, looking into it"] == (
        f"Hello Alice, we are looking into #{alice_ticket.number}. Sam Support"
    )
    assert 'src="/static/js/staff.js"' in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_billing_staff_get_the_billing_replies(bill, alice_billing_ticket, canned):
    client = logged_in(bill)
    html = client.get(f"/staff/tickets/{alice_billing_ticket.number}/").content.decode()
    assert sorted(offered(html)) == ["Payment received", "Thanks, looking into it"]


def test_insert_without_javascript_fills_the_box_and_sends_nothing(sam, alice_ticket, canned):
    last = alice_ticket.messages.latest("pk")
    response = logged_in(sam).post(
        f"/staff/tickets/{alice_ticket.number}/reply/",
        {
            "action": "insert",
            "canned": canned["technical"].pk,
            "body": "Hello Alice,",
            "last_seen": last.pk,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    textarea = html.split('name="body"', 1)[1].split("</textarea>", 1)[0]
    assert "Hello Alice,\n\nWe raised the PHP memory limit." in unescape(textarea)
    assert alice_ticket.messages.count() == 1


def test_another_departments_reply_cannot_be_inserted(sam, alice_ticket, canned):
    last = alice_ticket.messages.latest("pk")
    response = logged_in(sam).post(
        f"/staff/tickets/{alice_ticket.number}/reply/",
        {"action": "insert", "canned": canned["billing"].pk, "body": "", "last_seen": last.pk},
    )
    assert "Your payment has arrived." not in response.content.decode()


def test_the_page_has_no_insert_control_without_replies(sam, alice_ticket):
    html = logged_in(sam).get(f"/staff/tickets/{alice_ticket.number}/").content.decode()
    assert "data-canned" not in html

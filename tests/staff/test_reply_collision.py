"""Two staff replying at once: both replies are kept, and the second one is told that a
post arrived while they were writing (the page marks it New)."""

import pytest

from tests.staff.pages import logged_in
from tickets import actions

pytestmark = pytest.mark.django_db


def test_both_replies_are_kept_and_the_second_writer_is_told(sam, tess, alice_ticket):
    sam_client, tess_client = logged_in(sam), logged_in(tess)
    # Both open the page: the form remembers the last post each of them saw.
    seen = alice_ticket.messages.latest("pk").pk
    url = f"/staff/tickets/{alice_ticket.number}/reply/"

    first = sam_client.post(url, {"body": "Sam's answer.", "last_seen": seen}, follow=True)
    assert "While you were writing" not in first.content.decode()

    second = tess_client.post(url, {"body": "Tess's answer.", "last_seen": seen}, follow=True)
    html = second.content.decode()
    assert "While you were writing, 1 new post(s) arrived" in html
    assert "Sam Support" in html
    assert list(alice_ticket.messages.values_list("body", flat=True)) == [
        "The website shows Error 500 since this morning.",
        "Sam's answer.",
        "Tess's answer.",
    ]
    sams = alice_ticket.messages.get(body="Sam's answer.")
    article = html.split(f'id="message-{sams.pk}"', 1)[1].split("</article>", 1)[0]
    assert "data-new" in article
    tess_own = alice_ticket.messages.get(body="Tess's answer.")
    article = html.split(f'id="message-{tess_own.pk}"', 1)[1].split("</article>", 1)[0]
    assert "data-new" not in article


def test_a_customer_reply_while_writing_is_a_collision_too(sam, alice, alice_ticket):
    seen = alice_ticket.messages.latest("pk").pk
    actions.add_reply(ticket=alice_ticket, author=alice, body="Also, email is down.")
    response = logged_in(sam).post(
        f"/staff/tickets/{alice_ticket.number}/reply/",
        {"body": "Fixed the website.", "last_seen": seen},
        follow=True,
    )
    assert "Alice Wijaya" in response.content.decode().split("While you were writing", 1)[1]


def test_no_notice_when_nothing_arrived(sam, alice_ticket):
    seen = alice_ticket.messages.latest("pk").pk
    response = logged_in(sam).post(
        f"/staff/tickets/{alice_ticket.number}/reply/",
        {"body": "Answer.", "last_seen": seen},
        follow=True,
    )
    html = response.content.decode()
    assert "Reply sent to the customer." in html
    assert "While you were writing" not in html

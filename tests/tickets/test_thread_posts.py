"""tickets.threads.thread_posts: the thread's posts read by SQL compiled once per process."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import png_upload
from tickets import actions
from tickets.models import Message
from tickets.threads import _posts_sql, events_of, thread_posts, ticket_with_events
from tickets.uploads import check_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(alice, sam, technical):
    ticket = actions.open_ticket(
        customer=alice, department=technical, subject="Website slow", body="Since Monday."
    )
    actions.add_reply(ticket=ticket, author=sam, body="Checking the logs.", internal=True)
    actions.add_reply(ticket=ticket, author=sam, body="Fixed, please check.")
    actions.add_reply(
        ticket=ticket, author=alice, body="A screenshot", files=[check_upload(png_upload())]
    )
    other = actions.open_ticket(
        customer=alice, department=technical, subject="Another one", body="Not this."
    )
    return ticket, other


@pytest.mark.parametrize("internal", [True, False])
def test_the_posts_are_the_ticket_s_own_oldest_first_with_their_files_and_authors(thread, internal):
    ticket, _other = thread
    expected = Message.objects.filter(ticket=ticket).order_by("created_at", "id")
    if not internal:
        expected = expected.exclude(is_internal=True)
    posts = thread_posts(ticket, internal=internal)
    assert [p.pk for p in posts] == [m.pk for m in expected]
    for post, message in zip(posts, expected, strict=True):
        assert (post.body, post.created_at, post.is_internal) == (
            message.body,
            message.created_at,
            message.is_internal,
        )
        assert post.author.pk == message.author.pk
        assert post.author.display_name == message.author.display_name
        assert post.author.name_for_customers == message.author.name_for_customers
        assert [(f.pk, f.original_name, f.size) for f in post.files] == [
            (a.pk, a.original_name, a.size) for a in message.attachments.order_by("id")
        ]
    assert any(post.files for post in posts)
    assert internal == any(post.is_internal for post in posts)


def test_each_view_runs_the_compiled_sql_in_one_query(thread):
    ticket, other = thread
    thread_posts(ticket, internal=True)
    compiled = _posts_sql.cache_info().currsize
    with CaptureQueriesContext(connection) as queries:
        first = thread_posts(ticket, internal=True)
        second = thread_posts(other, internal=True)
    assert len(queries) == 2
    assert _posts_sql.cache_info().currsize == compiled
    assert {p.ticket_id for p in first} == {ticket.pk}
    assert [p.body for p in second] == ["Not this."]


def test_the_ticket_comes_with_its_events_customer_and_last_replier(thread, sam):
    ticket, other = thread
    actions.update_ticket(ticket=ticket, by=sam, priority="high")
    found = ticket_with_events(ticket.pk)
    ticket.refresh_from_db()
    assert (found.pk, found.number, found.status, found.department_id) == (
        ticket.pk,
        ticket.number,
        ticket.status,
        ticket.department_id,
    )
    assert (found.customer.pk, str(found.customer)) == (ticket.customer.pk, str(ticket.customer))
    assert found.last_reply_by.display_name == ticket.last_reply_by.display_name
    expected = list(ticket.events.order_by("created_at", "id"))
    assert [(e.pk, e.field, e.old_value, e.new_value, e.actor_id) for e in events_of(found)] == [
        (e.pk, e.field, e.old_value, e.new_value, e.actor_id) for e in expected
    ]
    assert expected
    assert ticket_with_events(other.pk).pk == other.pk
    assert ticket_with_events(10**17) is None

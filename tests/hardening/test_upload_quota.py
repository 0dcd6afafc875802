"""Each customer's own uploads have a storage quota (TICKET_CUSTOMER_QUOTA_BYTES): files that
would pass it are refused, on a new ticket and on a reply, and nothing is stored."""

import html
import uuid

from django.test import override_settings
from django.urls import reverse

from tests.factories import text_upload
from tests.hardening.http import media_files, post_files, row_counts
from tests.tickets.helpers import checked, open_ticket
from tickets import actions

QUOTA_TEXT = "would take your attachments past your storage limit of 1000\xa0bytes"


def _open_fields():
    return {
        "subject": "Website down",
        "priority": "high",
        "body": "Logs attached.",
        "submission_token": str(uuid.uuid4()),
    }


@override_settings(TICKET_CUSTOMER_QUOTA_BYTES=1000)
def test_files_past_the_quota_are_refused_on_a_new_ticket(alice_client, alice, technical):
    open_ticket(alice, technical, files=[checked(text_upload("a.log", b"a" * 600))])
    before, media_before = row_counts(), media_files()
    url = reverse("tickets:open_form", args=[technical.slug])
    response = post_files(alice_client, url, _open_fields(), [("attachments", "b.log", b"b" * 500)])
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert QUOTA_TEXT in page and "(600\xa0bytes used)" in page
    assert row_counts() == before and media_files() == media_before


@override_settings(TICKET_CUSTOMER_QUOTA_BYTES=1000)
def test_files_past_the_quota_are_refused_on_a_reply(alice_client, alice, technical):
    ticket = open_ticket(alice, technical, files=[checked(text_upload("a.log", b"a" * 600))])
    before, media_before = row_counts(), media_files()
    url = reverse("tickets:reply", args=[ticket.number])
    fields = {"body": "More logs.", "submission_token": str(uuid.uuid4())}
    response = post_files(alice_client, url, fields, [("attachments", "b.log", b"b" * 500)])
    assert response.status_code == 400
    assert QUOTA_TEXT in html.unescape(response.content.decode())
    assert row_counts() == before and media_files() == media_before


@override_settings(TICKET_CUSTOMER_QUOTA_BYTES=1000)
def test_files_within_the_quota_are_kept_and_others_do_not_count(
    alice_client, alice, bob, sam, technical
):
    # Bob's files and the files staff send Alice do not take from Alice's quota.
    open_ticket(bob, technical, files=[checked(text_upload("bob.log", b"x" * 900))])
    ticket = open_ticket(alice, technical, files=[checked(text_upload("a.log", b"a" * 400))])
    actions.add_reply(
        ticket=ticket,
        author=sam,
        body="See the fix.",
        files=[checked(text_upload("fix.txt", b"s" * 900))],
    )
    url = reverse("tickets:reply", args=[ticket.number])
    fields = {"body": "More logs.", "submission_token": str(uuid.uuid4())}
    response = post_files(alice_client, url, fields, [("attachments", "b.log", b"b" * 600)])
    assert response.status_code == 302
    assert ticket.messages.latest("pk").attachments.get().size == 600

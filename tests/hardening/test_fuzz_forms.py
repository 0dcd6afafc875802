"""Hypothesis drives the open-ticket and reply forms with arbitrary text, sizes, extra fields
and files (good ones, broken ones, random bytes under any name). Whatever arrives, the answer
is never a server error, and either the whole post is stored (ticket or reply, message,
every file, the notification rows) or nothing at all is."""

import io
import uuid
import zipfile

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from tests.factories import ServiceFactory, png_bytes
from tests.hardening.http import media_files, post_files, row_counts
from tests.tickets.helpers import HTML, open_ticket
from tickets.models import Attachment, Ticket


def _zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("error.log", "Fatal error\n")
    return buffer.getvalue()


GOOD = {
    ".png": png_bytes(),
    ".txt": b"PHP Fatal error: Allowed memory size exhausted\n",
    ".pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n",
    ".zip": _zip(),
}
EXTENSIONS = [*GOOD, ".log", ".jpg", ".gif", ".webp", ".svg", ".html", ".exe", "", ".PNG"]

# Text of any kind and size: short random unicode (control and bidi characters, NUL,
# surrogate-free), or one character repeated up to past the 50,000-character limit.
texts = st.one_of(
    st.text(min_size=1, max_size=300),
    st.text(max_size=300),
    st.builds(lambda char, size: char * size, st.characters(), st.integers(0, 51_000)),
    st.sampled_from(["", " ", "\r\n", "<script>alert(1)</script>", "{{ 7*7 }}", "\x00"]),
)
contents = st.one_of(
    st.sampled_from(list(GOOD.values())),
    st.binary(max_size=2048),
    st.builds(lambda good, tail: good + tail, st.sampled_from(list(GOOD.values())), st.binary()),
    st.builds(
        lambda good, cut: good[:cut], st.sampled_from(list(GOOD.values())), st.integers(0, 200)
    ),
    st.just(png_bytes() + HTML),
)
any_file = st.tuples(st.text(max_size=40), st.sampled_from(EXTENSIONS), contents).map(
    lambda f: ("attachments", f[0] + f[1], f[2])
)
# A file a customer would really send: any name, a good extension and matching content.
good_file = st.tuples(st.text(min_size=1, max_size=40), st.sampled_from(list(GOOD))).map(
    lambda f: ("attachments", f[0] + f[1], GOOD[f[1]])
)
files = st.one_of(
    st.lists(good_file, max_size=5),
    st.lists(st.one_of(good_file, any_file), max_size=7),
)
tokens = st.one_of(st.just(None), st.just("fresh"), st.text(max_size=40))
# Fields that are not on the customer's forms: they must change nothing.
extras = st.dictionaries(
    st.sampled_from(["status", "assignee", "customer", "department", "is_internal", "number"]),
    st.text(max_size=20),
    max_size=3,
)

NO_FLOOD_LIMITS = override_settings(TICKET_RATE_LIMIT="", TICKET_REPLY_RATE_LIMIT="")


def _outcome(response, before, media_before, sent_files):
    # A file part with an empty name is no file (browsers send one when nothing was
    # chosen): Django's parser drops it.
    sent_files = [part for part in sent_files if part[1]]
    assert response.status_code < 500, response.content[:3000]
    after = row_counts()
    event(f"status {response.status_code}, {len(sent_files)} file(s)")
    if response.status_code != 302:
        assert after == before, "a refused post stores nothing"
        assert media_files() == media_before, "a refused post writes no file"
        return None
    assert after["Message"] == before["Message"] + 1
    assert after["Attachment"] == before["Attachment"] + len(sent_files)
    assert after["Notification"] > before["Notification"]
    new = Attachment.objects.order_by("-pk")[: len(sent_files)]
    stored = {a.file.path for a in new} | {a.thumbnail.path for a in new if a.thumbnail}
    assert {str(p) for p in media_files() - media_before} == stored
    return after


@pytest.fixture
def alices_service(alice):
    return ServiceFactory(owner=alice, domain="alice-shop.co.id")


@NO_FLOOD_LIMITS
@given(
    subject=texts,
    body=texts,
    priority=st.one_of(st.sampled_from(["low", "medium", "high"]), st.text(max_size=10)),
    service=st.one_of(st.sampled_from(["own", ""]), st.text(max_size=10)),
    token=tokens,
    attached=files,
    extra=extras,
)
def test_the_open_ticket_form_never_fails_and_never_stores_half(
    alice_client,
    alice,
    alices_service,
    technical,
    subject,
    body,
    priority,
    service,
    token,
    attached,
    extra,
):
    fields = {**extra, "subject": subject, "body": body, "priority": priority}
    fields["service"] = str(alices_service.pk) if service == "own" else service
    if token is not None:
        fields["submission_token"] = str(uuid.uuid4()) if token == "fresh" else token
    before, media_before = row_counts(), media_files()
    tickets_before = set(Ticket.objects.values_list("pk", flat=True))
    url = reverse("tickets:open_form", args=[technical.slug])
    response = post_files(alice_client, url, fields, attached)
    after = _outcome(response, before, media_before, attached)
    if after is not None:
        assert after["Ticket"] == before["Ticket"] + 1
        (ticket,) = Ticket.objects.exclude(pk__in=tickets_before)
        assert ticket.customer == alice and ticket.department == technical
        assert ticket.status == Ticket.Status.OPEN and ticket.assignee is None
        assert ticket.messages.get().attachments.count() == len(
            [part for part in attached if part[1]]
        )


@NO_FLOOD_LIMITS
@given(body=texts, token=tokens, attached=files, extra=extras)
def test_the_reply_form_never_fails_and_never_stores_half(
    alice_client, alice, sam, technical, body, token, attached, extra
):
    ticket = Ticket.objects.filter(customer=alice).first() or open_ticket(alice, technical)
    fields = {**extra, "body": body}
    if token is not None:
        fields["submission_token"] = str(uuid.uuid4()) if token == "fresh" else token
    before, media_before = row_counts(), media_files()
    url = reverse("tickets:reply", args=[ticket.number])
    response = post_files(alice_client, url, fields, attached)
    after = _outcome(response, before, media_before, attached)
    ticket.refresh_from_db()
    assert ticket.customer == alice and ticket.department == technical
    assert ticket.assignee is None
    if after is not None:
        assert after["Ticket"] == before["Ticket"]
        assert ticket.status == Ticket.Status.CUSTOMER_REPLY


def test_a_submission_token_that_is_not_a_uuid_is_a_form_error_not_a_crash(alice_client, technical):
    url = reverse("tickets:open_form", args=[technical.slug])
    fields = {"subject": "Down", "body": "Blank.", "priority": "low", "submission_token": "x"}
    response = post_files(alice_client, url, fields, [])
    assert response.status_code == 400
    assert row_counts()["Ticket"] == 0

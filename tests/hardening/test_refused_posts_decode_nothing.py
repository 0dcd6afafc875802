"""A post refused for a cheap reason decodes no image, and no post decodes more pixels than
TICKET_IMAGE_MAX_PIXELS_PER_POST.

Decoding is the costly part of checking an upload (a 40-megapixel image takes 160 MB and a
good fraction of a second). Fields, the number and size of files, the customer's quota and
the image headers are all checked first; an empty message or a post over the quota used to
decode up to five such images before saying so, as often as anyone cared to send it.
"""

import html
import uuid

import pytest
from django.test import override_settings
from django.urls import reverse
from PIL import Image, ImageFile

from tests.factories import png_bytes, text_upload
from tests.hardening.files import png_header_only
from tests.hardening.http import media_files, post_files, row_counts
from tests.tickets.helpers import checked, open_ticket

IMAGES = [("attachments", f"shot{n}.png", png_bytes(size=(400, 300))) for n in range(5)]


@pytest.fixture
def pillow_calls(monkeypatch):
    """How many times Pillow opened an image (reading its header), and decoded one: a call
    of ImageFile.load while the image still has undecoded tiles."""
    calls = {"open": 0, "decode": 0}
    real_open, real_load = Image.open, ImageFile.ImageFile.load

    def counting_open(*args, **kwargs):
        calls["open"] += 1
        return real_open(*args, **kwargs)

    def counting_load(self, *args, **kwargs):
        if self.tile:
            calls["decode"] += 1
        return real_load(self, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return calls


def _open_fields(**overrides):
    return {
        "subject": "Website down",
        "priority": "medium",
        "body": "Screenshots attached.",
        "submission_token": str(uuid.uuid4()),
        **overrides,
    }


def _open_url(department):
    return reverse("tickets:open_form", args=[department.slug])


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_a_new_ticket_without_a_message_decodes_no_image(
    alice_client, technical, pillow_calls, body
):
    before = row_counts()
    response = post_files(alice_client, _open_url(technical), _open_fields(body=body), IMAGES)
    assert response.status_code == 400
    assert pillow_calls == {"open": 0, "decode": 0}
    assert row_counts() == before


def test_a_reply_without_a_message_decodes_no_image(alice_client, alice, technical, pillow_calls):
    ticket = open_ticket(alice, technical)
    before = row_counts()
    url = reverse("tickets:reply", args=[ticket.number])
    fields = {"body": "", "submission_token": str(uuid.uuid4())}
    response = post_files(alice_client, url, fields, IMAGES)
    assert response.status_code == 400
    assert pillow_calls == {"open": 0, "decode": 0}
    assert row_counts() == before


@override_settings(TICKET_CUSTOMER_QUOTA_BYTES=10_000)
def test_a_post_over_the_quota_decodes_no_image(alice_client, alice, technical, pillow_calls):
    open_ticket(alice, technical, files=[checked(text_upload("a.log", b"a" * 9_000))])
    pillow_calls.update(open=0, decode=0)
    before, media_before = row_counts(), media_files()
    response = post_files(alice_client, _open_url(technical), _open_fields(), IMAGES)
    assert response.status_code == 400
    assert "storage limit" in html.unescape(response.content.decode())
    assert pillow_calls == {"open": 0, "decode": 0}
    assert row_counts() == before and media_files() == media_before


def test_a_post_with_a_file_of_the_wrong_type_decodes_no_image(
    alice_client, technical, pillow_calls
):
    files = [*IMAGES[:4], ("attachments", "tool.exe", b"MZ\x90\x00")]
    response = post_files(alice_client, _open_url(technical), _open_fields(), files)
    assert response.status_code == 400
    assert pillow_calls == {"open": 0, "decode": 0}


@override_settings(TICKET_IMAGE_MAX_PIXELS_PER_POST=1_000_000)
def test_images_past_the_pixel_budget_of_a_post_are_refused_from_their_headers(
    alice_client, technical, pillow_calls
):
    """Five images of 900,000 pixels each: every one is under the cap of one image, all of
    them together are past the post's budget. Their headers say so; nothing is decoded."""
    files = [("attachments", f"big{n}.png", png_header_only(1200, 750)) for n in range(5)]
    before = row_counts()
    response = post_files(alice_client, _open_url(technical), _open_fields(), files)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "more than 1,000,000 pixels in one post" in page
    assert pillow_calls["decode"] == 0
    assert row_counts() == before


def test_an_accepted_post_decodes_each_image_within_the_budget(
    alice_client, technical, pillow_calls, settings
):
    """The control: the checks do run when the post is acceptable."""
    assert settings.TICKET_IMAGE_MAX_PIXELS_PER_POST == 100_000_000
    response = post_files(alice_client, _open_url(technical), _open_fields(), IMAGES)
    assert response.status_code == 302
    assert pillow_calls["decode"] >= 5

"""What the page's script (static/js/ticket_form.js) needs from the server: the limits on the
file input, each service's domain, the translated helper pieces outside the form, and no
inline script anywhere (the Content-Security-Policy allows none)."""

import re

from django.test import override_settings
from django.urls import reverse

from tests.factories import ServiceFactory
from tests.tickets.helpers import open_ticket
from tests.tickets.pages import read

FORM = reverse("tickets:open_form", args=["technical-support"])


def _tag(html, pattern):
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return match.group(0)


@override_settings(TICKET_ATTACHMENT_MAX_BYTES=2_000_000, TICKET_ATTACHMENT_MAX_FILES=3)
def test_the_file_input_carries_the_limits_of_the_settings(alice_client):
    file_input = _tag(alice_client.get(FORM).content.decode(), r'<input type="file"[^>]*>')
    assert 'data-max-bytes="2000000"' in file_input
    assert 'data-max-files="3"' in file_input


def test_each_service_option_carries_its_domain(alice_client, alice, alice_hosting):
    ServiceFactory(owner=alice, product_name="VPS Basic", domain="")
    select = _tag(alice_client.get(FORM).content.decode(), r'<select name="service".*?</select>')
    assert f'<option value="{alice_hosting.pk}" data-domain="alice-shop.co.id">' in select
    assert select.count("data-domain") == 1


def test_the_helpers_are_translated_and_outside_the_form(alice_client, alice):
    alice.language = "id"
    alice.save()
    html = alice_client.get(FORM).content.decode()
    helpers = _tag(html, r'<template id="ticket-form-helpers".*?</template>')
    assert 'data-example="Website {domain} Error 500 Internal Server Error"' in helpers
    assert 'data-example-domain="NamaDomainAnda.com"' in helpers
    assert "Apakah ini darurat?" in helpers
    assert "Ya, ini darurat" in helpers
    assert "Sisipkan empat pertanyaan panduan" in helpers
    for question in (
        "Apa yang Anda alami?",
        "Langkah-langkah apa yang Anda lakukan sebelum masalah terjadi?",
        "Pesan error apa yang muncul? (Salin-tempel persis.)",
        "Kapan kejadiannya?",
    ):
        assert question in helpers
    form = _tag(html, r"<form [^>]*data-ticket-form.*?</form>")
    assert "<template" not in form
    assert html.index("</form>", html.index(form)) < html.index(helpers)


def test_the_reply_form_gets_the_file_helpers_only(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    html = alice_client.get(ticket.get_absolute_url()).content.decode()
    helpers = _tag(html, r'<template id="ticket-form-helpers".*?</template>')
    assert 'data-helper="attachments"' in helpers
    assert 'data-helper="progress"' in helpers
    assert 'data-helper="emergency"' not in helpers
    assert 'id="attachment-preview"' in html


def test_pages_have_no_inline_script_or_event_handler(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    for url in (FORM, ticket.get_absolute_url(), reverse("dashboard")):
        html = alice_client.get(url).content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all("src=" in script for script in scripts), url
        assert not re.search(r"\son[a-z]+=", html), url
        assert "ticket_form.js" in html or url == reverse("dashboard")


def test_the_form_still_posts_without_the_script(alice_client):
    # The helpers are extra: the form has its one submit button and posts as before.
    page = read(alice_client.get(FORM))
    form = page.forms[-1]
    assert [a.get("type") for tag, a in form.inputs if tag == "button"] == ["submit"]

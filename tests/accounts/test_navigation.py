"""The main navigation's "Support" menu, with "Open New Ticket" and "Tickets", on every page."""

import re

from django.urls import reverse

from tests.tickets.helpers import open_ticket


def _support_menu(html):
    """The Support dropdown: its toggle and the links inside it."""
    match = re.search(
        r'<a class="nav-link dropdown-toggle[^"]*" href="#" id="support-menu" role="button"'
        r'[^>]*data-bs-toggle="dropdown"[^>]*aria-expanded="false">Support</a>\s*'
        r'<ul class="dropdown-menu" aria-labelledby="support-menu">(.*?)</ul>',
        html,
        re.S,
    )
    assert match, "no Support dropdown in the main navigation"
    return re.findall(r'<a class="dropdown-item" href="([^"]+)">([^<]+)</a>', match.group(1))


def test_every_member_area_page_has_the_support_menu(alice_client, alice, technical):
    ticket = open_ticket(alice, technical)
    pages = [
        reverse("dashboard"),
        reverse("tickets:list"),
        reverse("tickets:open"),
        reverse("tickets:open_form", args=["technical-support"]),
        ticket.get_absolute_url(),
    ]
    expected = [
        (reverse("tickets:open"), "Open New Ticket"),
        (reverse("tickets:list"), "Tickets"),
        (reverse("kb:index"), "Knowledgebase"),
    ]
    for url in [*pages, reverse("kb:index")]:
        response = alice_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'aria-label="Main navigation"' in html, url
        assert _support_menu(html) == expected, url


def test_the_support_menu_toggle_is_a_keyboard_reachable_control(alice_client):
    html = alice_client.get(reverse("dashboard")).content.decode()
    # An <a href> is focusable and opens with Enter; Bootstrap's dropdown script adds the
    # arrow keys. The script must be on the page for the menu to open at all.
    assert 'id="support-menu" role="button"' in html
    assert "bootstrap.bundle.min.js" in html


def test_the_navigation_menu_is_not_shown_to_anonymous_visitors(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'id="support-menu"' not in html

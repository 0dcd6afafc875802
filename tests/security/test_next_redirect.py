"""The `next` redirect, and every other redirect a visitor controls, stays on this site.

A table of off-site URL forms (scheme-relative, backslash tricks, tabs and newlines that
browsers drop, userinfo tricks, lookalike hosts, script and data schemes, percent-encoded
slashes) is tried on every surface that takes one: the login form (customer and admin),
the login page's hidden `next` field, an already logged-in visitor of the login page, the
logout form and the language switcher (its `next` field and its Referer fallback). Each
answer must stay on this site as a browser would read it, and so must every further
redirect the browser would then follow here.
"""

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from . import figures
from .conftest import logged_in

pytestmark = pytest.mark.django_db

HOST = "testserver"

OFF_SITE = [
    "//evil.com",
    "///evil.com",
    "////evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "\\/evil.com",
    "/\\/evil.com",
    "\\/\\/evil.com",
    "https://evil.com",
    "http://evil.com/support/tickets/",
    "HTTPS://EVIL.COM",
    "http:evil.com",
    "https:evil.com",
    "http:/evil.com",
    "https:/\\evil.com",
    "http:\\\\evil.com",
    "http:///evil.com",
    "ftp://evil.com",
    "//evil.com/%2F..",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript://%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://testserver@evil.com",
    "https://127.0.0.1@evil.com",
    "http://testserver:80@evil.com/",
    "//testserver@evil.com",
    "https://evil.com\\@testserver",
    "https://evil.com?testserver",
    "https://evil.com#testserver",
    "https://testserver.evil.com/",
    "https://evil.com/testserver",
    "/%2F%2Fevil.com",
    "/%2F/evil.com",
    "/%5Cevil.com",
    "%2F%2Fevil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "\t//evil.com",
    " //evil.com",
    "//evil。com",
    "//evil%E3%80%82com",
    "https://evil.com:443",
    "//[::1]@evil.com",
    "///\\;@evil.com",
    "//%09/evil.com",
    "https://%65vil.com",
]

# What a browser ignores in a URL, and reads as a slash.
IGNORED = re.compile(r"[\t\n\r]")
LEADING = re.compile(r"^[\x00-\x20]+")


def on_site(location):
    """Would a browser that got `location` in a redirect stay on this site?"""
    url = LEADING.sub("", IGNORED.sub("", location)).replace("\\", "/")
    if any(ord(char) < 0x20 for char in url):
        return False
    parts = urlsplit(url)
    if parts.scheme:
        return parts.scheme in ("http", "https") and url.split(":", 1)[1].startswith(f"//{HOST}/")
    # A path, or a path relative to the current page: this site either way.
    return not url.startswith("//")


def hops(client, base, location, limit=5):
    """`location` (answered to a request of `base`) and every redirect the browser would
    follow from it on this site."""
    seen = [location]
    while on_site(location) and len(seen) <= limit:
        url = urljoin(f"http://{HOST}{base}", IGNORED.sub("", location).replace("\\", "/"))
        parts = urlsplit(url)
        base = parts.path or "/"
        response = client.get(base, QUERY_STRING=parts.query)
        if response.status_code not in (301, 302, 303, 307, 308):
            break
        location = response["Location"]
        seen.append(location)
    return seen


def customer_login(payload, alice, root):
    client = logged_in(None)
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice@example.com", "password": "correct-horse-battery", "next": payload},
    )
    assert response.status_code == 302, "the login itself failed"
    return client, reverse("accounts:login"), response["Location"]


def admin_login(payload, alice, root):
    client = logged_in(None)
    response = client.post(
        reverse("admin:login"),
        {"username": "root@netdigi.test", "password": "correct-horse-battery", "next": payload},
    )
    assert response.status_code == 302, "the admin login itself failed"
    return client, reverse("admin:login"), response["Location"]


def logged_in_visit_of_the_login_page(payload, alice, root):
    client = logged_in(alice)
    response = client.get(reverse("accounts:login"), {"next": payload})
    return client, reverse("accounts:login"), response["Location"]


def logout(payload, alice, root):
    client = logged_in(alice)
    response = client.post(reverse("accounts:logout"), {"next": payload})
    return client, reverse("accounts:logout"), response["Location"]


def language_switch(payload, alice, root):
    client = logged_in(None)
    response = client.post(reverse("set_language"), {"language": "id", "next": payload})
    return client, reverse("set_language"), response["Location"]


def language_switch_referer(payload, alice, root):
    client = logged_in(None)
    response = client.post(
        reverse("set_language"), {"language": "id"}, headers={"referer": payload}
    )
    return client, reverse("set_language"), response["Location"]


SURFACES = {
    "login form": customer_login,
    "admin login form": admin_login,
    "login page while logged in": logged_in_visit_of_the_login_page,
    "logout form": logout,
    "language switcher": language_switch,
    "language switcher's Referer": language_switch_referer,
}


@pytest.mark.parametrize("surface", list(SURFACES))
def test_no_redirect_leaves_the_site(alice, root, surface):
    off_site = {}
    followed = {}  # a location already followed on this surface leads where it led
    figures.add("redirect_offsite", 0)
    for payload in OFF_SITE:
        client, base, location = SURFACES[surface](payload, alice, root)
        figures.add("redirect_tries")
        if (base, location) not in followed:
            followed[base, location] = hops(client, base, location)
        chain = followed[base, location]
        if any(not on_site(hop) for hop in chain):
            figures.add("redirect_offsite")
            off_site[payload] = chain
    assert off_site == {}


@pytest.mark.parametrize("login_url", ["accounts:login", "admin:login"])
def test_the_login_pages_do_not_carry_an_off_site_next_into_their_form(db, login_url):
    """The hidden field a login form posts back holds no off-site URL."""
    carried_off_site = {}
    for payload in OFF_SITE:
        response = logged_in(None).get(reverse(login_url), {"next": payload})
        figures.add("redirect_tries")
        forms = re.findall(r"<form.*?</form>", response.content.decode(), re.DOTALL)
        (login_form,) = [form for form in forms if 'name="password"' in form]
        (carried,) = re.findall(r'name="next" value="([^"]*)"', login_form)
        # Dropped, or a path of this site (percent-encoded slashes are a path, not a host).
        if carried and not on_site(html.unescape(carried)):
            carried_off_site[payload] = carried
    assert carried_off_site == {}


@pytest.mark.parametrize(
    "location, expected",
    [
        ("/support/tickets/", True),
        ("%2F%2Fevil.com", True),
        ("/", True),
        ("https://testserver/support/", True),
        ("//evil.com", False),
        ("/\\evil.com", False),
        ("java\tscript:alert(1)", False),
        ("https://testserver@evil.com/", False),
        ("http:evil.com", False),
        (" //evil.com", False),
    ],
)
def test_the_checker_reads_urls_as_a_browser_does(location, expected):
    assert on_site(location) is expected


@pytest.mark.parametrize(
    "next_url", ["/support/tickets/", "/support/tickets/?status=closed", "/staff/"]
)
def test_a_path_of_this_site_is_still_followed(alice, next_url):
    _client, _base, location = customer_login(next_url, alice, None)
    assert location == next_url

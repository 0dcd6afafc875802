"""The Content-Security-Policy in a real browser: Chromium blocks nothing on the customer
pages, the staff pages and the Django admin, and their scripts still work (menus,
the admin's collapsible sections, two-pane selectors, autocomplete and calendar widgets)."""

import pytest
from playwright.sync_api import expect

from tests.factories import png_upload
from tickets import actions
from tickets.uploads import check_upload

pytestmark = pytest.mark.browser

# Record every violation the page reports, before any of its own scripts run.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def ticket(alice, alice_hosting, technical, sam):
    opened = actions.open_ticket(
        customer=alice,
        department=technical,
        service=alice_hosting,
        subject="Website alice-shop.co.id Error 500",
        body="The website shows Error 500 since this morning.",
        files=[check_upload(png_upload())],
    )
    actions.add_reply(ticket=opened, author=sam, body="Looking into it.", internal=True)
    return opened


@pytest.fixture
def watched(page):
    """The page, with every CSP violation, refused resource and script error recorded."""
    problems = []
    page.add_init_script(LISTEN)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    # Resources that failed, named (the browser's own favicon request aside).
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.problems = problems
    return page


def visit(page, path):
    page.goto(path)
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__cspViolations")
    return [f"{path}: {v}" for v in violations] + [f"{path}: {p}" for p in page.problems]


def test_the_customer_pages_run_under_the_policy(watched, login, ticket, password):
    page = watched
    problems = visit(page, "/accounts/login/")
    login(page, "alice@example.com", password)
    for path in [
        "/",
        "/support/tickets/",
        "/support/tickets/new/",
        "/support/tickets/new/technical-support/",
        ticket.get_absolute_url(),
    ]:
        problems += visit(page, path)
        page.problems.clear()
    # The thumbnail (an image of our own) loaded.
    thumbnail = page.locator("img[src*='/thumbnail/']").first
    expect(thumbnail).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth > 0", thumbnail.element_handle())
    # Bootstrap's dropdown (a script file) still opens the Support menu.
    page.get_by_role("button", name="Support").or_(page.get_by_role("link", name="Support")).click()
    expect(page.get_by_role("link", name="Open New Ticket")).to_be_visible()
    assert problems == []


def test_the_staff_pages_and_the_admin_run_under_the_policy(watched, login, ticket, root, password):
    page = watched
    login(page, "root@netdigi.test", password)
    problems = []
    for path in [
        "/staff/",
        "/staff/queues/technical-support/",
        ticket.get_staff_url(),
        "/admin/",
        "/admin/tickets/ticket/",
        f"/admin/tickets/ticket/{ticket.pk}/change/",
        f"/admin/tickets/department/{ticket.department_id}/change/",
        f"/admin/accounts/user/{ticket.customer_id}/change/",
        "/admin/services/service/add/",
        "/admin/notifications/notification/",
    ]:
        problems += visit(page, path)
        page.problems.clear()
        if path == f"/admin/tickets/department/{ticket.department_id}/change/":
            # filter_horizontal: SelectFilter2.js builds the two-pane selector.
            expect(page.locator(".selector-available").first).to_be_visible()
        if path == f"/admin/tickets/ticket/{ticket.pk}/change/":
            # The collapsed "Times" section opens with its script-made toggle.
            page.locator(
                "fieldset.collapse summary, fieldset.collapse a.collapse-toggle"
            ).first.click()
            expect(page.get_by_text("Last reply", exact=False).first).to_be_visible()
        if path == "/admin/services/service/add/":
            # autocomplete_fields: select2 replaced the owner's select box; the date field
            # got its calendar shortcut.
            expect(page.locator(".select2-container").first).to_be_visible()
            expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    assert problems == []


def test_an_injected_inline_script_is_blocked_and_reported(watched, db):
    """What the tests above rely on: the policy blocks inline script, and the page reports
    it to the listener."""
    page = watched
    page.goto("/accounts/login/")
    # An allowed inline script would run synchronously, as it is appended.
    ran = page.evaluate(
        """() => {
            window.__ran = false;
            const script = document.createElement("script");
            script.textContent = "window.__ran = true";
            document.body.appendChild(script);
            return window.__ran;
        }"""
    )
    assert ran is False
    page.wait_for_function("window.__cspViolations.length > 0")
    violations = page.evaluate("window.__cspViolations")
    assert any(v.startswith("script-src") for v in violations), violations

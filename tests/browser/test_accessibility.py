"""axe-core, run inside each page, finds no serious or critical accessibility violation on the
customer's pages (login, dashboard, open ticket, tickets, ticket), in both languages, with
the form's helpers showing.

axe-core is vendored at a pinned version (tests/browser/vendor/, from the npm package, with
its licence). The pages forbid inline scripts; the test's browser context bypasses that
policy so that axe can be injected.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import png_upload
from tests.tickets.helpers import checked, open_ticket
from tickets import actions

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def context_options(context_options):
    return {**context_options, "bypass_csp": True}


def axe_violations(page):
    """The serious and critical violations axe finds on the page, readable in a failure."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def log_in(page, email, password):
    """The login form in whichever language it is shown; staff then give the code of
    their authenticator (tests/browser/conftest.py)."""
    from accounts.models import User
    from tests.second_factor import authenticator_for, totp_code
    from twofactor.policy import has_factor, required_for

    user = User.objects.filter(email__iexact=email).first()
    device = None
    if user is not None and (required_for(user) or has_factor(user)):
        device = authenticator_for(user)
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form [type=submit][name=login]").click()
    if device is not None:
        page.wait_for_url("**/accounts/two-factor/verify/**")
        page.locator("input[name=code]").fill(totp_code(device))
        page.locator("input[name=code]").press("Enter")
    expect(page.locator("#support-menu")).to_be_visible()


@pytest.fixture
def answered_ticket(alice, alice_hosting, sam, technical):
    ticket = open_ticket(
        alice,
        technical,
        service=alice_hosting,
        priority="high",
        files=[checked(png_upload("error-500.png", size=(400, 300)))],
    )
    actions.add_reply(ticket=ticket, author=sam, body="We raised the PHP memory limit.")
    return ticket


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("id", "id-ID")])
def test_the_customer_pages_have_no_serious_or_critical_violation(
    browser, live_server, context_options, alice, password, answered_ticket, language, locale
):
    alice.language = language
    alice.save()
    context = browser.new_context(base_url=live_server.url, **{**context_options, "locale": locale})
    page = context.new_page()
    found = {}

    page.goto("/accounts/login/")
    found["login"] = axe_violations(page)
    log_in(page, alice.email, password)
    expect(page.locator("html")).to_have_attribute("lang", language)
    found["dashboard"] = axe_violations(page)

    page.goto("/support/tickets/new/")
    found["choose department"] = axe_violations(page)
    page.goto("/support/tickets/new/technical-support/")
    found["open ticket"] = axe_violations(page)
    # Again with every helper of the form showing: the coach, the emergency question,
    # the list of chosen files with a refused one.
    page.locator("input[name=subject]").fill("help")
    page.locator("select[name=priority]").select_option("high")
    page.locator("input[name=attachments]").set_input_files(
        files=[
            {"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ" * 8},
            {"name": "error.log", "mimeType": "text/plain", "buffer": b"Fatal error\n"},
        ]
    )
    page.locator("input[name=subject]").blur()
    expect(page.locator("[data-helper=subject-coach]")).to_be_visible()
    expect(page.locator("[data-helper=emergency]")).to_be_visible()
    expect(page.locator("[data-attachment-list] li")).to_have_count(2)
    found["open ticket with helpers"] = axe_violations(page)

    page.goto("/support/tickets/")
    found["tickets"] = axe_violations(page)
    page.goto("/support/tickets/?status=closed")
    found["tickets, empty"] = axe_violations(page)
    page.goto(answered_ticket.get_absolute_url())
    found["ticket"] = axe_violations(page)
    # Check the dialog once Bootstrap has finished fading it in: half-way, its text is
    # still translucent and fails the contrast check.
    page.evaluate(
        "document.getElementById('attachment-preview').addEventListener("
        "'shown.bs.modal', () => { window.previewShown = true; }, {once: true})"
    )
    page.locator("a[data-bs-toggle=modal]").first.click()
    page.wait_for_function("window.previewShown === true")
    expect(page.locator("#attachment-preview img")).to_be_visible()
    found["ticket, picture preview"] = axe_violations(page)
    context.close()

    failures = [f"{name}: {issue}" for name, issues in found.items() for issue in issues]
    assert not failures, "\n".join(failures)

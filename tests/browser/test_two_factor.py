"""Two-factor sign-in in a real browser, with the production default (staff must pass a
second factor): enrolment of an authenticator app from the QR page's key, sign-in with its
code, with a recovery code, and with a passkey (Chromium's virtual authenticator)."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from tests.second_factor import authenticator_for, totp_code
from twofactor.models import RecoveryCodeDevice

pytestmark = [pytest.mark.browser, pytest.mark.real_second_factor]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with CSP violations and script errors recorded."""
    problems = []
    page.add_init_script(LISTEN)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.problems = problems
    return page


def violations(page):
    return page.evaluate("window.__cspViolations || []") + page.problems


def password_step(page, email, password, path="/staff/"):
    page.goto(path)
    page.get_by_label("Email Address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Login").click()


def test_staff_enrol_an_authenticator_app_then_sign_in_with_its_code(
    watched, sam, technical, password, screenshot
):
    page = watched
    password_step(page, sam.email, password)
    # No factor yet: straight to enrolment, whatever page was asked for.
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/\?next=%2Fstaff%2F$"))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr.locator("svg")).to_be_visible()
    screenshot(page, "two-factor-setup")
    key = b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))

    page.get_by_label("Code from the app").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the codes").click()
    saved = open(download.value.path(), encoding="utf-8").read()
    assert all(code in saved for code in codes)
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_role("heading", name="Queues")).to_be_visible()

    # Next time: password, then a code of the app.
    page.get_by_role("button", name=sam.name).click()
    page.get_by_role("button", name="Logout").click()
    password_step(page, sam.email, password)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    screenshot(page, "two-factor-code")
    device = TOTPDevice.objects.get(user=sam, confirmed=True)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Queues")).to_be_visible()
    assert violations(page) == []


def test_a_wrong_code_is_refused_and_a_recovery_code_signs_in_once(page, sam, technical, password):
    authenticator_for(sam)
    codes = RecoveryCodeDevice.objects.create(user=sam, name="Recovery codes").regenerate()
    password_step(page, sam.email, password)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not valid, or it has been used already.")).to_be_visible()
    page.get_by_label("Code").fill(codes[0].upper())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Queues")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("You used a recovery code; 9 are left.")

    # The same code does not open a second session.
    other = page.context.browser.new_context(base_url=page.url.split("/staff/")[0]).new_page()
    password_step(other, sam.email, password)
    other.get_by_label("Code").fill(codes[0])
    other.get_by_role("button", name="Verify").click()
    expect(
        other.get_by_text("That code is not valid, or it has been used already.")
    ).to_be_visible()
    other.context.close()


@pytest.fixture
def virtual_authenticator(page):
    """Chromium's virtual authenticator (DevTools' WebAuthn domain): a platform passkey
    that verifies the user without a prompt."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def test_staff_add_a_passkey_and_sign_in_with_it(
    watched, virtual_authenticator, login, sam, technical, password, screenshot
):
    page = watched
    login(page, sam.email, password)
    page.goto("/accounts/two-factor/")
    page.get_by_role("button", name="Add a passkey or security key").click()
    expect(page.locator("#passkey-list li")).to_have_count(1)
    assert WebAuthnCredential.objects.filter(user=sam, confirmed=True).count() == 1
    screenshot(page, "account-security")

    page.get_by_role("button", name=sam.name).click()
    page.get_by_role("button", name="Logout").click()
    password_step(page, sam.email, password)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", name="Queues")).to_be_visible()

    # The passkey also confirms a password change, in place of a code.
    page.goto("/accounts/two-factor/password/")
    expect(page.get_by_label("Code")).to_be_visible()
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_text("Passkey confirmed. Now enter your password.")).to_be_visible()
    expect(page.get_by_label("Code")).to_have_count(0)
    page.get_by_label("Old password").fill(password)
    page.locator("#id_new_password1").fill("n3w-Passphrase!")
    page.locator("#id_new_password2").fill("n3w-Passphrase!")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("Your password has been changed.")
    sam.refresh_from_db()
    assert sam.check_password("n3w-Passphrase!")
    assert violations(page) == []


def test_staff_may_enrol_a_passkey_as_their_first_factor(
    page, virtual_authenticator, sam, technical, password
):
    password_step(page, sam.email, password)
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    page.get_by_role("button", name="Add a passkey or security key").click()
    expect(page.get_by_role("heading", name="Account security")).to_be_visible()
    expect(page.locator("#passkey-list li")).to_have_count(1)
    expect(page.get_by_text("You have no recovery codes")).to_be_visible()
    page.get_by_role("button", name="Create recovery codes").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.goto("/staff/")
    expect(page.get_by_role("heading", name="Queues")).to_be_visible()


def test_a_customer_turns_two_factor_sign_in_on_from_the_account_menu(page, alice, password, login):
    login(page, alice.email, password)
    page.get_by_role("button", name=alice.name).click()
    page.get_by_role("link", name="Account security").click()
    expect(page.get_by_text("Off", exact=True)).to_be_visible()
    page.get_by_role("link", name="Set up an authenticator app").click()
    key = b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    page.get_by_role("link", name="I have saved them").click()
    page.goto("/accounts/two-factor/")
    expect(page.get_by_text("On", exact=True)).to_be_visible()
    expect(page.get_by_text("10 unused codes left.")).to_be_visible()

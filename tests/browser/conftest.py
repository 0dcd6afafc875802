"""Browser tests: Playwright (sync API) driving Debian's headless Chromium.

The app is served by pytest-django's `live_server` (static files included), so every test
here runs on a transactional database (tests/conftest.py puts the data migration's
departments back before each). Browser tests run after all other tests. Fixtures:

- `browser`: one Chromium for the whole run. Missing Chromium skips outside CI and fails
  in CI (CI=true), so a CI run never passes without having driven a browser.
- `context_options`: keyword arguments of the browser context; override it in a module to
  change the language (`locale="id-ID"`), the viewport, ...
- `page`: a fresh context and page per test, its base URL the live server.
- `login(page, email, password)`: logs in through the login form, and for staff (or anyone
  with a second factor) through the code page with their authenticator app's code.
- `screenshot(page, name)`: saves docs/screenshots/<name>.png when SCREENSHOTS=1.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "docs" / "screenshots"))

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
]

# Long enough for a slow CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last (keeping the rest of pytest-django's order).

    Playwright's loop runs from the first browser test to the end of the session; no other
    test should run inside it.
    """

    def uses_browser(item):
        return item.get_closest_marker("browser") is not None or "browser" in getattr(
            item, "fixturenames", ()
        )

    items.sort(key=uses_browser)


def _chromium_path():
    """CHROMIUM_PATH when set (and only it), else Debian's chromium."""
    explicit = os.environ.get("CHROMIUM_PATH")
    candidates = [explicit] if explicit else [shutil.which("chromium"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def _in_ci():
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    if executable is None:
        message = (
            "Chromium not found (CHROMIUM_PATH, else `chromium` on PATH or /usr/bin/chromium): "
            "install Debian's chromium package (apt-get install chromium) to run the browser tests."
        )
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # Playwright's sync API keeps an asyncio loop in this thread; Django refuses ORM calls
    # (the tests' set-up and checks) while a loop runs unless told this use is fine.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Django keeps a second set of connections for code that runs while an asyncio loop
    # runs. Give it the very objects used so far, so the tests, the live server and
    # pytest-django's set-up all talk to the same test database connection.
    shared = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as playwright:
            for alias, connection in shared.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context_options():
    return {
        "locale": "en-US",
        "timezone_id": "Asia/Jakarta",
        "viewport": {"width": 1280, "height": 800},
    }


@pytest.fixture
def page(browser, context_options, live_server):
    """A fresh context and page on the live server."""
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def _login(page, email, password):
    """Password, then (staff, or anyone with a second factor) the current code of the
    user's authenticator app, which staff without one are given first."""
    from accounts.models import User
    from tests.second_factor import authenticator_for, totp_code
    from twofactor.policy import has_factor, required_for

    user = User.objects.filter(email__iexact=email).first()
    device = None
    if user is not None and (required_for(user) or has_factor(user)):
        device = authenticator_for(user)
    page.goto("/accounts/login/")
    page.get_by_label("Email Address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Login").click()
    if device is not None:
        page.wait_for_url("**/accounts/two-factor/verify/**")
        page.get_by_label("Code").fill(totp_code(device))
        page.get_by_role("button", name="Verify").click()
    # The main navigation only shows to a logged-in user.
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Support")


@pytest.fixture
def login():
    return _login


@pytest.fixture
def screenshot():
    """`screenshot(page, name)`: a full-page PNG in docs/screenshots/ when SCREENSHOTS=1."""

    def take(page, name):
        if os.environ.get("SCREENSHOTS") != "1":
            return None
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        # Wait for images (thumbnails) and fonts so the picture is the finished page.
        page.wait_for_load_state("load")
        page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
        return path

    return take

"""The customer's path of the guide, in a real browser: open a ticket, follow it, reply."""

import datetime
import re

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tickets import actions
from tickets.models import Ticket

pytestmark = pytest.mark.browser

SUBJECT = "Website alice-shop.co.id Error 500 Internal Server"
MESSAGE = (
    "Since 09:00 this morning the home page shows Error 500.\n"
    "I updated a WordPress plugin just before it happened."
)


@pytest.fixture
def screenshot_png(tmp_path):
    """What a customer attaches: a picture of the browser showing the error."""
    image = Image.new("RGB", (640, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 639, 36), fill=(222, 226, 230))
    draw.text((16, 12), "https://alice-shop.co.id/", fill="black")
    draw.text((40, 90), "Internal Server Error", fill=(176, 0, 32), font_size=40)
    draw.text((40, 160), "The server encountered an internal error.", fill="black", font_size=20)
    path = tmp_path / "error-500.png"
    image.save(path, format="PNG")
    return path


def open_support_menu_item(page, item):
    navigation = page.get_by_role("navigation", name="Main navigation")
    navigation.get_by_role("button", name="Support").click()
    navigation.get_by_role("link", name=item, exact=True).click()


def go_to_technical_support_form(page):
    open_support_menu_item(page, "Open New Ticket")
    expect(page.get_by_role("heading", name="Open New Ticket")).to_be_visible()
    page.get_by_role("link", name="Technical Support").click()
    expect(page.get_by_text("Department: Technical Support")).to_be_visible()


def test_customer_opens_a_ticket_with_a_screenshot_and_finds_it_in_the_ticket_list(
    page, login, screenshot, alice, alice_hosting, password, screenshot_png
):
    alice_hosting.next_due_date = timezone.localdate() + datetime.timedelta(days=30)
    alice_hosting.save(update_fields=["next_due_date"])
    page.goto("/")
    expect(page.get_by_label("Email Address")).to_be_visible()
    screenshot(page, "login")
    login(page, alice.email, password)
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    expect(page.get_by_role("region", name="Your services")).to_contain_text("alice-shop.co.id")

    open_support_menu_item(page, "Open New Ticket")
    screenshot(page, "choose-department")
    page.get_by_role("link", name="Technical Support").click()
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Related Service").select_option(label=str(alice_hosting))
    page.get_by_label("Priority").select_option(label="High")
    page.get_by_role("button", name="Yes, it is an emergency").click()
    page.get_by_label("Message").fill(MESSAGE)
    page.get_by_label("Attachments").set_input_files(screenshot_png)
    screenshot(page, "open-ticket")
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("alert")).to_contain_text("has been opened")
    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(rf"/support/tickets/{ticket.number}/$"))
    expect(page.get_by_role("alert")).to_contain_text(f"Ticket #{ticket.number} has been opened")
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    details = page.locator("dl")
    expect(details).to_contain_text(str(alice_hosting))
    expect(details).to_contain_text("High")
    expect(details).to_contain_text("Open")
    thumbnail = page.get_by_role("img", name="error-500.png")
    expect(thumbnail).to_be_visible()
    # The thumbnail really loaded through the attachment view (a broken image has width 0).
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    screenshot(page, "ticket")

    open_support_menu_item(page, "Tickets")
    row = page.get_by_role("row", name=re.compile(f"#{ticket.number}"))
    expect(row).to_contain_text(SUBJECT)
    expect(row).to_contain_text("Technical Support")
    expect(row).to_contain_text("Open")
    screenshot(page, "tickets")

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Dashboard"
    ).click()
    expect(page.get_by_role("region", name="Your active tickets")).to_contain_text(SUBJECT)
    screenshot(page, "dashboard")


def test_customer_replies_on_the_ticket_page_and_the_status_becomes_customer_reply(
    page, login, alice, sam, technical, password
):
    ticket = actions.open_ticket(
        customer=alice, department=technical, subject=SUBJECT, body=MESSAGE
    )
    actions.add_reply(ticket=ticket, author=sam, body="Which plugin did you update?")
    login(page, alice.email, password)

    page.goto(ticket.get_absolute_url())
    expect(page.locator("dl")).to_contain_text("Answered")
    reply = page.get_by_role("region", name="Reply")
    reply.get_by_label("Message").fill("The contact form plugin.\nVersion 5.9, updated at 08:55.")
    reply.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("alert")).to_contain_text("Your reply has been sent")
    latest = page.locator("article.thread-message").last
    expect(latest).to_contain_text("Alice Wijaya")
    # Line breaks are kept: two lines, not one run-on line.
    expect(latest.locator(".body")).to_have_text(
        "The contact form plugin.\nVersion 5.9, updated at 08:55.", use_inner_text=True
    )
    expect(page.locator("article.thread-message")).to_have_count(3)
    expect(page.locator("dl")).to_contain_text("Customer-Reply")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CUSTOMER_REPLY


@pytest.mark.parametrize("script", ["with-script", "without-script"])
def test_double_click_on_submit_opens_one_ticket(page, login, alice, password, script):
    login(page, alice.email, password)
    if script == "without-script":
        # The server must hold on its own: the browser then really sends the form twice.
        page.route("**/js/app.js", lambda route: route.abort())
    go_to_technical_support_form(page)
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Message").fill(MESSAGE)
    submit = page.get_by_role("button", name="Submit")
    submit.scroll_into_view_if_needed()
    box = submit.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    # A person's double click: the second click lands after the first request has left.
    with page.expect_request(lambda request: request.method == "POST"):
        page.mouse.click(x, y)
    page.mouse.click(x, y)

    expect(page.get_by_role("alert")).to_contain_text("has been opened")
    ticket = Ticket.objects.get(customer=alice)
    expect(page).to_have_url(re.compile(rf"/support/tickets/{ticket.number}/$"))


def test_support_menu_works_with_the_keyboard(page, login, alice, password):
    login(page, alice.email, password)
    toggle = page.get_by_role("navigation", name="Main navigation").get_by_role(
        "button", name="Support"
    )
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Open New Ticket", exact=True).first).to_be_focused()
    page.keyboard.press("ArrowDown")
    tickets = page.get_by_role("link", name="Tickets", exact=True)
    expect(tickets).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/support/tickets/$"))
    expect(page.get_by_role("heading", name="Tickets", level=1)).to_be_visible()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "type of file is not allowed"),
        # A PNG signature in front of garbage: passes a look at the first bytes only.
        ("error-500.png", b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 8, "not a valid image"),
    ],
    ids=["exe", "fake-png"],
)
def test_refused_attachment_names_the_file_and_keeps_the_subject(
    page, login, alice, password, name, content, reason
):
    login(page, alice.email, password)
    # The server's own check: the page's script would already refuse the .exe before the
    # upload (tests/browser/test_ticket_form_helpers.py).
    page.route("**/js/ticket_form.js", lambda route: route.abort())
    go_to_technical_support_form(page)
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Message").fill(MESSAGE)
    # The type the browser claims is ignored by the server; only the bytes count.
    page.get_by_label("Attachments").set_input_files(
        files=[{"name": name, "mimeType": "image/png", "buffer": content}]
    )
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors below")
    # One message that names the file and says why, e.g. "setup.exe: this type of file ..."
    error = page.get_by_text(re.compile(rf"^{re.escape(name)}: .*{reason}", re.IGNORECASE))
    expect(error).to_be_visible()
    expect(page.get_by_label("Subject")).to_have_value(SUBJECT)
    expect(page.get_by_label("Message")).to_have_value(MESSAGE)
    assert not Ticket.objects.exists()

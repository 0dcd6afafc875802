"""The open-ticket form helps, as the guide does: the subject coach, the emergency question
of a High ticket, the guide's four questions, the list of chosen files with the refused ones
flagged before the upload, a progress bar for a large upload, and a larger view of a
thumbnail in the thread."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import png_bytes, png_upload
from tests.tickets.helpers import checked, open_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.browser

FORM = "/support/tickets/new/technical-support/"
GOOD_SUBJECT = "Website alice-shop.co.id Error 500 Internal Server"
MESSAGE = "Since 09:00 the shop shows Error 500."


def png_file(name, size=(200, 120)):
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes(size=size)}


def size_text(count):
    """A size as the page writes it (like Django's filesizeformat)."""
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


@pytest.fixture
def form(page, login, alice, password):
    login(page, alice.email, password)
    page.goto(FORM)
    return page


def coach(page):
    return page.locator("[data-helper=subject-coach]")


@pytest.mark.parametrize(
    "subject", ["Tolong Bantu", "help", "URGENT!!!", "problem", "Website down"]
)
def test_the_coach_gently_warns_about_a_vague_subject_while_typing(form, subject):
    form.get_by_label("Subject").fill(subject)
    expect(coach(form)).to_be_visible()
    expect(coach(form)).to_contain_text("a clear subject gets a faster answer")
    expect(coach(form)).to_contain_text("Website example.com Error 500 Internal Server Error")
    # A warning, not an error: the field is not marked invalid.
    expect(form.get_by_label("Subject")).not_to_have_class(re.compile("is-invalid"))
    form.get_by_label("Subject").fill(GOOD_SUBJECT)
    expect(coach(form)).to_be_hidden()


def test_the_coachs_example_names_the_chosen_services_domain(alice_hosting, form):
    form.get_by_label("Subject").fill("please help")
    expect(coach(form)).to_contain_text("Website example.com Error 500")
    form.get_by_label("Related Service").select_option(label=str(alice_hosting))
    expect(coach(form)).to_contain_text("Website alice-shop.co.id Error 500 Internal Server Error")


def test_the_coach_asks_once_more_on_submit_and_then_lets_the_ticket_go(form, alice):
    form.get_by_label("Subject").fill("help")
    form.get_by_label("Message").fill(MESSAGE)
    form.get_by_role("button", name="Submit").click()
    again = form.get_by_text("press Submit again to send it as it is")
    expect(again).to_be_visible()
    expect(form.get_by_label("Subject")).to_be_focused()
    assert not Ticket.objects.exists()

    form.get_by_role("button", name="Submit").click()
    expect(form.get_by_role("alert")).to_contain_text("has been opened")
    assert Ticket.objects.get(customer=alice).subject == "help"


def test_high_priority_asks_for_a_one_click_emergency_confirmation(form, alice):
    form.get_by_label("Subject").fill(GOOD_SUBJECT)
    form.get_by_label("Message").fill(MESSAGE)
    question = form.locator("[data-helper=emergency]")
    expect(question).to_be_hidden()
    form.get_by_label("Priority").select_option(label="High")
    expect(question).to_contain_text("Is this an emergency?")

    # "No" puts the priority back to Medium.
    form.get_by_role("button", name="No, use Medium").click()
    expect(form.get_by_label("Priority")).to_have_value("medium")
    expect(question).to_be_hidden()

    # Submitting High without answering stops at the question.
    form.get_by_label("Priority").select_option(label="High")
    form.get_by_role("button", name="Submit").click()
    expect(question).to_contain_text("Please answer this question first")
    expect(form.get_by_role("button", name="Yes, it is an emergency")).to_be_focused()
    assert not Ticket.objects.exists()

    form.get_by_role("button", name="Yes, it is an emergency").click()
    expect(question).to_contain_text("Confirmed: this ticket is sent as an emergency.")
    form.get_by_role("button", name="Submit").click()
    expect(form.get_by_role("alert")).to_contain_text("has been opened")
    assert Ticket.objects.get(customer=alice).priority == Ticket.Priority.HIGH


def test_the_guides_four_questions_go_into_the_message_box(form):
    form.get_by_label("Message").fill("The shop is down.")
    form.get_by_role("button", name="Insert the guide's four questions").click()
    expect(form.get_by_label("Message")).to_have_value(
        "The shop is down.\n\n"
        "1. What are you experiencing?\n\n\n"
        "2. What steps did you take before the problem happened?\n\n\n"
        "3. What error message appears? (Copy and paste it exactly.)\n\n\n"
        "4. When did it happen?\n"
    )
    form.keyboard.type("Error 500 on every page.")
    expect(form.get_by_label("Message")).to_have_value(
        re.compile(r"1\. What are you experiencing\?\nError 500 on every page\.\n")
    )


def test_chosen_files_are_listed_and_refused_ones_are_flagged_before_the_upload(
    form, alice, screenshot
):
    form.get_by_label("Subject").fill(GOOD_SUBJECT)
    form.get_by_label("Message").fill(MESSAGE)
    requests = []
    form.on("request", lambda request: request.method == "POST" and requests.append(request))
    form.get_by_label("Attachments").set_input_files(
        files=[
            png_file("error-500.png"),
            {"name": "setup.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ" * 50},
            {"name": "huge.log", "mimeType": "text/plain", "buffer": b"x" * (10 * 1024 * 1024 + 1)},
            {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""},
        ]
    )
    items = form.locator("[data-attachment-list] li")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_contain_text("error-500.png")
    expect(items.nth(0)).to_contain_text("Ready to send")
    expect(items.nth(0)).to_contain_text(size_text(len(png_file("x")["buffer"])))
    expect(items.nth(1)).to_contain_text("setup.exe")
    expect(items.nth(1)).to_contain_text("Refused")
    expect(items.nth(1)).to_contain_text("This type of file is not allowed")
    expect(items.nth(1)).to_contain_text("100 bytes")
    expect(items.nth(2)).to_contain_text("10.0 MB")
    expect(items.nth(2)).to_contain_text("Too big: at most 10.0 MB per file.")
    expect(items.nth(3)).to_contain_text("The file is empty.")
    screenshot(form, "open-ticket-file-list")

    # Submit is held back while a refused file is chosen: nothing is uploaded.
    form.get_by_role("button", name="Submit").click()
    expect(form.get_by_text("Remove the refused files before you submit")).to_be_visible()
    expect(form.get_by_role("button", name="Remove setup.exe")).to_be_focused()
    assert requests == []
    assert not Ticket.objects.exists()

    for name in ("setup.exe", "huge.log", "empty.txt"):
        form.get_by_role("button", name=f"Remove {name}").click()
    expect(items).to_have_count(1)
    expect(form.get_by_text("Remove the refused files before you submit")).to_be_hidden()
    form.get_by_role("button", name="Submit").click()

    expect(form.get_by_role("alert")).to_contain_text("has been opened")
    ticket = Ticket.objects.get(customer=alice)
    assert [a.original_name for a in ticket.messages.get().attachments.all()] == ["error-500.png"]


def test_a_large_upload_shows_its_progress_and_ends_on_the_ticket(form, alice):
    form.get_by_label("Subject").fill(GOOD_SUBJECT)
    form.get_by_label("Message").fill(MESSAGE)
    log = b"PHP Fatal error: Allowed memory size exhausted\n" * 70_000  # about 3 MB
    form.get_by_label("Attachments").set_input_files(
        files=[{"name": "error.log", "mimeType": "text/plain", "buffer": log}]
    )
    # Hold the upload's answer, to look at the page while it waits for it.
    held = []
    form.route(
        "**/support/tickets/new/technical-support/",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    form.get_by_role("button", name="Submit").click()
    progress = form.get_by_role("progressbar", name="Upload progress")
    expect(progress).to_be_visible()
    expect(form.locator("[data-progress-text]")).to_contain_text(f"of {size_text(len(log))}")
    expect(form.get_by_role("button", name="Submit")).to_have_attribute("aria-disabled", "true")
    for _ in range(100):  # the held request reaches the list as Playwright's events arrive
        if held:
            break
        form.wait_for_timeout(50)
    assert len(held) == 1
    request = held[0].request
    assert request.resource_type == "xhr"
    held[0].continue_()

    ticket_url = re.compile(r"/support/tickets/\d{6}/$")
    expect(form).to_have_url(ticket_url)
    expect(form.get_by_role("alert")).to_contain_text("has been opened")
    ticket = Ticket.objects.get(customer=alice)
    attachment = ticket.messages.get().attachments.get()
    assert (attachment.original_name, attachment.size) == ("error.log", len(log))
    expect(form.get_by_role("link", name="error.log")).to_be_visible()


def test_a_large_upload_with_errors_shows_the_form_with_its_errors(form, alice):
    form.get_by_label("Message").fill(MESSAGE)
    form.get_by_label("Subject").fill("")
    form.get_by_label("Attachments").set_input_files(
        files=[{"name": "error.log", "mimeType": "text/plain", "buffer": b"line\n" * 300_000}]
    )
    form.get_by_role("button", name="Submit").click()
    expect(form.get_by_role("alert").first).to_contain_text("Please correct the errors below")
    expect(form.get_by_label("Message")).to_have_value(MESSAGE)
    expect(form).to_have_url(re.compile(FORM + "$"))
    assert not Ticket.objects.exists()


def test_a_thumbnail_opens_a_larger_view_in_a_dialog(page, login, alice, technical, password):
    ticket = open_ticket(
        alice, technical, files=[checked(png_upload("error-500.png", size=(1200, 800)))]
    )
    login(page, alice.email, password)
    page.goto(ticket.get_absolute_url())
    page.get_by_role("img", name="error-500.png").click()

    dialog = page.get_by_role("dialog", name="error-500.png")
    expect(dialog).to_be_visible()
    picture = dialog.get_by_role("img", name="error-500.png")
    expect(picture).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 1200", arg=picture.element_handle()
    )
    attachment = ticket.messages.get().attachments.get()
    expect(dialog.get_by_role("link", name="Open the original file")).to_have_attribute(
        "href", attachment.get_absolute_url()
    )
    # Keyboard users land in the dialog, and Escape closes it.
    expect(dialog).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

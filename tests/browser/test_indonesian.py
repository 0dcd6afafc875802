"""The customer guide in Bahasa Indonesia, in a real browser: a new customer switches the
Member Area to Indonesian and opens a ticket with the guide's own words; the choice is saved
on them and used for their emails; a staff reply reaches them in Indonesian."""

import re

import pytest
from django.core import mail
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.factories import UserFactory
from tickets import actions
from tickets.models import Ticket

pytestmark = pytest.mark.browser

SUBJECT = "Website alice-shop.co.id Error 500 Internal Server"
ANSWERS = [
    "Halaman toko menampilkan Error 500.",
    "Saya memperbarui plugin WooCommerce tadi malam.",
    "500 Internal Server Error",
    "Sejak pukul 09.00 WIB hari ini.",
]


@pytest.fixture
def screenshot_png(tmp_path):
    image = Image.new("RGB", (640, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 639, 36), fill=(222, 226, 230))
    draw.text((16, 12), "https://alice-shop.co.id/", fill="black")
    draw.text((40, 90), "Internal Server Error", fill=(176, 0, 32), font_size=40)
    path = tmp_path / "tangkapan-layar.png"
    image.save(path, format="PNG")
    return path


def masuk(page, email, password):
    """Log in on the Indonesian login page."""
    page.goto("/accounts/login/")
    page.get_by_label("Alamat Email").fill(email)
    page.get_by_label("Kata Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("navigation", name="Navigasi utama")).to_contain_text("Dukungan")


def switch_language(page, current, wanted):
    page.locator("header").get_by_role("button", name=current).click()
    page.get_by_role("button", name=wanted, exact=True).click()


def menu_dukungan(page, item):
    navigation = page.get_by_role("navigation", name="Navigasi utama")
    navigation.get_by_role("button", name="Dukungan").click()
    navigation.get_by_role("link", name=item, exact=True).click()


def test_a_new_customer_switches_to_indonesian_and_follows_the_guide_end_to_end(
    page, login, screenshot, alice, alice_hosting, password, screenshot_png
):
    # Step 1, in English: she logs in, then switches the Member Area to Bahasa Indonesia.
    login(page, alice.email, password)
    switch_language(page, "Language: English", "Bahasa Indonesia")
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang kembali, Alice")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    alice.refresh_from_db()
    assert alice.language == "id"
    screenshot(page, "id-dashboard")

    # Step 2: Dukungan > Buka Tiket Baru.
    menu_dukungan(page, "Buka Tiket Baru")
    expect(page.get_by_role("heading", name="Buka Tiket Baru")).to_be_visible()
    for department in ("Dukungan Teknis", "Tagihan & Pembayaran", "Penjualan & Pemasaran"):
        expect(page.get_by_role("link", name=department)).to_be_visible()
    expect(page.get_by_text("Email tidak berfungsi")).to_be_visible()
    screenshot(page, "id-choose-department")

    # Step 3: the department.
    page.get_by_role("link", name="Dukungan Teknis").click()
    expect(page.get_by_text("Departemen: Dukungan Teknis")).to_be_visible()

    # Step 4: the form, with the guide's labels.
    page.get_by_label("Subjek").fill(SUBJECT)
    page.get_by_label("Layanan Terkait").select_option(label=str(alice_hosting))
    page.get_by_label("Prioritas").select_option(label="Tinggi")
    page.get_by_role("button", name="Ya, ini darurat").click()
    expect(
        page.get_by_text("Dikonfirmasi: tiket ini dikirim sebagai masalah darurat.")
    ).to_be_visible()
    page.get_by_role("button", name="Sisipkan empat pertanyaan panduan").click()
    message = page.get_by_label("Pesan")
    expect(message).to_have_value(re.compile(r"^1\. Apa yang Anda alami\?\n"))
    # She writes each answer under its question (the caret starts under the first).
    for number, answer in enumerate(ANSWERS, start=1):
        question = page.locator("textarea[name=body]").input_value()
        start = question.index(f"{number}. ")
        caret = question.index("\n", start) + 1
        message.evaluate("(box, at) => box.setSelectionRange(at, at)", caret)
        message.press_sequentially(answer)
    page.get_by_label("Lampiran").set_input_files(screenshot_png)
    expect(page.locator("[data-attachment-list]")).to_contain_text("tangkapan-layar.png")
    expect(page.locator("[data-attachment-list]")).to_contain_text("Siap dikirim")
    screenshot(page, "id-open-ticket")

    # Step 5: Kirim.
    page.get_by_role("button", name="Kirim").click()

    # Step 6: the ticket, then Dukungan > Tiket.
    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(rf"/support/tickets/{ticket.number}/$"))
    expect(page.get_by_role("alert")).to_contain_text(f"Tiket #{ticket.number} telah dibuat")
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    details = page.locator("dl")
    expect(details).to_contain_text("Terbuka")
    expect(details).to_contain_text("Dukungan Teknis")
    expect(details).to_contain_text("Tinggi")
    expect(details).to_contain_text(str(alice_hosting))
    expect(page.locator("article.thread-message").first).to_contain_text(ANSWERS[1])
    expect(page.get_by_role("img", name="tangkapan-layar.png")).to_be_visible()
    screenshot(page, "id-ticket")
    assert ticket.priority == Ticket.Priority.HIGH
    body = ticket.messages.get().body.replace("\r\n", "\n")
    for number, answer in enumerate(ANSWERS, start=1):
        assert re.search(rf"{number}\. [^\n]+\n{re.escape(answer)}\n", body + "\n"), body

    menu_dukungan(page, "Tiket")
    row = page.get_by_role("row", name=re.compile(f"#{ticket.number}"))
    expect(row).to_contain_text(SUBJECT)
    expect(row).to_contain_text("Terbuka")
    screenshot(page, "id-tickets")

    # The email that the ticket was opened speaks her language too.
    sent = [m for m in mail.outbox if m.to == [alice.email]]
    assert len(sent) == 1
    assert sent[0].subject == f"[Tiket #{ticket.number}] {SUBJECT}"
    assert "Terima kasih telah menghubungi kami" in sent[0].body


def test_the_login_page_speaks_the_browsers_language(browser, live_server, screenshot):
    for locale, heading in (
        ("id-ID", "Masuk ke Member Area"),
        ("fr-FR", "Log in to the Member Area"),
    ):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        page = context.new_page()
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        if locale == "id-ID":
            expect(page.get_by_label("Alamat Email")).to_be_visible()
            expect(page.get_by_label("Kata Sandi")).to_be_visible()
            screenshot(page, "id-login")
        context.close()


def test_the_language_choice_is_saved_on_the_user_and_follows_them(
    browser, live_server, context_options, login, password, sam, technical
):
    customer = UserFactory(email="dewi@example.com", name="Dewi Lestari")
    # First browser: she chooses Bahasa Indonesia.
    first = browser.new_context(base_url=live_server.url, **context_options).new_page()
    login(first, customer.email, password)
    switch_language(first, "Language: English", "Bahasa Indonesia")
    expect(first.get_by_role("heading", level=1)).to_contain_text("Selamat datang kembali")
    first.context.close()

    # Another browser, asking for English: her saved choice wins once she is logged in.
    second = browser.new_context(base_url=live_server.url, **context_options).new_page()
    second.goto("/accounts/login/")
    second.get_by_label("Email Address").fill(customer.email)
    second.get_by_label("Password").fill(password)
    second.get_by_role("button", name="Login").click()
    expect(second.get_by_role("heading", level=1)).to_have_text("Selamat datang kembali, Dewi")

    # The emails she is sent are in Indonesian, whoever causes them.
    ticket = actions.open_ticket(
        customer=customer, department=technical, subject="Email tidak berfungsi", body="..."
    )
    actions.add_reply(ticket=ticket, author=sam, body="Sudah kami perbaiki.")
    to_her = [m for m in mail.outbox if m.to == [customer.email]]
    assert [m.subject for m in to_her] == [f"[Tiket #{ticket.number}] Email tidak berfungsi"] * 2
    assert "Ada balasan baru untuk tiket Anda" in to_her[1].body

    # Back to English: saved too.
    switch_language(second, "Bahasa: Bahasa Indonesia", "English")
    expect(second.get_by_role("heading", level=1)).to_have_text("Welcome back, Dewi")
    customer.refresh_from_db()
    assert customer.language == "en"
    second.context.close()


def test_a_staff_reply_reaches_the_customer_in_indonesian(
    browser, live_server, context_options, login, screenshot, alice, sam, technical, password
):
    alice.language = "id"
    alice.save()
    ticket = actions.open_ticket(
        customer=alice,
        department=technical,
        subject="Email info@alice-shop.co.id tidak bisa menerima email",
        body="Sejak kemarin tidak ada email masuk.",
    )
    # Sam works in English on the staff page.
    staff = browser.new_context(base_url=live_server.url, **context_options).new_page()
    login(staff, sam.email, password)
    staff.goto(ticket.get_staff_url())
    staff.get_by_label("Message").fill("Kotak surat Anda penuh; kami sudah menambah kuotanya.")
    staff.get_by_role("button", name="Submit").click()
    expect(staff.get_by_role("alert")).to_contain_text("Reply sent to the customer.")
    staff.context.close()

    # Alice, in her Indonesian browser, finds it.
    customer = browser.new_context(
        base_url=live_server.url, **{**context_options, "locale": "id-ID"}
    ).new_page()
    masuk(customer, alice.email, password)
    menu_dukungan(customer, "Tiket")
    row = customer.get_by_role("row", name=re.compile(f"#{ticket.number}"))
    expect(row).to_contain_text("Dijawab")
    row.get_by_role("link", name=f"#{ticket.number}").click()
    latest = customer.locator("article.thread-message").last
    expect(latest).to_contain_text("kami sudah menambah kuotanya")
    expect(latest).to_contain_text("Staf Netdigi")
    expect(latest.locator("time")).to_have_text(re.compile(r"(sekarang|yang lalu)$"))
    expect(customer.locator("aside")).to_contain_text("Dijawab")
    screenshot(customer, "id-customer-sees-staff-reply")
    customer.context.close()

    email = [m for m in mail.outbox if m.to == [alice.email]][-1]
    assert email.subject == f"[Tiket #{ticket.number}] {ticket.subject}"
    assert "kami sudah menambah kuotanya" in email.body

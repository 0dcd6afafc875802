"""On a phone (390 x 844): the navigation collapses behind its toggle, no page scrolls
sideways, and the guide works from the collapsed menu (in Indonesian, as customers use it)."""

import re

import pytest
from playwright.sync_api import expect

from tests.tickets.helpers import open_ticket
from tickets import actions
from tickets.models import Ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def context_options(context_options):
    return {
        **context_options,
        "locale": "id-ID",
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    }


def fits_the_screen(page):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_on_a_phone_the_menu_collapses_and_the_guide_still_works(
    page, screenshot, alice, alice_hosting, sam, technical, password
):
    alice.language = "id"
    alice.save()
    earlier = open_ticket(alice, technical, subject="Email info@alice-shop.co.id tidak berfungsi")
    actions.add_reply(ticket=earlier, author=sam, body="Kotak surat sudah kami perbesar.")

    page.goto("/accounts/login/")
    fits_the_screen(page)
    page.get_by_label("Alamat Email").fill(alice.email)
    page.get_by_label("Kata Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()

    navigation = page.get_by_role("navigation", name="Navigasi utama")
    toggle = navigation.get_by_role("button", name="Buka/tutup navigasi")
    support = navigation.get_by_role("button", name="Dukungan")
    expect(toggle).to_be_visible()
    expect(support).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang kembali, Alice")
    fits_the_screen(page)
    screenshot(page, "mobile-dashboard")

    toggle.click()
    expect(support).to_be_visible()
    support.click()
    screenshot(page, "mobile-menu")
    navigation.get_by_role("link", name="Buka Tiket Baru", exact=True).click()
    fits_the_screen(page)
    page.get_by_role("link", name="Dukungan Teknis").click()
    fits_the_screen(page)
    page.get_by_label("Subjek").fill("Website alice-shop.co.id Error 500 Internal Server")
    page.get_by_label("Layanan Terkait").select_option(label=str(alice_hosting))
    page.get_by_label("Pesan").fill("Sejak pagi toko menampilkan Error 500.")
    screenshot(page, "mobile-open-ticket")
    page.get_by_role("button", name="Kirim").click()

    expect(page.get_by_role("alert")).to_contain_text("telah dibuat")
    ticket = Ticket.objects.exclude(pk=earlier.pk).get()
    expect(page).to_have_url(re.compile(rf"/support/tickets/{ticket.number}/$"))
    fits_the_screen(page)

    page.goto("/support/tickets/")
    expect(page.get_by_role("row", name=re.compile(f"#{earlier.number}"))).to_contain_text(
        "Dijawab"
    )
    fits_the_screen(page)
    screenshot(page, "mobile-tickets")
    page.goto(earlier.get_absolute_url())
    expect(page.get_by_text("Kotak surat sudah kami perbesar.")).to_be_visible()
    fits_the_screen(page)
    screenshot(page, "mobile-ticket")

"""The customer's pages in Bahasa Indonesia, with the guide's own words, and no English left
over: navigation, the open-ticket form, its errors and upload refusals, confirmations."""

import re

import pytest
from django.urls import reverse

from tests.factories import png_upload
from tests.tickets.helpers import form_data, open_ticket, upload
from tests.tickets.pages import read
from tickets import actions
from tickets.models import Ticket

FORM = reverse("tickets:open_form", args=["technical-support"])
# English words that must not be left on an Indonesian page (as whole words).
ENGLISH = [
    "Support",
    "Open New Ticket",
    "Tickets",
    "Subject",
    "Related Service",
    "Priority",
    "Message",
    "Attachments",
    "Submit",
    "Department",
    "Last updated",
    "Reply",
    "Logout",
    "Welcome",
    "ago",
]


@pytest.fixture
def indonesian(alice_client, alice):
    alice.language = "id"
    alice.save()
    return alice_client


def _english_left(text, names=()):
    # The language switcher names English in English, on purpose; people keep their names.
    for name in ("English", *names):
        text = text.replace(name, "")
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


def test_every_customer_page_is_in_indonesian(indonesian, alice, alice_hosting, sam, technical):
    ticket = open_ticket(alice, technical, service=alice_hosting)
    actions.add_reply(ticket=ticket, author=sam, body="Sudah kami cek.")
    pages = {
        "dashboard": reverse("dashboard"),
        "choose": reverse("tickets:open"),
        "form": FORM,
        "list": reverse("tickets:list"),
        "ticket": ticket.get_absolute_url(),
    }
    for name, url in pages.items():
        response = indonesian.get(url)
        assert response.status_code == 200, name
        assert '<html lang="id">' in response.content.decode(), name
        assert _english_left(read(response).text, names=[sam.name]) == [], name


def test_the_navigation_uses_the_guides_words(indonesian):
    html = indonesian.get(reverse("dashboard")).content.decode()
    assert ">Dukungan</a>" in html
    links = re.findall(r'<a class="dropdown-item" href="([^"]+)">([^<]+)</a>', html)
    assert (reverse("tickets:open"), "Buka Tiket Baru") in links
    assert (reverse("tickets:list"), "Tiket") in links


def test_the_form_has_the_guides_labels_and_a_kirim_button(indonesian):
    page = read(indonesian.get(FORM))
    labels = [page.labels[f"id_{name}"] for name in ("subject", "service", "priority", "body")]
    assert labels == ["Subjek", "Layanan Terkait", "Prioritas", "Pesan"]
    assert page.labels["id_attachments"] == "Lampiran"
    assert "Departemen: Dukungan Teknis" in page.text
    assert "Kirim" in page.text
    assert '"Tolong Bantu"' in page.text
    assert "Apa yang Anda alami?" in page.text
    html = indonesian.get(FORM).content.decode()
    priority = re.search(r'<select name="priority".*?</select>', html, re.S).group(0)
    assert re.findall(r">(\w+)</option>", priority) == ["Rendah", "Sedang", "Tinggi"]


def test_form_errors_are_in_indonesian(indonesian):
    response = indonesian.post(FORM, form_data(subject="", body=""))
    assert response.status_code == 400
    text = read(response).text
    assert "Mohon perbaiki kesalahan di bawah. Belum ada yang dikirim." in text
    assert text.count("Bagian ini wajib diisi.") == 2


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("setup.exe", b"MZ" + b"\x00" * 64, "jenis file ini tidak diizinkan"),
        ("error.png", b"\x89PNG\r\n\x1a\nnot a picture" * 4, "file bukan gambar yang valid"),
        ("empty.txt", b"", "file kosong"),
    ],
)
def test_upload_refusals_are_in_indonesian(indonesian, name, content, reason):
    data = form_data(attachments=[upload(name, content)])
    text = read(indonesian.post(FORM, data)).text
    assert f"{name}: {reason}" in text
    assert not Ticket.objects.exists()


def test_the_confirmation_and_the_ticket_page_are_in_indonesian(indonesian):
    response = indonesian.post(FORM, form_data(attachments=[png_upload("layar.png")]), follow=True)
    ticket = Ticket.objects.get()
    text = read(response).text
    assert f"Tiket #{ticket.number} telah dibuat. Kami akan membalas sesegera mungkin." in text
    assert "Status Terbuka" in text
    assert "Departemen Dukungan Teknis" in text
    assert "Prioritas Sedang" in text
    assert "layar.png" in text


def test_the_empty_list_leads_to_buka_tiket_baru(indonesian):
    page = read(indonesian.get(reverse("tickets:list")))
    assert "Belum ada tiket di sini." in page.text
    assert (reverse("tickets:open"), "Buka Tiket Baru") in page.links


def test_the_login_page_is_in_indonesian_for_an_indonesian_browser(client, db):
    page = read(client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="id"))
    assert page.labels["id_username"] == "Alamat Email"
    assert page.labels["id_password"] == "Kata Sandi"
    assert "Lupa kata sandi?" in page.text
    assert _english_left(page.text) == []

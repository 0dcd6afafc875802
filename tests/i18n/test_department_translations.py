"""Department names, descriptions and examples in both languages: the guide's Indonesian
texts from the data migration, shown by language, editable in the admin."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from tests.factories import DepartmentFactory
from tests.tickets.pages import read
from tickets.models import Department

CHOOSE = reverse("tickets:open")
GUIDE = {
    "technical-support": (
        "Dukungan Teknis",
        "Gunakan departemen ini untuk semua kendala teknis.",
        "Email tidak berfungsi",
    ),
    "billing-payments": (
        "Tagihan & Pembayaran",
        "Gunakan departemen ini untuk semua pertanyaan terkait keuangan.",
        "Konfirmasi pembayaran",
    ),
    "sales-marketing": (
        "Penjualan & Pemasaran",
        "Gunakan departemen ini untuk pertanyaan sebelum melakukan pembelian atau pertanyaan "
        "umum non-teknis.",
        "Peluang kemitraan",
    ),
}


@pytest.mark.parametrize("slug", GUIDE)
def test_the_migration_gives_each_department_the_guides_indonesian_texts(db, slug):
    name, description, example = GUIDE[slug]
    department = Department.objects.get(slug=slug)
    assert department.name_id == name
    assert department.description_id == description
    assert example in department.examples_id.splitlines()


def test_the_migration_keeps_texts_staff_already_wrote(technical):
    technical.name_id = "Bantuan Teknis"
    technical.description_id = ""
    technical.save()
    migration = importlib.import_module("tickets.migrations.0005_indonesian_department_texts")
    migration.fill_indonesian_texts(apps, None)
    technical.refresh_from_db()
    assert technical.name_id == "Bantuan Teknis"
    assert technical.description_id == GUIDE["technical-support"][1]


def test_a_department_speaks_the_active_language(technical):
    with translation.override("id"):
        assert technical.display_name == "Dukungan Teknis"
        assert str(technical) == "Dukungan Teknis"
        assert technical.example_list[0] == "Website error"
        assert "Email tidak berfungsi" in technical.example_list
    with translation.override("en"):
        assert technical.display_name == "Technical Support"
        assert str(technical) == "Technical Support"
        assert "Email not working" in technical.example_list


def test_a_department_without_indonesian_texts_falls_back_to_english(db):
    department = DepartmentFactory(name="Domains", description="Domain transfers.")
    with translation.override("id"):
        assert department.display_name == "Domains"
        assert department.display_description == "Domain transfers."


def test_the_choose_department_page_shows_the_guides_indonesian_texts(alice_client, alice):
    alice.language = "id"
    alice.save()
    text = read(alice_client.get(CHOOSE)).text
    for name, description, example in GUIDE.values():
        assert name in text
        assert description in text
        assert example in text
    assert "Technical Support" not in text
    assert "Billing & Payments" not in text


def test_the_choose_department_page_in_english_keeps_the_english_texts(alice_client):
    text = read(alice_client.get(CHOOSE)).text
    assert "Technical Support" in text
    assert "All financial questions." in text
    assert "Dukungan Teknis" not in text


def test_staff_edit_both_languages_in_the_admin(client, root, technical):
    client.force_login(root)
    url = reverse("admin:tickets_department_change", args=[technical.pk])
    page = read(client.get(url))
    form = page.form_posting_to("")
    for field in ("name", "description", "examples", "name_id", "description_id", "examples_id"):
        assert field in form.fields, field
    assert form.fields["name_id"] == "Dukungan Teknis"
    assert page.labels["id_name_id"] == "Name (Indonesian):"

    data = {
        **{k: v for k, v in form.fields.items() if v is not None},
        "name_id": "Dukungan Teknis & Server",
        "examples_id": "Website error\nServer down",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    technical.refresh_from_db()
    assert technical.name_id == "Dukungan Teknis & Server"
    with translation.override("id"):
        assert technical.example_list == ["Website error", "Server down"]

"""The language switcher: saved on a logged-in user, remembered through the login, and the
user's language wins over the browser's; before login the browser decides (English when
it asks for neither language)."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.tickets.pages import read

SET_LANGUAGE = reverse("set_language")
LOGIN = reverse("accounts:login")
DASHBOARD = reverse("dashboard")
TICKETS = reverse("tickets:list")


def _switch(client, language, next_url=TICKETS):
    return client.post(SET_LANGUAGE, {"language": language, "next": next_url})


def test_a_logged_in_customer_who_switches_to_indonesian_has_it_saved(alice_client, alice):
    response = _switch(alice_client, "id")
    assert response.status_code == 302
    assert response["Location"] == TICKETS
    alice.refresh_from_db()
    assert alice.language == "id"
    page = alice_client.get(DASHBOARD)
    assert page["Content-Language"] == "id"
    assert "Buka Tiket Baru" in read(page).text


def test_switching_back_to_english_is_saved_too(alice_client, alice):
    alice.language = "id"
    alice.save()
    _switch(alice_client, "en")
    alice.refresh_from_db()
    assert alice.language == "en"
    assert "Open New Ticket" in read(alice_client.get(DASHBOARD)).text


def test_the_users_language_wins_over_the_browsers(alice_client, alice):
    alice.language = "id"
    alice.save()
    page = alice_client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "id"
    text = read(page).text
    assert "Selamat datang kembali, Alice" in text
    assert "Open New Ticket" not in text


@pytest.mark.parametrize("language", ["fr", "xx", "", "en-gb-evil"])
def test_a_language_we_do_not_offer_changes_nothing(alice_client, alice, language):
    _switch(alice_client, language)
    alice.refresh_from_db()
    assert alice.language == "en"
    assert "Open New Ticket" in read(alice_client.get(DASHBOARD)).text


def test_the_switch_is_a_post(alice_client, alice):
    response = alice_client.get(SET_LANGUAGE, {"language": "id"})
    assert response.status_code == 405
    alice.refresh_from_db()
    assert alice.language == "en"


def test_the_switch_goes_back_only_to_a_page_of_this_site(alice_client):
    response = _switch(alice_client, "id", next_url="https://evil.example/phish")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize(
    ("accept_language", "heading"),
    [
        ("id-ID,id;q=0.9,en;q=0.8", "Masuk ke Member Area"),
        ("id", "Masuk ke Member Area"),
        ("en-US,en;q=0.9", "Log in to the Member Area"),
        ("fr-FR,fr;q=0.9", "Log in to the Member Area"),
        ("", "Log in to the Member Area"),
    ],
)
def test_before_login_the_browsers_language_decides_with_english_as_fallback(
    client, db, accept_language, heading
):
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=accept_language)
    assert heading in read(page).text


def test_a_visitor_can_switch_on_the_login_page(client, db):
    _switch(client, "id", next_url=LOGIN)
    page = read(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US"))
    assert "Masuk ke Member Area" in page.text
    assert page.labels["id_username"] == "Alamat Email"
    assert page.labels["id_password"] == "Kata Sandi"


def test_a_choice_made_before_login_is_saved_on_the_user(client, alice, password):
    alice.last_login = alice.date_joined  # not a first login
    alice.save()
    _switch(client, "id", next_url=LOGIN)
    response = client.post(LOGIN, {"username": alice.email, "password": password})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "id"


def test_a_first_login_takes_the_language_the_browser_asked_for(client, db, password):
    newcomer = UserFactory(email="dewi@example.com")
    assert newcomer.last_login is None
    client.post(
        LOGIN,
        {"username": newcomer.email, "password": password},
        HTTP_ACCEPT_LANGUAGE="id-ID,id;q=0.9",
    )
    newcomer.refresh_from_db()
    assert newcomer.language == "id"
    assert "Buka Tiket Baru" in read(client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en")).text


def test_a_returning_user_keeps_their_language_whatever_the_browser(client, alice, password):
    alice.last_login = alice.date_joined
    alice.save()
    client.post(LOGIN, {"username": alice.email, "password": password}, HTTP_ACCEPT_LANGUAGE="id")
    alice.refresh_from_db()
    assert alice.language == "en"
    assert "Open New Ticket" in read(client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="id")).text


def _switcher(page):
    form = page.form_posting_to(SET_LANGUAGE)
    buttons = [attrs for tag, attrs in form.inputs if tag == "button"]
    return form, {(b["name"], b["value"]) for b in buttons}


@pytest.mark.parametrize("url", [DASHBOARD, TICKETS, reverse("tickets:open")])
def test_the_switcher_is_in_the_navigation_of_every_page(alice_client, url):
    page = read(alice_client.get(url))
    form, choices = _switcher(page)
    assert form.method == "post"
    assert choices == {("language", "en"), ("language", "id")}
    assert form.fields["next"] == url
    assert "csrfmiddlewaretoken" in form.fields
    assert "Bahasa Indonesia" in page.text


def test_the_switcher_is_on_the_login_page(client, db):
    _form, choices = _switcher(read(client.get(LOGIN)))
    assert choices == {("language", "en"), ("language", "id")}

"""Staff pass a second factor before any page, /staff/ and /admin/ included
(STAFF_2FA_REQUIRED, on by default); customers only once they enrolled, or when
CUSTOMER_2FA_REQUIRED is on. The password alone leads to enrolment or to the code page."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.second_factor import authenticator_for, totp_code

from .conftest import SETUP, VERIFY, give_code, password_login

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/staff/", "/admin/", "/admin/tickets/ticket/", "/", "/support/tickets/"]


def test_staff_requirement_is_on_by_default(settings):
    from netdigi import settings as project_settings

    assert project_settings.STAFF_2FA_REQUIRED is True
    assert project_settings.CUSTOMER_2FA_REQUIRED is False


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_without_a_factor_are_sent_to_enrol_from_every_page(sam, password, url):
    client = password_login(sam.email, password)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP + "?next=")


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_with_a_factor_are_asked_for_a_code_on_every_page(sam, password, url):
    authenticator_for(sam)
    client = password_login(sam.email, password)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY + "?next=")


def test_the_login_form_sends_staff_on_to_the_code_page_and_back(sam, password, technical):
    device = authenticator_for(sam)
    client = password_login(sam.email, password, next_url="/staff/")
    assert client.get("/staff/")["Location"] == f"{VERIFY}?next=%2Fstaff%2F"
    response = give_code(client, totp_code(device), next_url="/staff/")
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_force_login_alone_does_not_open_the_staff_pages(sam):
    client = Client()
    client.force_login(sam)
    assert client.get("/staff/").status_code == 302


def test_a_customer_without_a_factor_is_not_asked(alice, password):
    client = password_login(alice.email, password)
    assert client.get("/").status_code == 200
    assert client.get("/support/tickets/").status_code == 200


def test_a_customer_who_enrolled_is_asked_for_the_code(alice, password):
    device = authenticator_for(alice)
    client = password_login(alice.email, password)
    assert client.get("/support/tickets/")["Location"].startswith(VERIFY)
    give_code(client, totp_code(device))
    assert client.get("/support/tickets/").status_code == 200


def test_customers_must_enrol_when_the_setting_says_so(alice, password, settings):
    settings.CUSTOMER_2FA_REQUIRED = True
    client = password_login(alice.email, password)
    assert client.get("/")["Location"].startswith(SETUP)


def test_staff_are_not_asked_when_the_requirement_is_off(sam, password, settings):
    settings.STAFF_2FA_REQUIRED = False
    client = password_login(sam.email, password)
    assert client.get("/staff/").status_code == 200


def test_logout_and_language_switch_work_while_the_code_is_owed(sam, password):
    authenticator_for(sam)
    client = password_login(sam.email, password)
    assert client.post("/i18n/setlang/", {"language": "id"}).status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_code_page_is_for_logged_in_users_only(client):
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_next_address_after_the_code_stays_on_this_site(sam, password):
    device = authenticator_for(sam)
    client = password_login(sam.email, password)
    response = give_code(client, totp_code(device), next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_passing_the_code_gives_a_new_session_key(sam, password):
    device = authenticator_for(sam)
    client = password_login(sam.email, password)
    before = client.cookies["sessionid"].value
    give_code(client, totp_code(device))
    assert client.cookies["sessionid"].value != before


def test_removing_the_device_ends_the_verified_session_at_once(sam, password):
    device = authenticator_for(sam)
    client = password_login(sam.email, password)
    give_code(client, totp_code(device))
    assert client.get("/staff/").status_code == 200
    device.delete()
    assert client.get("/staff/")["Location"].startswith(SETUP)


def test_a_session_opened_before_enrolment_is_asked_on_the_security_pages(alice, password):
    """Enrolling in one browser: another session of the customer, opened before, keeps its
    ticket pages (as before) but must give the code before any security page."""
    older = password_login(alice.email, password)
    authenticator_for(alice)
    assert older.get("/support/tickets/").status_code == 200
    for url in (reverse("twofactor:security"), reverse("twofactor:setup")):
        assert older.get(url)["Location"].startswith(VERIFY)
    # From then on the whole session owes it.
    assert older.get("/support/tickets/")["Location"].startswith(VERIFY)


def test_the_code_page_offers_no_navigation_that_leads_back_to_it(sam, password):
    authenticator_for(sam)
    client = password_login(sam.email, password)
    html = client.get(VERIFY).content.decode()
    assert 'href="/staff/"' not in html and 'href="/admin/"' not in html
    assert reverse("accounts:logout") in html

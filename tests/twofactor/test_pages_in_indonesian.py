"""The two-factor pages in Indonesian for a user who chose it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.second_factor import authenticator_for

from .conftest import give_code, password_login

pytestmark = pytest.mark.django_db


def test_the_code_page_and_account_security_speak_indonesian(alice, password):
    alice.language = "id"
    alice.last_login = timezone.now()  # not a first login, which takes the browser's
    alice.save()
    authenticator_for(alice)
    client = password_login(alice.email, password)
    page = client.get(reverse("twofactor:verify")).content.decode()
    assert "Verifikasi dua langkah" in page and "Kode" in page
    response = give_code(client, "000000")
    assert "Kode tersebut tidak valid, atau sudah pernah dipakai." in response.content.decode()


def test_enrolment_speaks_indonesian(sam, password):
    sam.language = "id"
    sam.last_login = timezone.now()
    sam.save()
    client = password_login(sam.email, password)
    page = client.get(reverse("twofactor:setup")).content.decode()
    assert "Siapkan verifikasi dua langkah" in page
    assert "Pindai kode QR ini, atau ketik kunci di bawah." in page


def test_the_email_change_notice_is_in_the_users_language(
    alice, password, django_capture_on_commit_callbacks
):
    from django.core import mail

    alice.language = "id"
    alice.last_login = timezone.now()
    alice.save()
    client = password_login(alice.email, password)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("twofactor:change_email"), {"email": "alice@baru.example", "password": password}
        )
    [email] = mail.outbox
    assert email.subject == "Alamat email akun Member Area Netdigi Anda telah diganti"

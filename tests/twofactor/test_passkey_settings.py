"""Passkeys are bound to the host the browser uses: its name is the relying party, its own
origin the only one accepted."""

from django.test import RequestFactory

from twofactor.passkeys import PasskeyHelper, relying_party_id


def test_the_relying_party_is_the_host_name_without_the_port(settings):
    settings.ALLOWED_HOSTS = ["member.netdigi.co.id", "localhost"]
    request = RequestFactory().get("/", HTTP_HOST="member.netdigi.co.id:8443")
    assert relying_party_id(request) == "member.netdigi.co.id"
    assert relying_party_id(RequestFactory().get("/", HTTP_HOST="localhost")) == "localhost"


def test_only_the_hosts_own_origin_is_accepted(settings):
    settings.ALLOWED_HOSTS = ["member.netdigi.co.id"]
    request = RequestFactory().get("/", HTTP_HOST="member.netdigi.co.id", secure=True)
    assert PasskeyHelper(request).get_allowed_origins() == ["https://member.netdigi.co.id"]


def test_passkeys_are_a_second_factor_only(settings):
    from django_otp_webauthn.settings import app_settings

    assert app_settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is False

"""Passkeys and security keys (django-otp-webauthn), bound to the host being visited.

The relying party id is the request's host name, which Django has already checked against
ALLOWED_HOSTS, and the only origin accepted in a ceremony is that host's own: a passkey
made on member.netdigi.co.id works there and nowhere else. (WebAuthn refuses IP
addresses: on a laptop, use http://localhost:8000 rather than 127.0.0.1.)
"""

from django.http.request import split_domain_port
from django_otp_webauthn.helpers import WebAuthnHelper


def relying_party_id(request):
    domain, _port = split_domain_port(request.get_host())
    return domain


class PasskeyHelper(WebAuthnHelper):
    def get_allowed_origins(self):
        return [f"{self.request.scheme}://{self.request.get_host()}"]

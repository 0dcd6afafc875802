"""The account emails, registered with the outbox (notifications.kinds)."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from notifications.kinds import EmailKind, register
from notifications.models import site_domain

PASSWORD_RESET = "password_reset"  # noqa: S105 (the name of an email kind)


class PasswordResetEmail(EmailKind):
    """The link to choose a new password. The token is made when the mail is built, so a
    mail that waited out a broker outage still carries a fresh link; the link is built on
    SITE_URL, never on the Host a request named."""

    def context(self, notification):
        from django.conf import settings

        user = notification.recipient
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("accounts:password_reset_confirm", args=[uid, token])
        return {"user": user, "reset_url": settings.SITE_URL + path, "domain": site_domain()}


KINDS = (PasswordResetEmail(PASSWORD_RESET, _("Password reset (to the account holder)")),)


def register_kinds() -> None:
    register(*KINDS)

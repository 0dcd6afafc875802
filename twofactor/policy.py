"""Who owes a second factor, and what counts as one.

A factor is a confirmed authenticator app (TOTP) or passkey. Recovery codes stand in for
one at sign-in but never make an account "enrolled" on their own.

Whether the signed-in user has a factor is looked up once, when they sign in, and kept in
the session (PENDING): the middleware reads the session and the user row only, so pages of
a customer without a second factor cost no query more. The security pages look again.
"""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .models import RecoveryCodeDevice

# Session key: this session signed in with a password and still owes a code.
PENDING = "twofactor_pending"


def required_for(user):
    """Whether `user` must have a second factor at all (STAFF_/CUSTOMER_2FA_REQUIRED)."""
    if user.is_staff:
        return settings.STAFF_2FA_REQUIRED
    return settings.CUSTOMER_2FA_REQUIRED


def authenticators(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def passkeys(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True)


def has_factor(user):
    return authenticators(user).exists() or passkeys(user).exists()


def owes_code(user):
    """At sign-in: whether the password is not enough, because the account has a factor.
    Asked by more than one sign-in receiver; looked up once per user object."""
    if not hasattr(user, "_twofactor_owes_code"):
        user._twofactor_owes_code = has_factor(user)
    return user._twofactor_owes_code


def recovery_device(user):
    return RecoveryCodeDevice.objects.filter(user=user).first()


def remove_all_factors(user):
    """Every second factor of `user` (authenticator apps, passkeys, recovery codes, and
    unfinished enrolments); returns how many devices were removed."""
    removed = 0
    for model in (TOTPDevice, WebAuthnCredential, RecoveryCodeDevice):
        count, _ = model.objects.filter(user=user).delete()
        removed += count
    return removed

"""Checking a code, and counting wrong ones with the wrong passwords (django-axes).

A wrong code is a failed sign-in for the account's email from the client's address, so
codes and passwords share one counter and one lockout (accounts/throttle.py). On top of
that, django-otp slows an authenticator app down after each wrong code, whatever the
address (its throttling), and accepts each code once: a code already used, or an older
one, is refused for the rest of its window (TOTPDevice.last_t).
"""

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed

from accounts.throttle import forget_failures, lockout_response

from .models import CODE_LENGTH
from .policy import authenticators, recovery_device


def check_code(user, code):
    """The device of `user` that accepts `code` (an authenticator app's 6 digits or a
    recovery code), which it then never accepts again; None when none does."""
    code = "".join(str(code).split())
    if not code:
        return None
    # An app's code has 6 (or 8) digits; a recovery code 10 characters, digits or not.
    if code.isdigit() and len(code) < CODE_LENGTH:
        for device in authenticators(user):
            verified = django_otp.verify_token(user, device.persistent_id, code)
            if verified is not None:
                return verified
        return None
    recovery = recovery_device(user)
    if recovery is not None and recovery.verify_token(code):
        return recovery
    return None


def slowed_down(user):
    """Whether the authenticator app refuses codes for a few seconds after wrong ones
    (django-otp's throttling: 1, 2, 4 ... seconds after each wrong code in a row)."""
    return any(not device.verify_is_allowed()[0] for device in authenticators(user))


def _credentials(user):
    return {"username": user.email}


def is_locked_out(request, user):
    return AxesProxyHandler.is_locked(request, _credentials(user))


def count_failure(request, user):
    """Count a wrong code or password; True when that locked the account out here."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def forget(request, user):
    """The owner passed: their failures from this address are forgotten."""
    AxesProxyHandler.update_request(request)
    forget_failures(request, user)


def locked_out(request):
    """Sign the session out and answer with the lockout page."""
    logout(request)
    return lockout_response(request)

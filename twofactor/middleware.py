"""Sends a signed-in user who owes a second factor to the code page, or to enrolment.

A user owes one when the session was opened with a password and the account has a factor
(policy.PENDING, noted at sign-in), or when the account must have one (staff, with
STAFF_2FA_REQUIRED) and the session has not passed one. Until then every page redirects,
/staff/ and /admin/ included, except the sign-in pages of this app, the passkey
ceremony's endpoints, logout and the language switch.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .policy import PENDING, required_for

EXEMPT_URL_NAMES = {"accounts:logout", "set_language", "healthz"}


def exempt(view_func):
    """Marks a view reachable while a second factor is owed."""
    view_func.second_factor_exempt = True
    return view_func


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        pending = request.session.get(PENDING, False)
        if not pending and not required_for(user):
            return None
        match = request.resolver_match
        if (
            getattr(view_func, "second_factor_exempt", False)
            or match.namespace == "otp_webauthn"
            or match.view_name in EXEMPT_URL_NAMES
        ):
            # The page's navigation leaves out what would only lead back here.
            request.second_factor_owed = True
            return None
        target = "twofactor:verify" if pending else "twofactor:setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")

"""The passkey ceremony's endpoints (django-otp-webauthn's views, under its namespace, as
its scripts expect). Completing a passkey verification also notes when it happened, for
the pages that ask to confirm it is you again."""

import time

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views

from .policy import PENDING
from .verification import forget

PASSKEY_AT = "twofactor_passkey_at"


class CompleteCredentialAuthenticationView(views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        # A passkey used by a session that had passed its second factor already confirms
        # an action (views._confirmed_action); otherwise it is the sign-in itself.
        confirming = self.request.user.is_verified()
        super().complete_auth(device)
        self.request.session.pop(PENDING, None)
        if confirming:
            self.request.session[PASSKEY_AT] = time.time()
        else:
            # The sign-in is complete, as with a code (views._sign_in).
            self.request.session.cycle_key()
            forget(self.request, self.request.user)


class CompleteCredentialRegistrationView(views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        # A passkey registered as the first factor also signs the session in with it (the
        # library marks it verified): a new session key, as with a code.
        first = not self.request.user.is_verified()
        response = super().post(*args, **kwargs)
        if first and self.request.user.is_verified():
            self.request.session.cycle_key()
            self.request.session.pop(PENDING, None)
        return response


app_name = "otp_webauthn"

urlpatterns = [
    path(
        "registration/begin/",
        views.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteCredentialRegistrationView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteCredentialAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]

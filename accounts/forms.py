from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from netdigi.formfields import BootstrapFormMixin
from notifications.outbox import queue

from .emails import PASSWORD_RESET
from .identifiers import normalise_email


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Email Address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _("Please enter a correct email address and password."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")

    def clean_username(self):
        # One spelling for the lookup and the failed-login counter (accounts.identifiers).
        return normalise_email(self.cleaned_data["username"])

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # Read before login() records this login: on their very first one, a user takes
        # the language the Member Area was shown in (accounts/language.py).
        user.first_login = user.last_login is None


class QueuedPasswordResetForm(BootstrapFormMixin, PasswordResetForm):
    """Password reset whose email is an outbox row: it survives a broker outage, and a
    known and an unknown address answer alike (one small insert, or none)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email Address")

    def save(self, **kwargs):
        """Queue one reset email per matching active account (Django's rules of who
        matches: usable password, same email), instead of rendering and sending here."""
        email = self.cleaned_data["email"]
        with transaction.atomic():
            queue(PASSWORD_RESET, recipients=list(self.get_users(email)))


class NewPasswordForm(BootstrapFormMixin, SetPasswordForm):
    """The new password, from a reset link."""

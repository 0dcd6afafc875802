from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from notifications.outbox import queue

from .emails import PASSWORD_RESET


class LoginForm(AuthenticationForm):
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

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # Read before login() records this login: on their very first one, a user takes
        # the language the Member Area was shown in (accounts/language.py).
        user.first_login = user.last_login is None


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose email is an outbox row: it survives a broker outage, and a
    known and an unknown address answer alike (one small insert, or none)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email Address")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("reset", _("Send reset link")))

    def save(self, **kwargs):
        """Queue one reset email per matching active account (Django's rules of who
        matches: usable password, same email), instead of rendering and sending here."""
        email = self.cleaned_data["email"]
        with transaction.atomic():
            queue(PASSWORD_RESET, recipients=list(self.get_users(email)))

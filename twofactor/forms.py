from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .verification import check_code

CODE_HELP = _("The 6-digit code of your authenticator app, or one of your recovery codes.")


def code_field(help_text=CODE_HELP):
    return forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class CodeForm(forms.Form):
    code = code_field()


class SetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ConfirmMixin:
    """The password and a second-factor code again, for turning two-factor sign-in off and
    for changing the email address or the password. After a passkey confirmed on the same
    page (views.passkey_confirmed), or for an account without a second factor, the code is
    not asked.

    `failed` tells the view to count a wrong password or code toward the lockout."""

    password_field = "password"  # noqa: S105 (a field name)
    failed = False

    def add_confirm_fields(self, user, *, enrolled, passkey_confirmed):
        self.user = user
        # Without a second factor, or after a passkey on this page, the password suffices.
        self.code_needed = enrolled and not passkey_confirmed
        if self.code_needed:
            self.fields["code"] = code_field()

    def check_password_and_code(self):
        password = self.cleaned_data.get(self.password_field)
        if password is not None and not self.user.check_password(password):
            self.failed = True
            self.add_error(self.password_field, _("Your password was entered incorrectly."))
            return
        if not self.code_needed or "code" in self.errors:
            return
        self.device = check_code(self.user, self.cleaned_data.get("code", ""))
        if self.device is None:
            self.failed = True
            self.add_error("code", _("That code is not valid, or it has been used already."))


class PasswordAndCodeForm(ConfirmMixin, forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, enrolled=True, passkey_confirmed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_confirm_fields(user, enrolled=enrolled, passkey_confirmed=passkey_confirmed)

    def clean(self):
        cleaned = super().clean()
        self.check_password_and_code()
        return cleaned


class ChangeEmailForm(PasswordAndCodeForm):
    email = forms.EmailField(
        label=_("New email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    field_order = ["email", "password", "code"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email:
            raise forms.ValidationError(_("This is already your email address."))
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this email address already exists."))
        return email


class ConfirmedPasswordChangeForm(ConfirmMixin, PasswordChangeForm):
    """Django's password change (old password, new password twice) plus a code."""

    password_field = "old_password"  # noqa: S105 (a field name)

    def __init__(self, user, *args, enrolled=True, passkey_confirmed=False, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.add_confirm_fields(user, enrolled=enrolled, passkey_confirmed=passkey_confirmed)

    def clean_old_password(self):
        # Checked with the code in clean(), where a wrong one is counted.
        return self.cleaned_data["old_password"]

    def clean(self):
        cleaned = super().clean()
        self.check_password_and_code()
        return cleaned

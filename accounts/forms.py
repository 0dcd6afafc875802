from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _


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
    """Password reset whose email goes out from a worker, not inside the request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email Address")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("reset", _("Send reset link")))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from .tasks import send_email

        # In the account's own language, like every other email it is sent.
        with translation.override(context["user"].language or settings.LANGUAGE_CODE):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
            html = (
                loader.render_to_string(html_email_template_name, context)
                if html_email_template_name
                else None
            )
        # robust: with the broker down the error is logged and the page answers as it does
        # for an unknown address (a 500 here would tell which addresses have an account).
        transaction.on_commit(
            lambda: send_email.delay(
                subject=subject, body=body, html=html, from_email=from_email, to=[to_email]
            ),
            robust=True,
        )

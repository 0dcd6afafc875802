from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .emails import register_kinds
        from .language import carry_language_choice

        register_kinds()

        user_logged_in.connect(carry_language_choice, dispatch_uid="accounts_carry_language")

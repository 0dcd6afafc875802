from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwofactorConfig(AppConfig):
    name = "twofactor"
    verbose_name = _("Two-factor sign-in")

    def ready(self):
        from . import signals  # noqa: F401
        from .emails import register_kinds

        register_kinds()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sla"
    verbose_name = _("Service levels and satisfaction")

    def ready(self):
        from . import signals  # noqa: F401
        from .emails import register_kinds

        register_kinds()

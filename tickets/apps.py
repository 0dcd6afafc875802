from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Support tickets")

    def ready(self):
        from . import signals
        from .emails import register_kinds

        register_kinds()
        signals.connect()

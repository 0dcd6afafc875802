from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sla"
    verbose_name = _("Service levels and satisfaction")

    def ready(self):
        from tickets.signals import ticket_closed

        from . import signals  # noqa: F401
        from .emails import register_kinds
        from .satisfaction import survey_on_close

        register_kinds()
        ticket_closed.connect(
            lambda sender, ticket, **kwargs: survey_on_close(ticket=ticket),
            dispatch_uid="sla_survey_on_close",
            weak=False,
        )

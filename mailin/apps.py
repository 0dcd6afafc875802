from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailinConfig(AppConfig):
    name = "mailin"
    verbose_name = _("Incoming email")

    def ready(self):
        from anymail.signals import inbound

        from .emails import register_kinds
        from .webhooks import receive_inbound

        register_kinds()
        inbound.connect(receive_inbound, dispatch_uid="mailin_inbound")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network status")

    def ready(self):
        from . import signals  # noqa: F401 (cache invalidation)

    def seed_demo(self):
        """The demo incident and maintenance (`manage.py seed_demo`)."""
        from accounts.models import User

        from .demo import seed_incidents

        seed_incidents(User.objects.get(email="staff@example.com"))

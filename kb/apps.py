from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledgebase")

    def seed_demo(self):
        """Called by `manage.py seed_demo`: the demo categories and articles."""
        from .demo import seed_articles

        seed_articles()

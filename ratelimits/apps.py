from django.apps import AppConfig


class RatelimitsConfig(AppConfig):
    """Counters of requests limited by ratelimits.counters (no pages, no admin)."""

    name = "ratelimits"
    default_auto_field = "django.db.models.BigAutoField"

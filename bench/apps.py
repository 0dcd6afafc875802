from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark tools (`manage.py seed_bench`), installed only where the source tree
    has bench/ (netdigi/settings.py); the product never imports it."""

    name = "bench"
    verbose_name = "Benchmark tools"
    default_auto_field = "django.db.models.BigAutoField"

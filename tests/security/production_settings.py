"""Production settings (netdigi/settings.py with the environment the test gives) for the
probe of test_production_settings.py. Only static files differ: served from their
folders, so that the probe needs no collectstatic."""

from netdigi.settings import *  # noqa: F403
from netdigi.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

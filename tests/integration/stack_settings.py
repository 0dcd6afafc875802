"""Settings of the processes the integration tests start: production settings (from the
environment the tests give), except that static files are served from their folders, so
that the run needs no collectstatic."""

from netdigi.settings import *  # noqa: F403
from netdigi.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

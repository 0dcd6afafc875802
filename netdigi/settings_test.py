"""Settings for the test suite: production settings with what a test run needs."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-suite-only-not-secret")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="netdigi-test-media-"))

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

# Fast hashing: the suite creates many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files straight from the source folders, no collectstatic needed.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The live server of the browser tests wraps the app in a handler that serves MEDIA_URL
# from MEDIA_ROOT and breaks on None. A URL on another host is never served by it, so
# attachments stay reachable only through their views, as in production.
MEDIA_URL = "http://media.invalid/"
# SQLite: a test database in a file rather than in memory. In memory, the live server's
# threads share one cache whose table locks fail at once instead of waiting, so two
# requests at the same moment (a double click) could fail with "database table is locked".
# In a file, WAL and the busy timeout of settings.py make them wait their turn.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"netdigi-test-{os.getpid()}.sqlite3")
    }
# The service level policy is read afresh on every use: no test sees another's targets,
# and the query counts of the pages do not depend on a warm cache.
SLA_POLICY_CACHE_SECONDS = 0

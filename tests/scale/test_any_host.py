"""Nothing a request or a task depends on is kept in one process's memory: sessions, login
failures, flood counters and periodic claims are database rows, the cache is Redis when
CACHE_URL says so, and the database settings suit PgBouncer when told."""

import subprocess
import sys
from pathlib import Path

import pytest
from axes.handlers.database import AxesDatabaseHandler
from django.utils.module_loading import import_string

ROOT = Path(__file__).resolve().parents[2]


def _settings(expression, **environ):
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50, **environ}
    script = f"from netdigi import settings as s\nprint({expression})"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sessions_and_login_failures_are_database_rows(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler)


def test_the_cache_is_redis_when_cache_url_says_so():
    backend = _settings(
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']",
        CACHE_URL="redis://10.0.0.5:6379/2",
    )
    assert backend == "django.core.cache.backends.redis.RedisCache redis://10.0.0.5:6379/2"


def test_without_cache_url_the_cache_is_this_processes_memory():
    backend = _settings("s.CACHES['default']['BACKEND']")
    assert backend == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(("value", "expected"), [(None, "False"), ("true", "True")])
def test_server_side_cursors_can_be_turned_off_for_pgbouncer(value, expected):
    environ = {"DATABASE_URL": "postgres://u@db:6432/netdigi"}
    if value:
        environ["DISABLE_SERVER_SIDE_CURSORS"] = value
    got = _settings("s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']", **environ)
    assert got == expected

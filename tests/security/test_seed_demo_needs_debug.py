"""`seed_demo` sets the documented demo password ("netdigi-demo") on its accounts, a
superuser among them: run by mistake on a real installation, it would hand out the keys.
With DEBUG off it refuses unless told `--force`; `make run` sets DEBUG and works as before."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def real_admin(db):
    return User.objects.create_superuser("admin@example.com", "a-long-real-passphrase-1")


def test_with_debug_off_it_refuses_and_changes_nothing(settings, real_admin):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())
    real_admin.refresh_from_db()
    assert real_admin.check_password("a-long-real-passphrase-1")
    assert not User.objects.filter(email="customer@example.com").exists()


def test_with_debug_on_it_runs(settings, real_admin):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.get(email="admin@example.com").check_password("netdigi-demo")


def test_force_runs_it_with_debug_off(settings, real_admin):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(email="customer@example.com").exists()


def test_make_run_sets_debug_for_it():
    makefile = (ROOT / "Makefile").read_text()
    assert "DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo" in makefile


def test_a_production_process_is_refused(tmp_path):
    """The command as an operator would type it, with production settings."""
    from tests.security.test_production_settings import production_env

    env = production_env(tmp_path)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "--force" in result.stderr

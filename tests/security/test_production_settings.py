"""Production settings: `manage.py check --deploy` has nothing to say, and every answer
carries the security headers and cookie flags.

Both run in a process of their own with the environment of a production server (DEBUG
off, a long random SECRET_KEY, the real host name, no test overrides), so what is checked
is netdigi/settings.py as deployed, not the test settings.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "member.netdigi.co.id"
HTML_PAGES = [
    "login page",
    "dashboard",
    "ticket list",
    "open ticket form",
    "ticket page",
    "missing page",
    "staff queues",
    "staff ticket page",
    "admin index",
    "admin ticket",
    "admin login page",
]
# Variables the test settings (or the developer's shell) may have set: a production server
# has none of them unless it means to.
NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "MEDIA_ROOT",
    "SITE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "TRUSTED_PROXY_COUNT",
}


def production_env(tmp_path, **extra):
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "netdigi.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
            "SITE_URL": f"https://{HOST}",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "ERROR",
            **extra,
        }
    )
    return env


def run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_check_deploy_with_production_settings_has_no_warning(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """Every answer of the production probe (tests/security/production_probe.py)."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="tests.security.production_settings")
    result = run(["-m", "tests.security.production_probe"], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def headers(probe, name):
    return probe["answers"][name]["headers"]


def csp(value):
    """{directive: [sources]} of a Content-Security-Policy header."""
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_the_probe_reached_every_page_it_meant_to(probe):
    statuses = {name: answer["status"] for name, answer in probe["answers"].items()}
    assert statuses == {
        "http login page": 301,
        "http health check": 200,
        "login page": 200,
        "login": 302,
        "dashboard": 200,
        "ticket list": 200,
        "open ticket form": 200,
        "ticket page": 200,
        "attachment": 200,
        "thumbnail": 200,
        "language": 302,
        "missing page": 404,
        "logout": 302,
        "staff queues before the second factor": 302,
        "second factor enrolment": 200,
        "staff queues": 200,
        "staff ticket page": 200,
        "admin index": 200,
        "admin ticket": 200,
        "admin login page": 200,
    }


def test_the_health_check_answers_plain_http_for_load_balancers(probe):
    assert "Location" not in headers(probe, "http health check")


def test_plain_http_is_sent_to_https(probe):
    answer = headers(probe, "http login page")
    assert answer["Location"] == f"https://{HOST}/accounts/login/"
    assert "Strict-Transport-Security" not in answer


@pytest.mark.parametrize("page", HTML_PAGES)
def test_every_page_carries_the_security_headers(probe, page):
    answer = headers(probe, page)
    assert answer["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"
    assert answer["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("page", HTML_PAGES)
def test_every_page_has_a_content_security_policy_without_inline_scripts(probe, page):
    policy = csp(headers(probe, page)["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    everything = " ".join(source for sources in policy.values() for source in sources)
    assert "unsafe-eval" not in everything
    # Inline style attributes only; no inline script or <style> block anywhere.
    inline = [name for name, sources in policy.items() if "'unsafe-inline'" in sources]
    assert inline == ["style-src-attr"]


@pytest.mark.parametrize("name", ["attachment", "thumbnail"])
def test_attachments_are_served_in_a_sandbox(probe, name):
    answer = headers(probe, name)
    policy = csp(answer["Content-Security-Policy"])
    assert "sandbox" in policy
    assert policy["default-src"] == ["'none'"]
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Strict-Transport-Security"].startswith("max-age=31536000")


def test_every_cookie_is_secure_httponly_and_same_site(probe):
    set_cookies = [
        (name, flags)
        for answer in probe["answers"].values()
        for name, flags in answer["cookies"].items()
        if not flags["deleted"]
    ]
    assert {"sessionid", "csrftoken", "django_language"} <= {name for name, _ in set_cookies}
    for name, flags in set_cookies:
        assert flags == {"secure": True, "httponly": True, "samesite": "Lax", "deleted": False}, (
            name
        )


def test_logout_deletes_the_session_cookie(probe):
    assert probe["answers"]["logout"]["cookies"]["sessionid"]["deleted"] is True


def test_email_has_a_timeout(probe):
    assert probe["settings"]["DEBUG"] is False
    assert 0 < probe["settings"]["EMAIL_TIMEOUT"] <= 60

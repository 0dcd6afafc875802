"""gunicorn is reachable through the reverse proxy only, and believes forwarded headers from
the proxy only.

Published on every interface with `FORWARDED_ALLOW_IPS="*"` and one trusted proxy, anyone
reaching port 8000 directly could write X-Forwarded-For and be counted as a new address on
every login guess (or as someone else's address, to lock them out), and could claim https.
"""

import ipaddress
import os
import re
import runpy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "docker-compose.yml"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
VARIABLE = re.compile(r"\$\{(\w+)(?::?[-?]([^}]*))?\}")


def _interpolate(value, env):
    """Compose's ${VAR:-default} and ${VAR:?error}, with `env` as the shell."""
    if isinstance(value, str):
        return VARIABLE.sub(lambda m: env.get(m.group(1)) or m.group(2) or "", value)
    if isinstance(value, dict):
        return {key: _interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate(item, env) for item in value]
    return value


def compose(env=None):
    return _interpolate(yaml.safe_load(COMPOSE.read_text()), env or {})


def gunicorn_settings(env):
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        return runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _port_host(entry):
    if isinstance(entry, dict):
        return entry.get("host_ip", "")
    parts = str(entry).split(":")
    return parts[0] if len(parts) == 3 else ""


def test_the_web_port_is_published_on_this_host_only():
    services = compose()["services"]
    published = {name: s["ports"] for name, s in services.items() if s.get("ports")}
    assert set(published) == {"web"}
    assert [_port_host(entry) for entry in published["web"]] == ["127.0.0.1"]


@pytest.mark.parametrize("env", [{}, {"PROXY_ADDRESS": "172.30.80.9"}])
def test_forwarded_headers_are_believed_from_the_proxy_address_only(env):
    stack = compose(env)
    network = stack["networks"]["default"]["ipam"]["config"][0]
    # A proxy on this host comes in through the network's gateway; a proxy container has
    # a fixed address of its own on the network.
    proxy = env.get("PROXY_ADDRESS", network["gateway"])
    assert network["gateway"] == "172.30.80.1"
    assert ipaddress.ip_address(proxy) in ipaddress.ip_network(network["subnet"])
    for name in ("web", "worker", "beat", "release"):
        environment = stack["services"][name]["environment"]
        assert environment["FORWARDED_ALLOW_IPS"] == proxy, name
        assert environment["TRUSTED_PROXY_IPS"] == proxy, name
        assert int(environment["TRUSTED_PROXY_COUNT"]) == 1
    web_env = {k: str(v) for k, v in stack["services"]["web"]["environment"].items()}
    assert gunicorn_settings(web_env)["forwarded_allow_ips"] == proxy


def test_gunicorn_alone_trusts_this_host_only():
    assert gunicorn_settings({})["forwarded_allow_ips"] == "127.0.0.1"
    assert "*" not in (ROOT / "deploy" / "env.example").read_text()

"""/healthz tells a load balancer whether the database and the broker answer."""

import socket
from unittest import mock

import pytest
from django.db.utils import OperationalError

from netdigi.celery import app


def test_healthz_is_200_when_everything_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200


def test_healthz_is_503_when_the_database_does_not_answer(client, db):
    with mock.patch("netdigi.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert "down" not in response.content.decode()


@pytest.fixture
def broker_nowhere(monkeypatch):
    """The app configured with a Redis broker on a port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", f"redis://127.0.0.1:{port}/0")
    return port


def test_healthz_is_503_when_the_broker_does_not_answer(client, db, broker_nowhere):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}

"""A broker that is down never fails or stalls the request that opens a ticket."""

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from notifications.models import Notification
from tests.tickets.helpers import form_data

ROOT = Path(__file__).resolve().parents[2]

PUBLISH = """
import django
django.setup()
from notifications.tasks import dispatch
print("enqueued", dispatch([101, 102, 103]))
"""


def test_opening_a_ticket_while_the_broker_is_down_succeeds_and_keeps_the_rows(
    alice_client, alice, sam, django_capture_on_commit_callbacks
):
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch(
        "notifications.tasks.send_notifications.apply_async", side_effect=refused
    ) as publish:
        with django_capture_on_commit_callbacks(execute=True):
            response = alice_client.post(
                reverse("tickets:open_form", args=["technical-support"]), form_data()
            )
    ticket = alice.tickets.get()
    assert response.status_code == 302
    assert response.url == ticket.get_absolute_url()
    page = alice_client.get(response.url)
    assert f"Ticket #{ticket.number} has been opened" in page.content.decode()
    # One failed publish is enough to know the broker is down: the other row is not tried.
    assert publish.call_count == 1
    assert set(ticket.notifications.values_list("state", flat=True)) == {Notification.State.PENDING}
    assert ticket.notifications.count() == 2


class FakeBroker:
    """A TCP port that counts connections: it closes each at once, or never answers."""

    def __init__(self, *, answer):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.answer = answer
        self.connections = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections.append(conn)
            if self.answer == "close":
                conn.close()

    def stop(self):
        self.server.close()
        for conn in self.connections:
            conn.close()


def publish_with_broker(port):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "netdigi.settings_test",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
        "PYTHONPATH": str(ROOT),
    }
    # The time-out only stops a hung test run; the assertions are about what happened.
    result = subprocess.run(
        [sys.executable, "-c", PUBLISH],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("answer", ["close", "silent"])
def test_publishing_to_a_broker_that_is_down_tries_once_and_gives_up(answer):
    broker = FakeBroker(answer=answer)
    try:
        result = publish_with_broker(broker.port)
    finally:
        broker.stop()
    assert "enqueued 0" in result.stdout
    # One connection attempt for the whole batch: no retry loop, no attempt per row.
    assert len(broker.connections) == 1
    assert "stay pending for the re-dispatch" in result.stderr


def test_publishing_to_a_port_where_nothing_listens_gives_up_at_once():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = publish_with_broker(port)
    assert "enqueued 0" in result.stdout
    assert "Connection refused" in result.stderr


def test_after_a_failed_publish_the_next_rows_wait_without_trying_the_broker_again():
    from notifications.tasks import dispatch

    refused = OperationalError("Connection refused")
    with mock.patch(
        "notifications.tasks.send_notifications.apply_async", side_effect=refused
    ) as publish:
        assert dispatch([1, 2]) == 0
        assert dispatch([3]) == 0
    assert publish.call_count == 1

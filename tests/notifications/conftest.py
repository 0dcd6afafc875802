"""Fixtures of the outbox tests: an email backend whose outcome each test scripts."""

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from tickets.emails import TicketEmail


class ScriptedBackend(BaseEmailBackend):
    """Stands for the SMTP server. Each send takes the next outcome from `script`: an
    exception to raise, or None to accept the message. `close_error` is raised by QUIT."""

    script = []
    accepted = []
    close_error = None

    def open(self):
        return True

    def close(self):
        if ScriptedBackend.close_error is not None:
            raise ScriptedBackend.close_error

    def send_messages(self, messages):
        outcome = ScriptedBackend.script.pop(0) if ScriptedBackend.script else None
        if outcome is not None:
            raise outcome
        ScriptedBackend.accepted.extend(messages)
        return len(messages)


@pytest.fixture
def smtp(settings):
    """The scripted SMTP server, with a short backoff and 3 attempts per row."""
    settings.EMAIL_BACKEND = "tests.notifications.conftest.ScriptedBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    settings.NOTIFICATION_RETRY_BACKOFF = 10
    settings.NOTIFICATION_RETRY_BACKOFF_MAX = 25
    ScriptedBackend.script = []
    ScriptedBackend.accepted = []
    ScriptedBackend.close_error = None
    yield ScriptedBackend
    ScriptedBackend.script = []
    ScriptedBackend.accepted = []
    ScriptedBackend.close_error = None


@pytest.fixture
def opened(alice, technical):
    """Alice's ticket, opened through the real action; its rows wait in the outbox."""
    from tests.tickets.helpers import open_ticket

    return open_ticket(alice, technical)


@pytest.fixture
def row(opened):
    """The pending "ticket opened" row to alice."""

    return opened.notifications.get(event=TicketEmail.TICKET_OPENED)

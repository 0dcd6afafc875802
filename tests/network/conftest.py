"""Incidents for the network status tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from network import actions
from network.models import Incident
from network.status import forget


@pytest.fixture
def open_incident(sam):
    """A major incident on sg-web-03 (alice's server in these tests), one update."""
    return actions.create_incident(
        by=sam,
        kind=Incident.Kind.INCIDENT,
        title="Email delivery delays on server sg-web-03",
        title_id="Keterlambatan pengiriman email di server sg-web-03",
        impact=Incident.Impact.MAJOR,
        state=Incident.State.IDENTIFIED,
        starts_at=timezone.now() - timedelta(minutes=30),
        servers=["sg-web-03"],
        message="The mail queue is stuck behind a full disk.",
        message_id="Antrean email tertahan karena disk penuh.",
    )


@pytest.fixture
def alice_on_sg_web_03(alice_hosting):
    alice_hosting.server = "sg-web-03"
    alice_hosting.save(update_fields=["server"])
    return alice_hosting


@pytest.fixture
def bob_on_sg_web_05(bob_hosting):
    bob_hosting.server = "sg-web-05"
    bob_hosting.save(update_fields=["server"])
    return bob_hosting


@pytest.fixture
def cold_cache():
    """The cached status dropped: the next page reads it again."""
    forget()
    yield
    forget()

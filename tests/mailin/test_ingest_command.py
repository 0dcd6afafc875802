"""`manage.py ingest_email`: stores once, exits 0; exits 75 when it cannot store; never
prints the message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mailin.models import InboundMessage

from .conftest import corpus, run_ingest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_it_stores_the_raw_bytes_and_exits_0_without_printing_the_message(ticket):
    raw = corpus("gmail_en.eml", NUMBER=ticket.number)
    code, output = run_ingest(raw)
    assert code == 0
    row = InboundMessage.objects.get()
    assert bytes(row.raw) == raw
    assert row.source == "pipe"
    assert row.sender == "alice@example.com"
    assert row.message_id == "CAGmail1234567890abcdef@mail.gmail.com"
    assert "cleared the cache" not in output and "Subject" not in output


@pytest.mark.django_db
def test_the_same_bytes_twice_are_stored_once_and_both_exit_0(ticket):
    raw = corpus("gmail_en.eml", NUMBER=ticket.number)
    assert run_ingest(raw)[0] == 0
    assert run_ingest(raw)[0] == 0
    assert InboundMessage.objects.count() == 1


@pytest.mark.django_db
def test_an_empty_input_is_refused_for_good():
    assert run_ingest(b"  \n")[0] == 65
    assert not InboundMessage.objects.exists()


def test_it_exits_75_when_the_database_cannot_be_reached():
    """A database that refuses connections: the MTA is told to retry (EX_TEMPFAIL)."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "DEBUG": "true",
        "CELERY_BROKER_URL": "",
    }
    raw = corpus("gmail_en.eml", NUMBER="123456")
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest_email"],
        input=raw,
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 75
    assert b"cleared the cache" not in result.stdout + result.stderr
    assert b"not stored, try again later" in result.stderr

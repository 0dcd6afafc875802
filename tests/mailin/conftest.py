"""Fixtures of the incoming-email tests: the corpus, a ticket of alice's to answer, and
`ingest`, which delivers raw bytes as the MTA pipe does and runs the processing that
follows the commit (in-process, as with no broker)."""

import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from mailin.models import InboundMessage
from tests.factories import TicketFactory

CORPUS = Path(__file__).resolve().parent / "corpus"
SUPPORT = "support@netdigi.co.id"


def corpus(name, **values):
    """The corpus file `name` with its %%PLACEHOLDERS%% filled in."""
    raw = (CORPUS / name).read_bytes()
    defaults = {
        "FROM": "alice@example.com",
        "TO": SUPPORT,
        "NUMBER": "000000",
        "IN_REPLY_TO": "<nothing-of-ours@example.com>",
    }
    for key, value in {**defaults, **values}.items():
        raw = raw.replace(f"%%{key}%%".encode(), str(value).encode())
    return raw


class Stdin:
    def __init__(self, data):
        self.buffer = io.BytesIO(data)


def run_ingest(raw, *, recipient=""):
    """`manage.py ingest_email` with `raw` on standard input: (exit code, stdout)."""
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = Stdin(raw)
    try:
        args = ["--recipient", recipient] if recipient else []
        call_command("ingest_email", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exit_:
        code = exit_.code
    else:
        code = 0
    finally:
        sys.stdin = old
    return code, out.getvalue()


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """Deliver raw bytes through the pipe and process them; returns the stored row."""

    def deliver(raw, *, recipient=""):
        with django_capture_on_commit_callbacks(execute=True):
            code, _out = run_ingest(raw, recipient=recipient)
        assert code == 0
        return InboundMessage.objects.order_by("-pk").first()

    return deliver


@pytest.fixture
def ticket(alice, technical):
    return TicketFactory(customer=alice, department=technical, subject="Website Error 500")

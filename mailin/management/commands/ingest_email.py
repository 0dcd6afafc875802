"""`manage.py ingest_email`: one raw message on standard input, as an MTA's pipe delivers it.

Exit 0 once the message is stored, whatever becomes of it; 75 (EX_TEMPFAIL) when it could
not be stored, so the MTA keeps it and retries. The message itself is never printed."""

import sys

from django.core.management.base import BaseCommand

from mailin.store import store

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75
# A message larger than this is refused for good (the MTA bounces it): far above what
# any mail server passes on (attachments are 10 MB each at most).
MAX_BYTES = 64 * 1024 * 1024


class Command(BaseCommand):
    help = "Store one email read on standard input and process it (exit 75: retry later)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--recipient",
            default="",
            help="The envelope recipient (Postfix: ${recipient}, Exim: $local_part@$domain).",
        )

    def handle(self, *args, recipient="", **options):
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        if not raw.strip():
            self.stderr.write("ingest_email: no message on standard input.")
            sys.exit(EX_DATAERR)
        if len(raw) > MAX_BYTES:
            self.stderr.write(f"ingest_email: message larger than {MAX_BYTES} bytes, refused.")
            sys.exit(EX_DATAERR)
        try:
            row, created = store(raw, source="pipe", envelope_recipient=recipient)
        except Exception as error:  # the database is down, the disk is full...
            reason = type(error).__name__
            self.stderr.write(f"ingest_email: not stored, try again later ({reason}).")
            sys.exit(EX_TEMPFAIL)
        state = "stored" if created else "already stored"
        self.stdout.write(f"ingest_email: {state} as incoming email {row.pk}.")
        sys.exit(EX_OK)

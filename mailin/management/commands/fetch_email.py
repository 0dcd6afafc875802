"""`manage.py fetch_email`: one pass over the IMAP mailbox of EMAIL_INBOX_URL."""

import imaplib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from imap_tools.errors import ImapToolsError

from mailin.imap import fetch_once


class Command(BaseCommand):
    help = "Fetch new mail from EMAIL_INBOX_URL once, store it and process it."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="At most this many messages.")

    def handle(self, *args, limit=100, **options):
        if not settings.EMAIL_INBOX_URL:
            raise CommandError("EMAIL_INBOX_URL is not set (imaps://user:password@host/INBOX).")
        try:
            stored = fetch_once(limit=limit)
        except ValueError as error:
            raise CommandError(str(error)) from error
        except (OSError, imaplib.IMAP4.error, ImapToolsError) as error:
            raise CommandError(f"The mailbox could not be read: {error}") from error
        self.stdout.write(f"fetch_email: {stored} new message(s) stored.")

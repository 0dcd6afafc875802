"""The one way a message enters: its raw bytes are stored, then processed after commit."""

import hashlib
from email import policy
from email.parser import BytesHeaderParser
from email.utils import parseaddr

from django.db import IntegrityError, transaction

from .dispatch import process_later
from .models import InboundMessage


class NotStored(Exception):
    """The message could not be stored (database down, disk full): the sender retries."""


def _summary(raw):
    """Sender, subject and Message-ID for the lists, read from the headers only; anything
    unreadable is left empty (processing reads the message properly)."""
    try:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(raw[: 256 * 1024])
        sender = parseaddr(str(headers.get("From", "")))[1].lower()
        subject = " ".join(str(headers.get("Subject", "")).split())
        message_id = str(headers.get("Message-ID", "")).strip().strip("<>")
    except Exception:
        return "", "", ""
    return sender[:254], subject[:255], message_id[:998]


def store(raw, *, source, envelope_recipient="", imap=None, provider_verdict=""):
    """Store `raw` (bytes) once. Returns (row, created): the same bytes, or the same IMAP
    UIDVALIDITY+UID, a second time give the first row and created=False."""
    if not isinstance(raw, bytes):
        raise TypeError("A raw message is bytes.")
    digest = hashlib.sha256(raw).hexdigest()
    sender, subject, message_id = _summary(raw)
    mailbox, uidvalidity, uid = imap or ("", None, None)
    try:
        with transaction.atomic():
            row = InboundMessage.objects.create(
                source=source,
                raw=raw,
                size=len(raw),
                sha256=digest,
                sender=sender,
                subject=subject,
                message_id=message_id,
                envelope_recipient=(envelope_recipient or "")[:254].lower(),
                imap_mailbox=mailbox,
                imap_uidvalidity=uidvalidity,
                imap_uid=uid,
                provider_verdict=provider_verdict,
            )
            transaction.on_commit(lambda: process_later([row.pk]))
    except IntegrityError:
        existing = InboundMessage.objects.defer("raw").filter(sha256=digest).first()
        if existing is None and uid is not None:
            existing = (
                InboundMessage.objects.defer("raw")
                .filter(imap_mailbox=mailbox, imap_uidvalidity=uidvalidity, imap_uid=uid)
                .first()
            )
        if existing is None:
            raise
        return existing, False
    except Exception as error:
        raise NotStored(f"{type(error).__name__}: {error}") from error
    return row, True

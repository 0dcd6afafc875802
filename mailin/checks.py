"""The filters that decide, before any ticket is looked at, whether a message is to be
acted on: automatic mail (auto-replies, lists, bulk, loops) is ignored, and mail whose
sender domain failed DMARC or DKIM at our own receiving server is held."""

import re

from django.conf import settings

from .addresses import is_our_message_id
from .models import InboundMessage

Reason = InboundMessage.Reason

OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\s*(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response)"
    r"|autoreply|away from (?:the )?office|on vacation|balasan otomatis|di luar kantor"
    r"|sedang cuti|tidak di kantor)\b",
    re.IGNORECASE,
)
AUTOMATIC_SENDERS = re.compile(r"^(?:mailer-daemon|postmaster|noreply|no-reply)@", re.I)


def automatic_reason(mail):
    """Reason.AUTOMATIC / OUT_OF_OFFICE with a detail, or None for mail a person sent."""
    auto_submitted = mail.header("Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return Reason.AUTOMATIC, f"Auto-Submitted: {auto_submitted}"
    precedence = mail.header("Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return Reason.AUTOMATIC, f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "List-Id"):
        if mail.header(name):
            return Reason.AUTOMATIC, f"{name} header"
    if mail.return_path is not None and (
        mail.return_path == "" or AUTOMATIC_SENDERS.match(mail.return_path)
    ):
        return Reason.AUTOMATIC, f"Return-Path: <{mail.return_path}>"
    if AUTOMATIC_SENDERS.match(mail.sender or ""):
        return Reason.AUTOMATIC, f"From: {mail.sender}"
    if is_our_message_id(mail.message_id):
        return Reason.AUTOMATIC, "Our own Message-ID came back (a mail loop)"
    if OUT_OF_OFFICE_SUBJECT.match(mail.subject or ""):
        return Reason.OUT_OF_OFFICE, mail.subject
    return None


def authentication_failure(mail):
    """ "dmarc=fail" or "dkim=fail" when our receiving server's Authentication-Results says
    so, else None.

    Only the topmost header whose authserv-id is one of EMAIL_AUTHSERV_ID counts: a sender
    can write any Authentication-Results header into their mail, but our server adds its own
    above them (and, configured as RFC 8601 asks, removes forged ones with its id)."""
    ours = settings.EMAIL_AUTHSERV_ID
    if not ours:
        return None
    for header in mail.headers("Authentication-Results"):
        authserv_id = header.split(";", 1)[0].strip().split(" ")[0].strip().lower()
        if authserv_id not in ours:
            continue
        results = header.lower()
        if re.search(r"\bdmarc\s*=\s*fail\b", results):
            return "dmarc=fail"
        dkim = re.findall(r"\bdkim\s*=\s*(\w+)", results)
        if dkim and "pass" not in dkim and any(v in ("fail", "permerror") for v in dkim):
            return "dkim=fail"
        return None
    return None

"""Delivery status notifications (RFC 3464, multipart/report): the notification they are
about is marked bounced, with the reason the receiving server gave."""

from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser

from notifications.models import Notification

from .addresses import read_message_id
from .parsing import message_ids


@dataclass
class Report:
    recipient: str = ""
    action: str = ""
    status: str = ""
    diagnostic: str = ""
    original_ids: list = field(default_factory=list)

    @property
    def reason(self):
        parts = [self.status, self.diagnostic]
        return " ".join(part for part in parts if part) or "Delivery failed"


def _fields(part):
    """The per-recipient fields of a message/delivery-status part (name -> value)."""
    values = {}
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else []
    for block in blocks:
        for name, value in block.items():
            values.setdefault(name.lower(), " ".join(str(value).split()))
    if not blocks:
        text = part.get_payload(decode=True) or b""
        for line in text.decode("utf-8", "replace").splitlines():
            name, _sep, value = line.partition(":")
            if value:
                values.setdefault(name.strip().lower(), value.strip())
    return values


def delivery_report(mail):
    """A Report for a multipart/report; report-type=delivery-status message, else None."""
    message = mail.message
    if message.get_content_type() != "multipart/report":
        return None
    if (message.get_param("report-type") or "").lower() != "delivery-status":
        return None
    report = Report()
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            values = _fields(part)
            report.recipient = values.get("final-recipient", "").split(";")[-1].strip()
            report.action = values.get("action", "").lower()
            report.status = values.get("status", "")
            report.diagnostic = values.get("diagnostic-code", "").split(";")[-1].strip()
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            if kind == "message/rfc822":
                inner = part.get_payload()
                inner = inner[0] if isinstance(inner, list) and inner else inner
                value = str(inner.get("Message-ID", "")) if hasattr(inner, "get") else ""
            else:
                raw = part.get_payload(decode=True) or b""
                headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
                value = str(headers.get("Message-ID", ""))
            report.original_ids += message_ids(value)
    return report


def record(report):
    """Mark the notifications the report is about as bounced; a text for the row's detail."""
    ids = [pk for pk in (read_message_id(value) for value in report.original_ids) if pk]
    if report.action and report.action != "failed":
        # "delayed", "delivered", "relayed": the mail is on its way, nothing bounced.
        return f"Delivery report ({report.action}) for {report.recipient or '?'}."
    if not ids:
        recipient = report.recipient or "?"
        return f"Delivery failure for {recipient} ({report.reason}); no email of ours named."
    marked = Notification.objects.filter(pk__in=ids).update(
        state=Notification.State.BOUNCED,
        last_error=f"Bounced: {report.reason}"[:2000],
    )
    return f"Notification {', '.join(map(str, ids))} bounced ({marked} marked): {report.reason}"

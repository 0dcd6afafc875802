"""Reading a raw RFC 5322 message into what the pipeline needs.

Python's email package with `policy.default` does the MIME work (RFC 2047 headers, RFC 2231
file names, transfer encodings). Mail from the wild is often broken: a header that cannot be
parsed is read as its raw text, and a body in a character set Python does not know is an
error (ParseError) that holds the message for review, rather than text guessed wrongly.
"""

import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from .htmltext import html_to_text

# A message id as it appears in Message-ID, In-Reply-To and References.
MSGID = re.compile(r"<([^<>\s]+)>")


class ParseError(Exception):
    """The message cannot be read; the text says why (shown to staff on the held list)."""


@dataclass
class MailFile:
    name: str
    data: bytes


@dataclass
class ParsedMail:
    message: object  # the email.message.EmailMessage
    message_id: str = ""
    sender: str = ""  # the From address, lower case
    sender_name: str = ""
    return_path: str | None = None  # None: no Return-Path header at all
    subject: str = ""
    recipients: list = field(default_factory=list)  # every address it was delivered to
    in_reply_to: list = field(default_factory=list)
    references: list = field(default_factory=list)
    text: str = ""
    html_only: bool = False
    files: list = field(default_factory=list)

    def header(self, name):
        """A header's text ("" when missing or unreadable)."""
        return header_text(self.message, name)

    def headers(self, name):
        return [_safe_str(value) for value in (self.message.get_all(name) or [])]


def _safe_str(value):
    try:
        return str(value)
    except Exception:  # a header the policy cannot render
        return ""


def header_text(message, name):
    try:
        value = message.get(name)
    except Exception:
        # A malformed header the parser chokes on: the raw text, unfolded.
        raw = [v for k, v in message.raw_items() if k.lower() == name.lower()]
        value = raw[0] if raw else None
    if value is None:
        return ""
    return " ".join(_safe_str(value).split())


def _addresses(message, *names):
    values = []
    for name in names:
        try:
            values += [str(v) for v in message.get_all(name) or []]
        except Exception:
            values += [v for k, v in message.raw_items() if k.lower() == name.lower()]
    return [address.strip().lower() for _name, address in getaddresses(values) if "@" in address]


def header_recipients(row):
    """The addresses an unreadable message was sent to, from its headers alone."""
    try:
        headers = BytesParser(policy=policy.default).parsebytes(bytes(row.raw), headersonly=True)
        found = _addresses(headers, "Delivered-To", "X-Original-To", "To", "Cc")
    except Exception:
        found = []
    return [row.envelope_recipient, *found] if row.envelope_recipient else found


def message_ids(text):
    return MSGID.findall(text or "")


def _decode_filename(name):
    if name and "=?" in name:
        try:
            return str(make_header(decode_header(name)))
        except Exception:
            return name
    return name


def _text_of(part):
    """A text part's content as str; ParseError for an unknown character set."""
    charset = part.get_content_charset() or "us-ascii"
    try:
        "".encode(charset)
    except LookupError:
        kind = part.get_content_type()
        raise ParseError(f"Unknown character set {charset!r} in the {kind} part") from None
    payload = part.get_payload(decode=True) or b""
    return payload.decode(charset, errors="replace")


def _body_part(message):
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except Exception as error:
        raise ParseError(f"Broken MIME structure: {error}") from error


def parse(raw, *, envelope_recipient=""):
    """A ParsedMail from the raw bytes, or ParseError."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:
        raise ParseError(f"Not an email message: {error}") from error
    if not message.keys():
        raise ParseError("Not an email message: no headers")

    name, sender = parseaddr(header_text(message, "From"))
    mail = ParsedMail(message=message)
    mail.sender = sender.strip().lower() if "@" in sender else ""
    mail.sender_name = name
    mail.subject = header_text(message, "Subject")[:255]
    ids = message_ids(header_text(message, "Message-ID"))
    mail.message_id = ids[0] if ids else ""
    mail.in_reply_to = message_ids(header_text(message, "In-Reply-To"))
    mail.references = message_ids(header_text(message, "References"))
    if "Return-Path" in message:
        mail.return_path = header_text(message, "Return-Path").strip("<> ").lower()
    mail.recipients = list(
        dict.fromkeys(
            ([envelope_recipient.lower()] if envelope_recipient else [])
            + _addresses(message, "Delivered-To", "X-Original-To", "To", "Cc")
        )
    )

    body = _body_part(message)
    if body is not None:
        text = _text_of(body)
        if body.get_content_subtype() == "html":
            mail.text = html_to_text(text)
            mail.html_only = True
        else:
            mail.text = text
    mail.text = mail.text.replace("\r\n", "\n").replace("\r", "\n")
    mail.files = list(_files(message, skip=body))
    return mail


def _files(message, *, skip):
    """The attachments: every leaf part with a file name or an attachment disposition, other
    than the body itself. Parts of a forwarded message (message/rfc822) are not our files."""
    for part in _leaves(message):
        if part is skip:
            continue
        try:
            name = _decode_filename(part.get_filename())
        except Exception:
            name = None
        disposition = part.get_content_disposition()
        if not name and disposition != "attachment":
            continue  # an alternative body (the HTML of a text mail), an inline part
        if disposition != "attachment" and part.get("Content-ID"):
            continue  # a picture inside the HTML (a signature's logo), not a file sent
        try:
            data = part.get_payload(decode=True) or b""
        except Exception as error:
            raise ParseError(f"Attachment {name!r} cannot be decoded: {error}") from error
        yield MailFile(name=name or "attachment", data=data)


def _leaves(part):
    if part.get_content_maintype() == "message":
        return
    if part.is_multipart():
        for child in part.iter_parts():
            yield from _leaves(child)
    else:
        yield part

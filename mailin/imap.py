"""The IMAP door: one pass over the mailbox of EMAIL_INBOX_URL (imap-tools).

Each message is fetched without touching its flags, stored (keyed by the folder's
UIDVALIDITY and the message's UID, so a message seen twice is stored once), and only once
it is committed moved to EMAIL_INBOX_DONE_FOLDER. Nothing relies on the unread flag: what is
still in the folder is what has not been stored. A message that cannot be stored stays in
the folder for the next pass; the rest of the batch goes on.

XOAUTH2 (Microsoft 365, Gmail): with EMAIL_INBOX_XOAUTH2 the URL's password is an access
token, or, with EMAIL_INBOX_OAUTH2_TOKEN_URL and its client id, secret and refresh token,
a fresh access token is asked for at every pass.
"""

import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from imap_tools import MailBox, MailBoxUnencrypted

from .models import InboundMessage
from .store import NotStored, store

logger = logging.getLogger(__name__)

BATCH = 100


@dataclass
class Inbox:
    secure: bool
    host: str
    port: int
    user: str
    password: str
    folder: str


def parse_url(url):
    """imaps://user:password@host:993/INBOX (imap:// for no TLS, e.g. a local server)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ValueError("EMAIL_INBOX_URL must start with imaps:// (or imap://).")
    secure = parts.scheme == "imaps"
    if not parts.hostname or not parts.username:
        raise ValueError("EMAIL_INBOX_URL needs a user and a host: imaps://user:password@host")
    return Inbox(
        secure=secure,
        host=parts.hostname,
        port=parts.port or (993 if secure else 143),
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def oauth2_token(inbox):
    """The access token for XOAUTH2: refreshed from the token endpoint when one is set."""
    token_url = settings.EMAIL_INBOX_OAUTH2_TOKEN_URL
    if not token_url:
        return inbox.password
    import requests

    response = requests.post(
        token_url,
        data={
            "grant_type": "refresh_token",
            "client_id": settings.EMAIL_INBOX_OAUTH2_CLIENT_ID,
            "client_secret": settings.EMAIL_INBOX_OAUTH2_CLIENT_SECRET,
            "refresh_token": settings.EMAIL_INBOX_OAUTH2_REFRESH_TOKEN,
        },
        timeout=20,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def connect(inbox):
    box = MailBox if inbox.secure else MailBoxUnencrypted
    mailbox = box(inbox.host, inbox.port, timeout=30)
    if settings.EMAIL_INBOX_XOAUTH2:
        return mailbox.xoauth2(inbox.user, oauth2_token(inbox), initial_folder=inbox.folder)
    return mailbox.login(inbox.user, inbox.password, initial_folder=inbox.folder)


def _raw(mailbox, uid):
    status, data = mailbox.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        raise OSError(f"FETCH of UID {uid} failed: {status}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def fetch_once(*, url=None, limit=BATCH):
    """Store and move up to `limit` messages; returns how many were stored anew."""
    inbox = parse_url(url or settings.EMAIL_INBOX_URL)
    done_folder = settings.EMAIL_INBOX_DONE_FOLDER
    stored = 0
    with connect(inbox) as mailbox:
        if not mailbox.folder.exists(done_folder):
            mailbox.folder.create(done_folder)
        uidvalidity = int(mailbox.folder.status(inbox.folder)["UIDVALIDITY"])
        for uid in mailbox.uids("ALL")[:limit]:
            try:
                raw = _raw(mailbox, uid)
                if raw is None:
                    continue
                row, created = store(
                    raw,
                    source=InboundMessage.Source.IMAP,
                    imap=(inbox.folder, uidvalidity, int(uid)),
                )
            except NotStored:
                logger.warning("IMAP message UID %s not stored; it stays for the next pass", uid)
                continue
            stored += int(created)
            # Stored and committed (store() commits its own transaction): moving it is safe.
            mailbox.move(uid, done_folder)
    if stored:
        logger.info("Stored %d message(s) from %s", stored, inbox.host)
    return stored

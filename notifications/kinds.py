"""The registry of email kinds the outbox can send.

The outbox knows nothing of tickets or accounts: each app registers the kinds of email it
sends (in its AppConfig.ready()), and a row of the outbox names its kind. A kind says what
its templates get to read, who sends it and which extra headers it carries; the templates
are `email/<name>.subject.txt`, `.txt` and `.html`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from .models import Notification


class EmailKind:
    """One kind of email. Subclass it for kinds that need more than the recipient."""

    def __init__(self, name: str, label: str, *, for_staff: bool = False) -> None:
        self.name = name
        self.label = label
        # Staff emails link to the staff pages, customer emails to the Member Area.
        self.for_staff = for_staff

    def __str__(self) -> str:
        return str(self.label)

    @property
    def template(self) -> str:
        return f"email/{self.name}"

    def prepare(self, notifications: list[Notification]) -> None:
        """Called with the rows of this kind that one task is about to send, before any
        is built: load what their emails read in a few queries for all of them."""

    def context(self, notification: Notification) -> dict[str, Any]:
        """What the templates read besides the recipient and the site."""
        return {}

    def sender(self, notification: Notification) -> str:
        return settings.DEFAULT_FROM_EMAIL

    def headers(self, notification: Notification) -> dict[str, str]:
        """Headers of this kind on top of the outbox's own (Message-ID, Auto-Submitted)."""
        return {}

    def addresses(self, notification: Notification) -> list[str]:
        """Where the email goes: the recipient's address, unless the kind says otherwise."""
        return [notification.recipient.email]


_kinds: dict[str, EmailKind] = {}


def register(*kinds: EmailKind) -> None:
    for kind in kinds:
        if kind.name in _kinds and _kinds[kind.name] is not kind:
            raise ValueError(f"Email kind {kind.name!r} is registered twice.")
        _kinds[kind.name] = kind


def get(name: str) -> EmailKind:
    """The kind called `name`; LookupError for a kind no app registered."""
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No email kind {name!r} is registered.") from None


def choices() -> list[tuple[str, str]]:
    """(name, label) of every registered kind, for filters and displays."""
    return sorted(((kind.name, kind.label) for kind in _kinds.values()), key=lambda c: c[0])

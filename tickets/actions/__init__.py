"""Everything that changes a ticket. Each action is keyword-only and one transaction that
writes every row its event needs: the ticket, the message, attachments, event lines and
outbox rows. What an event does to the ticket's status and times is decided in
`transitions`, and only there.

- opening: open_ticket          - replying: add_reply, add_staff_replies
- changing: update_ticket, unassign_departed
- closing: close_ticket, autoclose_stale_tickets
- numbering: ticket numbers     - files: storing attachments (AttachmentsNotStored)
"""

from .changing import unassign_departed, update_ticket
from .closing import autoclose_stale_tickets, close_ticket
from .files import AttachmentsNotStored
from .opening import open_ticket
from .replying import add_reply, add_staff_replies

__all__ = [
    "AttachmentsNotStored",
    "add_reply",
    "add_staff_replies",
    "autoclose_stale_tickets",
    "close_ticket",
    "open_ticket",
    "unassign_departed",
    "update_ticket",
]

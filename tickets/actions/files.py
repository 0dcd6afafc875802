"""Storing a post's attachments: written under random names before the rows commit, and
removed again if the action fails, so nothing is left half-stored."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from ..models import Attachment, Message
from ..storage import STORAGE_ERRORS
from ..uploads import make_thumbnail


class AttachmentsNotStored(Exception):
    """The files could not be written (disk full, quota of the volume, I/O error, a bucket
    refusing or unreachable). Nothing of the action was kept: no row, no file.
    `user_message` is for people; the cause stays in the log."""

    # The writer's text is still in the form, nothing was saved.
    user_message = _(
        "Your files could not be saved because of a problem on our side, so nothing has been "
        "sent yet. Please try again in a few minutes, or send your message without the files."
    )
    status_code = 503


def _delete_quietly(storage, name: str) -> None:
    try:
        storage.delete(name)
    except STORAGE_ERRORS:
        pass


def _store(field_file, name: str, content):
    """Write `content` into `field_file` under a fresh random name.

    The storage writes a file chunk by chunk and leaves it half-written when a write fails
    (a full disk). The random name is chosen here, first, so that whatever was written under
    it can be removed."""
    target = field_file.field.generate_filename(field_file.instance, name)
    try:
        saved = field_file.storage.save(target, content, max_length=field_file.field.max_length)
    except STORAGE_ERRORS as error:
        _delete_quietly(field_file.storage, target)
        raise AttachmentsNotStored(str(error)) from error
    except BaseException:
        _delete_quietly(field_file.storage, target)
        raise
    setattr(field_file.instance, field_file.field.attname, saved)
    return getattr(field_file.instance, field_file.field.attname)


def save_attachments(message: Message, checked_files: Iterable, stored: list) -> None:
    """Store each checked file (tickets.uploads.CheckedFile) under a random name; `stored`
    collects what was written so that the caller can remove it if the transaction fails."""
    for checked in checked_files:
        attachment = Attachment(
            message=message,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
        )
        checked.upload.seek(0)
        stored.append(_store(attachment.file, checked.name, checked.upload))
        if attachment.is_image:
            thumb = make_thumbnail(checked.upload)
            if thumb:
                stored.append(_store(attachment.thumbnail, "thumb.png", ContentFile(thumb)))
        attachment.save()


def discard(stored: list) -> None:
    for field_file in stored:
        _delete_quietly(field_file.storage, field_file.name)

"""Receiving uploaded files without ever holding more than the limits allow.

Django's own handlers keep a file in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE and then in a
named temporary file of any size. This handler replaces both (FILE_UPLOAD_HANDLERS):

- each file is spooled in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, then in an anonymous
  temporary file (unlinked at creation, so nothing is left in the temp folder even if the
  process dies mid-request; closing it at the end of the request frees the space);
- once a file passes TICKET_ATTACHMENT_MAX_BYTES, what was spooled is thrown away and the
  rest of it is only counted, never kept;
- after TICKET_ATTACHMENT_MAX_FILES files in one request, further files are only counted.

A file that was not kept still reaches the form, as a DiscardedUpload that knows its name and
how many bytes arrived, so the form refuses it with a message naming the file ("larger than
10 MB", "at most 5 files") instead of it silently vanishing.
"""

import io
import tempfile

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class DiscardedUpload(UploadedFile):
    """An upload whose content was not kept: too large, or one file too many."""

    def __init__(self, *, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)
        self.discarded = True


class SpooledUpload(UploadedFile):
    """An upload kept in a SpooledTemporaryFile (memory, then an anonymous temp file)."""


class AttachmentUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.files_seen = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.received = 0
        # Always a file object: Django's parser closes `handler.file` when it stops early.
        self.file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed with the request)
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
            dir=settings.FILE_UPLOAD_TEMP_DIR,
        )
        self.keep = self.files_seen <= settings.TICKET_ATTACHMENT_MAX_FILES

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.keep and self.received > settings.TICKET_ATTACHMENT_MAX_BYTES:
            # Too large: drop what was kept; the rest is only counted.
            self.keep = False
            self.file.close()
        if self.keep:
            self.file.write(raw_data)
        # Nothing for any later handler: this one keeps (or drops) the file.
        return None

    def file_complete(self, file_size):
        if not self.keep:
            self.file.close()
            return DiscardedUpload(
                name=self.file_name,
                content_type=self.content_type,
                size=self.received,
                charset=self.charset,
                content_type_extra=self.content_type_extra,
            )
        self.file.seek(0)
        return SpooledUpload(
            self.file,
            self.file_name,
            self.content_type,
            self.received,
            self.charset,
            self.content_type_extra,
        )

    def upload_interrupted(self):
        file = getattr(self, "file", None)
        if file is not None:
            file.close()

"""Where attachments are kept, seen from the code that saves and serves them.

The `attachments` storage (netdigi/settings.py) is the private folder on this host's disk, or
with ATTACHMENTS_STORAGE=s3 a private S3-compatible bucket that every host shares. Nothing
here assumes a local path: files are written, read and deleted through the storage only.
"""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.http import content_disposition_header

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # boto3 is installed with django-storages; a laptop may lack both
    BotoCoreError = ClientError = None

# What a storage raises when it cannot write or delete a file: OSError for a disk (full, a
# volume's quota, an I/O error), botocore's errors for a bucket (refused, unreachable, timed
# out: EndpointConnectionError, ReadTimeoutError... are BotoCoreError). tickets.actions
# turns them into AttachmentsNotStored: the "files could not be saved" answer.
STORAGE_ERRORS = (OSError,) + ((BotoCoreError, ClientError) if BotoCoreError else ())

# Security headers of every attachment: even a file crafted to run as a page gets no
# script and no origin.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
}
CACHE_CONTROL = "private, max-age=3600"


def is_object_storage(storage):
    """Is `storage` a bucket (django-storages' S3 backend) rather than a folder?"""
    return hasattr(storage, "bucket_name") and hasattr(storage, "connection")


def is_missing(error):
    """Does this storage error say that the file or object is not there?"""
    code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
    return isinstance(error, FileNotFoundError) or code in ("NoSuchKey", "404", "NotFound")


def _stream(field):
    """(file-like object, size in bytes) of a stored file, read as it is sent."""
    storage = field.storage
    if not is_object_storage(storage):
        try:
            handle = field.open("rb")
        except OSError:
            raise Http404 from None
        return handle, None
    # The object's body straight from the bucket, chunk by chunk: nothing is spooled to
    # this host's disk or held whole in memory.
    try:
        answer = storage.connection.meta.client.get_object(
            Bucket=storage.bucket_name, Key=storage._normalize_name(field.name)
        )
    except ClientError as error:
        if is_missing(error):
            raise Http404 from None
        raise
    return answer["Body"], answer.get("ContentLength")


def serve(attachment, field, *, thumbnail):
    """The answer to a download of `field` (the attachment's file or its thumbnail), made
    after the caller checked that the user may see it.

    From a bucket with ATTACHMENTS_S3_REDIRECT, the file itself (never a thumbnail, which
    pages show as an image of our own origin) is a redirect to a presigned URL that expires
    after ATTACHMENTS_S3_URL_SECONDS and makes the bucket answer with our Content-Type,
    Content-Disposition and Cache-Control. Otherwise the app streams it with every header.
    """
    if not field:
        raise Http404
    content_type = "image/png" if thumbnail else attachment.content_type
    as_attachment = not attachment.is_image
    if settings.ATTACHMENTS_S3_REDIRECT and not thumbnail and is_object_storage(field.storage):
        url = field.storage.url(
            field.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition_header(
                    as_attachment, attachment.original_name
                ),
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.ATTACHMENTS_S3_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
        # The redirect itself is personal and short-lived: never kept by a cache.
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    handle, size = _stream(field)
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=as_attachment,
        filename=attachment.original_name,
    )
    if size is not None and not response.has_header("Content-Length"):
        response["Content-Length"] = size
    for header, value in SECURITY_HEADERS.items():
        response[header] = value
    response["Cache-Control"] = CACHE_CONTROL
    return response

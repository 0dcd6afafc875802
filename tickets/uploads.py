"""Checking customer uploads by their content, before anything is stored.

The browser's content type and the file name are only claims. A file is accepted when its
extension is on the allow-list and its bytes are what that extension says: images must
open with Pillow under a pixel cap, PDFs start with the PDF header, archives are read for
their count and uncompressed size, text is UTF-8 without binary bytes.
"""

import codecs
import io
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# extension -> the content type we serve it with
ALLOWED_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".zip": "application/zip",
}
# content type -> the Pillow formats that prove it. Cameras and phones write JPEGs that hold
# several pictures (MPO); Pillow names those "MPO", but they are ordinary .jpg files.
IMAGE_FORMATS = {
    "image/jpeg": ("JPEG", "MPO"),
    "image/png": ("PNG",),
    "image/gif": ("GIF",),
    "image/webp": ("WEBP",),
}

ZIP_MAX_MEMBERS = 1000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
THUMBNAIL_SIZE = (320, 240)


@dataclass
class CheckedFile:
    upload: object  # the UploadedFile, positioned at 0
    name: str  # sanitised original name
    content_type: str
    size: int


def allowed_extensions_text():
    return " ".join(sorted(ALLOWED_TYPES))


def clean_filename(name):
    """The customer's file name, made safe to keep as data and to send back in a header."""
    name = str(name or "")
    # Only the last path component, whichever separator the client used.
    name = name.replace("\\", "/").split("/")[-1]
    # Drop control characters and invisible formatting ones (bidi overrides, zero-width...).
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if not name:
        name = "file"
    if len(name) > 200:
        suffix = PurePath(name).suffix[:20]
        name = name[: 200 - len(suffix)] + suffix
    return name


def _head(upload, length=64):
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _sniff(head):
    """The content type the first bytes prove, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "application/zip"
    return None


def _check_image(upload, content_type):
    max_pixels = settings.TICKET_IMAGE_MAX_PIXELS
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow warns about oversized or odd images; here a warning is a refusal.
        warnings.simplefilter("error")
        try:
            with Image.open(upload) as image:
                if image.format not in IMAGE_FORMATS[content_type]:
                    raise ValueError("format mismatch")
                width, height = image.size
                if width * height > max_pixels:
                    raise OverflowError
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
        except OverflowError:
            raise ValidationError(
                _("the image is too large (more than %(pixels)s pixels).")
                % {"pixels": f"{max_pixels:,}"}
            ) from None
        except Exception:
            raise ValidationError(_("the file is not a valid image.")) from None
        finally:
            upload.seek(0)


def _check_zip(upload):
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(_("the file is not a valid ZIP archive.")) from None
    finally:
        upload.seek(0)
    if len(members) > ZIP_MAX_MEMBERS:
        raise ValidationError(
            _("the archive holds more than %(count)s files.") % {"count": ZIP_MAX_MEMBERS}
        )
    if sum(m.file_size for m in members) > ZIP_MAX_UNCOMPRESSED:
        raise ValidationError(
            _("the archive unpacks to more than %(size)s.")
            % {"size": filesizeformat(ZIP_MAX_UNCOMPRESSED)}
        )


def _check_text(upload):
    upload.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                raise UnicodeDecodeError("utf-8", b"", 0, 1, "NUL byte")
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ValidationError(_("the file is not plain text.")) from None
    finally:
        upload.seek(0)


def check_upload(upload):
    """Return a CheckedFile, or raise ValidationError whose message names the file."""
    name = clean_filename(upload.name)
    try:
        extension = PurePath(name).suffix.lower()
        if extension not in ALLOWED_TYPES:
            raise ValidationError(
                _("this type of file is not allowed (allowed: %(types)s).")
                % {"types": allowed_extensions_text()}
            )
        max_bytes = settings.TICKET_ATTACHMENT_MAX_BYTES
        if upload.size > max_bytes:
            raise ValidationError(
                _("the file is larger than %(size)s.") % {"size": filesizeformat(max_bytes)}
            )
        if upload.size == 0:
            raise ValidationError(_("the file is empty."))
        expected = ALLOWED_TYPES[extension]
        found = _sniff(_head(upload))
        if expected == "text/plain":
            if found is not None:
                raise ValidationError(_("the file's content does not match its extension."))
            _check_text(upload)
        elif found != expected:
            raise ValidationError(_("the file's content does not match its extension."))
        elif expected in IMAGE_FORMATS:
            _check_image(upload, expected)
        elif expected == "application/zip":
            _check_zip(upload)
    except ValidationError as error:
        reason = error.messages[0]
        raise ValidationError(
            _("%(name)s: %(reason)s") % {"name": name, "reason": reason}, code="invalid_file"
        ) from None
    return CheckedFile(upload=upload, name=name, content_type=expected, size=upload.size)


def make_thumbnail(upload):
    """A small PNG/JPEG preview of an accepted image, as bytes, or None if it can't be made."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            # A phone stores a portrait photo sideways with an EXIF note to turn it.
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            return buffer.getvalue()
    except Exception:
        return None
    finally:
        upload.seek(0)

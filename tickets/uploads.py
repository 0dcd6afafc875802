"""Checking customer uploads by their content, before anything is stored.

The browser's content type and the file name are only claims. A file is accepted when its
extension is on the allow-list and its bytes are what that extension says: images must
open with Pillow under a pixel cap, PDFs start with the PDF header, archives are read for
their count and uncompressed size, text is UTF-8 without binary bytes.

Polyglots (a file that is a valid image or PDF *and* something a browser or a script engine
would run, such as an image header in front of HTML, or a GIF that is also JavaScript) are
found by scanning every byte of images and PDFs for markup and script markers: HTML tags
that load or run things, `javascript:` URLs, script calls, PDF actions that run code. The
markers are long enough that compressed pixel data does not hold one by chance (at worst
about one 10 MB file in thousands). Text files are not scanned inside (a web server's log
quotes HTML all the time) but may not *be* a markup document or a script: a .txt that starts
as HTML, SVG, XML, PHP or with a #! line does not match its extension. Nothing is converted:
a file is stored byte for byte as sent, or refused. (The scan is the second line: every
attachment is also served with its checked type, nosniff and a sandboxing CSP.)
"""

import codecs
import io
import re
import struct
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

from .pdf_check import check_pdf

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


# Characters that never belong in a file name shown to people or sent in a header: control
# and formatting characters (Cc, Cf: bidi overrides, zero-width...), unassigned or private
# ones (Cn, Co, Cs), line and paragraph separators (Zl, Zp).
_NAME_DROPPED = {"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"}


def clean_filename(name):
    """The customer's file name, made safe to keep as data and to send back in a header.

    Only the last path component is kept, whichever separator the client used; `..`,
    control and bidi characters are dropped; leading dots (hidden files, `..`) and trailing
    dots and spaces (which Windows drops, changing the extension) are stripped.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    # Only the last path component, whichever separator the client used.
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _NAME_DROPPED)
    name = " ".join(name.split())
    while ".." in name:
        name = name.replace("..", ".")
    name = name.strip(" .")
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


# Markers of active content in a file that claims to be an image or a PDF, matched on the
# lowercased bytes. Each is long and specific enough to be rare by chance in compressed data
# (all together about once in 40,000 MB of random bytes), and each starts with a fixed
# string, which keeps the scan of a 10 MB file to a few tens of milliseconds.
_ACTIVE_MARKERS = [
    re.compile(
        rb"<(?:script|html|body|head|iframe|frame|frameset|object|embed|applet|meta"
        rb"|x:script)[\s/>]|<!doctype\s|<\?php|<!\[cdata\["
    ),
    *(re.compile(word + rb"\s*:") for word in (b"javascript", b"vbscript")),
    *(
        re.compile(b"on" + event + rb"\s*=")
        for event in (b"error", b"load", b"click", b"mouseover", b"focus", b"begin", b"end")
    ),
    *(
        re.compile(call + rb"\s*\(")
        for call in (
            b"alert",
            b"prompt",
            b"confirm",
            b"eval",
            b"fetch",
            b"settimeout",
            b"setinterval",
            b"importscripts",
        )
    ),
    re.compile(rb"document\s*\.\s*(?:cookie|domain|write|location)"),
    re.compile(rb"window\s*\.\s*(?:location|open|name)"),
    re.compile(rb"string\s*\.\s*fromcharcode"),
]
# A text file may quote markup, but may not be a markup document or a script itself.
_MARKUP_DOCUMENT = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<(?:!doctype|html|head|body|svg|script|iframe|\?xml|\?php|%)"
    rb"|#!)",
    re.IGNORECASE,
)
_SCAN_CHUNK = 1024 * 1024
_SCAN_OVERLAP = 64


def _scan(upload, patterns, *, lower):
    """Does any of `patterns` occur anywhere in the file? Read in chunks that overlap, so a
    marker split across two chunks is found too."""
    upload.seek(0)
    tail = b""
    try:
        while True:
            chunk = upload.read(_SCAN_CHUNK)
            if not chunk:
                return False
            window = tail + (chunk.lower() if lower else chunk)
            if any(pattern.search(window) for pattern in patterns):
                return True
            tail = window[-_SCAN_OVERLAP:]
    finally:
        upload.seek(0)


def _check_inert(upload, content_type):
    if _scan(upload, _ACTIVE_MARKERS, lower=True):
        raise ValidationError(
            _("the file holds web page or script content, which is not allowed in an attachment.")
        )
    if content_type == "application/pdf":
        # Names decoded and object streams unpacked, as a PDF reader sees them.
        upload.seek(0)
        try:
            check_pdf(upload.read())
        finally:
            upload.seek(0)


def _too_large_image(max_pixels):
    return ValidationError(
        _("the image is too large (more than %(pixels)s pixels).") % {"pixels": f"{max_pixels:,}"}
    )


def _check_image(upload, content_type):
    """Open the image with Pillow: the size is read from the header and checked against the
    pixel cap before a single pixel is decoded (_image_pixels); only then is the image
    decoded in full. Any warning Pillow gives (a decompression bomb, a malformed chunk) is a
    refusal."""
    _image_pixels(upload, content_type)
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            with Image.open(upload) as image:
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large_image(settings.TICKET_IMAGE_MAX_PIXELS) from None
        except Exception:
            raise ValidationError(_("the file is not a valid image.")) from None
        finally:
            upload.seek(0)


def _zip_member_count(upload):
    """The number of members the archive's end record declares, read before anything else
    of the archive (its central directory may be huge). None when there is no end record."""
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    # The end record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
    start = max(0, size - 22 - 65_535)
    upload.seek(start)
    tail = upload.read()
    upload.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    (count,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if count == 0xFFFF:
        # ZIP64: the real count is in the ZIP64 end record the locator before it points to.
        locator = tail[max(0, at - 20) : at]
        if len(locator) < 20 or not locator.startswith(b"PK\x06\x07"):
            return None
        (record_offset,) = struct.unpack("<Q", locator[8:16])
        upload.seek(record_offset)
        record = upload.read(56)
        upload.seek(0)
        if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
            return None
        (count,) = struct.unpack("<Q", record[32:40])
    return count


def _check_zip(upload):
    """The member count (from the end record) and the declared uncompressed size of every
    member are checked before a single member is unpacked; nothing is ever unpacked here.
    Python's zipfile, like any careful tool, stops at the declared size when unpacking."""
    count = _zip_member_count(upload)
    if count is None:
        raise ValidationError(_("the file is not a valid ZIP archive."))
    if count > ZIP_MAX_MEMBERS:
        raise ValidationError(
            _("the archive holds more than %(count)s files.") % {"count": ZIP_MAX_MEMBERS}
        )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, struct.error):
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
    head = _head(upload, 1024)
    if _MARKUP_DOCUMENT.match(head):
        # An HTML/SVG/XML page or a script named .txt: the bytes are not what the name says.
        raise ValidationError(_("the file's content does not match its extension."))
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


def _named(name, error):
    return ValidationError(
        _("%(name)s: %(reason)s") % {"name": name, "reason": error.messages[0]},
        code="invalid_file",
    )


def precheck_upload(upload):
    """The cheap checks of one file, which read no more than its first bytes: name,
    extension, size, and that the bytes start as the extension says. Return a CheckedFile
    whose content is still to be checked (check_contents), or raise ValidationError whose
    message names the file."""
    name = clean_filename(upload.name)
    try:
        extension = PurePath(name).suffix.lower()
        if extension not in ALLOWED_TYPES:
            raise ValidationError(
                _("this type of file is not allowed (allowed: %(types)s).")
                % {"types": allowed_extensions_text()}
            )
        # The size is known before the content is read; a file the upload handler stopped
        # keeping (too large) has no content here at all.
        max_bytes = settings.TICKET_ATTACHMENT_MAX_BYTES
        if upload.size > max_bytes:
            raise ValidationError(
                _("the file is larger than %(size)s.") % {"size": filesizeformat(max_bytes)}
            )
        if getattr(upload, "discarded", False):
            raise ValidationError(_("the file was not received."))
        if upload.size == 0:
            raise ValidationError(_("the file is empty."))
        expected = ALLOWED_TYPES[extension]
        found = _sniff(_head(upload))
        if expected == "text/plain" and found is not None:
            raise ValidationError(_("the file's content does not match its extension."))
        if expected != "text/plain" and found != expected:
            raise ValidationError(_("the file's content does not match its extension."))
    except ValidationError as error:
        raise _named(name, error) from None
    return CheckedFile(upload=upload, name=name, content_type=expected, size=upload.size)


def _image_pixels(upload, content_type):
    """The pixel count an image's header declares, read without decoding a pixel; refused
    past the cap of one image or when the header is not the format's."""
    max_pixels = settings.TICKET_IMAGE_MAX_PIXELS
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            with Image.open(upload) as image:
                if image.format not in IMAGE_FORMATS[content_type]:
                    raise ValueError("format mismatch")
                width, height = image.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large_image(max_pixels) from None
        except Exception:
            raise ValidationError(_("the file is not a valid image.")) from None
        finally:
            upload.seek(0)
    if width * height > max_pixels:
        raise _too_large_image(max_pixels)
    return width * height


def check_contents(checked_files):
    """Check the content of files that passed precheck_upload, the costly part: decoding
    images, scanning for active content, reading archives. Images' headers come first,
    so that one post never decodes more than TICKET_IMAGE_MAX_PIXELS_PER_POST pixels.
    Raise ValidationError listing every refused file."""
    errors, pixels = [], 0
    for checked in checked_files:
        if checked.content_type in IMAGE_FORMATS:
            try:
                pixels += _image_pixels(checked.upload, checked.content_type)
            except ValidationError as error:
                errors.append(_named(checked.name, error))
    if errors:
        raise ValidationError(errors)
    budget = settings.TICKET_IMAGE_MAX_PIXELS_PER_POST
    if budget and pixels > budget:
        raise ValidationError(
            _(
                "These images are too large together (more than %(pixels)s pixels in one "
                "post). Please send some of them in another message."
            )
            % {"pixels": f"{budget:,}"},
            code="too_many_pixels",
        )
    for checked in checked_files:
        try:
            _check_content(checked.upload, checked.content_type)
        except ValidationError as error:
            errors.append(_named(checked.name, error))
    if errors:
        raise ValidationError(errors)


def _check_content(upload, content_type):
    if content_type == "text/plain":
        _check_text(upload)
    elif content_type in IMAGE_FORMATS:
        _check_image(upload, content_type)
        _check_inert(upload, content_type)
    elif content_type == "application/pdf":
        _check_inert(upload, content_type)
    elif content_type == "application/zip":
        _check_zip(upload)


def check_upload(upload):
    """Every check of one file: return a CheckedFile, or raise ValidationError whose
    message names the file."""
    checked = precheck_upload(upload)
    try:
        check_contents([checked])
    except ValidationError as error:
        raise ValidationError(error.messages[0], code="invalid_file") from None
    return checked


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

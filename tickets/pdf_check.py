"""Finding scripts, launch actions and embedded files in a PDF the way a reader finds them.

A reader sees names after decoding them and objects after unpacking them, so this module
does the same before matching: a name may spell any of its characters as `#xx`
(`/J#61vaScript` is `/JavaScript`), and objects may sit inside compressed object streams,
where the raw bytes show nothing. The search is one pass of a compiled pattern over the
file and over every stream it can unpack, so its work grows with the bytes, never faster.
"""

import base64
import binascii
import re
import zlib

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Names that run code, launch programs, submit data or carry files when a document is opened.
ACTIVE_NAMES = (
    "JavaScript",
    "JS",
    "Launch",
    "RichMedia",
    "XFA",
    "EmbeddedFile",
    "EmbeddedFiles",
    "SubmitForm",
    "ImportData",
)
# Filters this module cannot unpack: a stream compressed with them could hide objects.
UNREADABLE_FILTERS = ("LZWDecode", "RunLengthDecode")
# What all the streams of one file may unpack to, like an archive's limit (a bomb otherwise).
MAX_UNPACKED = 200 * 1024 * 1024

# Bytes that end a name: white space and the delimiters of PDF syntax.
_NAME_END = rb"(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"


def _name_pattern(names):
    """A pattern matching each of `names` as a whole PDF name, each character written as
    itself or as a #xx escape (either case of hex digits)."""

    def spelled(char):
        code = f"{ord(char):02x}"
        hex_digits = "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in code)
        return f"(?:{re.escape(char)}|#{hex_digits})"

    alternatives = "|".join("".join(spelled(c) for c in name) for name in names)
    return re.compile(b"/(?:" + alternatives.encode() + b")" + _NAME_END)


_ACTIVE = _name_pattern(ACTIVE_NAMES)
_UNREADABLE = _name_pattern(UNREADABLE_FILTERS)
_ENCRYPT = _name_pattern(["Encrypt"])
_OBJECT_STREAM = _name_pattern(["ObjStm"])
_STREAM_START = re.compile(rb"stream(?:\r\n|\n|\r)")
_HEX = re.compile(rb"[0-9A-Fa-f\s]+>?")
_CHUNK = 1024 * 1024


class _Unpacked:
    """Counts what the streams of one file unpack to, against MAX_UNPACKED."""

    def __init__(self):
        self.left = MAX_UNPACKED

    def inflate(self, data):
        """`data` unpacked as a zlib (FlateDecode) stream, as far as it is valid; None when
        it does not start as one."""
        inflater = zlib.decompressobj()
        pieces = []
        try:
            while data and self.left >= 0:
                piece = inflater.decompress(data, min(_CHUNK, self.left + 1))
                self.left -= len(piece)
                pieces.append(piece)
                data = inflater.unconsumed_tail
                if not piece:
                    break
        except zlib.error:
            if not pieces:
                return None
        if self.left < 0:
            raise ValidationError(
                _("the PDF unpacks to more than %(size)s.") % {"size": filesizeformat(MAX_UNPACKED)}
            )
        return b"".join(pieces)


def _decodings(data, unpacked):
    """What a reader may make of one stream's bytes: unpacked (FlateDecode), or first
    decoded from hex or ASCII85 text (ASCIIHexDecode, ASCII85Decode) and then unpacked."""
    inflated = unpacked.inflate(data)
    if inflated is not None:
        yield inflated
        return
    stripped = data.strip()
    text = None
    if _HEX.fullmatch(stripped):
        digits = re.sub(rb"\s", b"", stripped.rstrip(b">"))
        try:
            text = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
        except binascii.Error:
            text = None
    elif stripped.endswith(b"~>"):
        try:
            text = base64.a85decode(stripped, adobe=True, ignorechars=b" \t\n\r\x0c")
        except ValueError:
            text = None
    if text is not None:
        yield text
        inflated = unpacked.inflate(text)
        if inflated is not None:
            yield inflated


def _streams(data):
    """The bytes of every stream of the file: from `stream` to the next `endstream`."""
    at = 0
    while True:
        start = _STREAM_START.search(data, at)
        if start is None:
            return
        end = data.find(b"endstream", start.end())
        if end < 0:
            end = len(data)
        yield data[start.end() : end]
        at = end + 1


def check_pdf(data):
    """Raise ValidationError when the PDF `data` holds an active name, in its own bytes or
    in any stream it unpacks to, or hides its objects where they cannot be read."""
    active = _("the PDF holds scripts or embedded programs.")
    unreadable = _("the PDF is compressed or encrypted in a way that cannot be checked.")
    if _ACTIVE.search(data):
        raise ValidationError(active)
    if _UNREADABLE.search(data):
        raise ValidationError(unreadable)
    unpacked = _Unpacked()
    for stream in _streams(data):
        for decoded in _decodings(stream, unpacked):
            if _ACTIVE.search(decoded):
                raise ValidationError(active)
            if _UNREADABLE.search(decoded):
                raise ValidationError(unreadable)
    # An encrypted file's streams unpack to nothing readable: its object streams could
    # hold anything.
    if _ENCRYPT.search(data) and _OBJECT_STREAM.search(data):
        raise ValidationError(unreadable)

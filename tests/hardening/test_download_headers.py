"""An attachment goes back with its original name in an RFC 6266 Content-Disposition header
(quoted, or RFC 5987 encoded when it is not ASCII), never with a name that could end the
header, and with the headers that stop a browser from running it."""

import pytest

from tests.factories import png_upload, text_upload
from tests.tickets.helpers import checked, open_ticket
from tickets.models import Attachment

NAMES = [
    ("plain", "error.log", 'attachment; filename="error.log"'),
    ("quotes", 'my "final" log.txt', 'attachment; filename="my \\"final\\" log.txt"'),
    ("backslash", "a\\b.txt", 'attachment; filename="b.txt"'),
    ("semicolon", "a; filename=evil.exe.txt", 'attachment; filename="a; filename=evil.exe.txt"'),
    ("accents", "résumé.txt", "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.txt"),
    (
        "accents and quotes",
        'laporan "akhir" – déjà.txt',
        "attachment; filename*=utf-8''laporan%20%22akhir%22%20%E2%80%93%20d%C3%A9j%C3%A0.txt",
    ),
    (
        "cjk",
        "错误日志.txt",
        "attachment; filename*=utf-8''%E9%94%99%E8%AF%AF%E6%97%A5%E5%BF%97.txt",
    ),
    ("line breaks", "a\r\nSet-Cookie: x=1.txt", 'attachment; filename="aSet-Cookie: x=1.txt"'),
    ("bidi", "invoice\u202etxt.log", 'attachment; filename="invoicetxt.log"'),
]


@pytest.mark.parametrize(("name", "header"), [n[1:] for n in NAMES], ids=[n[0] for n in NAMES])
def test_a_download_names_the_file_safely(alice_client, alice, technical, name, header):
    open_ticket(alice, technical, files=[checked(text_upload(name, b"log line\n"))])
    attachment = Attachment.objects.get()
    response = alice_client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == header
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"log line\n"
    for value in response.headers.values():
        assert "\r" not in value and "\n" not in value


def test_an_image_is_shown_inline_with_its_name(alice_client, alice, technical):
    open_ticket(alice, technical, files=[checked(png_upload("layar «utama».png"))])
    response = alice_client.get(Attachment.objects.get().get_absolute_url())
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''layar%20%C2%AButama%C2%BB.png"
    )
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]

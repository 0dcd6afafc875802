"""strip_reply, line by line: what is cut and what is a customer's own text."""

import pytest

from mailin.quotes import strip_reply

CASES = [
    # (text, expected)
    ("On Monday the site was down.\nIt works now.", "On Monday the site was down.\nIt works now."),
    (
        "Pada hari Senin situs mati.\nSekarang normal.",
        "Pada hari Senin situs mati.\nSekarang normal.",
    ),
    ("Fixed.\n\nOn Mon, 30 Nov 2026, Netdigi <a@b.c> wrote:\n> old", "Fixed."),
    ("Fixed.\n\nOn Mon, 30 Nov 2026 at 09:58, Netdigi <\nsupport@x.id> wrote:\n> old", "Fixed."),
    ("Beres.\n\nPada Sen, 30 Nov 2026 pukul 09.58 Netdigi <a@b.c>\nmenulis:\n> lama", "Beres."),
    ("Done.\n\nFrom: Netdigi\nSent: Monday\nTo: Alice\nSubject: x\n\nold", "Done."),
    ("Selesai.\n\nDari: Netdigi\nDikirim: Senin\nKepada: Alice\n\nlama", "Selesai."),
    ("From: my accountant, the invoice is wrong.", "From: my accountant, the invoice is wrong."),
    ("Thanks\n-- \nAlice\nCEO", "Thanks"),
    ("Thanks\n\nSent from my iPhone", "Thanks"),
    ("Oke\n\nDikirim dari iPhone saya", "Oke"),
    ("New words\n> ## Reply above this line ##\n> Hello", "New words"),
    ("Kata baru\n\n## Balas di atas baris ini ##\nHalo", "Kata baru"),
    ("> only a quote\n> nothing else", "> only a quote\n> nothing else"),
    (
        "Line one\n> quoted in the middle\nLine three",
        "Line one\n> quoted in the middle\nLine three",
    ),
    ("    indented log line\n\tand a tab", "    indented log line\n\tand a tab"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_strip_reply(text, expected):
    assert strip_reply(text) == expected

"""Cutting the quoted history and the signature off a reply, in English and Indonesian.

Everything from the first of these lines on is history, not the customer's new words:
- our own marker "## Reply above this line ##" (every customer email carries it, in the
  customer's language);
- an attribution line: Gmail, Apple Mail, Thunderbird, Yahoo "On … wrote:" and
  "Pada … menulis:" (Gmail wraps a long one over two or three lines);
- Outlook's header block "From: / Sent: / To:" ("Dari: / Dikirim: / Kepada:"), with the
  "-----Original Message-----" or underscore line above it;
- a run of "> " quoted lines that goes on to the end;
- a "-- " signature separator, or a phone's "Sent from my iPhone" at the end.

mail-parser-reply was evaluated for this and not used: it strips the leading spaces of every
line (a pasted log or configuration loses its indentation), cuts everything after a line
such as "Best regards" anywhere in the text, and has no Indonesian. The original message is
always kept on the InboundMessage row, so staff can read what was cut.
"""

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

REPLY_MARKER = _("Reply above this line")

ATTRIBUTION = re.compile(
    r"^\s*(?:On|Pada)\s.{1,300}?(?:wrote|menulis|writes|menuliskan)\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
ORIGINAL_SEPARATOR = re.compile(
    r"^\s*(?:-{3,}\s*(?:Original Message|Pesan Asli|Forwarded message|Pesan yang diteruskan)"
    r"\s*-{3,}|_{10,})\s*$",
    re.IGNORECASE,
)
OUTLOOK_FROM = re.compile(r"^\s*\*?(?:From|Dari)\s*:\*?\s+\S", re.IGNORECASE)
OUTLOOK_FIELDS = re.compile(
    r"^\s*\*?(?:Sent|Date|Dikirim|Tanggal|To|Kepada|Subject|Subjek|Perihal|Cc)\s*:",
    re.IGNORECASE,
)
SIGNATURE = re.compile(r"^--\s?$")
PHONE_SIGNATURE = re.compile(
    r"^\s*(?:Sent from (?:my |Yahoo Mail|Mail for|Outlook)|Get Outlook for"
    r"|Dikirim dari|Kirim dari|Dapatkan Outlook untuk)",
    re.IGNORECASE,
)


def _markers():
    texts = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.add(str(REPLY_MARKER).lower())
    return texts


def _is_attribution(lines, index):
    """Does an "On … wrote:" line start here? Gmail wraps it over up to three lines."""
    line = lines[index]
    if not re.match(r"^\s*(?:On|Pada)\s", line, re.IGNORECASE):
        return False
    joined = line
    for extra in range(3):
        if ATTRIBUTION.match(joined):
            return True
        if index + extra + 1 >= len(lines):
            break
        joined += " " + lines[index + extra + 1]
    return bool(ATTRIBUTION.match(joined))


def _is_outlook_header(lines, index):
    if not OUTLOOK_FROM.match(lines[index]):
        return False
    following = [line for line in lines[index + 1 : index + 6] if line.strip()]
    return sum(1 for line in following if OUTLOOK_FIELDS.match(line)) >= 2


def _quoted_tail_start(lines):
    """Where a block of ">" lines (and blank lines) that runs to the end begins, or None."""
    start = None
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped.startswith(">"):
            start = index
        elif stripped:
            break
    return start


def strip_reply(text):
    """The new words of a reply: without the quoted history and the signature.

    When nothing would be left (the whole mail is a quote, or the customer wrote under the
    quote), the text is returned whole: a customer's words are never dropped.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    markers = _markers()
    cut = len(lines)
    for index, line in enumerate(lines):
        lowered = line.lower()
        if any(marker in lowered for marker in markers):
            cut = index
            break
        if _is_attribution(lines, index) or _is_outlook_header(lines, index):
            cut = index
            # The "-----Original Message-----" or underscore line just above belongs to it.
            above = index - 1
            while above >= 0 and not lines[above].strip():
                above -= 1
            if above >= 0 and ORIGINAL_SEPARATOR.match(lines[above]):
                cut = above
            break
        if ORIGINAL_SEPARATOR.match(line):
            cut = index
            break
        if SIGNATURE.match(line):
            cut = index
            break
    quoted = _quoted_tail_start(lines[:cut])
    if quoted is not None:
        cut = quoted
        # An attribution line that Gmail's quote would have followed, unrecognised: leave it.
    kept = lines[:cut]
    # A phone's signature line at the end.
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and PHONE_SIGNATURE.match(kept[-1]):
        kept.pop()
    result = "\n".join(kept).strip("\n")
    if not result.strip():
        return text.strip("\n")
    return result.rstrip()

"""HTML-only mail as plain text: paragraphs and line breaks kept, quoted blocks marked
with "> " (so the quote stripper sees them), scripts, styles and the head dropped."""

import re
from html.parser import HTMLParser

BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "table", "tr", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "li", "blockquote", "address",
}  # fmt: skip
SKIPPED = {"script", "style", "head", "title", "template"}


class _TextBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = [""]
        self.quote_depth = 0
        self.skipping = 0
        self.pre = 0

    def _newline(self):
        self.lines.append("")

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self._newline()
        elif tag in BLOCKS:
            if self.lines[-1].strip():
                self._newline()
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "li":
                self.lines[-1] += "- "
            elif tag == "pre":
                self.pre += 1
        elif tag == "td" and self.lines[-1].strip():
            self.lines[-1] += " "

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS:
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._newline()

    def handle_data(self, data):
        if self.skipping:
            return
        if self.pre:
            chunks = data.split("\n")
        else:
            # Runs of white space are one space, as a browser shows them.
            text = re.sub(r"\s+", " ", data)
            if not self.lines[-1].strip() or self.lines[-1].endswith(" "):
                text = text.lstrip()
            chunks = [text] if text else []
        for index, chunk in enumerate(chunks):
            if index:
                self._newline()
            if not self.lines[-1] and self.quote_depth:
                self.lines[-1] = "> " * self.quote_depth
            self.lines[-1] += chunk


def html_to_text(html):
    builder = _TextBuilder()
    builder.feed(html)
    builder.close()
    lines = [line.rstrip() for line in builder.lines]
    # At most one empty line in a row.
    text, blank = [], False
    for line in lines:
        if not line.strip():
            if not blank and text:
                text.append("")
            blank = True
            continue
        blank = False
        text.append(line)
    return "\n".join(text).strip()

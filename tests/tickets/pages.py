"""A small reader of rendered pages, so that tests look at what a browser would see:
forms and their fields, labels, links, visible text, and forms nested in forms (which a
browser silently flattens)."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: dict = field(default_factory=dict)  # name -> value (selected/typed)
    inputs: list = field(default_factory=list)  # (tag, attrs) of every control


@dataclass
class Page:
    forms: list = field(default_factory=list)
    labels: dict = field(default_factory=dict)  # control id -> label text
    links: list = field(default_factory=list)  # (href, text)
    images: list = field(default_factory=list)  # src
    text: str = ""
    nested_forms: int = 0

    def label_texts(self):
        return set(self.labels.values())

    def form_posting_to(self, action):
        matches = [f for f in self.forms if f.action == action]
        assert matches, f"no form posts to {action}; forms: {[f.action for f in self.forms]}"
        return matches[0]

    def link_texts(self):
        return [text for _href, text in self.links]

    def hrefs(self):
        return [href for href, _text in self.links]


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.form_depth = 0
        self.form = None
        self.label_for = None
        self.label_text = []
        self.link = None
        self.link_text = []
        self.textarea = None
        self.select = None
        self.option = None
        self.skip = 0
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "form":
            self.form_depth += 1
            if self.form_depth > 1:
                self.page.nested_forms += 1
                return
            self.form = Form(
                action=attrs.get("action") or "",
                method=(attrs.get("method") or "get").lower(),
                enctype=attrs.get("enctype") or "",
            )
            self.page.forms.append(self.form)
        elif tag == "label":
            self.label_for = attrs.get("for")
            self.label_text = []
        elif tag == "a":
            self.link = attrs.get("href")
            self.link_text = []
        elif tag == "img":
            self.page.images.append(attrs.get("src"))
        elif tag in ("input", "button", "textarea", "select") and self.form is not None:
            self.form.inputs.append((tag, attrs))
            name = attrs.get("name")
            if tag == "input" and name:
                kind = attrs.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in attrs:
                    return
                if kind not in ("submit", "file"):
                    self.form.fields[name] = attrs.get("value", "")
            elif tag == "textarea":
                self.textarea = name
                self.form.fields[name] = ""
            elif tag == "select":
                self.select = name
                self.form.fields.setdefault(name, None)
        elif tag == "option" and self.select is not None:
            self.option = attrs
            if "selected" in attrs:
                self.form.fields[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        elif tag == "form":
            self.form_depth -= 1
            if self.form_depth == 0:
                self.form = None
        elif tag == "label":
            text = " ".join("".join(self.label_text).split()).rstrip("*").strip()
            if self.label_for:
                self.page.labels[self.label_for] = text
            self.label_for = None
        elif tag == "a" and self.link is not None:
            self.page.links.append((self.link, " ".join("".join(self.link_text).split())))
            self.link = None
        elif tag == "textarea" and self.textarea is not None:
            if self.form is not None:
                # Like a browser: the newline right after <textarea> is not part of the value.
                value = self.form.fields[self.textarea]
                self.form.fields[self.textarea] = value[1:] if value.startswith("\n") else value
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.skip:
            return
        self.text.append(data)
        if self.label_for is not None:
            self.label_text.append(data)
        if self.link is not None:
            self.link_text.append(data)
        if self.textarea is not None and self.form is not None:
            self.form.fields[self.textarea] += data


def read(response_or_html):
    html = response_or_html
    if not isinstance(html, str):
        html = response_or_html.content.decode()
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.page.text = re.sub(r"\s+", " ", " ".join(reader.text)).strip()
    return reader.page

"""The Indonesian catalogue covers every text of the product, and what runs is what is
committed: no untranslated or fuzzy entry, placeholders kept, the .mo compiled from the
.po, and `makemessages` finding nothing new or stale in the code and templates."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# What `manage.py makemessages` reads: the product's code, its templates, the catalogue.
SOURCES = ["manage.py", "netdigi", "accounts", "services", "tickets", "notifications"]
SOURCES += ["scheduling", "mailin", "ratelimits", "twofactor", "templates", "locale"]
SOURCES += ["kb", "search"]
SOURCES += ["sla"]
SOURCES += ["network"]

PERCENT = re.compile(r"%(?:\([a-z_]+\))?[sd]")
BRACES = re.compile(r"\{[a-z_]+\}")


def _in_ci():
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _translations(entry):
    if entry.msgid_plural:
        return list(entry.msgstr_plural.values())
    return [entry.msgstr]


def _problems(po):
    return {
        "untranslated": [e.msgid for e in po.untranslated_entries()],
        "fuzzy": [e.msgid for e in po.fuzzy_entries()],
        "obsolete": [e.msgid for e in po.obsolete_entries()],
    }


def test_every_entry_of_the_indonesian_catalogue_is_translated():
    po = polib.pofile(str(PO))
    assert po.metadata["Language"] == "id"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    # A fuzzy header is skipped by msgfmt: the .mo would lose its charset and plural rule.
    assert not po.metadata_is_fuzzy
    assert _problems(po) == {"untranslated": [], "fuzzy": [], "obsolete": []}
    assert len(po) > 300


def test_translations_keep_every_placeholder_of_the_english_text():
    wrong = []
    for entry in polib.pofile(str(PO)):
        for pattern in (PERCENT, BRACES):
            wanted = sorted(pattern.findall(entry.msgid))
            for text in _translations(entry):
                if sorted(pattern.findall(text)) != wanted:
                    wrong.append((entry.msgid, text))
    assert wrong == []


def test_the_guides_own_words_are_used():
    catalogue = {entry.msgid: entry.msgstr for entry in polib.pofile(str(PO))}
    assert catalogue["Open New Ticket"] == "Buka Tiket Baru"
    assert catalogue["Support"] == "Dukungan"
    assert catalogue["Tickets"] == "Tiket"
    assert catalogue["Subject"] == "Subjek"
    assert catalogue["Related Service"] == "Layanan Terkait"
    assert catalogue["Priority"] == "Prioritas"
    assert catalogue["Message"] == "Pesan"
    assert catalogue["Attachments"] == "Lampiran"
    assert catalogue["Submit"] == "Kirim"
    assert catalogue["High"] == "Tinggi"
    assert catalogue["Email Address"] == "Alamat Email"


def test_the_compiled_catalogue_is_the_committed_po_file():
    compiled = {(e.msgctxt, e.msgid): _translations(e) for e in polib.mofile(str(MO)) if e.msgid}
    source = {(e.msgctxt, e.msgid): _translations(e) for e in polib.pofile(str(PO))}
    assert compiled == source, "run `manage.py compilemessages -l id` and commit django.mo"


def test_makemessages_finds_no_new_or_stale_text(tmp_path):
    """Run on a copy of the project, so the committed catalogue is left as it is."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        message = "GNU gettext is needed (apt-get install gettext)."
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    copy = tmp_path / "project"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.mkdir(exist_ok=True)
            shutil.copy2(source, copy / name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "netdigi.settings_test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    regenerated = polib.pofile(str(copy / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    assert _problems(regenerated) == {"untranslated": [], "fuzzy": [], "obsolete": []}, (
        "run `manage.py makemessages -l id`, translate the new entries in "
        "locale/id/LC_MESSAGES/django.po and compile them"
    )

"""English for strings that are not in the compiled catalog yet.

A branch does not add msgids to the catalog: it lists each new msgid and its English in
NEW_STRINGS.tsv (msgid, a tab, the English) at the repository root, and the lead merges them and
compiles. A test that reads such a string in English calls ``con_pendientes(monkeypatch)``: the
catalog as written (messages.po, compiled here in memory, so an English sentence corrected there
reads as corrected before the lead compiles the .mo) answers first, and the file's English fills
in only what the catalog lacks. Once the strings are merged and compiled (and the file is gone),
the .po and the committed .mo say the same (test_catalogo_ingles checks it), so this changes
nothing.
"""

from __future__ import annotations

import functools
from io import BytesIO
from pathlib import Path

import flask_babel
import pytest
from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
NEW_STRINGS = ROOT / "NEW_STRINGS.tsv"
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def pendientes() -> dict[str, str]:
    """NEW_STRINGS.tsv as msgid -> English; empty when there is no such file."""
    if not NEW_STRINGS.exists():
        return {}
    lines = NEW_STRINGS.read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


@functools.cache
def catalogo_escrito() -> support.Translations:
    """The English catalog as messages.po says it today, compiled in memory."""
    with PO.open("rb") as po:
        catalog = read_po(po)
    mo = BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return support.Translations(mo)


def con_pendientes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Translate into English from messages.po, and the pending strings under it."""
    extra = pendientes()
    original = flask_babel.Domain.get_translations

    class Con(support.NullTranslations):
        def gettext(self, message: str) -> str:
            found = super().gettext(message)  # the catalog's, through the fallback
            return extra.get(message, found) if found == message else found

        ugettext = gettext

    def get_translations(domain: flask_babel.Domain) -> support.NullTranslations:
        if flask_babel.get_locale() is None or flask_babel.get_locale().language != "en":
            return original(domain)
        translations = Con()
        translations.add_fallback(catalogo_escrito())
        return translations

    monkeypatch.setattr(flask_babel.Domain, "get_translations", get_translations)

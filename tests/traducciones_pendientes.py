"""English for strings that are not in translations/ yet.

A branch does not edit the catalog: it lists each new msgid and its English in NEW_STRINGS.tsv
(msgid, a tab, the English) at the repository root, and the lead merges them. A test that reads
such a string in English calls ``con_pendientes(monkeypatch)``: the catalog answers first and
the file's English fills in only what the catalog lacks, so once the strings are merged (and the
file is gone) the test reads the real catalog and this changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import flask_babel
import pytest
from babel import support

NEW_STRINGS = Path(__file__).resolve().parents[1] / "NEW_STRINGS.tsv"


def pendientes() -> dict[str, str]:
    """NEW_STRINGS.tsv as msgid -> English; empty when there is no such file."""
    if not NEW_STRINGS.exists():
        return {}
    lines = NEW_STRINGS.read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


def con_pendientes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Translate the pending strings too, into English, under what the catalog translates."""
    extra = pendientes()
    original = flask_babel.Domain.get_translations

    class Con(support.NullTranslations):
        def gettext(self, message: str) -> str:
            found = super().gettext(message)  # the catalog's, through the fallback
            return extra.get(message, found) if found == message else found

        ugettext = gettext

    def get_translations(domain: flask_babel.Domain) -> support.NullTranslations:
        catalog = original(domain)
        if flask_babel.get_locale() is None or flask_babel.get_locale().language != "en":
            return catalog
        translations = Con()
        translations.add_fallback(catalog)
        return translations

    monkeypatch.setattr(flask_babel.Domain, "get_translations", get_translations)

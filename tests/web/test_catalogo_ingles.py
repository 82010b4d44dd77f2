"""The English catalog reads as one language: US English and one word for each thing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from blueprints.templating import hora
from domain.constancias import MEXICO_CITY

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "translations" / "en" / "LC_MESSAGES"


def catalog() -> Catalog:
    with (MESSAGES / "messages.po").open("rb") as po:
        return read_po(po)


def english() -> list[str]:
    return [m.string for m in catalog() if m.id and isinstance(m.string, str) and m.string]


def _pairs(messages: Catalog) -> dict[object, object]:
    def key(value: object) -> object:
        return value if isinstance(value, str) else tuple(value)  # type: ignore[call-overload]

    return {key(m.id): key(m.string) for m in messages if m.id and m.string and not m.fuzzy}


def test_the_committed_mo_is_the_po_compiled() -> None:
    with (MESSAGES / "messages.mo").open("rb") as mo:
        assert _pairs(read_mo(mo)) == _pairs(catalog())


# (what the catalog must not say, what it says instead): British spellings and idioms, and
# the second name a thing had.
NOT_SAID = (
    (r"\bprogramme", "program"),
    (r"\bspelt\b", "spelled"),
    (r"\brecognis", "recognize"),
    (r"\bpayslip", "pay stub"),
    (r"\bto hand\b(?! it in)", "on hand"),
    (r"\bfill in\b", "fill out"),
    (r"\bstraight away\b", "right away"),
    (r"\b[Tt]ick\b", "check or select"),
    (r"\blower case\b", "lowercase"),
    (r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
     r"November|December) \d{4}", "Month day, year"),
    (r"\b1[3-9]:00\b", "6:00 PM"),
    (r"\d\s?[AaPp]\.\s?[Mm]\.", "9:00 AM, as the pages write a time (|hora)"),
    (r"(?<![\d:])\d{1,2}\s?(?:[AP]M|[ap]m)\b", "9:00 AM, with the minutes, as |hora writes it"),
    (r"\b[Pp]roofs? of\b", "certificate: a constancia is a certificate"),
    (r"Oficina Virtual account", "Virtual Office"),
    (r"account holder", "main holder: a titular"),
    (r"\bregistry\b", "register: the ISSSTE's registro"),
    (r"[A-Za-z]'[A-Za-z]", "a curly apostrophe, as in the rest of the catalog"),
)  # fmt: skip


@pytest.mark.parametrize(("pattern", "instead"), NOT_SAID)
def test_the_catalog_keeps_to_one_english(pattern: str, instead: str) -> None:
    found = [text for text in english() if re.search(pattern, text)]
    assert found == [], instead


def test_times_are_written_as_the_pages_write_them(app: Flask) -> None:
    """A time in a sentence reads like the times the pages fill in (|hora): "9:00\u00a0AM"."""
    times = [t for text in english() for t in re.findall(r"\b\d{1,2}:\d\d\W*[AP]M\b", text)]
    assert times  # the ISSSTE's office hours, at least
    with app.test_request_context(), force_locale("en"):
        for written in times:
            clock, half = re.split(r"\W+(?=[AP]M)", written)
            hour, minute = map(int, clock.split(":"))
            moment = dt.datetime(2026, 1, 5, hour % 12 + (12 if half == "PM" else 0), minute)
            assert written == hora(moment.replace(tzinfo=MEXICO_CITY)), written


def test_dates_and_headings_in_us_english_and_the_usual_names(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    for path in ("/cuenta/registro", "/curp/no-la-conozco"):
        html = client.get(path).get_data(as_text=True)
        assert "Month, day and year. For example, March 27, 1985." in html
    strings = {m.id: m.string for m in catalog() if m.id}
    # Headings name the documents as everywhere else ("IMSS: Constancia de…" was a third way).
    assert (
        strings["IMSS: Constancia de No Derechohabiencia"]
        == strings["Constancia de No Derechohabiencia del IMSS"]
    )
    assert (
        strings["ISSSTE: Constancia de No Afiliación"]
        == strings["Constancia de No Afiliación al ISSSTE"]
    )
    # The sex's label is quoted, so its capital does not sit mid-sentence ("H: sex, Man.").
    assert strings["%(clave)s: sexo, %(sexo)s."] == "%(clave)s: sex, “%(sexo)s”."
    assert strings["guía de vigencia de derechos del IMSS"].startswith("guide to the ")

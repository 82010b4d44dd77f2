"""The English catalog against the CURP rules' messages (domain.curp_mensajes and the cotejo).

Every template the CURP modules mark must have its English in the compiled catalog, so a new
message without a translation fails here; and examples of every problem, read through
``traducir`` in English, must keep no Spanish from the parts a message is built of.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from flask_babel import force_locale

from blueprints.traduccion import traducir
from domain import curp, curp_mensajes
from domain.curp_cotejo import cotejar
from domain.mensajes import Mensaje
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]
# Every CURP module, so a module cut out of another is still read.
CURP_MODULES = sorted(path.name for path in (ROOT / "domain").glob("curp*.py"))
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Spanish that only a message's own parts could bring into an English sentence.
SPANISH = re.compile(
    r"\b\d+ (?:a|y) \d+\b|posici|según|revisa|escribiste|tienes|\b(?:enero|febrero|marzo"
    r"|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b"
    r"|extranjero|\bde México\b",  # an entity named as RENAPO writes it, not as the page does
    re.IGNORECASE,
)

VALID = ("PXNE660720HMCXTN06", "LOOA531113HTCPBN07", "BASJ841209XCLNCS02")
# What single-character edits of VALID cannot produce.
SPECIAL = (
    None, 5, "", "A" * 70, "PXNE66", "PXNE660720HMCXTN0612", "PXÑÑ660720HMCXTN06",
    "P0N3660720HMCXTN06", "PXNE6AB720HMCXTN06", "PXNE661320HMCXTN06", "PXNE660735HMCXTN06",
    "LOOA531131HTCPBN07", "PXNE010229HMCXTN06", "PXNE000229HMCXTN06", "PXNE951231HMCXTN06",
    "PXNE660720HCXXTN06", "PXNE660720HMCAEI06", "BACA800101HDFLRN05",
    "PXNE660720HEXXTN06", "PXNE660720HEMXTN06",
)  # fmt: skip
COTEJOS = (
    ("PENE660720HMCXTN06", "Enrique", "Pena", "Nieto", "1966-07-02", "M", "JC"),
    ("PXNE660721HMCXTN06", "Enrique", "Peña", "Nieto", "1966-07-20"),
    ("ZZZZ900102MJCZZZ09", "Ana", "López", "", "1990-01-02"),
    ("PXNE660720HMCXTN06", "Enrique", "Peña", "Nieto", "1966-07-20", "H", "NE"),
)


def edits(value: str) -> Iterator[str]:
    for i in range(len(value)):
        yield value[:i] + value[i + 1 :]
        yield value[:i] + "E" + value[i:]
        for char in "A0OÑFZ\u200b":
            yield value[:i] + char + value[i + 1 :]


def examples() -> list[str]:
    """The messages of every problem the rules know, and of the cotejo's hints."""
    values = [*SPECIAL, *(edit for valid in VALID for edit in edits(valid))]
    found: list[str] = []
    for today in (date(2024, 6, 1), date(1990, 1, 1)):
        for value in values:
            result = curp.report(value, today)
            found += [problem.message for problem in (*result.errors, *result.warnings)]
    for cotejo in COTEJOS:
        found += [discrepancy.message for discrepancy in cotejar(*cotejo)]
    return found


def templates(message: object) -> Iterator[str]:
    if isinstance(message, Mensaje):
        yield message.plantilla
        for value in message.valores.values():
            yield from templates(value)


def compiled() -> Catalog:
    with (ROOT / "translations/en/LC_MESSAGES/messages.mo").open("rb") as mo:
        return read_mo(mo)


def untranslated(catalog: Catalog, msgids: set[str]) -> list[str]:
    missing = []
    for msgid in sorted(msgids):
        entry = catalog.get(msgid)
        english = entry.string if entry is not None else ""
        if not isinstance(english, str) or not english.strip():
            missing.append(msgid)
        elif set(PLACEHOLDER.findall(english)) != set(PLACEHOLDER.findall(msgid)):
            missing.append(f"{msgid} (placeholders differ)")
    return missing


def test_every_marked_curp_template_has_english_in_the_compiled_catalog() -> None:
    marked = {
        message
        for module in CURP_MODULES
        for _line, message, _comments, _context in extract_from_file(
            "python", ROOT / "domain" / module, keywords={"N_": None}
        )
    }
    assert len(marked) > 60  # the extraction found the modules' messages
    assert untranslated(compiled(), marked) == []


def test_the_examples_reach_every_curp_problem_template() -> None:
    # So the English checks below read every message, and a new one needs an example here.
    produced = {template for message in examples() for template in templates(message)}
    expected = {
        *curp_mensajes.MESSAGES.values(),
        *(template for pair in curp_mensajes.AT_POSITIONS.values() for template in pair),
        *(template for pair in curp_mensajes.MISMATCH.values() for template in pair),
        curp_mensajes.MISMATCH_EACH,
    }
    assert expected - produced == set()
    # Templates with words in them (not only punctuation joining parts) come from the catalog.
    worded = {t for t in produced if re.search(r"[^\W\d_]", PLACEHOLDER.sub("", t))}
    assert untranslated(compiled(), worded) == []


def test_english_messages_keep_no_spanish_and_spanish_ones_stay_as_they_are(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, f"sqlite:///{tmp_path}/t.sqlite3")
    messages = examples()
    with app.test_request_context():
        with force_locale("en"):
            leftovers = [english for m in messages if SPANISH.search(english := traducir(m))]
        with force_locale("es"):
            changed = [m for m in messages if traducir(m) != m]
    assert leftovers == []
    assert changed == []

"""The real content in content/: it loads, links resolve and every guide keeps the house shape."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from domain.guides import Library, load_library
from domain.guides_enlaces import check_links
from domain.guides_faq import fold

CONTENT = Path(__file__).resolve().parents[2] / "content"
ASCII_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

EXPECTED = {
    "carnet-digital-issste": "guia",
    "no-derechohabiencia-imss": "guia",
    "no-afiliacion-issste": "guia",
    "que-es-la-curp": "guia",
    "vigencia-imss": "guia",
    "nss-imss": "guia",
    "preguntas-frecuentes": "faq",
    "aviso-de-privacidad": "legal",
    "terminos-de-uso": "legal",
    "accesibilidad": "legal",
}

# The procedure each guide leads to; its "¿Algo salió mal?" section must link there.
PROCEDURE = {
    "carnet-digital-issste": "/oficina/constancia-vigencia",
    "no-derechohabiencia-imss": "/constancias/no-derechohabiencia",
    "no-afiliacion-issste": "/constancias/no-afiliacion",
    "que-es-la-curp": "/curp",
    "vigencia-imss": "/constancias/vigencia-imss",
    "nss-imss": "/imss/nss",
}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(CONTENT)


def test_every_file_loads_with_expected_slug_and_kind(library: Library) -> None:
    assert len(library.pages) == len(list(CONTENT.glob("*.md")))
    assert {slug: page.kind for slug, page in library.pages.items()} == EXPECTED


def test_front_matter_is_complete(library: Library) -> None:
    for page in library.pages.values():
        assert page.title and page.description, page.source
        assert len(page.description) <= 160, page.source
        # The day its facts last changed: never before the first content, never ahead.
        assert dt.date(2026, 11, 26) <= page.updated <= dt.date.today(), page.source
        assert page.institution in {"IMSS", "ISSSTE", "ambas", "ninguna"}, page.source
    assert len({g.order for g in library.guides}) == len(library.guides)


def test_no_h1_and_no_stray_html(library: Library) -> None:
    for path in CONTENT.glob("*.md"):
        assert not re.search(r"^# ", path.read_text(encoding="utf-8"), re.M), path.name
    for page in library.pages.values():
        assert "<h1" not in page.html, page.source
        assert "&lt;" not in page.html, f"{page.source}: raw HTML was escaped into the text"


def test_heading_ids_are_ascii_and_toc_matches(library: Library) -> None:
    for page in library.pages.values():
        assert page.toc, page.source
        for anchor in page.anchors:
            assert ASCII_ID.fullmatch(anchor), (page.source, anchor)
        for anchor, _text in page.toc:
            assert f'<h2 id="{anchor}">' in page.html


def test_links_resolve(library: Library) -> None:
    assert check_links(library) == []


def test_only_renapo_is_linked_outside(library: Library) -> None:
    for page in library.pages.values():
        assert set(page.external_links) <= {"https://www.gob.mx/curp/"}, page.source


@pytest.mark.parametrize("slug", sorted(PROCEDURE))
def test_guides_end_with_what_to_do_when_it_fails(library: Library, slug: str) -> None:
    page = library.pages[slug]
    assert page.toc[-1] == ("algo-salio-mal", "¿Algo salió mal?")
    last_section = page.html.split('<h2 id="algo-salio-mal">', 1)[1]
    assert f'href="{PROCEDURE[slug]}"' in last_section


def test_guides_speak_to_you(library: Library) -> None:
    for page in library.pages.values():
        assert not re.search(r"\busted(es)?\b", fold(page.text)), page.source


def test_faq_has_enough_entries_with_unique_ascii_ids(library: Library) -> None:
    entries = library.faq_entries
    assert len(entries) >= 18
    ids = [e.id for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert ASCII_ID.fullmatch(entry.id)
        assert "¿" in entry.question and entry.question.endswith("?")
        assert entry.answer_text


@pytest.mark.parametrize(
    ("query", "needle"),
    [("afiliacion", "afiliación"), ("contrasena", "contraseña"), ("NUMERO seguridad", "número")],
)
def test_faq_search_ignores_accents(library: Library, query: str, needle: str) -> None:
    found = library.search_faq(query)
    assert any(needle in (e.question + e.answer_text).lower() for e in found)


def test_faq_covers_the_promised_topics(library: Library) -> None:
    for query in [
        "gratuitos",
        "renovar",
        "no aparezco",
        "beneficiarios",
        "telefono",
        "correo",
        "un dia",
        "imss issste",
        "no binario",
        "extranjero",
        "contrasena",
        "datos estan mal",
        "imprimir",
        "datos personales",
        "opera",
        "autentica",
        "numero de seguridad social",
        "vigencia",
    ]:
        assert library.search_faq(query), query

"""Facts the content states, checked across its pages and against what the portal does: who
runs it, how a document is verified, where to go in person, what each document shows and for how
long it serves. Each check reads every paragraph and list item, so a new page cannot slip by."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from domain import folios, verificacion
from domain.eleccion import DOCUMENTOS
from domain.guides import Library, Page, load_library
from tests.domain.content_helpers import blocks

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "templates" / "pdf"
# The guides of documents one asks for: every start-page document but the NSS.
CONSTANCIA_GUIDES = sorted({d.guia for d in DOCUMENTOS.values() if d.clave != "nss"})
# What the IMSS vigencia guide may say the document shows -> the label the PDF prints it under.
VIGENCIA_SHOWS = {
    "nombre": "Nombre:",
    "CURP": "CURP:",
    "NSS": "NSS:",
    "derecho al servicio médico": "Derecho a servicio médico:",
    "asegurado": "Tipo:",
    "Unidad de Medicina Familiar": "UMF de adscripción:",
    "patrón": "Patrón:",
    "registro patronal": "Registro patronal:",
    "beneficiarios": "Beneficiarios registrados:",
    "fecha y la hora": "Emitida:",
    "folio": "Folio ",
    "código QR": "Código QR",
}
MAX_WORDS = 30


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(ROOT / "content")


def every_block(library: Library) -> list[tuple[Page, str, list[str]]]:
    return [(page, text, hrefs) for page in library.pages.values() for text, hrefs in blocks(page)]


def test_who_runs_the_portal_is_told_by_pointing_at_the_footer(library: Library) -> None:
    # Content is Markdown rendered once for every operator: it cannot hold ISSUER_NAME, which
    # the footer of every page shows.
    told = [(p.source, text) for p, text, _ in every_block(library) if "lo opera" in text.lower()]
    assert len(told) >= 2, told  # the terms and the FAQ
    for source, text in told:
        assert "la institución que opera este portal" not in text, source
        assert "pie de cada página" in text, source


def test_a_document_is_verified_with_its_folio_and_code_never_the_folio_alone(
    library: Library,
) -> None:
    for page, text, hrefs in every_block(library):
        if "folio" in text and "/verificar" in hrefs:
            assert "código de verificación" in text, (page.source, text)


def test_the_alternative_to_the_qr_says_exactly_what_to_type_and_where_it_is(
    library: Library,
) -> None:
    [text] = [t for t, _ in blocks(library.pages["accesibilidad"]) if "sin vista" in t]
    assert "el folio y el código de verificación" in text
    assert f"{folios.CODIGO_LARGO} letras y números" in text
    example = re.search(r"\b[A-Z]{2}-\d{4}-\d+\b", text)
    assert example and folios.FOLIO_RE.match(example.group())
    # It sends the reader to words the PDF prints beside the two values.
    words = re.search(r"«([^»]+)»", text)
    assert words and words.group(1) in (PDF / "base.html").read_text(encoding="utf-8")


def test_every_constancia_guide_says_how_to_ask_for_it_in_person(library: Library) -> None:
    promises = [p.source for p, t, _ in every_block(library) if re.search(r"guía.*en persona", t)]
    assert promises  # the accessibility statement and the terms send people to the guides
    for slug in CONSTANCIA_GUIDES:
        headings = [text for _anchor, text in library.pages[slug].toc]
        assert any("en persona" in heading for heading in headings), slug


def test_the_vigencia_guide_promises_only_what_our_pdf_prints(library: Library) -> None:
    pdf = "".join(
        (PDF / name).read_text(encoding="utf-8")
        for name in ("vigencia_imss.html", "_persona.html", "base.html")
    )
    section = library.pages["vigencia-imss"].html.split('<h2 id="que-dice-la-constancia">')[1]
    section = section.split("<h2", 1)[0]
    items = [" ".join(li.text_content().split()) for li in lxml_html.fromstring(section).iter("li")]
    assert len(items) >= 5
    for item in items:
        named = [term for term in VIGENCIA_SHOWS if term in item]
        assert named, f"nothing checkable in {item!r}: add it to VIGENCIA_SHOWS"
        for term in named:
            assert VIGENCIA_SHOWS[term] in pdf, (item, term)


def test_the_no_afiliacion_is_described_as_its_pdf_states_it(library: Library) -> None:
    # The portal issues it to people the registry has but without current rights, too.
    pdf = (PDF / "no_afiliacion_issste.html").read_text(encoding="utf-8")
    assert "no tiene afiliación vigente al ISSSTE" in pdf
    intro = blocks(library.pages["no-afiliacion-issste"])[0][0]
    assert "no tienes afiliación vigente al ISSSTE" in intro
    wrong = re.compile(r"no estás registrad|no tienes registro en el ISSSTE")
    for page, text, _ in every_block(library):
        assert not wrong.search(text), page.source


def test_how_recent_a_document_must_be_is_never_left_to_the_recipient_for_the_one_day_one(
    library: Library,
) -> None:
    for page, text, _ in every_block(library):
        if "qué tan reciente" in text and page.institution in {"ambas", "ninguna"}:
            assert "No Derechohabiencia" in text and "solo el día" in text, (page.source, text)


def test_changing_a_password_sends_to_the_oficina_and_forgetting_it_to_recovery(
    library: Library,
) -> None:
    for page, text, hrefs in every_block(library):
        if "cámbiala" in text and "contraseña" in text:
            assert "/oficina/contrasena" in hrefs, (page.source, text)
            assert "/cuenta/recuperar" in hrefs and "olvidaste" in text, (page.source, text)


def test_the_curp_calculation_is_not_sold_as_finding_the_curp(library: Library) -> None:
    # /curp/no-la-conozco works out the first 16 characters; only RENAPO gives the whole CURP.
    described = 0
    for page, text, hrefs in every_block(library):
        if "/curp/no-la-conozco" in hrefs and "RENAPO" in text:
            described += 1
            assert "primeros 16 caracteres" in text, (page.source, text)
    assert described


def test_quotations_use_angle_quotes(library: Library) -> None:
    for page in library.pages.values():
        assert '"' not in page.text, page.source


def test_sentences_stay_short(library: Library) -> None:
    for page, text, _ in every_block(library):
        for sentence in re.split(r"(?<=[.?!;:])\s+", text):
            assert len(sentence.split()) <= MAX_WORDS, (page.source, sentence)


def test_the_statement_says_what_the_pdfs_tags_lack_and_what_verifying_shows_instead(
    library: Library,
) -> None:
    texts = [text for text, _ in blocks(library.pages["accesibilidad"])]
    # domain/pdf_etiquetas.py tags headings, paragraphs and the QR code; no table, no link.
    [tagged] = [t for t in texts if "etiquetadas solo en parte" in t]
    assert "lector de pantalla" in tagged
    assert "no están marcados como tabla" in tagged and "marcados como enlaces" in tagged
    # The verification page is no copy of the PDF: it masks the name and holds no CURP or NSS.
    [page] = [t for t in texts if "página de verificación" in t]
    assert "solo las iniciales" in page and "no muestra la CURP, el NSS" in page
    assert verificacion.enmascarar_nombre("ANA LÓPEZ") == "A*** L***"
    shown = {field.name for field in dataclasses.fields(verificacion.Verificacion)}
    assert "titular" in shown and not shown & {"curp", "nss", "nombre"}

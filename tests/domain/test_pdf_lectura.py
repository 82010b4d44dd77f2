"""What a PDF reader, a phone or a file list gets from a constancia besides its look: the text in
reading order, a tappable verification address, and properties that name the document (never
the person)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from domain import (
    constancia_tipos,
    constancias,
    pdf,
    pdf_texto,
    sello,
    signing,
)
from domain.cadena_original import leer_cadena
from tests.domain.constancias_helpers import every_kind

ROOT = Path(__file__).resolve().parents[2]


def renderer(*, demo: bool) -> pdf.Renderer:
    return pdf.Renderer(
        ROOT / "templates", ROOT / "static" / "img", base_url="https://portal.example", demo=demo
    )


def test_the_text_begins_with_the_heading_and_ends_with_the_seal(
    session: Session, signer: signing.Signer
) -> None:
    # A search or a copy reads the text in the order it was drawn (a screen reader follows the
    # tags, test_pdf_etiquetas.py), so the page's own order must be that one too.
    drawn = renderer(demo=False)
    for row in every_kind(session, signer):
        text = sello.texto(drawn.pdf(row))
        tipo = constancia_tipos.POR_CLAVE[row.tipo]
        heading = text.index(tipo.titulo)
        assert text.startswith(f"{leer_cadena(row.datos)['emisor']} · {tipo.institucion}")
        assert heading < text.index(f"Folio {row.folio}") < text.index("Verifica que")
        assert text.index("Verifica que") < text.index("Cadena original")
        assert text.index("Cadena original") < text.index("Sello digital")


def test_the_verification_address_is_a_link(session: Session, signer: signing.Signer) -> None:
    drawn = renderer(demo=True)
    for row in every_kind(session, signer):
        page = PdfReader(io.BytesIO(drawn.pdf(row))).pages[0]
        links = [a.get_object() for a in page.get("/Annots", [])]
        uris = {a["/A"]["/URI"] for a in links if a["/Subtype"] == "/Link"}
        assert uris == {
            constancias.url_verificacion("https://portal.example", row.folio, row.codigo)
        }


@pytest.mark.parametrize("demo", [True, False])
def test_the_properties_name_the_document_and_its_issuer_never_the_person(
    session: Session, signer: signing.Signer, demo: bool
) -> None:
    drawn = renderer(demo=demo)
    for row in every_kind(session, signer):
        info = PdfReader(io.BytesIO(drawn.pdf(row))).metadata
        assert info is not None
        tipo = constancia_tipos.POR_CLAVE[row.tipo]
        expected = f"{tipo.titulo} del {tipo.institucion}, folio {row.folio}"
        assert info.title == expected + (" (DEMOSTRACIÓN)" if demo else "")
        assert info.author == info.creator == leer_cadena(row.datos)["emisor"]
        assert info.subject and info.subject != info.title
        assert row.folio in str(info.get("/Keywords"))
        values = [str(value) for value in info.values()]
        assert all(values) and "(unspecified)" not in values
        for value in values:
            assert row.curp not in value
            assert not row.titular_nombre or row.titular_nombre not in value


def test_both_vigencias_have_titles_of_their_own() -> None:
    imss, issste = constancia_tipos.VIGENCIA_IMSS, constancia_tipos.VIGENCIA_ISSSTE
    assert imss.titulo == issste.titulo  # the same name: the institution tells them apart
    titles = {pdf_texto.titulo_pdf(t, "X-1", demo=False) for t in (imss, issste)}
    assert titles == {
        "Constancia de Vigencia de Derechos del IMSS, folio X-1",
        "Constancia de Vigencia de Derechos del ISSSTE, folio X-1",
    }

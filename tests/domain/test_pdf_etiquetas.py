"""A constancia is a tagged PDF: a screen reader walks its structure tree, the heading first and
the verification box and the seal last, and hears the QR code described; and tagging changes
neither the text a copy or a search reads nor the seal. (A document longer than a page:
test_pdf_paginas.py.)"""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from domain import constancia_tipos, pdf_texto, sello, signing
from domain.cadena_original import leer_cadena
from domain.pdf_marcas import NoEtiquetable
from tests.domain.constancias_helpers import every_kind
from tests.domain.etiquetas_helpers import (
    check_parent_tree,
    leaves,
    lectura,
    marks,
    renderer,
    squeeze,
    untagged,
)


@pytest.mark.parametrize("demo", [True, False])
def test_each_kind_is_tagged_in_reading_order(
    session: Session, signer: signing.Signer, demo: bool
) -> None:
    drawn = renderer(demo=demo)
    kinds = every_kind(session, signer)
    assert {row.tipo for row in kinds} == set(constancia_tipos.POR_CLAVE)
    for row in kinds:
        reader = PdfReader(io.BytesIO(drawn.pdf(row)))
        root = reader.trailer["/Root"]
        assert root["/MarkInfo"]["/Marked"].value is True
        assert root["/Lang"] == "es" and root["/ViewerPreferences"]["/DisplayDocTitle"]
        elements = leaves(reader)
        read = lectura(reader)
        tipo, campos = constancia_tipos.POR_CLAVE[row.tipo], leer_cadena(row.datos)
        # The letterhead (and the demo banner) above the title, then the one heading 1.
        heading = read.index(("/H1", tipo.titulo))
        assert read[0] == ("/P", f"{campos['emisor']} · {tipo.institucion}")
        assert heading == (2 if demo else 1)
        assert [role for role, _ in read].count("/H1") == 1
        assert read.index(("/P", f"Folio {row.folio}")) == heading + 2
        # The verification box and the seal last, as a section under their own heading.
        box = read.index(("/H2", "Verifica que este documento es auténtico"))
        assert [role for role, _ in read].count("/H2") == 1
        seal = ["Cadena original", row.datos, f"Sello digital (Ed25519, clave {row.clave_id})",
                row.firma, *(["DOCUMENTO DE DEMOSTRACIÓN — SIN VALIDEZ OFICIAL. Datos ficticios."]
                             if demo else [])]  # fmt: skip
        assert [squeeze(text) for _, text in read[-len(seal) :]] == [squeeze(s) for s in seal]
        assert read[box + 1][1].startswith("Escanea el código QR")
        [figure] = [e for e in elements if e["/S"] == "/Figure"]
        assert figure["/Alt"] == pdf_texto.FIGURAS[1]
        assert elements.index(figure) == box - 1  # beside the box it verifies with


def test_every_mcid_is_referenced_once_and_every_mark_is_tagged_or_an_artifact(
    session: Session, signer: signing.Signer
) -> None:
    drawn = renderer(demo=True)
    for row in every_kind(session, signer):
        reader = PdfReader(io.BytesIO(drawn.pdf(row)))
        assert len(reader.pages) == 1
        check_parent_tree(reader)
        assert marks(reader, 0)[1] == 0  # a page repeats no other


def test_tagging_changes_neither_the_text_nor_the_seal(
    session: Session, signer: signing.Signer
) -> None:
    drawn = renderer(demo=True)
    for row in every_kind(session, signer):
        tagged, before = drawn.pdf(row), untagged(drawn, row)
        assert PdfReader(io.BytesIO(before)).trailer["/Root"].get("/StructTreeRoot") is None
        [old] = PdfReader(io.BytesIO(before)).pages
        [new] = PdfReader(io.BytesIO(tagged)).pages
        assert new.extract_text() == old.extract_text()
        assert sello.texto(tagged) == sello.texto(before)
        assert "".join(row.datos.split()) in "".join(sello.texto(tagged).split())
        assert sello.verificar_pdf(tagged, signing.KeyRing.of(signer)).autentica


@pytest.mark.parametrize(
    ("falla", "level", "logged"),
    [
        # A refusal of the tagger's own says why; its words never quote the page.
        (NoEtiquetable("Three pictures."), logging.WARNING, "PDF sin etiquetas: Three pictures."),
        # Anything else may quote it, as float() quotes its operand: only its kind is logged.
        (ValueError("could not convert string to float: '(ANA PEREZ) Tj'"), logging.ERROR,
         "PDF sin etiquetas: ValueError al etiquetar"),
        (KeyError("/Resources"), logging.ERROR, "PDF sin etiquetas: KeyError al etiquetar"),
    ],
)  # fmt: skip
def test_a_page_the_tagger_fails_on_is_still_issued_untagged_and_logged_without_content(
    session: Session,
    signer: signing.Signer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    falla: Exception,
    level: int,
    logged: str,
) -> None:
    from domain import pdf_etiquetas

    def rompe(*_: Any) -> None:
        raise falla

    monkeypatch.setattr(pdf_etiquetas, "etiquetar", rompe)
    drawn = renderer(demo=False)
    [row, *_] = every_kind(session, signer)
    with caplog.at_level("WARNING", logger="domain.pdf"):
        data = drawn.pdf(row)
    assert PdfReader(io.BytesIO(data)).trailer["/Root"].get("/StructTreeRoot") is None
    assert sello.verificar_pdf(data, signing.KeyRing.of(signer)).autentica
    [record] = [r for r in caplog.records if r.name == "domain.pdf"]
    assert (record.levelno, record.getMessage()) == (level, logged)

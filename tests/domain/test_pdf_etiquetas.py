"""A constancia is a tagged PDF: a screen reader walks its structure tree, the heading first and
the verification box and the seal last, and hears the QR code described; and tagging changes
neither the text a copy or a search reads nor the seal."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject
from sqlalchemy.orm import Session

from domain import constancia_tipos, pdf, pdf_texto, sello, signing
from domain.cadena_original import leer_cadena
from domain.models import Constancia
from tests.domain.constancias_helpers import issue_all

ROOT = Path(__file__).resolve().parents[2]
# What paints: text, pictures, paths (a page's every mark must be tagged or an artifact).
PAINTS = {b"Tj", b"TJ", b"'", b'"', b"Do", b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b",
          b"b*", b"sh", b"BI"}  # fmt: skip


def renderer(*, demo: bool) -> pdf.Renderer:
    return pdf.Renderer(
        ROOT / "templates", ROOT / "static" / "img", base_url="https://portal.example", demo=demo
    )


def untagged(drawn: pdf.Renderer, row: Constancia) -> bytes:
    """The same document sealed as it was before tagging: the drawing alone."""
    seal = sello.Sello(row.datos, row.firma, row.clave_id)
    return sello.embed(drawn._draw(drawn.html(row)), seal, title="x")


def leaves(reader: PdfReader) -> list[DictionaryObject]:
    root = reader.trailer["/Root"]
    [document] = root["/StructTreeRoot"]["/K"]
    assert document["/S"] == "/Document"
    return [kid.get_object() for kid in document["/K"]]


def squeeze(text: str) -> str:
    """Without whitespace: the cadena wraps wherever a line ends, mid-word too."""
    return "".join(text.split())


def text_by_mcid(page: Any) -> dict[int, str]:
    """The text each marked-content sequence of the page shows, as pypdf extracts it."""
    current: list[int | None] = [None]
    found: dict[int, str] = {}

    def before(op: bytes, args: list[Any], cm: Any, tm: Any) -> None:
        if op == b"BDC":
            current[0] = args[1].get("/MCID") if isinstance(args[1], dict) else None
        elif op == b"EMC":
            current[0] = None

    def text(chunk: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if current[0] is not None:
            found[current[0]] = found.get(current[0], "") + chunk

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {mcid: " ".join(chunk.split()) for mcid, chunk in found.items()}


@pytest.mark.parametrize("demo", [True, False])
def test_each_kind_is_tagged_in_reading_order(
    session: Session, signer: signing.Signer, demo: bool
) -> None:
    drawn = renderer(demo=demo)
    for row in issue_all(session, signer):
        reader = PdfReader(io.BytesIO(drawn.pdf(row)))
        root, page = reader.trailer["/Root"], reader.pages[0]
        assert root["/MarkInfo"]["/Marked"].value is True
        assert root["/Lang"] == "es" and root["/ViewerPreferences"]["/DisplayDocTitle"]
        assert page["/StructParents"] == 0 and page["/Tabs"] == "/S"
        elements = leaves(reader)
        texts = text_by_mcid(page)
        read = [(e["/S"], texts.get(e["/K"], "")) for e in elements]
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
    for row in issue_all(session, signer):
        reader = PdfReader(io.BytesIO(drawn.pdf(row)))
        page = reader.pages[0]
        content = ContentStream(page["/Contents"].get_object(), reader)
        mcids, depth = [], 0
        for args, op in content.operations:
            if op == b"BDC":
                mcids.append(args[1]["/MCID"])
            if op in (b"BDC", b"BMC"):
                depth += 1
            elif op == b"EMC":
                depth -= 1
            elif op in PAINTS:
                assert depth == 1, op
        assert depth == 0
        assert mcids == list(range(len(mcids)))  # each once, in order
        tree = reader.trailer["/Root"]["/StructTreeRoot"]
        nums = tree["/ParentTree"]["/Nums"]
        assert nums[0] == 0 and tree["/ParentTreeNextKey"] == 1
        parents = [ref.get_object() for ref in nums[1]]
        assert len(parents) == len(mcids)
        assert [parent["/K"] for parent in parents] == mcids
        assert parents == leaves(reader)


def test_tagging_changes_neither_the_text_nor_the_seal(
    session: Session, signer: signing.Signer
) -> None:
    drawn = renderer(demo=True)
    for row in issue_all(session, signer):
        tagged, before = drawn.pdf(row), untagged(drawn, row)
        assert PdfReader(io.BytesIO(before)).trailer["/Root"].get("/StructTreeRoot") is None
        [old] = PdfReader(io.BytesIO(before)).pages
        [new] = PdfReader(io.BytesIO(tagged)).pages
        assert new.extract_text() == old.extract_text()
        assert sello.texto(tagged) == sello.texto(before)
        assert "".join(row.datos.split()) in "".join(sello.texto(tagged).split())
        assert sello.verificar_pdf(tagged, signing.KeyRing.of(signer)).autentica


@pytest.mark.parametrize("falla", [ValueError("otra página"), KeyError("/Resources")])
def test_a_page_the_tagger_fails_on_is_still_issued_untagged_and_logged_without_content(
    session: Session,
    signer: signing.Signer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    falla: Exception,
) -> None:
    from domain import pdf_etiquetas

    def rompe(*_: Any) -> None:
        raise falla

    monkeypatch.setattr(pdf_etiquetas, "etiquetar", rompe)
    drawn = renderer(demo=False)
    [row, *_] = issue_all(session, signer)
    with caplog.at_level("WARNING", logger="domain.pdf"):
        data = drawn.pdf(row)
    assert PdfReader(io.BytesIO(data)).trailer["/Root"].get("/StructTreeRoot") is None
    assert sello.verificar_pdf(data, signing.KeyRing.of(signer)).autentica
    [record] = [r for r in caplog.records if r.name == "domain.pdf"]
    assert record.getMessage().startswith("PDF sin etiquetas")
    assert "/Resources" not in record.getMessage()

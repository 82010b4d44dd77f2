"""An IMSS vigencia with many beneficiaries runs onto a second page, and is tagged all the same:
one tree over both pages, its body in page order, and the boxes xhtml2pdf repeats at the foot of
every page (the QR code, the verification box, the seal) read once, on the last page."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy.orm import Session

from domain import pdf_etiquetas, pdf_texto, sello, signing
from domain.cadena_original import leer_cadena
from domain.pdf_marcas import NoEtiquetable
from tests.domain.constancias_helpers import vigencia_imss_con
from tests.domain.etiquetas_helpers import (
    check_parent_tree,
    leaves,
    lectura,
    marks,
    page_of,
    renderer,
    squeeze,
    untagged,
)


@pytest.mark.parametrize("hijos", [5, 12])
def test_a_vigencia_longer_than_a_page_is_tagged_on_every_page(
    session: Session, signer: signing.Signer, hijos: int
) -> None:
    drawn = renderer(demo=True)
    row = vigencia_imss_con(session, signer, hijos)
    reader = PdfReader(io.BytesIO(drawn.pdf(row)))
    assert len(reader.pages) == 2
    check_parent_tree(reader)
    # The last page's boxes are tagged; the first page's, the same drawing, are its repeats.
    assert marks(reader, 0)[1] > 0 and marks(reader, 1)[1] == 0
    assert all(marks(reader, number)[0] for number in (0, 1))  # each page has its own leaves

    read = lectura(reader)
    texts = [text for _, text in read]
    campos = leer_cadena(row.datos)
    body = [f"{campos[f'beneficiario_{n}']} ({campos[f'parentesco_{n}']})" for n in range(1, 6)]
    assert [texts.index(line) for line in body] == sorted(texts.index(line) for line in body)
    assert texts.index(body[-1]) < texts.index(f"Emitida: {pdf_texto.fecha(campos['emitida'])}, "
                                               f"{pdf_texto.hora(campos['emitida'])} (hora del "
                                               "centro de México)")  # fmt: skip
    # Read once, last: the QR code's figure, the verification box, the seal.
    [figure] = [e for e in leaves(reader) if e["/S"] == "/Figure"]
    assert figure["/Alt"] == pdf_texto.FIGURAS[1] and page_of(reader, figure) == 1
    box = read.index(("/H2", "Verifica que este documento es auténtico"))
    assert [role for role, _ in read].count("/H2") == 1
    assert texts.count("Cadena original") == 1
    assert squeeze(texts[-4]) == squeeze(row.datos) and texts[-3].startswith("Sello digital")
    assert leaves(reader).index(figure) == box - 1
    assert texts.index("Pide una constancia nueva si cambió tu situación. Con el código QR, "
                       "quien la reciba puede confirmar que es auténtica y ver si hoy hay "
                       "derecho a servicio médico.") < box - 1  # fmt: skip


@pytest.mark.parametrize("hijos", [5, 12])
def test_tagging_a_longer_vigencia_changes_neither_its_text_nor_its_seal(
    session: Session, signer: signing.Signer, hijos: int
) -> None:
    drawn = renderer(demo=False)
    row = vigencia_imss_con(session, signer, hijos)
    tagged, before = drawn.pdf(row), untagged(drawn, row)
    old, new = PdfReader(io.BytesIO(before)).pages, PdfReader(io.BytesIO(tagged)).pages
    assert len(new) == len(old) == 2
    assert [page.extract_text() for page in new] == [page.extract_text() for page in old]
    assert sello.texto(tagged) == sello.texto(before)
    assert sello.verificar_pdf(tagged, signing.KeyRing.of(signer)).autentica


def test_a_document_refused_after_its_pages_were_read_is_left_as_drawn_on_every_page(
    session: Session, signer: signing.Signer
) -> None:
    drawn = renderer(demo=False)
    row = vigencia_imss_con(session, signer, 5)
    writer = PdfWriter(clone_from=io.BytesIO(drawn._draw(drawn.html(row))))
    before = [page.get_contents().get_data() for page in writer.pages]
    with pytest.raises(NoEtiquetable):  # one description more than the pictures it tags
        pdf_etiquetas.etiquetar(writer, [*pdf_texto.FIGURAS, "Otra imagen."])
    assert [page.get_contents().get_data() for page in writer.pages] == before
    assert "/StructTreeRoot" not in writer.root_object
    assert all("/StructParents" not in page for page in writer.pages)

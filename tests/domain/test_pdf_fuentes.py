"""The PDF draws every letter a name or the registry can bring: its fonts are embedded (the
standard Helvetica and Courier have WinAnsi only, and drew «DVOŘÁK» as «DVO■ÁK»), and the
cadena original printed at the foot reads exactly as signed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy.orm import Session

from domain import constancias_vigencia, curp_generate, pdf, sello, signing
from domain.models import Afiliacion, Constancia, Persona
from tests.domain.conftest import EMISOR, NOW, afiliacion, curp_of

ROOT = Path(__file__).resolve().parents[2]
# Names the forms' name rule accepts, with letters WinAnsi lacks (Ř, Ễ).
NOMBRE, PRIMER, SEGUNDO = "ANTONÍN", "DVOŘÁK", "NGUYỄN"
# Registry free text is any printable text: a clinic and an agency with letters outside WinAnsi.
CLINICA = "Clínica «Şişli» de Łódź"
DEPENDENCIA = "Secretaría de Salud – Oficina Đakovo"


@pytest.fixture(scope="module")
def renderer() -> pdf.Renderer:
    return pdf.Renderer(
        ROOT / "templates", ROOT / "static" / "img", base_url="https://portal.example", demo=True
    )


def carnet(session: Session, signer: signing.Signer, clinica: str = CLINICA) -> Constancia:
    curp = curp_of(session, "issste_titular")
    names = {"nombre": NOMBRE, "primer_apellido": PRIMER, "segundo_apellido": SEGUNDO}
    session.execute(sa.update(Persona).where(Persona.curp == curp).values(**names))
    place = {"clinica": clinica, "dependencia": DEPENDENCIA}
    session.execute(sa.update(Afiliacion).where(Afiliacion.curp == curp).values(**place))
    session.flush()
    return constancias_vigencia.emitir_carnet(
        session, signer, afiliacion(session, curp), NOW, emisor=EMISOR
    )


def cadena_impresa(data: bytes) -> str:
    """The cadena original as the page prints it: its lines, joined as they were cut."""
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    start = text.index("Cadena original") + len("Cadena original")
    printed = text[start : text.index("Sello digital", start)]
    return "".join(printed.strip("\n").split("\n"))


def test_the_names_are_ones_the_forms_accept() -> None:
    assert [curp_generate.name_intruder(n) for n in (NOMBRE, PRIMER, SEGUNDO)] == [None] * 3


def test_letters_outside_winansi_are_drawn_and_the_cadena_reads_as_signed(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer
) -> None:
    row = carnet(session, signer)
    data = renderer.pdf(row)
    text = sello.texto(data)
    assert "\u25a0" not in text and "\x00" not in text
    assert f"{NOMBRE} {PRIMER} {SEGUNDO}" in text
    assert f"Clínica de adscripción: {CLINICA}" in text
    assert f"Dependencia: {DEPENDENCIA}" in text
    assert cadena_impresa(data) == row.datos
    assert sello.verificar_pdf(data, signing.KeyRing.of(signer)).autentica


def test_every_font_is_embedded(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer
) -> None:
    page = PdfReader(io.BytesIO(renderer.pdf(carnet(session, signer)))).pages[0]
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descriptor = font.get("/FontDescriptor")
        assert descriptor is not None, font["/BaseFont"]
        assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]


@pytest.mark.parametrize("edge", ["end", "start"])
def test_a_space_where_the_printed_cadena_wraps_is_kept(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer, edge: str
) -> None:
    # A PDF line drops a space at either end: the cadena must not wrap next to one. Which
    # characters fall at the wrap depends on the lengths of the fields, so the clinic's name
    # grows a letter at a time until a space falls at the end (or the start) of a line.
    for extra in range(112):
        row = carnet(session, signer, clinica=f"Clínica {'X' * extra} de Łódź y más")
        first = 111 if edge == "end" else 112
        if " " in row.datos[first::112]:
            break
    else:
        pytest.fail("no clinic name put a space where the cadena wraps")
    assert cadena_impresa(renderer.pdf(row)) == row.datos

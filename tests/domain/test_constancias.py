"""Constancias without the web app: the ledger, the rules per document, and the PDF drawn,
parsed back and checked."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from domain import (
    cadena_original,
    constancia_tipos,
    constancias,
    constancias_sin_derecho,
    constancias_vigencia,
    pdf,
    registry,
    sello,
    signing,
    verificacion,
)
from domain.hoy import MEXICO_CITY
from tests.domain.conftest import EMISOR, NOW, afiliacion, curp_of
from tests.domain.constancias_helpers import issue_all, reseal

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN_CURP = "XEXX010101HNEXXXA4"


@pytest.fixture(scope="module")
def renderer() -> pdf.Renderer:
    return pdf.Renderer(
        ROOT / "templates", ROOT / "static" / "img", base_url="https://portal.example", demo=True
    )


# --- rules per document --------------------------------------------------------------------


def test_no_afiliacion_names_a_known_person_and_not_an_unknown_curp(
    session: Session, signer: signing.Signer
) -> None:
    known = curp_of(session, "imss_vigente")  # in the registry, never in the ISSSTE
    row = constancias_sin_derecho.emitir_no_afiliacion(session, signer, known, NOW, emisor=EMISOR)
    campos = cadena_original.leer_cadena(row.datos)
    assert campos["nombre"] and campos["resultado"] == "sin_afiliacion"
    assert row.titular_nombre == campos["nombre"] and row.valida_hasta is None
    unknown = constancias_sin_derecho.emitir_no_afiliacion(
        session, signer, "XEXX010101HNEXXXA4", NOW, emisor=EMISOR
    )
    assert cadena_original.leer_cadena(unknown.datos)["nombre"] == ""
    assert cadena_original.leer_cadena(unknown.datos)["resultado"] == "sin_registro"
    past = constancias_sin_derecho.emitir_no_afiliacion(
        session, signer, curp_of(session, "issste_baja"), NOW, emisor=EMISOR
    )
    assert cadena_original.leer_cadena(past.datos)["resultado"] == "sin_afiliacion"


@pytest.mark.parametrize("case", ["issste_titular", "issste_pensionado", "issste_beneficiario"])
def test_no_afiliacion_is_refused_to_anyone_current_in_the_issste(
    session: Session, signer: signing.Signer, case: str
) -> None:
    with pytest.raises(constancias.Afiliado):
        constancias_sin_derecho.emitir_no_afiliacion(
            session, signer, curp_of(session, case), NOW, emisor="x"
        )


def test_no_derechohabiencia_lasts_until_the_end_of_the_day(
    session: Session, signer: signing.Signer
) -> None:
    curp = curp_of(session, "imss_baja")
    row = constancias_sin_derecho.emitir_no_derechohabiencia(
        session, signer, curp, NOW, emisor=EMISOR, entrega="a***@example.org"
    )
    assert row.folio.startswith("ND-2026-")
    assert constancias.local(row.valida_hasta).isoformat() == "2026-11-26T23:59:59-06:00"
    assert cadena_original.leer_cadena(row.datos)["valida_hasta"] == "2026-11-26T23:59:59-06:00"
    assert row.entrega == "a***@example.org"
    with pytest.raises(constancias.Afiliado):
        constancias_sin_derecho.emitir_no_derechohabiencia(
            session, signer, curp_of(session, "imss_vigente"), NOW, emisor=EMISOR
        )


def test_carnet_for_a_titular_and_for_a_beneficiary(
    session: Session, signer: signing.Signer
) -> None:
    titular = afiliacion(session, curp_of(session, "issste_titular"))
    row = constancias_vigencia.emitir_carnet(session, signer, titular, NOW, emisor=EMISOR)
    campos = cadena_original.leer_cadena(row.datos)
    assert row.folio == "VD-2026-000001" and campos["tipo_derechohabiente"] == "titular"
    assert campos["numero"] == titular.numero_afiliacion
    assert campos["dependencia"] == titular.dependencia and campos["clinica"] == titular.clinica
    [familiar, *_] = registry.beneficiarios(session, titular.curp, "ISSSTE")
    row = constancias_vigencia.emitir_carnet(
        session, signer, familiar, NOW, emisor=EMISOR, titular_curp=titular.curp
    )
    campos = cadena_original.leer_cadena(row.datos)
    assert campos["tipo_derechohabiente"] == "beneficiario" and campos["parentesco"]
    assert campos["nombre"] == familiar.persona.nombre_completo


def test_carnet_refusals(session: Session, signer: signing.Signer) -> None:
    titular = afiliacion(session, curp_of(session, "issste_titular"))
    stranger = afiliacion(session, curp_of(session, "issste_pensionado"))
    with pytest.raises(constancias.NoCorresponde):
        constancias_vigencia.emitir_carnet(
            session, signer, stranger, NOW, emisor=EMISOR, titular_curp=titular.curp
        )
    baja = registry.situacion(session, curp_of(session, "issste_baja"), NOW.date()).issste[0]
    with pytest.raises(constancias.NoVigente):
        constancias_vigencia.emitir_carnet(session, signer, baja, NOW, emisor=EMISOR)
    imss = registry.situacion(session, curp_of(session, "imss_vigente"), NOW.date()).imss[0]
    with pytest.raises(constancias.NoVigente):
        constancias_vigencia.emitir_carnet(session, signer, imss, NOW, emisor=EMISOR)
    [familiar, *_] = registry.beneficiarios(session, titular.curp, "ISSSTE")
    titular.vigente = False  # the titular left: the family's rights go with them
    session.flush()
    with pytest.raises(constancias.NoVigente, match="familiar"):
        constancias_vigencia.emitir_carnet(session, signer, familiar, NOW, emisor=EMISOR)


def test_a_carnet_with_an_end_date_holds_through_that_whole_day(
    session: Session, signer: signing.Signer
) -> None:
    titular = afiliacion(session, curp_of(session, "issste_titular"))
    titular.vigente_hasta = dt.date(2026, 12, 31)
    session.flush()
    row = constancias_vigencia.emitir_carnet(session, signer, titular, NOW, emisor=EMISOR)
    campos = cadena_original.leer_cadena(row.datos)
    assert campos["vigente_hasta"] == "2026-12-31"
    assert campos["valida_hasta"] == "2026-12-31T23:59:59-06:00"
    last_night = dt.datetime(2026, 12, 31, 23, 30, tzinfo=MEXICO_CITY)
    assert verificacion.estado(row, last_night) == "vigente"
    assert verificacion.estado(row, last_night + dt.timedelta(hours=1)) == "vencida"


# --- the PDF ----------------------------------------------------------------------------------


def test_each_document_reads_back_and_its_seal_verifies(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer
) -> None:
    ring = signing.KeyRing.of(signer)
    for row in issue_all(session, signer):
        data = renderer.pdf(row)
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 1
        assert reader.pages[0].mediabox.width == 612 and reader.pages[0].mediabox.height == 792
        text = sello.texto(data)
        assert row.folio in text and row.curp in text and row.titular_nombre in text
        assert "DOCUMENTO DE DEMOSTRACIÓN — SIN VALIDEZ OFICIAL" in text
        assert f"https://portal.example/verificar/{row.folio}?c={row.codigo}" in text
        assert reader.metadata is not None and row.folio in str(reader.metadata.title)
        found = sello.extraer(data)
        assert found == sello.Sello(row.datos, row.firma, row.clave_id)
        result = sello.verificar_pdf(data, ring)
        assert result.autentica, result.motivo
        assert result.campos["folio"] == row.folio


def test_carnet_shows_every_field(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer
) -> None:
    titular = afiliacion(session, curp_of(session, "issste_titular"))
    [familiar, *_] = registry.beneficiarios(session, titular.curp, "ISSSTE")
    text = sello.texto(
        renderer.pdf(
            constancias_vigencia.emitir_carnet(session, signer, familiar, NOW, emisor=EMISOR)
        )
    )
    for value in (familiar.numero_afiliacion, familiar.parentesco, familiar.dependencia):
        assert value in text
    assert familiar.clinica in text and "Familiar derechohabiente" in text
    assert "Derechos vigentes al 26 de noviembre de 2026" in text


def test_no_document_guesses_the_person_s_gender(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer
) -> None:
    # The registry's sexo may be X, or wrong: the wording needs none ("tiene registro", never
    # "está registrado"), so it reads right for her too.
    baja = registry.situacion(session, curp_of(session, "imss_baja"), NOW.date()).imss[0]
    baja.persona.sexo, baja.persona.nombre = "M", "PAULA"
    rows = [
        constancias_vigencia.emitir_vigencia_imss(
            session, signer, baja.curp, baja.numero_afiliacion, NOW, emisor=EMISOR
        ),
        *issue_all(session, signer),
    ]
    texts = [sello.texto(renderer.pdf(row)) for row in rows]
    assert f"que {baja.persona.nombre_completo}, con CURP" in texts[0]
    assert "tiene registro en el IMSS, pero no tiene derecho a los servicios médicos" in texts[0]
    for text in texts:
        assert not re.search(r"\b(?:está|es|fue) (?:registrad|inscrit|afiliad)[oa]\b", text)


def test_altering_one_byte_of_the_sealed_data_breaks_it(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer
) -> None:
    row = issue_all(session, signer)[1]
    data = renderer.pdf(row)
    ring = signing.KeyRing.of(signer)
    payload = {"formato": sello.FORMAT, "algoritmo": "Ed25519", "kid": row.clave_id,
               "datos": row.datos, "firma": row.firma}  # fmt: skip
    assert sello.verificar_pdf(reseal(data, payload), ring).autentica
    for index in (5, len(row.datos) // 2, len(row.datos) - 3):
        changed = row.datos[:index] + chr(ord(row.datos[index]) ^ 1) + row.datos[index + 1 :]
        result = sello.verificar_pdf(reseal(data, {**payload, "datos": changed}), ring)
        assert not result.autentica and "sello" in result.motivo
    stranger = signing.Signer.generate()
    forged = {**payload, "kid": stranger.kid, "firma": stranger.sign(row.datos)}
    assert not sello.verificar_pdf(reseal(data, forged), ring).autentica


def test_a_genuine_seal_on_another_page_is_caught(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer
) -> None:
    first, second = issue_all(session, signer)[:2]
    payload = {"formato": sello.FORMAT, "algoritmo": "Ed25519", "kid": second.clave_id,
               "datos": second.datos, "firma": second.firma}  # fmt: skip
    result = sello.verificar_pdf(reseal(renderer.pdf(first), payload), signing.KeyRing.of(signer))
    assert not result.autentica and "texto visible" in result.motivo


@pytest.mark.parametrize("junk", [b"", b"%PDF-1.4 roto", b"hola", b"\x00" * 100])
def test_junk_files_are_not_authentic(junk: bytes, signer: signing.Signer) -> None:
    assert sello.extraer(junk) is None
    assert not sello.verificar_pdf(junk, signing.KeyRing.of(signer)).autentica


def test_markup_in_a_name_prints_as_text(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer
) -> None:
    row = constancias.emitir(
        session, signer, constancia_tipos.NO_AFILIACION, curp="XEXX010101HNEXXXA4",
        nombre='ANA <script>alert(1)</script> <img src="http://169.254.169.254/x">',
        now=NOW, emisor=EMISOR, extra={"resultado": "sin_afiliacion"},
    )  # fmt: skip
    assert "&lt;script&gt;" in renderer.html(row)
    text = sello.texto(renderer.pdf(row))
    assert "<script>alert(1)</script>" in text and "169.254.169.254" in text


def test_rendering_refuses_remote_and_local_files(renderer: pdf.Renderer) -> None:
    policy = renderer.policy
    assert policy.allow_remote is False
    with pytest.raises(Exception, match=r"not allowed|outside"):
        policy.check_url("https://example.org/logo.png")
    with pytest.raises(Exception, match="outside"):
        policy.check_path("/etc/passwd")


def test_rendering_time_is_bounded(renderer: pdf.Renderer) -> None:
    with pytest.raises(pdf.PdfError):
        pdf._with_deadline(lambda: time.sleep(0.5) or b"", 0.05)
    slow = pdf.Renderer(
        ROOT / "templates", ROOT / "static" / "img", base_url="x", demo=False,
        max_render_seconds=1e-9,
    )  # fmt: skip
    html = "<html><body>" + "<p>texto</p>" * 2000 + "</body></html>"
    with pytest.raises(pdf.PdfError, match="tardó"):
        slow._draw(html)


def test_kind_fields_cannot_replace_the_common_ones(
    session: Session, signer: signing.Signer
) -> None:
    with pytest.raises(ValueError, match="comunes"):
        constancias.emitir(
            session, signer, constancia_tipos.NO_AFILIACION, curp=UNKNOWN_CURP, nombre="",
            now=NOW, emisor=EMISOR, extra={"folio": "NA-2026-000999"},
        )  # fmt: skip

"""The offline check of a constancia PDF against a forger who holds a genuine seal: a page
that shows another person, a cadena that names another key, an algorithm we never use."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import cadena_original, pdf, sello, signing
from domain.models import Constancia, Persona
from tests.domain.constancias_helpers import issue_all, reseal

ROOT = Path(__file__).resolve().parents[2]
OTRA_CURP = "XEXX010101HNEXXXA4"  # well formed, never in the demo registry


@pytest.fixture(scope="module")
def renderer() -> pdf.Renderer:
    return pdf.Renderer(
        ROOT / "templates", ROOT / "static" / "img", base_url="https://portal.example", demo=True
    )


def genuine_payload(row: Constancia) -> dict[str, str]:
    return {"formato": sello.FORMAT, "algoritmo": "Ed25519", "kid": row.clave_id,
            "datos": row.datos, "firma": row.firma}  # fmt: skip


def redrawn(renderer: pdf.Renderer, row: Constancia, cadena_too: bool, **shown: str) -> bytes:
    """The row's page drawn again showing ``shown`` instead of its fields (in the cadena printed
    at the foot as well when ``cadena_too``), with the row's genuine seal attached."""
    context = renderer.context(row)
    context["c"] = {**context["c"], **shown}
    if cadena_too:
        context["datos"] = cadena_original.cadena(context["c"])
    html = renderer.env.get_template(context["tipo"].plantilla).render(context)
    seal = sello.Sello(row.datos, row.firma, row.clave_id)
    return sello.embed(renderer._draw(html), seal, title=row.folio)


@pytest.mark.parametrize("field", ["nombre", "curp"])
@pytest.mark.parametrize("cadena_too", [False, True], ids=["body", "body-and-cadena"])
def test_a_genuine_seal_on_a_page_showing_another_name_or_curp_is_caught(
    session: Session,
    signer: signing.Signer,
    renderer: pdf.Renderer,
    field: str,
    cadena_too: bool,
) -> None:
    # Same folio, same seal: only the holder differs. The cadena printed at the foot holds
    # the sealed name and CURP, so a forger who edits the body alone leaves them on the page.
    ring = signing.KeyRing.of(signer)
    shown = {"nombre": "ZOE QUIJANO", "curp": OTRA_CURP}[field]
    for row in issue_all(session, signer):
        assert sello.verificar_pdf(redrawn(renderer, row, cadena_too), ring).autentica
        result = sello.verificar_pdf(redrawn(renderer, row, cadena_too, **{field: shown}), ring)
        assert not result.autentica and "texto visible" in result.motivo, row.folio


def test_a_seal_whose_cadena_names_another_key_of_the_ring_is_refused(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer
) -> None:
    # Both keys verify, but the cadena is what the page prints and what a reader trusts: it
    # must name the key that really signed it, not a retired one whose documents still pass.
    retired = signing.Signer.generate()
    ring = signing.KeyRing.of(signer, [retired.private_key.verifying_key()])
    row = issue_all(session, signer)[0]
    datos = cadena_original.cadena({**cadena_original.leer_cadena(row.datos), "kid": retired.kid})
    payload = {**genuine_payload(row), "datos": datos, "firma": signer.sign(datos)}
    result = sello.verificar_pdf(reseal(renderer.pdf(row), payload), ring)
    assert not result.autentica and "clave del sello" in result.motivo


def test_a_seal_that_claims_another_algorithm_is_refused(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer
) -> None:
    # Ed25519 is the only algorithm a seal may name: anything else is unknown, not reinterpreted.
    row = issue_all(session, signer)[0]
    payload = {**genuine_payload(row), "algoritmo": "RS256"}
    ring = signing.KeyRing.of(signer)
    assert sello.verificar_pdf(reseal(renderer.pdf(row), genuine_payload(row)), ring).autentica
    result = sello.verificar_pdf(reseal(renderer.pdf(row), payload), ring)
    assert not result.autentica and "clave desconocida" in result.motivo


@pytest.mark.parametrize(
    "names",
    [
        # Long composite names, as people have them: the name wraps on the page.
        ("MARÍA DE LOS ÁNGELES GUADALUPE DEL CARMEN", "VILLASEÑOR DE LA GARZA", "ÑÚÑEZ DEL VALLE"),
        # The longest each field allows (120 characters): no spaces to wrap at.
        ("N" * 120, "P" * 120, "S" * 120),
    ],
    ids=["composite", "longest"],
)
def test_a_genuine_document_for_a_long_name_still_verifies(
    session: Session, signer: signing.Signer, renderer: pdf.Renderer, names: tuple[str, ...]
) -> None:
    # The check reads the name as one run of text: a name the page wraps must still be found.
    nombre, primer, segundo = names
    session.execute(
        sa.update(Persona).values(nombre=nombre, primer_apellido=primer, segundo_apellido=segundo)
    )
    session.flush()
    ring = signing.KeyRing.of(signer)
    for row in issue_all(session, signer):
        assert nombre in row.titular_nombre or row.tipo == "no_afiliacion", row.folio
        result = sello.verificar_pdf(renderer.pdf(row), ring)
        assert result.autentica, (row.folio, result.motivo)


def test_viewers_are_asked_to_show_the_title_not_the_file_name() -> None:
    from pypdf import PdfReader, PdfWriter

    blank = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(blank)
    seal = sello.Sello(cadena_original.cadena({"emisor": "Portal"}), "firma", "kid")
    sealed = PdfReader(io.BytesIO(sello.embed(blank.getvalue(), seal, title="Constancia")))
    assert sealed.metadata is not None and sealed.metadata.title == "Constancia"
    assert sealed.viewer_preferences is not None
    assert bool(sealed.viewer_preferences.display_doctitle)

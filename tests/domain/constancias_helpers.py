"""What the domain tests of documents share: one document of each kind issued, and a PDF sealed
again with another payload."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader, PdfWriter
from sqlalchemy.orm import Session

from domain import constancias_sin_derecho, constancias_vigencia, registry, sello, signing
from domain.models import Constancia
from tests.domain.conftest import EMISOR, NOW, afiliacion, curp_of


def issue_all(session: Session, signer: signing.Signer) -> list[Constancia]:
    titular = afiliacion(session, curp_of(session, "issste_titular"))
    [familiar, *_] = registry.beneficiarios(session, titular.curp, "ISSSTE")
    return [
        constancias_sin_derecho.emitir_no_afiliacion(
            session, signer, curp_of(session, "sin_afiliacion"), NOW, emisor=EMISOR
        ),
        constancias_sin_derecho.emitir_no_derechohabiencia(
            session, signer, curp_of(session, "imss_baja"), NOW, emisor=EMISOR
        ),
        constancias_vigencia.emitir_carnet(session, signer, titular, NOW, emisor=EMISOR),
        constancias_vigencia.emitir_carnet(session, signer, familiar, NOW, emisor=EMISOR),
    ]


def reseal(data: bytes, payload: dict[str, str]) -> bytes:
    """The same PDF with a different constancia.json attached."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_attachment(sello.ATTACHMENT, json.dumps(payload).encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

"""What the domain tests of documents share: one document of each kind issued, an IMSS vigencia
as long as a test needs, and a PDF sealed again with another payload."""

from __future__ import annotations

import datetime as dt
import io
import json

from pypdf import PdfReader, PdfWriter
from sqlalchemy.orm import Session

from domain import constancias_sin_derecho, constancias_vigencia, registry, sello, signing
from domain.models import Afiliacion, Constancia, Persona
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


def every_kind(session: Session, signer: signing.Signer) -> list[Constancia]:
    """One document of each kind (two carnets), the IMSS vigencia too."""
    return [*issue_all(session, signer), vigencia_imss_con(session, signer, 0)]


def vigencia_imss_con(session: Session, signer: signing.Signer, hijos: int) -> Constancia:
    """An IMSS vigencia of a titular with ``hijos`` beneficiaries (added as needed): from 5 on,
    the list runs onto a second page."""
    imss = registry.situacion(session, curp_of(session, "imss_vigente"), NOW.date()).imss[0]
    ya = len(registry.beneficiarios(session, imss.curp, "IMSS"))
    for n in range(ya + 1, hijos + 1):
        curp = f"BENE{n:06d}HDFXXX00"
        session.add(
            Persona(
                curp=curp, nombre=f"HIJO {n}", primer_apellido="PRUEBA", segundo_apellido=None,
                fecha_nacimiento=dt.date(2010, 1, 1), sexo="H", entidad="DF",
            )
        )  # fmt: skip
        session.add(
            Afiliacion(
                curp=curp, institucion="IMSS", numero_afiliacion=imss.numero_afiliacion,
                tipo="beneficiario", vigente=True, titular_curp=imss.curp, parentesco="hijo",
            )
        )  # fmt: skip
    session.flush()
    return constancias_vigencia.emitir_vigencia_imss(
        session, signer, imss.curp, imss.numero_afiliacion, NOW, emisor=EMISOR
    )


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

"""A vigencia document's "derechos hoy" follows the affiliation it was issued for (its signed
number), by the rule its issuance applied: another affiliation of the same person never lends
it rights, and a beneficiary's rights still hang on their titular's."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from domain import constancias_vigencia, registry, signing, verificacion
from domain.cadena_original import leer_cadena
from domain.models import Afiliacion, Constancia
from tests.domain.conftest import EMISOR, NOW, curp_of


def _propia(session: Session, curp: str, institucion: str, numero: str) -> Afiliacion:
    """A current titular affiliation of the person's own, under a new number (a new job)."""
    nueva = Afiliacion(
        curp=curp, institucion=institucion, numero_afiliacion=numero, tipo="titular",
        vigente=True, vigente_desde=dt.date(2025, 2, 1),
    )  # fmt: skip
    session.add(nueva)
    session.flush()
    return nueva


def _hoy(session: Session, signer: signing.Signer, row: Constancia) -> bool | None:
    ring = signing.KeyRing.of(signer)
    return verificacion.verificar(session, ring, row.folio, row.codigo, NOW).vigente_hoy


def test_imss_beneficiary_of_a_lapsed_titular_with_a_job_of_their_own(
    session: Session, signer: signing.Signer
) -> None:
    curp = curp_of(session, "imss_familiar_titular_baja")
    [familiar] = [a for a in registry.situacion(session, curp, NOW.date()).imss if a.titular_curp]
    _propia(session, curp, "IMSS", "88888888880")
    como_familiar = constancias_vigencia.emitir_vigencia_imss(
        session, signer, curp, familiar.numero_afiliacion, NOW, emisor=EMISOR
    )
    propia = constancias_vigencia.emitir_vigencia_imss(
        session, signer, curp, "88888888880", NOW, emisor=EMISOR
    )
    session.commit()
    assert leer_cadena(como_familiar.datos)["derecho_medico"] == "no"
    assert (_hoy(session, signer, como_familiar), _hoy(session, signer, propia)) == (False, True)
    # The titular back at work: the family member's rights, and that document's, come back.
    titular = next(
        a for a in registry.titulares(session, [familiar]) if a.tipo in registry.ISSSTE_HOLDERS
    )
    titular.vigente, titular.vigente_hasta = True, None
    session.commit()
    assert _hoy(session, signer, como_familiar) is True


def test_issste_carnet_of_a_beneficiary_whose_titular_lapsed_though_they_work_themselves(
    session: Session, signer: signing.Signer
) -> None:
    titular_curp = curp_of(session, "issste_titular")
    beneficiaria = registry.beneficiarios(session, titular_curp, "ISSSTE")[0]
    propia = _propia(session, beneficiaria.curp, "ISSSTE", "DEMO99999999")
    como_familiar = constancias_vigencia.emitir_carnet(
        session, signer, beneficiaria, NOW, emisor=EMISOR
    )
    suya = constancias_vigencia.emitir_carnet(session, signer, propia, NOW, emisor=EMISOR)
    session.commit()
    assert (_hoy(session, signer, como_familiar), _hoy(session, signer, suya)) == (True, True)
    [titular] = registry.titulares(session, [beneficiaria])
    titular.vigente = False
    session.commit()
    # Her own affiliation still gives rights; the one the first carnet names no longer does.
    assert (_hoy(session, signer, como_familiar), _hoy(session, signer, suya)) == (False, True)
    session.delete(propia)
    session.commit()
    assert _hoy(session, signer, suya) is False

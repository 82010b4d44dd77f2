"""Verification and revocation without the web app: what folio and code reveal, a tampered
row, the states a document goes through, and the refusals of a revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from domain import (
    constancia_tipos,
    constancias,
    constancias_sin_derecho,
    constancias_vigencia,
    registry,
    signing,
    verificacion,
)
from domain.models import Constancia
from tests.domain.conftest import EMISOR, NOW, afiliacion, curp_of


def test_masking_keeps_initials_only() -> None:
    assert verificacion.enmascarar_nombre("juan  pérez torres") == "J*** P*** T***"
    assert verificacion.enmascarar_nombre("") == ""


def test_verification_of_a_real_document(session: Session, signer: signing.Signer) -> None:
    row = constancias_sin_derecho.emitir_no_afiliacion(
        session, signer, curp_of(session, "sin_afiliacion"), NOW, emisor=EMISOR
    )
    session.commit()
    ring = signing.KeyRing.of(signer)
    typed = "-".join([row.codigo[:4].lower(), row.codigo[4:]])
    result = verificacion.verificar(session, ring, row.folio.lower(), typed, NOW)
    assert (
        result.autentica
        and result.estado == "vigente"
        and result.tipo is constancia_tipos.NO_AFILIACION
    )
    assert result.titular == verificacion.enmascarar_nombre(row.titular_nombre)
    assert "*" in result.titular and result.vigente_hoy is None


def test_unknown_folio_and_wrong_code_look_the_same(
    session: Session, signer: signing.Signer
) -> None:
    row = constancias_sin_derecho.emitir_no_afiliacion(
        session, signer, curp_of(session, "sin_afiliacion"), NOW, emisor=EMISOR
    )
    session.commit()
    ring = signing.KeyRing.of(signer)
    wrong = verificacion.verificar(session, ring, row.folio, "0" * 12, NOW)
    unknown = verificacion.verificar(session, ring, "NA-2026-999999", row.codigo, NOW)
    malformed = verificacion.verificar(session, ring, "x' OR 1=1 --", row.codigo, NOW)
    assert wrong == unknown == malformed == verificacion.NO_AUTENTICA
    # The ring holds a key by that id, but not the one that sealed: the seal fails.
    impostor = signing.PublicKey(signer.kid, signing.Signer.generate().public.key, active=True)
    forged = verificacion.verificar(
        session, signing.KeyRing((impostor,)), row.folio, row.codigo, NOW
    )
    assert forged == verificacion.NO_AUTENTICA


def test_a_document_sealed_with_a_key_the_ring_lacks_is_unchecked_not_forged(
    session: Session, signer: signing.Signer
) -> None:
    # A rotation without the old public key, or a portal without keys: the document is
    # genuine, and calling it "no auténtica" would say otherwise.
    row = constancias_sin_derecho.emitir_no_afiliacion(
        session, signer, curp_of(session, "sin_afiliacion"), NOW, emisor=EMISOR
    )
    session.commit()
    for ring in (signing.KeyRing.of(signing.Signer.generate()), signing.KeyRing(())):
        with pytest.raises(verificacion.ClaveNoDisponible) as raised:
            verificacion.verificar(session, ring, row.folio, row.codigo, NOW)
        assert raised.value.kid == signer.kid
        # Only the holder of the code learns that much: no oracle for folios.
        wrong = verificacion.verificar(session, ring, row.folio, "0" * 12, NOW)
        unknown = verificacion.verificar(session, ring, "NA-2026-999999", row.codigo, NOW)
        assert wrong == unknown == verificacion.NO_AUTENTICA


def test_a_tampered_ledger_row_is_not_authentic(session: Session, signer: signing.Signer) -> None:
    row = constancias_sin_derecho.emitir_no_afiliacion(
        session, signer, curp_of(session, "sin_afiliacion"), NOW, emisor=EMISOR
    )
    row.datos = row.datos.replace("resultado=sin_afiliacion", "resultado=sin_registro")
    session.commit()
    ring = signing.KeyRing.of(signer)
    assert not verificacion.verificar(session, ring, row.folio, row.codigo, NOW).autentica


def test_status_expired_revoked_and_carnet_current_today(
    session: Session, signer: signing.Signer
) -> None:
    ring = signing.KeyRing.of(signer)
    nd = constancias_sin_derecho.emitir_no_derechohabiencia(
        session, signer, curp_of(session, "imss_baja"), NOW, emisor=EMISOR
    )
    titular = afiliacion(session, curp_of(session, "issste_titular"))
    vd = constancias_vigencia.emitir_carnet(session, signer, titular, NOW, emisor=EMISOR)
    session.commit()
    tomorrow = NOW + dt.timedelta(days=1)
    assert verificacion.verificar(session, ring, nd.folio, nd.codigo, NOW).estado == "vigente"
    assert verificacion.verificar(session, ring, nd.folio, nd.codigo, tomorrow).estado == "vencida"
    assert verificacion.verificar(session, ring, vd.folio, vd.codigo, NOW).vigente_hoy is True
    titular.vigente = False
    verificacion.revocar(session, nd.folio, "  Emitida por error  ", NOW)
    session.commit()
    revoked = verificacion.verificar(session, ring, nd.folio, nd.codigo, NOW)
    assert revoked.estado == "revocada" and revoked.revocada is not None
    assert session.get(Constancia, nd.folio).motivo_revocacion == "Emitida por error"
    later = verificacion.verificar(session, ring, vd.folio, vd.codigo, NOW)
    assert later.estado == "vigente" and later.vigente_hoy is False


def test_a_document_is_current_through_its_last_second(
    session: Session, signer: signing.Signer
) -> None:
    # valida_hasta is the last second it is good for (23:59:59 in Mexico City), not the first
    # one it is not: at that very second it is still vigente.
    ring = signing.KeyRing.of(signer)
    nd = constancias_sin_derecho.emitir_no_derechohabiencia(
        session, signer, curp_of(session, "imss_baja"), NOW, emisor=EMISOR
    )
    session.commit()
    last = dt.datetime(2026, 11, 27, 5, 59, 59, tzinfo=dt.UTC)  # 23:59:59 on the 26th, CDMX
    assert nd.valida_hasta and constancias.local(nd.valida_hasta) == constancias.local(last)
    on_time = verificacion.verificar(session, ring, nd.folio, nd.codigo, last)
    late = verificacion.verificar(
        session, ring, nd.folio, nd.codigo, last + dt.timedelta(seconds=1)
    )
    assert (on_time.estado, late.estado) == ("vigente", "vencida")


def test_revocation_refusals(session: Session, signer: signing.Signer) -> None:
    row = constancias_sin_derecho.emitir_no_afiliacion(
        session, signer, curp_of(session, "sin_afiliacion"), NOW, emisor=EMISOR
    )
    with pytest.raises(verificacion.FolioDesconocido):
        verificacion.revocar(session, "NA-2026-999999", "motivo", NOW)
    with pytest.raises(constancias.ConstanciaError, match="motivo"):
        verificacion.revocar(session, row.folio, "   ", NOW)
    verificacion.revocar(session, row.folio, "motivo", NOW)
    with pytest.raises(verificacion.YaRevocada):
        verificacion.revocar(session, row.folio, "otra vez", NOW)


def test_imss_vigencia_says_whether_medical_rights_hold_today(
    session: Session, signer: signing.Signer
) -> None:
    ring = signing.KeyRing.of(signer)
    vigente, baja = (
        registry.situacion(session, curp_of(session, case), NOW.date()).imss[0]
        for case in ("imss_vigente", "imss_baja")
    )
    vi, sin_derecho = (
        constancias_vigencia.emitir_vigencia_imss(
            session, signer, a.curp, a.numero_afiliacion, NOW, emisor=EMISOR
        )
        for a in (vigente, baja)
    )
    session.commit()
    assert verificacion.verificar(session, ring, vi.folio, vi.codigo, NOW).vigente_hoy is True
    # Issued to say there was no medical right: the verifier learns that still holds.
    no = verificacion.verificar(session, ring, sin_derecho.folio, sin_derecho.codigo, NOW)
    assert no.vigente_hoy is False
    vigente.vigente_hasta = constancias.local(NOW).date() - dt.timedelta(days=1)
    session.commit()
    assert verificacion.verificar(session, ring, vi.folio, vi.codigo, NOW).vigente_hoy is False

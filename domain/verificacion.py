"""What a verifier learns about a constancia, and its revocation.

Folios are sequential, so anyone can guess one; the code, random and printed on the document
beside its folio, is what shows the verifier holds that document. So a verifier learns nothing
at all unless folio and code match a row of the ledger whose seal still verifies: an unknown
folio, a wrong code and a tampered row all give the same answer. Even then the holder's name
is shown by its initials only.

A document whose folio and code match a row sealed by a key the portal does not hold (a key
rotated without publishing the old public key, or no key configured at all) is not judged:
``ClaveNoDisponible`` says the portal cannot check it, which is its operator's problem, not a
sign of forgery. Only the holder of that document's code can get that answer.

Revocation is the only change the ledger accepts: the row keeps its data and seal and gains
the time and reason, so verifying it afterwards says "revocada".

>>> enmascarar_nombre("Juan Pérez Torres")
'J*** P*** T***'
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlalchemy.orm import Session

from domain import derechos, registry
from domain.cadena_original import leer_cadena
from domain.constancia_tipos import POR_CLAVE, VIGENCIA_IMSS, VIGENCIA_ISSSTE, Tipo
from domain.constancias import ConstanciaError, local
from domain.folios import CODIGO_LARGO, FOLIO_RE, normalizar_codigo, normalizar_folio
from domain.models import Constancia
from domain.signing import KeyRing


class FolioDesconocido(ConstanciaError):
    """No document with this folio is in the ledger."""


class YaRevocada(ConstanciaError):
    """The document was revoked before."""


class ClaveNoDisponible(RuntimeError):
    """The ledger holds the document, but not the key that sealed it: it cannot be checked."""

    def __init__(self, kid: str) -> None:
        super().__init__(f"Falta la clave pública {kid} para verificar constancias.")
        self.kid = kid


def enmascarar_nombre(nombre: str) -> str:
    """Each word cut to its first letter and three stars; "" stays ""."""
    return " ".join(w[0].upper() + "***" for w in nombre.split())


def estado(row: Constancia, now: dt.datetime) -> str:
    """vigente, vencida (its day passed) or revocada."""
    if row.revocada is not None:
        return "revocada"
    if row.valida_hasta is not None and local(now) > local(row.valida_hasta):
        return "vencida"
    return "vigente"


@dataclass(frozen=True, slots=True)
class Verificacion:
    """What a verifier may learn: nothing at all unless folio and code match a sealed row."""

    autentica: bool
    folio: str = ""
    tipo: Tipo | None = None
    titular: str = ""  # masked
    emitida: dt.datetime | None = None
    valida_hasta: dt.datetime | None = None
    estado: str = ""
    revocada: dt.datetime | None = None
    # Vigencia documents only (VD, VI): whether the one affiliation the document was issued for
    # (its signed number) still gives rights today (domain.derechos), as the document's note
    # tells the reader to check. Another affiliation of the same person does not count.
    vigente_hoy: bool | None = None


NO_AUTENTICA = Verificacion(autentica=False)
_SIN_CODIGO = "0" * CODIGO_LARGO


def verificar(
    session: Session, keyring: KeyRing, folio: str, codigo: str, now: dt.datetime
) -> Verificacion:
    """Check a folio and its code against the ledger and the seal.

    An unknown folio and a wrong code take the same path (one lookup, one constant-time
    comparison) and give the same answer. ClaveNoDisponible when they match a row whose key
    ``keyring`` lacks.
    """
    folio, codigo = normalizar_folio(folio), normalizar_codigo(codigo)
    row = session.get(Constancia, folio) if FOLIO_RE.match(folio) else None
    expected = row.codigo if row is not None else _SIN_CODIGO
    if not (hmac.compare_digest(expected.encode(), codigo.encode()) and row is not None):
        return NO_AUTENTICA
    if keyring.get(row.clave_id) is None:
        raise ClaveNoDisponible(row.clave_id)
    if not keyring.verify(row.clave_id, row.datos, row.firma):
        return NO_AUTENTICA
    tipo = POR_CLAVE.get(row.tipo)
    vigente_hoy = None
    if tipo is VIGENCIA_ISSSTE or tipo is VIGENCIA_IMSS:
        vigente_hoy = derecho_del_documento(session, row, tipo, local(now).date())
    return Verificacion(
        autentica=True,
        folio=row.folio,
        tipo=tipo,
        titular=enmascarar_nombre(row.titular_nombre),
        emitida=local(row.emitida),
        valida_hasta=local(row.valida_hasta) if row.valida_hasta else None,
        estado=estado(row, now),
        revocada=local(row.revocada) if row.revocada else None,
        vigente_hoy=vigente_hoy,
    )


# The field of each vigencia document's cadena original that names its affiliation.
_NUMERO = {VIGENCIA_IMSS.clave: "nss", VIGENCIA_ISSSTE.clave: "numero"}


def derecho_del_documento(session: Session, row: Constancia, tipo: Tipo, today: dt.date) -> bool:
    """Rights today through the affiliation a vigencia document names (CURP and signed number),
    by the rule its issuance applied; False once the registry no longer holds that affiliation.

    Not "any affiliation of this CURP": a corrected number is a new affiliation, and the
    document issued for the old one must not borrow the new one's rights.
    """
    numero = leer_cadena(row.datos).get(_NUMERO[tipo.clave], "")
    mismas = registry.por_numero(session, tipo.institucion, numero) if numero else []
    afiliacion = next((a for a in mismas if a.curp == row.curp), None)
    if afiliacion is None:
        return False
    return derechos.tiene_derecho(afiliacion, today, registry.titulares(session, [afiliacion]))


def revocar(session: Session, folio: str, motivo: str, now: dt.datetime) -> Constancia:
    """Mark a document revoked with its reason: the only change the ledger accepts."""
    motivo = " ".join(motivo.split())
    if not motivo:
        raise ConstanciaError("Escribe el motivo de la revocación.")
    row = session.get(Constancia, normalizar_folio(folio), with_for_update=True)
    if row is None:
        raise FolioDesconocido(f"No hay ninguna constancia con el folio {folio}.")
    if row.revocada is not None:
        raise YaRevocada(f"La constancia {row.folio} ya estaba revocada.")
    row.revocada = now.astimezone(dt.UTC)
    row.motivo_revocacion = motivo[:500]
    session.flush()
    return row

"""Read-only questions asked of the registry: who is this CURP, and what affiliations hold today.

Every flow of the portal asks through these functions, so each lookup path has one query and
one index behind it (persona by primary key; afiliacion by curp, by titular_curp, by number).
Whether an affiliation gives rights today is ``domain.derechos``' rule; the lookups here bring
it what it needs, a beneficiary's titular included, in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, select
from sqlalchemy.orm import Session, aliased, selectinload

from domain import derechos
from domain.derechos import HOLDERS as ISSSTE_HOLDERS
from domain.derechos import Fila, vigente
from domain.models import Afiliacion, Persona

__all__ = [
    "ISSSTE_HOLDERS",
    "Situacion",
    "beneficiarios",
    "estado_issste",
    "persona",
    "por_numero",
    "situacion",
    "titulares",
    "vigente",
]


def persona(session: Session, curp: str) -> Persona | None:
    """The person with this (normalised) CURP, with their affiliations loaded."""
    query = select(Persona).where(Persona.curp == curp).options(selectinload(Persona.afiliaciones))
    return session.scalars(query).first()


def titulares(session: Session, afiliaciones: Iterable[Afiliacion]) -> tuple[Afiliacion, ...]:
    """The affiliations of the titulares these rows name, in the same institutions: what a
    beneficiary's rights depend on. One query for all of them; none when no row names one."""
    wanted = {(a.titular_curp, a.institucion) for a in afiliaciones if a.titular_curp}
    if not wanted:
        return ()
    curps = {curp for curp, _ in wanted}
    query = select(Afiliacion).where(Afiliacion.curp.in_(curps)).order_by(Afiliacion.id)
    return tuple(a for a in session.scalars(query) if (a.curp, a.institucion) in wanted)


# Columns only, no entities: the public search runs this on every request. Each ISSSTE row of
# the person comes with the rows of the titular it names (none for a titular's own row).
_PROPIA, _TITULAR = aliased(Afiliacion, name="propia"), aliased(Afiliacion, name="titular")
_ISSSTE_STATUS = (
    select(
        *(getattr(_PROPIA, f) for f in Fila._fields), *(getattr(_TITULAR, f) for f in Fila._fields)
    )
    .select_from(Persona)
    .outerjoin(_PROPIA, and_(_PROPIA.curp == Persona.curp, _PROPIA.institucion == "ISSSTE"))
    .outerjoin(
        _TITULAR, and_(_TITULAR.curp == _PROPIA.titular_curp, _TITULAR.institucion == "ISSSTE")
    )
    .where(Persona.curp == bindparam("curp"))
)
_WIDTH = len(Fila._fields)


def estado_issste(connection: Connection, curp: str, today: dt.date) -> str:
    """``afiliado`` (rights in the ISSSTE today), ``sin_afiliacion`` (known, no rights) or
    ``sin_registro`` (not in the registry), in one indexed query on a plain connection."""
    rows = connection.execute(_ISSSTE_STATUS, {"curp": curp}).all()
    if not rows:
        return "sin_registro"
    propias = [Fila(*row[:_WIDTH]) for row in rows if row[0] is not None]
    de_titulares = [Fila(*row[_WIDTH:]) for row in rows if row[_WIDTH] is not None]
    current = derechos.con_derecho(propias, "ISSSTE", today, de_titulares)
    return "afiliado" if current else "sin_afiliacion"


@dataclass(frozen=True, slots=True)
class Situacion:
    """What the registry says about one CURP today, per institution.

    ``titulares`` are the affiliations of the titulares the person's beneficiary rows name:
    with them, ``imss_vigente`` and ``issste_vigente`` apply ``domain.derechos``' rule.
    """

    persona: Persona | None
    imss: tuple[Afiliacion, ...]
    issste: tuple[Afiliacion, ...]
    today: dt.date
    titulares: tuple[Afiliacion, ...] = ()

    @property
    def imss_vigente(self) -> Afiliacion | None:
        """The affiliation that gives rights in the IMSS today, if any."""
        return derechos.con_derecho(self.imss, "IMSS", self.today, self.titulares)

    @property
    def issste_vigente(self) -> Afiliacion | None:
        """The affiliation that gives rights in the ISSSTE today, if any."""
        return derechos.con_derecho(self.issste, "ISSSTE", self.today, self.titulares)

    @property
    def issste_titular(self) -> Afiliacion | None:
        """The ISSSTE affiliation that may open an Oficina Virtual account (any state)."""
        holders = [a for a in self.issste if a.tipo in ISSSTE_HOLDERS]
        current = [a for a in holders if vigente(a, self.today)]
        chosen = current or holders
        return chosen[0] if chosen else None


def situacion(session: Session, curp: str, today: dt.date) -> Situacion:
    """The person (if known), their IMSS and ISSSTE affiliations and their titulares' (two
    queries, a third only when the person is someone's beneficiary)."""
    found = persona(session, curp)
    afiliaciones = tuple(found.afiliaciones) if found else ()
    return Situacion(
        persona=found,
        imss=tuple(a for a in afiliaciones if a.institucion == "IMSS"),
        issste=tuple(a for a in afiliaciones if a.institucion == "ISSSTE"),
        today=today,
        titulares=titulares(session, afiliaciones),
    )


def beneficiarios(session: Session, titular_curp: str, institucion: str) -> list[Afiliacion]:
    """Affiliations registered under a titular, with their people loaded, in a stable order."""
    query = (
        select(Afiliacion)
        .where(Afiliacion.titular_curp == titular_curp, Afiliacion.institucion == institucion)
        .options(selectinload(Afiliacion.persona))
        .order_by(Afiliacion.id)
    )
    return list(session.scalars(query))


def por_numero(session: Session, institucion: str, numero: str) -> list[Afiliacion]:
    """Affiliations with this number (an NSS for IMSS), with their people loaded."""
    query = (
        select(Afiliacion)
        .where(Afiliacion.institucion == institucion, Afiliacion.numero_afiliacion == numero)
        .options(selectinload(Afiliacion.persona))
        .order_by(Afiliacion.id)
    )
    return list(session.scalars(query))

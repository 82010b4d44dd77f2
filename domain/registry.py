"""Read-only questions asked of the registry: who is this CURP, and what affiliations hold today.

Every flow of the portal asks through these functions, so each lookup path has one query and
one index behind it (persona by primary key; afiliacion by curp, by titular_curp, by number).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, select
from sqlalchemy.orm import Session, selectinload

from domain.models import Afiliacion, Persona

ISSSTE_HOLDERS = ("titular", "pensionado")


def persona(session: Session, curp: str) -> Persona | None:
    """The person with this (normalised) CURP, with their affiliations loaded."""
    query = select(Persona).where(Persona.curp == curp).options(selectinload(Persona.afiliaciones))
    return session.scalars(query).first()


def vigente(afiliacion: Afiliacion, today: dt.date) -> bool:
    """Current on ``today``: flagged vigente and inside its desde/hasta dates, when given."""
    return _current(afiliacion.vigente, afiliacion.vigente_desde, afiliacion.vigente_hasta, today)


def _current(flag: bool, desde: dt.date | None, hasta: dt.date | None, today: dt.date) -> bool:
    if not flag:
        return False
    if desde and desde > today:
        return False
    return not (hasta and hasta < today)


# Columns only, no entities: the public search runs this on every request.
_ISSSTE_STATUS = (
    select(Afiliacion.vigente, Afiliacion.vigente_desde, Afiliacion.vigente_hasta)
    .select_from(Persona)
    .outerjoin(
        Afiliacion, and_(Afiliacion.curp == Persona.curp, Afiliacion.institucion == "ISSSTE")
    )
    .where(Persona.curp == bindparam("curp"))
)


def estado_issste(connection: Connection, curp: str, today: dt.date) -> str:
    """``afiliado`` (a current ISSSTE affiliation), ``sin_afiliacion`` (known, none current) or
    ``sin_registro`` (not in the registry), in one indexed query on a plain connection."""
    rows = connection.execute(_ISSSTE_STATUS, {"curp": curp}).all()
    if not rows:
        return "sin_registro"
    current = any(row.vigente is not None and _current(*row, today) for row in rows)
    return "afiliado" if current else "sin_afiliacion"


@dataclass(frozen=True, slots=True)
class Situacion:
    """What the registry says about one CURP today, per institution."""

    persona: Persona | None
    imss: tuple[Afiliacion, ...]
    issste: tuple[Afiliacion, ...]
    today: dt.date

    @property
    def imss_vigente(self) -> Afiliacion | None:
        return next((a for a in self.imss if vigente(a, self.today)), None)

    @property
    def issste_vigente(self) -> Afiliacion | None:
        return next((a for a in self.issste if vigente(a, self.today)), None)

    @property
    def issste_titular(self) -> Afiliacion | None:
        """The ISSSTE affiliation that may open an Oficina Virtual account (any state)."""
        holders = [a for a in self.issste if a.tipo in ISSSTE_HOLDERS]
        current = [a for a in holders if vigente(a, self.today)]
        chosen = current or holders
        return chosen[0] if chosen else None


def situacion(session: Session, curp: str, today: dt.date) -> Situacion:
    """The person (if known) and their IMSS and ISSSTE affiliations."""
    found = persona(session, curp)
    afiliaciones = tuple(found.afiliaciones) if found else ()
    return Situacion(
        persona=found,
        imss=tuple(a for a in afiliaciones if a.institucion == "IMSS"),
        issste=tuple(a for a in afiliaciones if a.institucion == "ISSSTE"),
        today=today,
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

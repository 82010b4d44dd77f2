"""Counts of what the registry holds, for ``flask registry stats``."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from domain.models import TIPOS, Afiliacion, Persona


class InstitucionTipo(TypedDict):
    institucion: str
    tipo: str
    afiliaciones: int
    vigentes: int


class RegistryStats(TypedDict):
    personas: int
    sin_afiliacion: int
    sin_vigente: int
    afiliaciones: int
    vigentes: int
    por_institucion_tipo: list[InstitucionTipo]


def registry_stats(session: Session) -> RegistryStats:
    """Counts of the registry: persons, affiliations by institution and type, vigentes."""
    personas = session.scalar(select(func.count()).select_from(Persona)) or 0
    orphan = ~exists().where(Afiliacion.curp == Persona.curp)
    sin = session.scalar(select(func.count()).select_from(Persona).where(orphan)) or 0
    # Also those whose affiliations have all ended (an import's empty-institución row ends them).
    ninguna = ~exists().where(Afiliacion.curp == Persona.curp, Afiliacion.vigente.is_(True))
    sin_vigente = session.scalar(select(func.count()).select_from(Persona).where(ninguna)) or 0
    vigentes = func.sum(case((Afiliacion.vigente.is_(True), 1), else_=0))
    query = select(Afiliacion.institucion, Afiliacion.tipo, func.count(), vigentes).group_by(
        Afiliacion.institucion, Afiliacion.tipo
    )
    groups = [
        InstitucionTipo(institucion=i, tipo=t, afiliaciones=int(n), vigentes=int(v or 0))
        for i, t, n, v in session.execute(query)
    ]
    groups.sort(
        key=lambda g: (g["institucion"], TIPOS.index(g["tipo"]) if g["tipo"] in TIPOS else 9)
    )
    return RegistryStats(
        personas=personas,
        sin_afiliacion=sin,
        sin_vigente=sin_vigente,
        afiliaciones=sum(g["afiliaciones"] for g in groups),
        vigentes=sum(g["vigentes"] for g in groups),
        por_institucion_tipo=groups,
    )

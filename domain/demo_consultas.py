"""The queries that find the demo's examples: for each case of ``domain.demo.CASES``, the
people in the registry whose affiliations fit it, among the demo's own fictitious people."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Exists, and_, exists, not_, or_
from sqlalchemy.orm import aliased

from domain import derechos
from domain.demo_personas import NOMBRES_H, NOMBRES_M, NOMBRES_X, PRIMEROS, SEGUNDOS
from domain.models import Afiliacion, Persona


def ficticias() -> ColumnElement[bool]:
    """The people ``domain.demo_personas`` makes: every part of their name is one of its words.

    /demo lists only them, whatever database it reads: DEMO_MODE=1 set by mistake on a real
    registry then publishes nobody's CURP.
    """
    return and_(
        Persona.nombre.in_(NOMBRES_H + NOMBRES_M + NOMBRES_X),
        Persona.primer_apellido.in_(PRIMEROS),
        or_(Persona.segundo_apellido.is_(None), Persona.segundo_apellido.in_(SEGUNDOS)),
    )


def _has(inst: str, vigente: bool | None = None, tipo: str | None = None) -> Exists:
    a = aliased(Afiliacion)
    cond = [a.curp == Persona.curp, a.institucion == inst]
    if vigente is not None:
        cond.append(a.vigente.is_(vigente))
    if tipo is not None:
        cond.append(a.tipo == tipo)
    return exists().where(and_(*cond))


def _familiar(inst: str, titular_vigente: bool) -> Exists:
    """A beneficiary flagged vigente whose titular is (or is not) a current titular or
    pensionado in ``inst``. The demo's flags and dates agree, so flags are enough to pick
    examples; the flows themselves decide with ``domain.derechos``."""
    a, t = aliased(Afiliacion), aliased(Afiliacion)
    titular = exists().where(
        t.curp == a.titular_curp,
        t.institucion == inst,
        t.tipo.in_(derechos.HOLDERS),
        t.vigente.is_(True),
    )
    return exists().where(
        a.curp == Persona.curp,
        a.institucion == inst,
        a.tipo == "beneficiario",
        a.vigente.is_(True),
        titular if titular_vigente else not_(titular),
    )


def case_filter(key: str) -> ColumnElement[bool]:
    """Who fits the case ``key``: a condition on ``Persona``."""
    imss_v, issste_v = _has("IMSS", True), _has("ISSSTE", True)
    return {
        "imss_vigente": and_(_has("IMSS", True, "titular"), not_(_has("ISSSTE"))),
        "imss_baja": and_(_has("IMSS", False), not_(imss_v), not_(_has("ISSSTE"))),
        "issste_titular": and_(_has("ISSSTE", True, "titular"), not_(_has("IMSS"))),
        "issste_pensionado": _has("ISSSTE", True, "pensionado"),
        "issste_beneficiario": _familiar("ISSSTE", titular_vigente=True),
        "issste_baja": and_(_has("ISSSTE", False), not_(issste_v), not_(_has("IMSS"))),
        "imss_familiar_titular_baja": _familiar("IMSS", titular_vigente=False),
        "issste_familiar_titular_baja": _familiar("ISSSTE", titular_vigente=False),
        "ambas": and_(imss_v, issste_v),
        "sin_afiliacion": not_(exists().where(Afiliacion.curp == Persona.curp)),
    }[key]

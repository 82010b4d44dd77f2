"""Whether a person has rights today in an institution: the one rule every flow asks.

A titular or pensionado has rights while their own affiliation is current. A beneficiary's
rights come from their titular's, so they hold only while both the beneficiary's own row and a
titular or pensionado row of ``titular_curp`` in the same institution are current. A titular
the registry does not know, or knows only as someone else's beneficiary, gives no rights.

Pure: the rule reads affiliations (``Afiliacion`` rows or anything with the same fields) and
the caller brings the titulares' rows (``registry.titulares`` loads them in one query).

>>> import datetime as dt
>>> hoy = dt.date(2026, 11, 26)
>>> titular = Fila("AAAA", "IMSS", "titular", False, None, dt.date(2026, 1, 31), None)
>>> hija = Fila("BBBB", "IMSS", "beneficiario", True, None, None, "AAAA")
>>> vigente(hija, hoy), tiene_derecho(hija, hoy, [titular])
(True, False)
>>> tiene_derecho(hija, hoy, [titular._replace(vigente=True, vigente_hasta=None)])
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple, Protocol, TypeVar

HOLDERS = ("titular", "pensionado")  # rights of their own; a beneficiario's come from them


class Vigencia(Protocol):
    """What the rule reads of an affiliation."""

    @property
    def curp(self) -> str: ...
    @property
    def institucion(self) -> str: ...
    @property
    def tipo(self) -> str: ...
    @property
    def vigente(self) -> bool: ...
    @property
    def vigente_desde(self) -> dt.date | None: ...
    @property
    def vigente_hasta(self) -> dt.date | None: ...
    @property
    def titular_curp(self) -> str | None: ...


class Fila(NamedTuple):
    """An affiliation as plain values, for lookups that read columns rather than entities."""

    curp: str
    institucion: str
    tipo: str
    vigente: bool
    vigente_desde: dt.date | None
    vigente_hasta: dt.date | None
    titular_curp: str | None


V = TypeVar("V", bound=Vigencia)


def vigente(afiliacion: Vigencia, today: dt.date) -> bool:
    """The row alone is current on ``today``: flagged vigente and inside its desde/hasta dates.

    Not the whole answer for a beneficiary: see ``tiene_derecho``.
    """
    if not afiliacion.vigente:
        return False
    desde, hasta = afiliacion.vigente_desde, afiliacion.vigente_hasta
    if desde and desde > today:
        return False
    return not (hasta and hasta < today)


def tiene_derecho(afiliacion: Vigencia, today: dt.date, titulares: Iterable[Vigencia]) -> bool:
    """Rights today through this affiliation; ``titulares`` may hold any rows (others ignored)."""
    if not vigente(afiliacion, today):
        return False
    if afiliacion.tipo in HOLDERS:
        return True
    return any(
        t.curp == afiliacion.titular_curp
        and t.institucion == afiliacion.institucion
        and t.tipo in HOLDERS
        and vigente(t, today)
        for t in titulares
    )


def con_derecho(
    afiliaciones: Sequence[V], institucion: str, today: dt.date, titulares: Iterable[Vigencia]
) -> V | None:
    """The first of a person's affiliations that gives rights in ``institucion`` today."""
    titulares = tuple(titulares)
    return next(
        (
            a
            for a in afiliaciones
            if a.institucion == institucion and tiene_derecho(a, today, titulares)
        ),
        None,
    )

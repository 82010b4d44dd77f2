"""Synthetic, obviously fictitious registry data for demo mode and tests.

The people and their affiliations are made in domain.demo_personas; the queries that find each
case's examples are in domain.demo_consultas.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.demo_consultas import case_filter, ficticias
from domain.demo_personas import Builder, family, imss, issste, relative
from domain.mensajes import N_
from domain.models import Persona


@dataclass(frozen=True, slots=True)
class Case:
    key: str
    title: str
    description: str


# Titles and descriptions are marked for the catalog: the /demo page translates them.
CASES = (
    Case(
        "imss_vigente",
        N_("IMSS vigente"),
        N_("Afiliación vigente al IMSS, con derecho a servicio médico."),
    ),
    Case(
        "imss_baja",
        N_("IMSS dado de baja"),
        N_("Tuvo IMSS, pero hoy no tiene derecho a servicio médico."),
    ),
    Case(
        "issste_titular",
        N_("ISSSTE titular"),
        N_("Trabaja para el Estado, vigente, con familiares."),
    ),
    Case("issste_pensionado", N_("ISSSTE pensionado"), N_("Pensionado del ISSSTE, vigente.")),
    Case(
        "issste_beneficiario",
        N_("ISSSTE beneficiario"),
        N_("Familiar registrado por un titular."),
    ),
    Case("issste_baja", N_("ISSSTE no vigente"), N_("Estuvo en el ISSSTE; ya no está vigente.")),
    # Rights hold only while the titular's do (domain.derechos): every flow must agree.
    Case(
        "imss_familiar_titular_baja",
        N_("IMSS: familiar de un titular dado de baja"),
        N_(
            "Sigue registrado como beneficiario vigente, pero su titular dejó el IMSS: no tiene"
            " derecho a servicio médico."
        ),
    ),
    Case(
        "issste_familiar_titular_baja",
        N_("ISSSTE: familiar de un titular no vigente"),
        N_(
            "Sigue registrado como beneficiario vigente, pero su titular ya no está vigente en el"
            " ISSSTE: no tiene derechos."
        ),
    ),
    Case("ambas", N_("IMSS e ISSSTE"), N_("Afiliación vigente en las dos instituciones.")),
    Case("sin_afiliacion", N_("Sin afiliación"), N_("No aparece en ninguna institución.")),
)


@dataclass(frozen=True, slots=True)
class Example:
    key: str
    title: str
    description: str
    curps: tuple[str, ...]


def generate_rows(count: int = 120, seed: int = 2026) -> Iterator[dict[str, str]]:
    """Rows in the registry CSV shape for at least ``count`` people, every case included.

    >>> from domain import curp
    >>> rows = list(generate_rows(count=16, seed=1))
    >>> rows == list(generate_rows(count=16, seed=1))
    True
    >>> all(curp.is_valid(r["curp"]) for r in rows)
    True
    """
    b = Builder(seed)
    people = 0
    while people < count:
        for case in CASES:
            if case.key == "issste_beneficiario":
                continue  # beneficiaries come with every ISSSTE titular
            row = b.person(1950, 1999)
            people += 1
            if case.key == "imss_vigente":
                yield imss(b, row, vigente=True)
            elif case.key == "imss_baja":
                yield imss(b, row, vigente=False)
            elif case.key == "issste_titular":
                titular = issste(b, row, "titular")
                yield titular
                for beneficiary in family(b, titular):
                    people += 1
                    yield beneficiary
            elif case.key == "issste_pensionado":
                yield issste(b, row, "pensionado")
            elif case.key == "issste_baja":
                yield issste(b, row, "titular", vigente=False)
            elif case.key == "imss_familiar_titular_baja":
                # Left a company for a government job; the spouse is still flagged in the IMSS.
                titular = imss(b, row, vigente=False)
                yield titular
                yield issste(b, row, "titular")
                people += 1
                yield relative(b, titular, "cónyuge", 1960, 1990)
            elif case.key == "issste_familiar_titular_baja":
                # Left the government for a company; the child is still flagged in the ISSSTE.
                titular = issste(b, row, "titular", vigente=False)
                yield titular
                yield imss(b, row, vigente=True)
                people += 1
                yield relative(b, titular, "hijo(a)", 2001, 2020)
            elif case.key == "ambas":
                yield imss(b, row, vigente=True)
                yield issste(b, row, "titular")
            else:
                yield row


def examples(session: Session, per_case: int = 3) -> list[Example]:
    """A few CURPs of the demo's fictitious people for each case, for the /demo page and the
    console; nobody else in the database, whoever they are."""
    found = []
    for case in CASES:
        query = (
            select(Persona.curp)
            .where(ficticias(), case_filter(case.key))
            .order_by(Persona.curp)
            .limit(per_case)
        )
        curps = tuple(session.scalars(query))
        if curps:
            found.append(Example(case.key, case.title, case.description, curps))
    return found

"""Synthetic, obviously fictitious registry data for demo mode and tests.

Every surname is a word like PRUEBA or FICTICIO, so no generated record can be mistaken for a
real person; CURPs are still built from the names by the real rules, so they validate.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Exists, and_, exists, not_, select
from sqlalchemy.orm import Session, aliased

from domain import curp, curp_generate, derechos, nss
from domain.curp_tables import STATES
from domain.mensajes import N_
from domain.models import Afiliacion, Persona
from domain.registry_reader import COLUMNS

NOMBRES_H = ("JUAN", "PEDRO", "LUIS", "CARLOS", "JORGE", "MIGUEL", "RAUL", "TOMAS", "SERGIO")
NOMBRES_M = ("ANA", "LAURA", "SOFIA", "ELENA", "ROSA", "LUCIA", "MARTA", "NORMA", "PAULA")
NOMBRES_X = ("ALEX", "DANIEL", "NOA", "CRIS")
PRIMEROS = ("PRUEBA", "FICTICIO", "EJEMPLO", "MUESTRA", "SIMULADO", "INVENTADO", "DEMOSTRACION")
SEGUNDOS = ("FICCION", "IMAGINARIO", "ENSAYO", "MAQUETA", "PILOTO", "BORRADOR", "")
DEPENDENCIAS = (
    "Secretaría Ficticia de Pruebas",
    "Instituto de Demostración del Estado",
    "Comisión Imaginaria de Ensayos",
)
CLINICAS_ISSSTE = ("CMF Demostración Centro", "CMF Ficticia Norte", "Clínica de Prueba Sur")
UMF_IMSS = ("UMF 901 (demostración)", "UMF 902 (demostración)", "UMF 903 (demostración)")
PATRONES = ("Empresa Ficticia, S.A. de C.V.", "Comercios de Prueba, S.C.", "Taller Imaginario")


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


class _Builder:
    """Makes people with unique CURPs and affiliation numbers from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()
        self.serial = 0

    def person(self, born_from: int, born_to: int, sexo: str | None = None) -> dict[str, str]:
        rng = self.rng
        sexo = sexo or rng.choice("HHHMMMMX")
        nombres = {"H": NOMBRES_H, "M": NOMBRES_M, "X": NOMBRES_X}[sexo]
        nombre, primero, segundo = rng.choice(nombres), rng.choice(PRIMEROS), rng.choice(SEGUNDOS)
        born = dt.date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
        entidad = rng.choice(sorted(STATES))
        prefix = curp_generate.generate(
            nombre=nombre,
            primer_apellido=primero,
            segundo_apellido=segundo or None,
            fecha_nacimiento=born,
            sexo=sexo,
            entidad=entidad,
        ).prefix
        # RENAPO's differentiator tells homonyms apart; we pick the next free one the same way.
        digits = "0123456789" if born.year < 2000 else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        value = next(
            prefix + d + curp.check_digit(prefix + d)
            for d in digits
            if prefix + d + curp.check_digit(prefix + d) not in self.used
        )
        self.used.add(value)
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            curp=value,
            nombre=nombre,
            primer_apellido=primero,
            segundo_apellido=segundo,
            fecha_nacimiento=born.isoformat(),
            sexo=sexo,
            entidad=entidad,
        )
        return row

    def nss(self, born: str) -> str:
        self.serial += 1
        first10 = f"{self.rng.randint(1, 99):02d}{self.rng.randint(0, 99):02d}{born[2:4]}"
        first10 += f"{self.serial % 10_000:04d}"
        return first10 + nss.check_digit(first10)

    def issste_number(self) -> str:
        self.serial += 1
        return f"DEMO{self.serial:08d}"


def _affiliate(row: dict[str, str], **values: str) -> dict[str, str]:
    out = dict(row)
    out.update(values)
    return out


def _imss(b: _Builder, row: dict[str, str], vigente: bool) -> dict[str, str]:
    return _affiliate(
        row,
        institucion="IMSS",
        numero_afiliacion=b.nss(row["fecha_nacimiento"]),
        tipo="titular",
        vigente="1" if vigente else "0",
        vigente_desde="2015-01-16",
        vigente_hasta="" if vigente else "2024-06-30",
        dependencia=b.rng.choice(PATRONES),
        clinica=b.rng.choice(UMF_IMSS),
    )


def _issste(b: _Builder, row: dict[str, str], tipo: str, vigente: bool = True) -> dict[str, str]:
    return _affiliate(
        row,
        institucion="ISSSTE",
        numero_afiliacion=b.issste_number(),
        tipo=tipo,
        vigente="1" if vigente else "0",
        vigente_desde="2010-03-01",
        vigente_hasta="" if vigente else "2023-12-31",
        dependencia=b.rng.choice(DEPENDENCIAS),
        clinica=b.rng.choice(CLINICAS_ISSSTE),
    )


def _relative(
    b: _Builder, titular: dict[str, str], parentesco: str, born_from: int, born_to: int
) -> dict[str, str]:
    """A beneficiary flagged vigente under ``titular``'s number, whatever the titular's state."""
    return _affiliate(
        b.person(born_from, born_to),
        institucion=titular["institucion"],
        numero_afiliacion=titular["numero_afiliacion"],
        tipo="beneficiario",
        vigente="1",
        vigente_desde="2012-05-01",
        dependencia=titular["dependencia"],
        clinica=titular["clinica"],
        titular_curp=titular["curp"],
        parentesco=parentesco,
    )


def _family(b: _Builder, titular: dict[str, str]) -> Iterator[dict[str, str]]:
    """Beneficiaries of an ISSSTE titular: a spouse and one or two children born after 2000."""
    relatives = [("cónyuge", 1960, 1990)] + [("hijo(a)", 2001, 2020)] * b.rng.randint(1, 2)
    for parentesco, start, end in relatives:
        yield _relative(b, titular, parentesco, start, end)


def generate_rows(count: int = 120, seed: int = 2026) -> Iterator[dict[str, str]]:
    """Rows in the registry CSV shape for at least ``count`` people, every case included.

    >>> rows = list(generate_rows(count=16, seed=1))
    >>> rows == list(generate_rows(count=16, seed=1))
    True
    >>> all(curp.is_valid(r["curp"]) for r in rows)
    True
    """
    b = _Builder(seed)
    people = 0
    while people < count:
        for case in CASES:
            if case.key == "issste_beneficiario":
                continue  # beneficiaries come with every ISSSTE titular
            row = b.person(1950, 1999)
            people += 1
            if case.key == "imss_vigente":
                yield _imss(b, row, vigente=True)
            elif case.key == "imss_baja":
                yield _imss(b, row, vigente=False)
            elif case.key == "issste_titular":
                titular = _issste(b, row, "titular")
                yield titular
                for relative in _family(b, titular):
                    people += 1
                    yield relative
            elif case.key == "issste_pensionado":
                yield _issste(b, row, "pensionado")
            elif case.key == "issste_baja":
                yield _issste(b, row, "titular", vigente=False)
            elif case.key == "imss_familiar_titular_baja":
                # Left a company for a government job; the spouse is still flagged in the IMSS.
                titular = _imss(b, row, vigente=False)
                yield titular
                yield _issste(b, row, "titular")
                people += 1
                yield _relative(b, titular, "cónyuge", 1960, 1990)
            elif case.key == "issste_familiar_titular_baja":
                # Left the government for a company; the child is still flagged in the ISSSTE.
                titular = _issste(b, row, "titular", vigente=False)
                yield titular
                yield _imss(b, row, vigente=True)
                people += 1
                yield _relative(b, titular, "hijo(a)", 2001, 2020)
            elif case.key == "ambas":
                yield _imss(b, row, vigente=True)
                yield _issste(b, row, "titular")
            else:
                yield row


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


def _case_filter(key: str) -> ColumnElement[bool]:
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


def examples(session: Session, per_case: int = 3) -> list[Example]:
    """A few CURPs from the database for each case, for the /demo page and the console."""
    found = []
    for case in CASES:
        query = (
            select(Persona.curp)
            .where(_case_filter(case.key))
            .order_by(Persona.curp)
            .limit(per_case)
        )
        curps = tuple(session.scalars(query))
        if curps:
            found.append(Example(case.key, case.title, case.description, curps))
    return found

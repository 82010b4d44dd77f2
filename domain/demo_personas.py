"""The demo's fictitious people and their affiliations, as registry CSV rows.

Every surname is a word like PRUEBA or FICTICIO, so no generated record can be mistaken for a
real person; CURPs are still built from the names by the real rules, so they validate.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from domain import curp, curp_generate, nss
from domain.curp_tables import STATES
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


class Builder:
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


def imss(b: Builder, row: dict[str, str], vigente: bool) -> dict[str, str]:
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


def issste(b: Builder, row: dict[str, str], tipo: str, vigente: bool = True) -> dict[str, str]:
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


def relative(
    b: Builder, titular: dict[str, str], parentesco: str, born_from: int, born_to: int
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


def family(b: Builder, titular: dict[str, str]) -> Iterator[dict[str, str]]:
    """Beneficiaries of an ISSSTE titular: a spouse and one or two children born after 2000."""
    relatives = [("cónyuge", 1960, 1990)] + [("hijo(a)", 2001, 2020)] * b.rng.randint(1, 2)
    for parentesco, start, end in relatives:
        yield relative(b, titular, parentesco, start, end)

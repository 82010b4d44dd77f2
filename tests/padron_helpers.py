"""Fictitious registry rows (the padrón) and their CSV, for the import tests of domain/ and web/:
valid CURPs and NSS made from a number, a family, the file written, the tables read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import curp, nss
from domain.models import Afiliacion, Persona
from domain.registry_reader import COLUMNS

TODAY = dt.date(2026, 1, 15)
CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"


def make_curp(n: int, born: dt.date, sexo: str = "H", entidad: str = "DF") -> str:
    """A valid CURP, different for every ``n`` (names are not checked against it)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    head = letters[n % 26] + "AEIOU"[n // 26 % 5] + letters[n // 130 % 26] + letters[n // 3380 % 26]
    rest = n // 87880
    tail = "".join(CONSONANTS[rest // 21**i % 21] for i in range(3))
    first17 = f"{head}{born:%y%m%d}{sexo}{entidad}{tail}{'0' if born.year < 2000 else 'A'}"
    return first17 + curp.check_digit(first17)


def make_nss(n: int) -> str:
    first10 = f"{n % 10**10:010d}"
    return first10 + nss.check_digit(first10)


def letters(n: int) -> str:
    """Three letters, different for every ``n`` below 17,576: names take no digits."""
    return "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n // 26**i % 26] for i in range(3))


def good_row(n: int, **changes: str) -> dict[str, str]:
    born = dt.date(1950 + n % 60, 1 + n % 12, 1 + n % 28)
    sexo = "HMX"[n % 3]
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        curp=make_curp(n, born, sexo), nombre=f"NOMBRE {letters(n)}", primer_apellido="PRUEBA",
        segundo_apellido="FICTICIO", fecha_nacimiento=born.isoformat(), sexo=sexo,
        entidad="DF", institucion="IMSS", numero_afiliacion=make_nss(n), tipo="titular",
        vigente="1", vigente_desde="2015-01-16", dependencia="Empresa Ficticia, S.A.",
        clinica="UMF 901",
    )  # fmt: skip
    row.update(changes)
    return row


def csv_bytes(rows: Iterable[dict[str, str]], bom: bool = False, header: str = "") -> bytes:
    out = io.StringIO(newline="")
    out.write((header or ",".join(COLUMNS)) + "\r\n")
    csv.writer(out).writerows([row.get(c, "") for c in COLUMNS] for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def write_csv(path: Path, rows: Iterable[dict[str, str]], bom: bool = False) -> Path:
    path.write_bytes(csv_bytes(rows, bom))
    return path


def dump(session: Session) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    personas = session.execute(sa.select(*Persona.__table__.c).order_by(Persona.curp))
    afiliaciones = session.execute(sa.select(*Afiliacion.__table__.c).order_by(Afiliacion.id))
    found = [tuple(r) for r in personas], [tuple(r) for r in afiliaciones]
    session.rollback()
    return found


NO_AFFILIATION = dict.fromkeys(COLUMNS[COLUMNS.index("institucion") :], "")


def family() -> list[dict[str, str]]:
    """A titular with IMSS and ISSSTE, a beneficiary, and a person without affiliation."""
    titular = good_row(1)
    return [
        titular,
        good_row(1, institucion="ISSSTE", numero_afiliacion="DEMO-0001"),
        good_row(2, institucion="issste", numero_afiliacion="demo-0001", tipo="Beneficiario",
                 titular_curp=titular["curp"].lower(), parentesco="  hija "),
        good_row(3, **NO_AFFILIATION),
    ]  # fmt: skip


def nss_born(row: dict[str, str], n: int = 1) -> str:
    """An NSS whose year of birth (5-6) is the CURP's in ``row``."""
    first10 = f"1215{row['curp'][4:6]}{n:04d}"
    return first10 + nss.check_digit(first10)


def other_year(value: str) -> str:
    first10 = value[:4] + f"{(int(value[4:6]) + 1) % 100 or 1:02d}" + value[6:10]
    return first10 + nss.check_digit(first10)

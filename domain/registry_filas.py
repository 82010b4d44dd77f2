"""What a registry CSV row becomes: a valid row (``Registro``: the person and the affiliation as
stored, and its warnings), or the problems found in it (``RowError``, with line and column)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one cell: file line (header = 1), column (None: the whole row), message.

    >>> str(RowError(7, "sexo", "Debe ser H (hombre), M (mujer) o X (no binario), no «F»."))
    'Línea 7, columna sexo: Debe ser H (hombre), M (mujer) o X (no binario), no «F».'
    """

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"Línea {self.line}" + (f", columna {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class RowWarning(RowError):
    """Something worth a look that does not reject the row: it is imported all the same."""


class PersonaData(NamedTuple):
    """A person as stored: the fields of ``Persona``, in its column order."""

    curp: str
    nombre: str
    primer_apellido: str
    segundo_apellido: str | None
    fecha_nacimiento: dt.date
    sexo: str
    entidad: str


class AfiliacionData(NamedTuple):
    """An affiliation as stored: the fields of ``Afiliacion`` except ``id`` and ``curp``."""

    institucion: str
    numero_afiliacion: str
    tipo: str
    vigente: bool
    vigente_desde: dt.date | None
    vigente_hasta: dt.date | None
    dependencia: str | None
    clinica: str | None
    titular_curp: str | None
    parentesco: str | None


class Registro(NamedTuple):
    """A valid row: its line, the person, the affiliation (unless the person has none) and what
    is worth a look without rejecting it."""

    line: int
    persona: PersonaData
    afiliacion: AfiliacionData | None
    warnings: tuple[RowWarning, ...] = ()

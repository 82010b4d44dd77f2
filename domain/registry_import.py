"""Import the registry CSV into ``persona`` and ``afiliacion``: all of it, or nothing.

One pass: rows are checked as they stream in (``registry_csv`` for each row, ``_FileChecks``
for rules that need earlier rows) and written in chunks inside one transaction, committed at
the end only if every row passed (or ``skip_invalid``). After the first bad row without
``skip_invalid`` writing stops, checking goes on, and the transaction is rolled back.

Counts are per row: *added* if its affiliation (or, for a person-only row, the person) did
not exist, *updated* if anything in it differs from the database as the rows before it left
it, *unchanged* otherwise. Nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt
import os
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO, TypedDict

from sqlalchemy import case, exists, func, insert, select, update
from sqlalchemy.orm import Session

from domain import curp
from domain.models import TIPOS, Afiliacion, Base, Persona
from domain.registry_csv import (
    AfiliacionData,
    PersonaData,
    Progress,
    RawRow,
    Registro,
    RowError,
    UnusableFile,
    parse_row,
    read_csv,
)

__all__ = [
    "ImportSummary",
    "InstitucionTipo",
    "RegistryStats",
    "UnusableFile",
    "ValidationResult",
    "import_file",
    "import_rows",
    "registry_stats",
    "validate_file",
]

MAX_LISTED = 100  # errors kept for display; all of them are counted
CHUNK = 2000  # rows per round of one SELECT per table and bulk INSERT/UPDATE
_RECENT = 4096  # persons kept whole to name the columns that disagree

Row = Mapping[str, str] | tuple[int, Mapping[str, str]]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """What checking the rows found: rows read, rows rejected, errors (the first 100 kept)."""

    rows: int
    rejected: int
    error_count: int
    errors: tuple[RowError, ...]

    @property
    def valid(self) -> bool:
        return self.rejected == 0

    def error_lines(self) -> list[str]:
        """The kept errors as Spanish lines, plus how many more there were."""
        lines = [str(error) for error in self.errors]
        if self.error_count > len(self.errors):
            more = self.error_count - len(self.errors)
            lines.append(f"… y {_plural(more, 'error más', 'errores más')}.")
        return lines


@dataclass(frozen=True, slots=True)
class ImportSummary(ValidationResult):
    """Rows added, updated and unchanged (zero unless ``written``) besides the checks' result."""

    added: int
    updated: int
    unchanged: int
    written: bool

    def describe(self) -> str:
        """One Spanish sentence for the console."""
        if not self.written:
            return (
                f"{_plural(self.rows, 'fila revisada', 'filas revisadas')}, "
                f"{self.rejected} con errores: no se escribió nada."
            )
        return (
            f"{_plural(self.rows, 'fila', 'filas')}: {self.added} añadidas, "
            f"{self.updated} actualizadas, {self.unchanged} sin cambios, "
            f"{self.rejected} rechazadas."
        )


def _zeros(count: int) -> array[int]:
    # Repeating a one-item array allocates once; array("Q", bytes(n)) would also build the bytes.
    return array("Q", [0]) * count


class _DigestTable:
    """64-bit keys to 64-bit values in two flat arrays (open addressing, linear probing).

    16 bytes a slot, at most two thirds full. Measured with 1.83 million keys (what a
    1,000,000-row file needs): 64 MiB, against 219 MiB for a dict of ints. Keys are hashes, so
    two different keys may collide: at 2 million keys the odds are about 1 in 10 million.

    >>> table = _DigestTable(bits=2)
    >>> table.setdefault(42, 7), table.setdefault(42, 9)
    (None, 7)
    >>> [table.setdefault(key, key) for key in range(1, 100)][-1], table.setdefault(99, 0)
    (None, 99)
    """

    def __init__(self, bits: int = 12) -> None:
        self._keys, self._values, self._used = _zeros(1 << bits), _zeros(1 << bits), 0

    def setdefault(self, key: int, value: int) -> int | None:
        """Store ``value`` under ``key`` unless the key is there; return the value found."""
        keys, mask = self._keys, len(self._keys) - 1
        key = (key & 0xFFFF_FFFF_FFFF_FFFF) or 1  # 0 marks an empty slot
        slot = key & mask
        while (found := keys[slot]) != 0:
            if found == key:
                return self._values[slot]
            slot = (slot + 1) & mask
        keys[slot], self._values[slot] = key, value
        self._used += 1
        if self._used * 3 > len(keys) * 2:
            self._grow()
        return None

    def _grow(self) -> None:
        slots = 2 * len(self._keys)
        old = zip(self._keys, self._values, strict=True)
        self._keys, self._values, self._used = _zeros(slots), _zeros(slots), 0
        for key, value in old:
            if key:
                self.setdefault(key, value)


class _FileChecks:
    """Rules across rows: an affiliation listed twice; one CURP with two sets of person data.

    Every row's keys are remembered for the whole file as hashes in a ``_DigestTable``, with
    a 32-bit digest of the person data; the last few thousand persons are also kept whole, to
    name the columns that disagree. A key collision rejects a good row (odds above); a digest
    collision lets one disagreement through (1 in 4 billion).
    """

    def __init__(self) -> None:
        self._seen = _DigestTable()
        self._recent: OrderedDict[str, tuple[int, PersonaData]] = OrderedDict()

    def check(self, row: Registro) -> list[RowError]:
        persona = row.persona
        digest = hash(persona) & 0xFFFF_FFFF
        first = self._seen.setdefault(hash(("p", persona.curp)), digest << 32 | row.line)
        if first is None:
            self._recent[persona.curp] = (row.line, persona)
            if len(self._recent) > _RECENT:
                self._recent.popitem(last=False)  # O(1), unlike deleting a dict's first key
        elif first >> 32 != digest:
            return self._disagreement(row, first & 0xFFFF_FFFF)
        a = row.afiliacion
        key = ("a", persona.curp, a.institucion, a.numero_afiliacion) if a else ("a", persona.curp)
        earlier = self._seen.setdefault(hash(key), row.line)
        if earlier is None:
            return []
        if a is None:
            message = f"Repite la fila sin afiliación de la línea {earlier} (misma CURP)."
            return [RowError(row.line, "curp", message)]
        message = (
            f"Repite la afiliación de la línea {earlier} "
            "(misma CURP, institución y número de afiliación)."
        )
        return [RowError(row.line, "numero_afiliacion", message)]

    def _disagreement(self, row: Registro, line: int) -> list[RowError]:
        line, before = self._recent.get(row.persona.curp, (line, None))
        if before is None:
            message = (
                f"Esta CURP aparece en la línea {line} con otros datos personales; deben "
                "ser iguales en todas sus filas."
            )
            return [RowError(row.line, "curp", message)]
        message = "No coincide con la línea {} (misma CURP), que dice «{}»."
        return [
            RowError(row.line, column, message.format(line, "" if old is None else old))
            for column, old, new in zip(PersonaData._fields, before, row.persona, strict=True)
            if old != new
        ]


_PERSONA = tuple(getattr(Persona, name) for name in PersonaData._fields)
_AFILIACION = tuple(getattr(Afiliacion, name) for name in AfiliacionData._fields)
_PERSONA_TABLE = Base.metadata.tables[Persona.__tablename__]
_AFILIACION_TABLE = Base.metadata.tables[Afiliacion.__tablename__]
_P_KEYS = PersonaData._fields
_A_NEW, _A_CHANGED = ("curp", *AfiliacionData._fields), ("id", *AfiliacionData._fields)


class _Writer:
    """Writes valid rows in chunks: one SELECT per table, then bulk INSERT and UPDATE."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: list[Registro] = []
        self.active = True  # False once a bad row dooms the import: then nothing more is sent
        self.added = self.updated = self.unchanged = 0

    def add(self, row: Registro) -> None:
        if self.active:
            self.pending.append(row)
        if len(self.pending) >= CHUNK:
            self.flush()

    def discard(self) -> None:
        self.active, self.pending = False, []
        self.added = self.updated = self.unchanged = 0

    def flush(self) -> None:
        rows, self.pending = self.pending, []
        personas, afiliaciones = self._stored({row.persona.curp for row in rows})
        new_p: list[dict[str, object]] = []
        changed_p: list[dict[str, object]] = []
        new_a: list[dict[str, object]] = []
        changed_a: list[dict[str, object]] = []
        for persona, afiliacion in (row[1:] for row in rows):
            before, found = personas.get(persona.curp), None
            if before != persona:
                (changed_p if before else new_p).append(dict(zip(_P_KEYS, persona, strict=True)))
                personas[persona.curp] = persona
            if afiliacion is not None:
                key = (persona.curp, afiliacion.institucion, afiliacion.numero_afiliacion)
                found = afiliaciones.get(key)
                if found is None:
                    new_a.append(dict(zip(_A_NEW, (persona.curp, *afiliacion), strict=True)))
                elif found[1] != afiliacion:
                    changed_a.append(dict(zip(_A_CHANGED, (found[0], *afiliacion), strict=True)))
            if (before if afiliacion is None else found) is None:
                self.added += 1
            elif before != persona or (found is not None and found[1] != afiliacion):
                self.updated += 1
            else:
                self.unchanged += 1
        # Persons first: SQLite checks the foreign key of each affiliation as it goes in.
        # INSERTs go to the tables (Core executemany): the ORM's bulk INSERT was about 1.5 times
        # slower here, and it splits a batch wherever the pattern of empty columns changes.
        for statement, values in (
            (insert(_PERSONA_TABLE), new_p),
            (update(Persona), changed_p),
            (insert(_AFILIACION_TABLE), new_a),
            (update(Afiliacion), changed_a),
        ):
            if values:
                self.session.execute(statement, values)

    def _stored(
        self, curps: set[str]
    ) -> tuple[dict[str, PersonaData], dict[tuple[str, str, str], tuple[int, AfiliacionData]]]:
        query = select(*_PERSONA).where(Persona.curp.in_(curps))
        personas = {r[0]: PersonaData(*r) for r in self.session.execute(query)}
        query = select(Afiliacion.id, Afiliacion.curp, *_AFILIACION)
        afiliaciones = {
            (r[1], r[2], r[3]): (r[0], AfiliacionData(*r[2:]))
            for r in self.session.execute(query.where(Afiliacion.curp.in_(curps)))
        }
        return personas, afiliaciones


def _numbered(rows: Iterable[Row | RawRow]) -> Iterator[RawRow]:
    for line, row in enumerate(rows, 2):
        if isinstance(row, RawRow):
            yield row
        elif isinstance(row, tuple):
            yield RawRow(row[0], row[1])
        else:
            yield RawRow(line, row)


def _check_and_write(
    rows: Iterable[RawRow], today: dt.date, skip_invalid: bool, writer: _Writer | None
) -> ValidationResult:
    checks = _FileChecks()
    count = rejected = error_count = 0
    listed: list[RowError] = []
    for raw in rows:
        count += 1
        errors = parse_row(raw, today)
        if isinstance(errors, Registro):
            row, errors = errors, checks.check(errors)
            if not errors:
                if writer is not None:
                    writer.add(row)
                continue
        rejected += 1
        error_count += len(errors)
        listed.extend(errors[: MAX_LISTED - len(listed)])
        if writer is not None and not skip_invalid:
            writer.discard()  # the import is lost; keep checking to list every error
    if writer is not None and writer.active:
        writer.flush()
    return ValidationResult(count, rejected, error_count, tuple(listed))


def import_rows(
    session: Session,
    rows: Iterable[Row | RawRow],
    *,
    today: dt.date | None = None,
    skip_invalid: bool = False,
) -> ImportSummary:
    """Check and write ``rows``; commit if all passed (or ``skip_invalid``), else roll back.

    A row is a mapping of ``COLUMNS`` to text (a missing column reads as empty), numbered from
    line 2, or a ``(line, mapping)`` pair. ``today`` (default: today in Mexico City) is the
    limit for birth dates.
    """
    writer = _Writer(session)
    try:
        result = _check_and_write(
            _numbered(rows), today or curp.today_in_mexico(), skip_invalid, writer
        )
        if writer.active:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    return ImportSummary(
        *(result.rows, result.rejected, result.error_count, result.errors),
        *(writer.added, writer.updated, writer.unchanged, writer.active),
    )


def _open(path: str | os.PathLike[str]) -> BinaryIO:
    name = os.fspath(path)
    try:
        return open(name, "rb")  # closed by the caller's ``with``
    except FileNotFoundError:
        raise UnusableFile(f"No existe el archivo {name}.") from None
    except IsADirectoryError:
        raise UnusableFile(f"{name} es una carpeta, no un archivo CSV.") from None
    except PermissionError:
        raise UnusableFile(f"No hay permiso para leer {name}.") from None
    except OSError as exc:
        raise UnusableFile(f"No se puede abrir {name} (error {exc.errno}).") from None


def import_file(
    session: Session,
    path: str | os.PathLike[str],
    *,
    today: dt.date | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a registry CSV streamed from disk; raises ``UnusableFile`` (nothing written)."""
    with _open(path) as stream:
        return import_rows(
            session, read_csv(stream, progress), today=today, skip_invalid=skip_invalid
        )


def validate_file(
    stream: Iterable[bytes], *, today: dt.date | None = None, progress: Progress | None = None
) -> ValidationResult:
    """Check a registry CSV (an open binary file) without touching any database."""
    rows = read_csv(stream, progress)
    return _check_and_write(rows, today or curp.today_in_mexico(), False, None)


class InstitucionTipo(TypedDict):
    institucion: str
    tipo: str
    afiliaciones: int
    vigentes: int


class RegistryStats(TypedDict):
    personas: int
    sin_afiliacion: int
    afiliaciones: int
    vigentes: int
    por_institucion_tipo: list[InstitucionTipo]


def registry_stats(session: Session) -> RegistryStats:
    """Counts of the registry: persons, affiliations by institution and type, vigentes."""
    personas = session.scalar(select(func.count()).select_from(Persona)) or 0
    orphan = ~exists().where(Afiliacion.curp == Persona.curp)
    sin = session.scalar(select(func.count()).select_from(Persona).where(orphan)) or 0
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
        afiliaciones=sum(g["afiliaciones"] for g in groups),
        vigentes=sum(g["vigentes"] for g in groups),
        por_institucion_tipo=groups,
    )

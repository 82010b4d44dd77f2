"""Write the rows of a registry import that passed its checks, and count what each changed.

Rows go in chunks: one SELECT per table, then bulk INSERTs and UPDATEs of what is new or
differs; nothing is deleted. The caller (``registry_import``) holds the transaction and
decides whether it commits.

An affiliation is keyed by (curp, institucion, numero_afiliacion). A row with no institution
says the person has no affiliation now: every stored affiliation of that CURP still flagged
vigente is set to not vigente, keeping the row and its dates. ``registry_file_checks`` rejects
a file that also gives that CURP a vigente affiliation, so in a file that imports, the order
of rows never matters (with ``--skip-invalid``, the earlier of two such rows is the one kept).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from domain.derechos import HOLDERS
from domain.models import Afiliacion, Base, Persona
from domain.registry_filas import AfiliacionData, PersonaData, Registro

CHUNK = 2000  # rows per round of one SELECT per table and bulk INSERT/UPDATE

_PERSONA = tuple(getattr(Persona, name) for name in PersonaData._fields)
_AFILIACION = tuple(getattr(Afiliacion, name) for name in AfiliacionData._fields)
_PERSONA_TABLE = Base.metadata.tables[Persona.__tablename__]
_AFILIACION_TABLE = Base.metadata.tables[Afiliacion.__tablename__]
_P_KEYS = PersonaData._fields
_A_NEW, _A_CHANGED = ("curp", *AfiliacionData._fields), ("id", *AfiliacionData._fields)

Clave = tuple[str, str, str]  # curp, institucion, numero_afiliacion: what names an affiliation
Stored = dict[Clave, tuple[int, AfiliacionData]]  # id and values, as the rows so far left them


def _by_curp(afiliaciones: Stored, curps: set[str]) -> dict[str, list[Clave]]:
    """The stored affiliations of these CURPs (those of the chunk's rows without one)."""
    found: dict[str, list[Clave]] = {}
    for key in afiliaciones if curps else ():
        if key[0] in curps:
            found.setdefault(key[0], []).append(key)
    return found


def _end(keys: Iterable[Clave], afiliaciones: Stored, changed: list[dict[str, object]]) -> bool:
    """Set these affiliations to not vigente, dates and all else kept; False if none was."""
    ended = False
    for key in keys:
        stored_id, stored = afiliaciones[key]
        if stored.vigente:
            stored = stored._replace(vigente=False)
            changed.append(dict(zip(_A_CHANGED, (stored_id, *stored), strict=True)))
            afiliaciones[key], ended = (stored_id, stored), True
    return ended


class Writer:
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
        por_curp = _by_curp(afiliaciones, {r.persona.curp for r in rows if r.afiliacion is None})
        new_p: list[dict[str, object]] = []
        changed_p: list[dict[str, object]] = []
        new_a: list[dict[str, object]] = []
        changed_a: list[dict[str, object]] = []
        for persona, afiliacion in ((row.persona, row.afiliacion) for row in rows):
            before, found, ended = personas.get(persona.curp), None, False
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
                    afiliaciones[key] = (found[0], afiliacion)  # a later row compares with this
            else:
                ended = _end(por_curp.get(persona.curp, ()), afiliaciones, changed_a)
            if (before if afiliacion is None else found) is None:
                self.added += 1
            elif before != persona or ended or (found is not None and found[1] != afiliacion):
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

    def titulares(self, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (curp, institucion) have a titular or pensionado affiliation in the
        database, as this import's rows so far left it."""
        curps, found = sorted({curp for curp, _ in wanted}), set[tuple[str, str]]()
        for start in range(0, len(curps), CHUNK):
            query = select(Afiliacion.curp, Afiliacion.institucion).where(
                Afiliacion.curp.in_(curps[start : start + CHUNK]), Afiliacion.tipo.in_(HOLDERS)
            )
            found.update((curp, institucion) for curp, institucion in self.session.execute(query))
        return found & wanted

    def _stored(self, curps: set[str]) -> tuple[dict[str, PersonaData], Stored]:
        query = select(*_PERSONA).where(Persona.curp.in_(curps))
        personas = {r[0]: PersonaData(*r) for r in self.session.execute(query)}
        query = select(Afiliacion.id, Afiliacion.curp, *_AFILIACION)
        afiliaciones = {
            (r[1], r[2], r[3]): (r[0], AfiliacionData(*r[2:]))
            for r in self.session.execute(query.where(Afiliacion.curp.in_(curps)))
        }
        return personas, afiliaciones

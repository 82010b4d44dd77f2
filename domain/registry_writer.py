"""Write the rows of a registry import that passed its checks, and count what each changed.

Rows go in chunks: one SELECT per table, then bulk INSERTs and UPDATEs of what is new or
differs; nothing is deleted. The caller (``registry_import``) holds the transaction and
decides whether it commits.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from domain.models import Afiliacion, Base, Persona
from domain.registry_csv import AfiliacionData, PersonaData, Registro

CHUNK = 2000  # rows per round of one SELECT per table and bulk INSERT/UPDATE

_PERSONA = tuple(getattr(Persona, name) for name in PersonaData._fields)
_AFILIACION = tuple(getattr(Afiliacion, name) for name in AfiliacionData._fields)
_PERSONA_TABLE = Base.metadata.tables[Persona.__tablename__]
_AFILIACION_TABLE = Base.metadata.tables[Afiliacion.__tablename__]
_P_KEYS = PersonaData._fields
_A_NEW, _A_CHANGED = ("curp", *AfiliacionData._fields), ("id", *AfiliacionData._fields)


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
        new_p: list[dict[str, object]] = []
        changed_p: list[dict[str, object]] = []
        new_a: list[dict[str, object]] = []
        changed_a: list[dict[str, object]] = []
        for persona, afiliacion in ((row.persona, row.afiliacion) for row in rows):
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

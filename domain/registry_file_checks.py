"""Rules across the rows of one registry CSV: what ``registry_csv`` cannot see in a row alone.

An affiliation listed twice, one CURP with two sets of person data, and a CURP both without
affiliation (a row with no institution) and with a vigente one, are found while the rows
stream by, remembering every row of a 1,000,000-row file in tens of MiB, not hundreds. The
beneficiaries whose titular the file does not hold are listed at its end, a batch at a time,
for ``registry_import`` to look for those titulares in the database.
Pure: no database; ``registry_import`` runs these checks on each row ``registry_csv`` passed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator

from domain.derechos import HOLDERS
from domain.registry_filas import PersonaData, Registro, RowError, RowWarning
from domain.registry_file_memory import BeneficiariosEnEspera, DigestTable

_RECENT = 4096  # persons kept whole to name the columns that disagree
# A person's slot holds digest << 32 | line; this bit of the line half says that an accepted
# row of the CURP has a vigente affiliation (the line is then that row's).
_VIGENTE = 1 << 31
_LINE = _VIGENTE - 1
# Which of the (curp, institucion) asked have a titular or pensionado row in the database.
Titulares = Callable[[set[tuple[str, str]]], set[tuple[str, str]]]
_BATCH = 4096  # beneficiaries without a titular in the file, looked up in the database at once


class FileChecks:
    """Rules across rows: an affiliation listed twice; one CURP with two sets of person data;
    one CURP with a row without affiliation and a vigente affiliation.

    Every row's keys are remembered for the whole file as hashes in a ``DigestTable``, with
    a 32-bit digest of the person data and whether the CURP has a vigente affiliation; the last
    few thousand persons are also kept whole, to name the columns that disagree. A key
    collision rejects a good row (odds above); a digest collision lets one disagreement
    through (1 in 4 billion).

    A row without affiliation makes the import end every vigente affiliation of the CURP
    (``registry_writer``). A vigente one in the same file contradicts it, and which wins would
    depend on the order of the rows (and a second import would flip it back), so the later
    of the two rows is rejected, whichever it is. Affiliations with vigente 0 may go with it.

    Each titular's (or pensionado's) institution is one more hashed key; a beneficiary listed
    before any titular row of theirs is kept, packed, until the end (``sin_titular``).
    """

    def __init__(self) -> None:
        self._seen = DigestTable()
        self._recent: OrderedDict[str, tuple[int, PersonaData]] = OrderedDict()
        self._waiting = BeneficiariosEnEspera()

    def check(self, row: Registro) -> list[RowError]:
        persona, a = row.persona, row.afiliacion
        digest = hash(persona) & 0xFFFF_FFFF
        own = digest << 32 | (_VIGENTE if a and a.vigente else 0) | row.line & _LINE
        first = self._seen.setdefault(person := hash(("p", persona.curp)), own)
        if first is None:
            self._recent[persona.curp] = (row.line, persona)
            if len(self._recent) > _RECENT:
                self._recent.popitem(last=False)  # O(1), unlike deleting a dict's first key
        elif first >> 32 != digest:
            return self._disagreement(row, first & _LINE)
        elif contradiction := self._contradiction(row, first):
            return [contradiction]
        key = ("a", persona.curp, a.institucion, a.numero_afiliacion) if a else ("a", persona.curp)
        earlier = self._seen.setdefault(hash(key), row.line)
        if earlier is None:
            if first is not None and own & _VIGENTE and not first & _VIGENTE:
                self._seen.replace(person, own)
            self._family(row)
            return []
        if a is None:
            message = f"Repite la fila sin afiliación de la línea {earlier} (misma CURP)."
            return [RowError(row.line, "curp", message)]
        message = (
            f"Repite la afiliación de la línea {earlier} "
            "(misma CURP, institución y número de afiliación)."
        )
        return [RowError(row.line, "numero_afiliacion", message)]

    def sin_titular(self, en_padron: Titulares) -> Iterator[list[RowWarning]]:
        """A warning for each accepted beneficiary row whose titular has no accepted titular or
        pensionado row in the same institution, neither in the file nor in the database (as
        ``en_padron`` says: which of the (curp, institucion) asked have one there), in line
        order, a few thousand at a time: a file may hold hundreds of thousands. Call it once
        every row went through ``check``."""
        for batch in self._waiting.batches(_BATCH):
            waiting = [w for w in batch if self._seen.get(hash(("t", *w[1:]))) is None]
            known = en_padron({(curp, institucion) for _, curp, institucion in waiting})
            if warnings := [
                RowWarning(
                    line,
                    "titular_curp",
                    "Su titular no está en el archivo ni en el padrón como titular o pensionado "
                    f"del {institucion}: la fila se importa, pero no tiene derechos hasta que se "
                    "importe su titular.",
                )
                for line, curp, institucion in waiting
                if (curp, institucion) not in known
            ]:
                yield warnings

    def _family(self, row: Registro) -> None:
        """Remember an accepted titular's institution, or a beneficiary who has none yet: a
        beneficiary's rights come from a titular (or pensionado) row in the same institution
        (``domain.derechos``)."""
        a = row.afiliacion
        if a is None:
            return
        if a.tipo in HOLDERS:
            self._seen.setdefault(hash(("t", row.persona.curp, a.institucion)), row.line)
        elif a.titular_curp and self._seen.get(hash(("t", a.titular_curp, a.institucion))) is None:
            self._waiting.add(row.line, a.titular_curp, a.institucion)

    def _contradiction(self, row: Registro, first: int) -> RowError | None:
        """A row without affiliation after a vigente one of the CURP, or the other way round."""
        if row.afiliacion is None:
            if not first & _VIGENTE:
                return None
            line = first & _LINE
            message = (
                "Con la institución vacía, esta fila dice que la persona no tiene afiliación, "
                f"pero la línea {line} le da una vigente. Deja solo una de las dos filas, o pon "
                f"0 en vigente en la línea {line}."
            )
            return RowError(row.line, "institucion", message)
        if not row.afiliacion.vigente:
            return None
        sin_afiliacion = self._seen.get(hash(("a", row.persona.curp)))
        if sin_afiliacion is None:
            return None
        message = (
            "Esta fila da a la persona una afiliación vigente, pero la línea "
            f"{sin_afiliacion} (con la institución vacía) dice que no tiene ninguna. Deja solo "
            "una de las dos filas, o pon 0 en vigente en esta."
        )
        return RowError(row.line, "vigente", message)

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

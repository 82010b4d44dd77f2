"""Rules across the rows of one registry CSV: what ``registry_csv`` cannot see in a row alone.

An affiliation listed twice, one CURP with two sets of person data, and a CURP both without
affiliation (a row with no institution) and with a vigente one, are found while the rows
stream by, remembering every row of a 1,000,000-row file in tens of MiB, not hundreds. The
beneficiaries whose titular the file does not hold are listed at its end, for
``registry_import`` to look for those titulares in the database.
Pure: no database; ``registry_import`` runs these checks on each row ``registry_csv`` passed.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable

from domain.derechos import HOLDERS
from domain.registry_csv import PersonaData, Registro, RowError, RowWarning

_RECENT = 4096  # persons kept whole to name the columns that disagree
# A person's slot holds digest << 32 | line; this bit of the line half says that an accepted
# row of the CURP has a vigente affiliation (the line is then that row's).
_VIGENTE = 1 << 31
_LINE = _VIGENTE - 1
# Which of the (curp, institucion) asked have a titular or pensionado row in the database.
Titulares = Callable[[set[tuple[str, str]]], set[tuple[str, str]]]


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

    def get(self, key: int) -> int | None:
        """The value stored under ``key``, if any.

        >>> table = _DigestTable(bits=2)
        >>> table.setdefault(5, 1), table.get(5), table.get(6)
        (None, 1, None)
        """
        return self._values[slot] if (slot := self._slot(key)) is not None else None

    def replace(self, key: int, value: int) -> None:
        """Change the value under ``key`` (a key not there is left out)."""
        if (slot := self._slot(key)) is not None:
            self._values[slot] = value

    def _slot(self, key: int) -> int | None:
        keys, mask = self._keys, len(self._keys) - 1
        key = (key & 0xFFFF_FFFF_FFFF_FFFF) or 1
        slot = key & mask
        while (found := keys[slot]) != 0:
            if found == key:
                return slot
            slot = (slot + 1) & mask
        return None

    def _grow(self) -> None:
        slots = 2 * len(self._keys)
        old = zip(self._keys, self._values, strict=True)
        self._keys, self._values, self._used = _zeros(slots), _zeros(slots), 0
        for key, value in old:
            if key:
                self.setdefault(key, value)


class FileChecks:
    """Rules across rows: an affiliation listed twice; one CURP with two sets of person data;
    one CURP with a row without affiliation and a vigente affiliation.

    Every row's keys are remembered for the whole file as hashes in a ``_DigestTable``, with
    a 32-bit digest of the person data and whether the CURP has a vigente affiliation; the last
    few thousand persons are also kept whole, to name the columns that disagree. A key
    collision rejects a good row (odds above); a digest collision lets one disagreement
    through (1 in 4 billion).

    A row without affiliation makes the import end every vigente affiliation of the CURP
    (``registry_writer``). A vigente one in the same file contradicts it, and which wins would
    depend on the order of the rows (and a second import would flip it back), so the later
    of the two rows is rejected, whichever it is. Affiliations with vigente 0 may go with it.

    Each titular's (or pensionado's) institution is one more hashed key; a beneficiary listed
    before any titular row of theirs is kept whole until the end (``sin_titular``).
    """

    def __init__(self) -> None:
        self._seen = _DigestTable()
        self._recent: OrderedDict[str, tuple[int, PersonaData]] = OrderedDict()
        # Beneficiaries met before any titular of theirs: (line, titular_curp, institucion).
        # Few in a file that lists each family from its titular on.
        self._waiting: list[tuple[int, str, str]] = []

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

    def sin_titular(self, en_padron: Titulares) -> list[RowWarning]:
        """A warning for each accepted beneficiary row whose titular has no accepted titular or
        pensionado row in the same institution, neither in the file nor in the database (as
        ``en_padron`` says: which of the (curp, institucion) asked have one there). Call it
        once every row went through ``check``."""
        waiting = [w for w in self._waiting if self._seen.get(hash(("t", *w[1:]))) is None]
        known = en_padron({(curp, institucion) for _, curp, institucion in waiting})
        return [
            RowWarning(
                line,
                "titular_curp",
                "Su titular no está en el archivo ni en el padrón como titular o pensionado del "
                f"{institucion}: la fila se importa, pero no tiene derechos hasta que se importe "
                "su titular.",
            )
            for line, curp, institucion in waiting
            if (curp, institucion) not in known
        ]

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
            self._waiting.append((row.line, a.titular_curp, a.institucion))

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

"""Rules across the rows of one registry CSV: what ``registry_csv`` cannot see in a row alone.

An affiliation listed twice, and one CURP with two sets of person data, are found while the
rows stream by, remembering every row of a 1,000,000-row file in tens of MiB, not hundreds.
Pure: no database; ``registry_import`` runs these checks on each row ``registry_csv`` passed.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict

from domain.registry_csv import PersonaData, Registro, RowError

_RECENT = 4096  # persons kept whole to name the columns that disagree


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


class FileChecks:
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

"""The compact tables ``registry_file_checks`` remembers a whole registry file in: every row's
keys as 64-bit hashes (``DigestTable``), and the beneficiaries met before their titular
(``BeneficiariosEnEspera``). Tens of MiB for a 1,000,000-row file, where dicts and tuples of
the same took hundreds."""

from __future__ import annotations

from array import array
from collections.abc import Iterator

from domain.models import INSTITUCIONES


def _zeros(count: int) -> array[int]:
    # Repeating a one-item array allocates once; array("Q", bytes(n)) would also build the bytes.
    return array("Q", [0]) * count


class DigestTable:
    """64-bit keys to 64-bit values in two flat arrays (open addressing, linear probing).

    16 bytes a slot, at most two thirds full. Measured with 1.83 million keys (what a
    1,000,000-row file needs): 64 MiB, against 219 MiB for a dict of ints. Keys are hashes, so
    two different keys may collide: at 2 million keys the odds are about 1 in 10 million.

    >>> table = DigestTable(bits=2)
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

        >>> table = DigestTable(bits=2)
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


class BeneficiariosEnEspera:
    """Beneficiaries met before any titular of theirs, packed: the line, the titular's CURP
    (18 ASCII bytes) and the institution's index, 23 bytes each where a tuple of the three
    took about 200. Few in a file that lists each family from its titular on; most in one
    sorted by CURP.

    >>> waiting = BeneficiariosEnEspera()
    >>> waiting.add(7, "PEGJ850315HJCRRN06", "ISSSTE"); waiting.add(9, "PEGJ850315HJCRRN06", "IMSS")
    >>> list(waiting.batches(1))
    [[(7, 'PEGJ850315HJCRRN06', 'ISSSTE')], [(9, 'PEGJ850315HJCRRN06', 'IMSS')]]
    """

    _CURP = 18

    def __init__(self) -> None:
        self._lines, self._curps, self._institutions = array("I"), bytearray(), bytearray()

    def add(self, line: int, titular_curp: str, institucion: str) -> None:
        curp = titular_curp.encode("ascii")
        if len(curp) != self._CURP:  # parse_row gives a valid CURP: a wrong one would shift all
            raise ValueError("a titular CURP is 18 ASCII characters")
        self._lines.append(line)
        self._curps += curp
        self._institutions.append(INSTITUCIONES.index(institucion))

    def batches(self, size: int) -> Iterator[list[tuple[int, str, str]]]:
        """The beneficiaries in the order added, ``size`` at a time."""
        for start in range(0, len(self._lines), size):
            yield [
                (
                    self._lines[i],
                    self._curps[i * self._CURP : (i + 1) * self._CURP].decode("ascii"),
                    INSTITUCIONES[self._institutions[i]],
                )
                for i in range(start, min(start + size, len(self._lines)))
            ]

"""Common Spanish words a password may not be, even with digits, symbols or leetspeak.

NIST SP 800-63B (section 5.1.1.2) asks that passwords be checked against dictionary words and
context-specific words such as the service's name. zxcvbn's list (common_passwords.txt) comes
from an English-speaking corpus, so ``corazon123`` or ``Guadalupe1985`` pass it. Here the
*core* of a password is what is left once the digits and symbols at either end are dropped,
in lower case, without accents and with simple leetspeak undone (``c0raz0n``). A password whose
whole core is one common word, a first name or one of the portal's words is refused; a phrase
of several words, or a long password that merely contains a word, is not. The letters-only
entries of the common-password list count as words too.

>>> es_palabra_comun("Corazón2024!"), es_palabra_comun("123teamo"), es_palabra_comun("m3xic0!!")
(True, True, True)
>>> es_palabra_comun("casa perro luna sol"), es_palabra_comun("micorazonsiemprecanta")
(False, False)
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

from domain.curp_tables import fold

PALABRAS = Path(__file__).with_name("palabras_comunes.txt")
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")

# Context-specific words (NIST SP 800-63B, 5.1.1.2): the portal's own vocabulary, the first
# thing anyone guessing a password here would try.
PALABRAS_DEL_SERVICIO = (
    "derechohabiencia", "derechohabiente", "derechohabientes", "issste", "imss", "curp",
    "renapo", "constancia", "vigencia", "derechos", "afiliacion", "afiliado", "afiliada",
    "carnet", "pensionado", "pensionada", "beneficiario", "beneficiaria", "trabajador",
    "oficinavirtual", "contrasena", "password", "mexico", "mexicano", "mexicana", "gobierno",
)  # fmt: skip
# Phrases that Spanish speakers write as one word, so no dictionary lists them.
FRASES_JUNTAS = ("teamo", "tequiero", "teadoro", "teamomucho", "miamor", "mivida", "amorcito")

# Simple leetspeak: each symbol stands for one letter; "1" may be an i or an l.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_TABLES = (str.maketrans(_LEET), str.maketrans({**_LEET, "1": "l"}))


def clave(text: str) -> str:
    """``text`` as the list is compared: lower case, no accents or diaeresis, ñ as n.

    >>> clave("Contraseña PINGÜINO")
    'contrasena pinguino'
    """
    return fold(text).lower().replace("ñ", "n")


def _lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the 10,000 most common passwords, in lower case (refused as typed)."""
    return frozenset(_lines(COMMON_PASSWORDS))


@cache
def palabras_comunes() -> frozenset[str]:
    """The shipped words and first names, the portal's words and the phrases, as keys; and the
    common passwords made only of letters (``qwerty``, ``dragon``), so ``qwerty2024!`` is
    refused like ``corazon2024!``."""
    passwords = (p for p in common_passwords() if len(p) >= 4 and p.isascii() and p.isalpha())
    words = (*_lines(PALABRAS), *PALABRAS_DEL_SERVICIO, *FRASES_JUNTAS, *passwords)
    return frozenset(clave(word) for word in words)


@cache
def _mas_larga() -> int:
    return max(map(len, palabras_comunes()))


def nucleos(password: str, largo: int = 64) -> Iterator[str]:
    """The cores ``password`` may be, up to ``largo`` characters long: from its first letter to
    its last, plus any leetspeak digits or symbols right next to them, with leetspeak undone.

    >>> sorted(set(nucleos("4m0r!")))
    ['amor', 'mor']
    """
    text = clave(password)
    letters = [i for i, char in enumerate(text) if char.isalpha()]
    if not letters or letters[-1] - letters[0] >= largo:
        return
    starts = [letters[0]]
    while starts[-1] > 0 and text[starts[-1] - 1] in _LEET:
        starts.append(starts[-1] - 1)
    ends = [letters[-1] + 1]
    while ends[-1] < len(text) and text[ends[-1]] in _LEET:
        ends.append(ends[-1] + 1)
    for start in starts:
        for end in ends:
            if end - start <= largo:
                yield from (text[start:end].translate(table) for table in _LEET_TABLES)


def es_palabra_comun(password: str) -> bool:
    """Is the whole core of ``password`` one common word, first name or word of the portal?"""
    words = palabras_comunes()
    return any(core in words for core in nucleos(password, _mas_larga()))

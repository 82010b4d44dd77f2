"""The letters of a CURP that come from the names (positions 1-4 and 14-16), each with why it
is so: the rules RENAPO applies, and the tolerance domain.curp_cotejo needs for older CURPs.

>>> data = PersonData("JUAN JOSE", "D/AMICO", "ALVAREZ", date(1970, 5, 3), "H", "DF")
>>> "".join(letter for letter, _ in censor(letters_of(data)))
'DXAJXLN'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.curp_tables import (
    CONSONANTS,
    GIVEN_NAME_SKIPS,
    INCONVENIENT_WORDS,
    NAME_SPECIALS,
    PARTICLES,
    VOWELS,
)
from domain.mensajes import N_, Mensaje

# How messages name each form field: the letters' explanations, the data checks
# (domain.curp_generate) and the cotejo.
FIELD_LABELS = {
    "nombre": Mensaje(N_("tu nombre")),
    "primer_apellido": Mensaje(N_("tu primer apellido")),
    "segundo_apellido": Mensaje(N_("tu segundo apellido")),
    "fecha_nacimiento": Mensaje(N_("tu fecha de nacimiento")),
    "sexo": Mensaje(N_("tu sexo")),
    "entidad": Mensaje(N_("tu entidad de nacimiento")),
}
_MISSING = {
    "nombre": N_("X: no tienes nombre"),
    "primer_apellido": N_("X: no tienes primer apellido"),
    "segundo_apellido": N_("X: no tienes segundo apellido"),
}
_KINDS = {"vocal": Mensaje(N_("vocal")), "consonante": Mensaje(N_("consonante"))}


@dataclass(frozen=True, slots=True)
class PersonData:
    """Checked personal data: names folded to upper case, sex and entity as codes."""

    nombre: str
    primer_apellido: str
    segundo_apellido: str  # "" when the person has only one surname
    fecha_nacimiento: date
    sexo: str | None  # H, M, X; None only in a cotejo without it
    entidad: str | None  # a key of STATES; None only in a cotejo without it


def _drop_particles(words: list[str]) -> list[str]:
    while len(words) > 1 and words[0] in PARTICLES:
        words = words[1:]
    return words


def _word(part: str, given: bool = False, mode: str = "rules") -> tuple[str, str]:
    """The word of a name part that the CURP uses, and how to name it in an explanation.

    ``mode`` "literal" takes the first word as written; "wide" also skips M and M. (read as
    MARIA by some implementations). Both only serve the cotejo's tolerance."""
    words = part.split() if mode == "literal" else _drop_particles(part.split())
    skips = GIVEN_NAME_SKIPS | {"M", "M."} if mode == "wide" else GIVEN_NAME_SKIPS
    if given and mode != "literal" and len(words) > 1 and words[0] in skips:
        words = _drop_particles(words[1:])
    skipped = part.split()[: len(part.split()) - len(words)]
    word = words[0] if words else ""
    if not skipped:
        return word, word
    return word, Mensaje(
        N_("%(palabra)s; no se usa %(omitido)s"), palabra=word, omitido=" ".join(skipped)
    )


def _label(field: str, shown: str) -> Mensaje:
    return Mensaje("%(campo)s (%(escrito)s)", campo=FIELD_LABELS[field], escrito=shown)


def _initial(field: str, word: str, shown: str) -> tuple[str, str]:
    label = _label(field, shown)
    if not word:
        return "X", Mensaje(_MISSING[field])
    if word[0] == "Ñ":
        return "X", Mensaje(
            N_("X: %(campo)s empieza con Ñ, que en la CURP se escribe X"), campo=label
        )
    if word[0] in NAME_SPECIALS:
        return "X", Mensaje(N_("X: %(campo)s empieza con «%(signo)s»"), campo=label, signo=word[0])
    return word[0], Mensaje(N_("%(letra)s: inicial de %(campo)s"), letra=word[0], campo=label)


def _internal(field: str, word: str, shown: str, wanted: frozenset[str]) -> tuple[str, str]:
    """First internal vowel or consonant, scanning from the second letter."""
    kind = _KINDS["vocal" if wanted is VOWELS else "consonante"]
    label = _label(field, shown)
    if not word:
        return "X", Mensaje(_MISSING[field])
    for char in word[1:]:
        if char in NAME_SPECIALS:
            text = N_("X: en %(campo)s aparece «%(signo)s» antes de cualquier %(tipo)s")
            return "X", Mensaje(text, campo=label, signo=char, tipo=kind)
        if char == "Ñ" and wanted is CONSONANTS:
            text = N_("X: la primera consonante interna de %(campo)s es Ñ, que se escribe X")
            return "X", Mensaje(text, campo=label)
        if char in wanted:
            text = N_("%(letra)s: primera %(tipo)s interna de %(campo)s")
            return char, Mensaje(text, letra=char, tipo=kind, campo=label)
    return "X", Mensaje(N_("X: %(campo)s no tiene %(tipo)s interna"), campo=label, tipo=kind)


def letters_of(data: PersonData, mode: str = "rules") -> list[tuple[str, str]]:
    """Positions 1-4 and 14-16 as (letter, why), in CURP order, before the word check."""
    first = ("primer_apellido", *_word(data.primer_apellido, mode=mode))
    second = ("segundo_apellido", *_word(data.segundo_apellido, mode=mode))
    given = ("nombre", *_word(data.nombre, given=True, mode=mode))
    return [
        _initial(*first),
        _internal(*first, VOWELS),
        _initial(*second),
        _initial(*given),
        _internal(*first, CONSONANTS),
        _internal(*second, CONSONANTS),
        _internal(*given, CONSONANTS),
    ]


def censor(letters: list[tuple[str, str]]) -> list[tuple[str, str]]:
    word = "".join(letter for letter, _ in letters[:4])
    if word not in INCONVENIENT_WORDS:
        return letters
    why = N_(
        "X: con %(letra)s las letras 1 a 4 formarían %(palabra)s, una palabra inconveniente,"
        " y RENAPO pone X"
    )
    return [letters[0], ("X", Mensaje(why, letra=word[1], palabra=word)), *letters[2:]]

"""Cotejo: compare a CURP with its holder's data, position by position, to catch typos at
registration. The letters come from the rules in domain.curp_letras, with the tolerance older
CURPs need (see _options).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.curp import InvalidCurp, compact, report
from domain.curp_generate import person_data
from domain.curp_letras import FIELD_LABELS, PersonData, censor, letters_of
from domain.curp_mensajes import MISMATCH, MISMATCH_EACH, and_message, list_message
from domain.curp_tables import INCONVENIENT_WORDS, SEX_LABELS, state_label
from domain.mensajes import N_, Mensaje


@dataclass(frozen=True, slots=True)
class Discrepancy:
    field: str  # one of the form fields: nombre, primer_apellido, ...
    positions: tuple[int, ...]
    message: str


_SLOTS = (1, 2, 3, 4, 14, 15, 16)  # the order of letters_of()
_FIELD_SLOTS = {"primer_apellido": (1, 2, 14), "segundo_apellido": (3, 15), "nombre": (4, 16)}


def _options(data: PersonData, curp: str) -> list[dict[int, str]]:
    """Letters RENAPO may have written in 1-4 and 14-16; the rules' choice comes first.

    Tolerated: position 2 with or without the inconvenient-word X (old CURPs such as VACA
    keep the vowel; an X may come from a word formed with the CURP's own letters 1, 3 and 4),
    and each part's first word as written (older CURPs sometimes keep particles or MARIA), or
    M / M. skipped like MARIA."""
    options = []
    for mode in ("rules", "literal", "wide"):
        letters = letters_of(data, mode)
        raw = dict(zip(_SLOTS, (letter for letter, _ in letters), strict=True))
        options.append(dict(zip(_SLOTS, (letter for letter, _ in censor(letters)), strict=True)))
        options.append(raw)
        if curp[0] + raw[2] + curp[2:4] in INCONVENIENT_WORDS:
            options.append(raw | {2: "X"})
    return options


def _mismatch(field: str, positions: tuple[int, ...], expected: str, shown: str) -> Discrepancy:
    """``expected`` is one value (a date part, JC) or a name's letters, one per position."""
    values: dict[str, object] = {"campo": FIELD_LABELS[field], "escrito": shown}
    one, several = MISMATCH["posicion" if field == "fecha_nacimiento" else "letra"]
    if len(positions) == 1:
        text = Mensaje(one, n=positions[0], esperado=expected, **values)
    elif field in _FIELD_SLOTS:
        each = and_message(list(expected))
        text = Mensaje(MISMATCH_EACH, lista=list_message(positions), esperado=each, **values)
    else:
        text = Mensaje(several, lista=list_message(positions), esperado=expected, **values)
    return Discrepancy(field, positions, text)


def cotejar(
    curp: str,
    nombre: str,
    primer_apellido: str,
    segundo_apellido: str | None,
    fecha_nacimiento: date | str,
    sexo: str | None = None,
    entidad: str | None = None,
    today: date | None = None,
) -> tuple[Discrepancy, ...]:
    """Positions 1-16 of ``curp`` that disagree with the person's data (17-18 are ignored).

    Raises ``InvalidCurp`` when ``curp`` does not have 18 characters and ``CurpDataError``
    when the data is unusable.

    >>> cotejar("MURA900721MOCXZN01", "Ana", "Muñoz", "Ruiz", "1990-07-21", "M", "OC")
    ()
    >>> found = cotejar("MURA900721MOCXZN01", "Ana", "Munoz", "Ruiz", "1990-07-12")
    >>> [(d.field, d.positions) for d in found]
    [('fecha_nacimiento', (9, 10)), ('primer_apellido', (14,))]
    >>> found[1].message
    'La letra 14 no corresponde a tu primer apellido (MUNOZ): según tus datos sería N.'
    """
    value = compact(curp)
    if len(value) != 18:
        raise InvalidCurp(report(curp, today))
    data = person_data(
        nombre, primer_apellido, segundo_apellido, fecha_nacimiento, sexo, entidad, today, True
    )
    found: list[Discrepancy] = []
    options = _options(data, value)
    for field, slots in _FIELD_SLOTS.items():
        if any(all(option[p] == value[p - 1] for p in slots) for option in options):
            continue
        misses = [tuple(p for p in slots if option[p] != value[p - 1]) for option in options]
        wrong = min(misses, key=len)  # against the closest option
        shown = getattr(data, field) or Mensaje(N_("no tienes"))
        expected = "".join(options[misses.index(wrong)][p] for p in wrong)
        found.append(_mismatch(field, wrong, expected, shown))
    born = f"{data.fecha_nacimiento:%y%m%d}"
    wrong = tuple(i for i in range(5, 11) if value[i - 1] != born[i - 5])
    if wrong:
        shown = f"{data.fecha_nacimiento:%d/%m/%Y}"
        found.append(
            _mismatch("fecha_nacimiento", wrong, "".join(born[i - 5] for i in wrong), shown)
        )
    if data.sexo and value[10] != data.sexo:
        found.append(_mismatch("sexo", (11,), data.sexo, Mensaje(SEX_LABELS[data.sexo])))
    if data.entidad and value[11:13] != data.entidad:
        found.append(_mismatch("entidad", (12, 13), data.entidad, state_label(data.entidad)))
    return tuple(sorted(found, key=lambda d: d.positions[0]))

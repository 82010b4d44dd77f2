"""The Spanish copy of every CURP problem and cotejo hint, as Mensajes (see domain.mensajes).

In one place so it can be reviewed, and so a test can check that each template has its English.
A sentence about positions has two templates, one position and several: Spanish reads the same
("en las posiciones 1 y 2 va una letra") where English must agree ("Positions 1 and 2 take
letters"). Only problems are worded here: a valid CURP never builds a message.
"""

from __future__ import annotations

from datetime import date

from domain.curp_tables import MONTHS
from domain.mensajes import N_, Mensaje, unir

MESSAGES: dict[str, str] = {
    "empty": N_("Escribe tu CURP: son 18 letras y números."),
    "not_text": N_("La CURP debe llegar como texto."),
    "too_long": N_("Eso es demasiado largo para una CURP: tiene 18 letras y números."),
    "extra_one": N_("Tu CURP tiene %(cuantos)s carácter de más: son 18 y escribiste %(escritos)s."),
    "extra_many": N_(
        "Tu CURP tiene %(cuantos)s caracteres de más: son 18 y escribiste %(escritos)s."
    ),
    "missing_one": N_("A tu CURP le falta %(cuantos)s carácter: son 18 y escribiste %(escritos)s."),
    "missing_many": N_(
        "A tu CURP le faltan %(cuantos)s caracteres: son 18 y escribiste %(escritos)s."
    ),
    "missing_last": N_("Si falta el último, el dígito verificador, debería ser %(digito)s."),
    "junk": N_(
        "Una CURP solo lleva letras de la A a la Z sin acentos y números: revisa %(donde)s."
    ),
    "junk_enie": N_("La Ñ se escribe X."),
    "junk_invisible": N_(
        "Hay un espacio especial o un carácter invisible: bórralo y vuelve a escribir esa parte."
    ),
    "zero_for_o": N_("¿Escribiste un cero en lugar de la letra O?"),
    "o_for_zero": N_("¿Escribiste la letra O en lugar de un cero?"),
    "vowel": N_(
        "La posición 2 es la primera vocal interna de tu primer apellido (A, E, I, O, U) o una"
        " X, y tiene «%(caracter)s»."
    ),
    "month": N_(
        "El mes %(mes)s no existe: las posiciones 7 y 8 son tu mes de nacimiento (01 a 12)."
    ),
    "day": N_(
        "El día %(dia)s no existe: las posiciones 9 y 10 son tu día de nacimiento (01 a 31)."
    ),
    "day_in_month": N_("El día %(dia)s no existe en %(mes)s: revisa las posiciones 7 a 10."),
    "not_leap": N_("El año %(anio)s no fue bisiesto y no tuvo 29 de febrero."),
    "not_leap_1900": N_(
        "El 29 de febrero de 1900 no existe: 1900 no fue bisiesto (2000 sí, y se escribe con"
        " una letra en la posición 17)."
    ),
    "century": N_(
        "Con una letra en la posición 17 naciste el %(fecha)s, que aún no llega. Si naciste en"
        " 19%(anio)s, en la posición 17 va un número."
    ),
    "future": N_("El %(fecha)s aún no llega: revisa tu fecha de nacimiento."),
    "sex": N_(
        "La posición 11 es el sexo: H (hombre), M (mujer) o X (no binario), y tiene «%(caracter)s»."
    ),
    "sex_f": N_("Para mujer se usa M."),
    "state": N_(
        "Las posiciones 12 y 13 son la entidad donde naciste y %(clave)s no es una clave válida."
    ),
    "state_alt": N_("¿Quisiste decir %(clave)s (%(entidad)s)?"),
    "state_hint": N_("Por ejemplo: DF es Ciudad de México y NE, si naciste fuera de México."),
    "check_digit": N_(
        "El dígito verificador debería ser %(digito)s: revisa las letras y números anteriores."
    ),
    "inconvenient_word": N_(
        "Las letras 1 a 4 forman «%(palabra)s», que hoy RENAPO escribiría %(corregida)s; si así"
        " te dieron tu CURP, sigue siendo válida."
    ),
}

# (one position: %(n)s, several: %(lista)s)
AT_POSITIONS: dict[str, tuple[str, str]] = {
    "digit_for_letter": (
        N_("En la posición %(n)s va una letra, no un número."),
        N_("En las posiciones %(lista)s va una letra, no un número."),
    ),
    "letter_for_digit": (
        N_(
            "En la posición %(n)s va un número, no una letra: de la 5 a la 10 va tu fecha de"
            " nacimiento y en la 18 el dígito verificador."
        ),
        N_(
            "En las posiciones %(lista)s va un número, no una letra: de la 5 a la 10 va tu"
            " fecha de nacimiento y en la 18 el dígito verificador."
        ),
    ),
    "consonant": (
        N_(
            "En la posición %(n)s va una consonante o X, no una vocal (la 14 sale de tu primer"
            " apellido, la 15 del segundo y la 16 de tu nombre)."
        ),
        N_(
            "En las posiciones %(lista)s va una consonante o X, no una vocal (la 14 sale de tu"
            " primer apellido, la 15 del segundo y la 16 de tu nombre)."
        ),
    ),
}

# Cotejo hints (domain.curp_cotejo), (one position, several): the date names positions, the
# other fields letters.
MISMATCH: dict[str, tuple[str, str]] = {
    "posicion": (
        N_(
            "La posición %(n)s no corresponde a %(campo)s (%(escrito)s): según tus datos sería"
            " %(esperado)s."
        ),
        N_(
            "Las posiciones %(lista)s no corresponden a %(campo)s (%(escrito)s): según tus"
            " datos sería %(esperado)s."
        ),
    ),
    "letra": (
        N_(
            "La letra %(n)s no corresponde a %(campo)s (%(escrito)s): según tus datos sería"
            " %(esperado)s."
        ),
        N_(
            "Las letras %(lista)s no corresponden a %(campo)s (%(escrito)s): según tus datos"
            " sería %(esperado)s."
        ),
    ),
}
# Letters of a name, each one expected in its own position ("serían N y T").
MISMATCH_EACH = N_(
    "Las letras %(lista)s no corresponden a %(campo)s (%(escrito)s): según tus datos serían"
    " %(esperado)s."
)


def say(key: str, **valores: object) -> Mensaje:
    """One of ``MESSAGES`` with its values.

    >>> say("check_digit", digito="7")
    'El dígito verificador debería ser 7: revisa las letras y números anteriores.'
    """
    return Mensaje(MESSAGES[key], **valores)


def say_at(key: str, positions: tuple[int, ...]) -> Mensaje:
    """One of ``AT_POSITIONS``, worded for one position or for several.

    >>> say_at("digit_for_letter", (2,))
    'En la posición 2 va una letra, no un número.'
    >>> say_at("digit_for_letter", (1, 2, 3, 14))
    'En las posiciones 1 a 3 y 14 va una letra, no un número.'
    """
    one, several = AT_POSITIONS[key]
    if len(positions) == 1:
        return Mensaje(one, n=positions[0])
    return Mensaje(several, lista=list_message(positions))


def with_tips(text: Mensaje, *tips: Mensaje | None) -> Mensaje:
    """``text`` followed by the tips that apply, each its own sentence."""
    parts = [text, *(tip for tip in tips if tip)]
    return unir(" ", parts) if len(parts) > 1 else text


def and_message(items: list[str]) -> str:
    """Items joined the Spanish way, the "y" translatable.

    >>> and_message(["1", "2", "14"]), and_message(["N"])
    ('1, 2 y 14', 'N')
    """
    if len(items) < 2:
        return items[0] if items else ""  # a lone item may be a Mensaje ("5 a 10"): keep it
    return Mensaje(
        N_("%(anteriores)s y %(ultima)s"), anteriores=unir(", ", items[:-1]), ultima=items[-1]
    )


def list_message(positions: tuple[int, ...]) -> str:
    """Positions listed with runs collapsed: ``(5, 6, 7, 8, 9, 10, 17)`` → ``'5 a 10 y 17'``.

    >>> list_message((1, 2, 14)), list_message((5, 6, 7, 8, 9, 10, 17)), list_message((6, 8, 9, 10))
    ('1, 2 y 14', '5 a 10 y 17', '6 y 8 a 10')
    """
    parts: list[str] = []
    for run in _runs(positions):
        if len(run) > 2:
            parts.append(Mensaje(N_("%(desde)s a %(hasta)s"), desde=run[0], hasta=run[-1]))
        else:
            parts.extend(str(pos) for pos in run)
    return and_message(parts)


def _runs(positions: tuple[int, ...]) -> list[list[int]]:
    runs: list[list[int]] = []
    for pos in sorted(positions):
        if runs and pos == runs[-1][-1] + 1:
            runs[-1].append(pos)
        else:
            runs.append([pos])
    return runs


def where_message(positions: tuple[int, ...]) -> Mensaje:
    """A phrase naming one or more positions, for a sentence whose verb does not agree with it.

    >>> where_message((9,)), where_message((9, 10)), where_message((1, 2, 3, 5, 7))
    ('la posición 9', 'las posiciones 9 y 10', 'las posiciones 1 a 3, 5 y 7')
    """
    if len(positions) == 1:
        return Mensaje(N_("la posición %(n)s"), n=positions[0])
    return Mensaje(N_("las posiciones %(lista)s"), lista=list_message(positions))


def date_message(day: date) -> Mensaje:
    """A date in words, the month translatable.

    >>> date_message(date(2030, 11, 5))
    '5 de noviembre de 2030'
    """
    month = Mensaje(MONTHS[day.month - 1])
    return Mensaje(N_("%(dia)s de %(mes)s de %(anio)s"), dia=day.day, mes=month, anio=day.year)


def entity_error(entidad: object) -> str:
    """The calculator's entity problem: nothing chosen (the page's list, whose option for another
    country is "Fuera de México", domain.curp_tables.STATE_LABELS) or an entity written that we
    do not know (the API takes names and codes too).

    >>> entity_error(" ")
    'Elige tu entidad de nacimiento. Si naciste en otro país, elige «Fuera de México».'
    >>> entity_error("Atlantis").startswith("No reconocemos esa entidad")
    True
    """
    if entidad is None or (isinstance(entidad, str) and not entidad.strip()):
        return N_(
            "Elige tu entidad de nacimiento. Si naciste en otro país, elige «Fuera de México»."
        )
    return N_(
        "No reconocemos esa entidad: escribe su nombre (Jalisco) o su clave (JC);"
        " si naciste fuera de México, NE."
    )

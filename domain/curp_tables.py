"""Catalogues used by the CURP rules: entities, inconvenient words, alphabet, particles.

Sources: the RENAPO *Instructivo Normativo* (Anexo 2 and Anexo 4) as summarised in
shared/research/curp-rules.md. Kept apart from the logic so the tables can be read at a glance.
"""

from __future__ import annotations

import unicodedata

from domain.mensajes import N_, Mensaje, unir

# Value of each character for the check digit. The Ñ keeps its slot even though it never
# appears in a CURP: without it every letter after N would be worth one less.
ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
VALUES: dict[str, int] = {char: value for value, char in enumerate(ALPHABET)}

VOWELS = frozenset("AEIOU")
LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = frozenset("0123456789")
CONSONANTS = LETTERS - VOWELS  # Y counts as a consonant in the CURP
NAME_SPECIALS = frozenset("/-.'")  # met while scanning a name part, they yield X

# Anexo 4. Mexico City keeps its historical code DF.
STATES: dict[str, str] = {
    "AS": "Aguascalientes",
    "BC": "Baja California",
    "BS": "Baja California Sur",
    "CC": "Campeche",
    "CL": "Coahuila",
    "CM": "Colima",
    "CS": "Chiapas",
    "CH": "Chihuahua",
    "DF": "Ciudad de México",
    "DG": "Durango",
    "GT": "Guanajuato",
    "GR": "Guerrero",
    "HG": "Hidalgo",
    "JC": "Jalisco",
    "MC": "Estado de México",
    "MN": "Michoacán",
    "MS": "Morelos",
    "NT": "Nayarit",
    "NL": "Nuevo León",
    "OC": "Oaxaca",
    "PL": "Puebla",
    "QT": "Querétaro",
    "QR": "Quintana Roo",
    "SP": "San Luis Potosí",
    "SL": "Sinaloa",
    "SR": "Sonora",
    "TC": "Tabasco",
    "TS": "Tamaulipas",
    "TL": "Tlaxcala",
    "VZ": "Veracruz",
    "YN": "Yucatán",
    "ZS": "Zacatecas",
    "NE": "Nacido en el extranjero",
}

# Codes people type by mistake, with the code they most likely meant.
STATE_LOOKALIKES: dict[str, str] = {
    "CX": "DF",
    "CD": "DF",
    "EM": "MC",
    "ME": "MC",
    "OX": "OC",
    "JA": "JC",
    "JL": "JC",
    "YU": "YN",
    "EX": "NE",
}


def fold(text: str) -> str:
    """Upper-case ``text`` and drop accents and diaeresis, keeping Ñ.

    >>> fold("Peña Argüello, Ángel")
    'PEÑA ARGUELLO, ANGEL'
    """
    out = []
    for char in text.upper():
        if char == "Ñ":
            out.append(char)
            continue
        out.extend(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return "".join(out)


# Extra spellings accepted when a person names their entity of birth.
_STATE_ALIASES: dict[str, str] = {
    "CDMX": "DF",
    "CIUDAD DE MEXICO": "DF",
    "DISTRITO FEDERAL": "DF",
    "MEXICO": "MC",
    "EDOMEX": "MC",
    "ESTADO DE MEXICO": "MC",
    "COAHUILA DE ZARAGOZA": "CL",
    "MICHOACAN DE OCAMPO": "MN",
    "VERACRUZ DE IGNACIO DE LA LLAVE": "VZ",
    "EXTRANJERO": "NE",
    "NACIDO EN EL EXTRANJERO": "NE",
    "NACIDA EN EL EXTRANJERO": "NE",
}
STATE_BY_NAME: dict[str, str] = {fold(name): code for code, name in STATES.items()}
STATE_BY_NAME.update(_STATE_ALIASES)

# Spanish, as everywhere in the domain; marked so the pages can translate them (|traducir).
SEX_LABELS: dict[str, str] = {"H": N_("Hombre"), "M": N_("Mujer"), "X": N_("No binario")}
SEX_BY_NAME: dict[str, str] = {
    "HOMBRE": "H",
    "MASCULINO": "H",
    "MUJER": "M",
    "FEMENINO": "M",
    "NO BINARIO": "X",
    "NO BINARIE": "X",
    "NOBINARIO": "X",
}

# Anexo 2: when positions 1-4 would spell one of these, RENAPO writes X in position 2.
_INCONVENIENT = """
    BACA BAKA BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COGI COJA COJE COJI COJO COLA CULO
    FALO FETO GETA GUEI GUEY JETA JOTO KACA KACO KAGA KAGO KAKA KAKO KOGE KOGI KOJA KOJE KOJI
    KOJO KOLA KULO LILO LOCA LOCO LOKA LOKO MAME MAMO MEAR MEAS MEON MIAR MION MOCO MOKO MULA
    MULO NACA NACO PEDA PEDO PENE PIPI PITO POPO PUTA PUTO QULO RATA ROBA ROBE ROBO RUIN SENO
    TETA VACA VAGA VAGO VAKA VUEI VUEY WUEI WUEY
"""
INCONVENIENT_WORDS = frozenset(_INCONVENIENT.split())

# Leading words skipped in surnames and given names (Instructivo, criterios de excepción).
_PARTICLES = "DA DAS DE DEL DER DI DIE DD EL LA LOS LAS LE LES MAC MC VAN VON Y"
PARTICLES = frozenset(_PARTICLES.split())
# First word of a compound given name that is skipped once.
GIVEN_NAME_SKIPS = frozenset({"MARIA", "MA.", "MA", "JOSE", "J", "J."})


def spanish_list(items: list[str]) -> str:
    """Join items the Spanish way.

    >>> spanish_list(["1", "2", "14"])
    '1, 2 y 14'
    """
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " y " + items[-1]


def positions_text(positions: tuple[int, ...]) -> str:
    """Describe positions in Spanish, collapsing runs: ``(5, 6, 7)`` → ``'5 a 7'``.

    >>> positions_text((1, 2, 14)), positions_text((5, 6, 7, 8, 9, 10, 17))
    ('1, 2 y 14', '5 a 10 y 17')
    """
    parts: list[str] = []
    for run in _runs(positions):
        if len(run) > 2:
            parts.append(f"{run[0]} a {run[-1]}")
        else:
            parts.extend(str(pos) for pos in run)
    return spanish_list(parts)


def _runs(positions: tuple[int, ...]) -> list[list[int]]:
    runs: list[list[int]] = []
    for pos in sorted(positions):
        if runs and pos == runs[-1][-1] + 1:
            runs[-1].append(pos)
        else:
            runs.append([pos])
    return runs


MONTHS = (
    *(N_("enero"), N_("febrero"), N_("marzo"), N_("abril"), N_("mayo"), N_("junio")),
    *(N_("julio"), N_("agosto"), N_("septiembre"), N_("octubre"), N_("noviembre")),
    N_("diciembre"),
)


def where(positions: tuple[int, ...]) -> str:
    """Spanish phrase naming one or more positions.

    >>> where((9,)), where((9, 10))
    ('la posición 9', 'las posiciones 9 y 10')
    """
    if len(positions) == 1:
        return f"la posición {positions[0]}"
    return f"las posiciones {positions_text(positions)}"


def where_message(positions: tuple[int, ...]) -> Mensaje:
    """``where`` as a Mensaje, for the messages that the pages translate.

    >>> [where_message(p) == where(p) for p in ((9,), (9, 10), (1, 2, 3), (1, 2, 3, 5, 7))]
    [True, True, True, True]
    """
    if len(positions) == 1:
        return Mensaje(N_("la posición %(n)s"), n=positions[0])
    parts: list[str] = []
    for run in _runs(positions):
        if len(run) > 2:
            parts.append(Mensaje(N_("%(desde)s a %(hasta)s"), desde=run[0], hasta=run[-1]))
        else:
            parts.extend(str(pos) for pos in run)
    if len(parts) == 1:
        return Mensaje(N_("las posiciones %(lista)s"), lista=parts[0])
    last = Mensaje(
        N_("%(anteriores)s y %(ultima)s"), anteriores=unir(", ", parts[:-1]), ultima=parts[-1]
    )
    return Mensaje(N_("las posiciones %(lista)s"), lista=last)


def resolve_state(value: str) -> str | None:
    """The entity code for a code or a name (any case, with or without accents).

    >>> resolve_state("df"), resolve_state("Nuevo Leon"), resolve_state("Querétaro")
    ('DF', 'NL', 'QT')
    >>> resolve_state("CDMX"), resolve_state("Atlantis")
    ('DF', None)
    """
    key = " ".join(fold(value).replace(".", " ").split())
    if key in STATES:
        return key
    return STATE_BY_NAME.get(key)


# Spanish copy of every CURP problem, in one place so it can be reviewed (and translated).
MESSAGES: dict[str, str] = {
    "empty": "Escribe tu CURP: son 18 letras y números.",
    "not_text": "La CURP debe llegar como texto.",
    "too_long": "Eso es demasiado largo para una CURP: tiene 18 letras y números.",
    "extra": "Tu CURP tiene {count} {chars} de más: son 18 y escribiste {n}.",
    "missing": "A tu CURP le {faltan} {count} {chars}: son 18 y escribiste {n}.",
    "missing_last": " Si falta el último, el dígito verificador, debería ser {digit}.",
    "junk": "Una CURP solo lleva letras de la A a la Z sin acentos y números: revisa {where}.",
    "junk_enie": " La Ñ se escribe X.",
    "junk_invisible": " Hay un espacio especial o un carácter invisible: bórralo y vuelve a"
    " escribir esa parte.",
    "digit_for_letter": "En {where} va una letra, no un número.",
    "zero_for_o": " ¿Escribiste un cero en lugar de la letra O?",
    "letter_for_digit": "En {where} va un número, no una letra: de la 5 a la 10 va tu fecha de"
    " nacimiento y en la 18 el dígito verificador.",
    "o_for_zero": " ¿Escribiste la letra O en lugar de un cero?",
    "vowel": "La posición 2 es la primera vocal interna de tu primer apellido (A, E, I, O, U)"
    " o una X, y tiene «{char}».",
    "month": "El mes {mm} no existe: las posiciones 7 y 8 son tu mes de nacimiento (01 a 12).",
    "day": "El día {dd} no existe: las posiciones 9 y 10 son tu día de nacimiento (01 a 31).",
    "day_in_month": "El día {day} no existe en {month}: revisa las posiciones 7 a 10.",
    "not_leap": "El año {yy} no fue bisiesto y no tuvo 29 de febrero.",
    "not_leap_1900": "El 29 de febrero de 1900 no existe: 1900 no fue bisiesto (2000 sí, y se"
    " escribe con una letra en la posición 17).",
    "century": "Con una letra en la posición 17 naciste el {when}, que aún no llega. Si naciste"
    " en 19{yy}, en la posición 17 va un número.",
    "future": "El {when} aún no llega: revisa tu fecha de nacimiento.",
    "sex": "La posición 11 es el sexo: H (hombre), M (mujer) o X (no binario), y tiene «{char}».",
    "sex_f": " Para mujer se usa M.",
    "state": "Las posiciones 12 y 13 son la entidad donde naciste y {code} no es una clave válida.",
    "state_alt": " ¿Quisiste decir {alt} ({name})?",
    "state_hint": " Por ejemplo: DF es Ciudad de México y NE, nacido en el extranjero.",
    "consonant": "En {where} va una consonante o X, no una vocal (la 14 sale de tu primer"
    " apellido, la 15 del segundo y la 16 de tu nombre).",
    "check_digit": "El dígito verificador debería ser {digit}: revisa las letras y números"
    " anteriores.",
    "inconvenient_word": "Las letras 1 a 4 forman «{word}», que hoy RENAPO escribiría {fixed};"
    " si así te dieron tu CURP, sigue siendo válida.",
}

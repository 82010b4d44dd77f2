"""Catalogues used by the CURP rules: entities, inconvenient words, alphabet, particles, months.

Sources: the *Instructivo Normativo para la Asignación de la CURP* (SEGOB/RENAPO, 2006), Anexo 2
(palabras inconvenientes) and Anexo 4 (claves de las entidades federativas); the current
Instructivo is in the DOF of 18 June 2018. Kept apart from the logic so the tables can be read
at a glance.
"""

from __future__ import annotations

import unicodedata

from domain.mensajes import N_, Mensaje

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

# How the pages name an entity where that differs from the catalogue, marked for translation
# (|entidad): RENAPO's "Nacido en el extranjero" reads as masculine, so the pages say where,
# not who. The catalogue names above stay as they are: the API returns them.
STATE_LABELS: dict[str, str] = {
    "DF": N_("Ciudad de México"),
    "MC": N_("Estado de México"),
    "NE": N_("Fuera de México"),
}


def state_label(code: str) -> str:
    """The entity of birth as the pages name it, for a message: where STATE_LABELS has a label,
    a Mensaje the pages translate (|traducir); else RENAPO's name, a proper name in any language.

    >>> state_label("NE"), state_label("JC"), type(state_label("NE")).__name__
    ('Fuera de México', 'Jalisco', 'Mensaje')
    """
    label = STATE_LABELS.get(code)
    return Mensaje(label) if label else STATES[code]


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
    "FUERA DE MEXICO": "NE",
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

# Marked so the pages can translate them; the messages live in domain/curp_mensajes.py.
MONTHS = (
    *(N_("enero"), N_("febrero"), N_("marzo"), N_("abril"), N_("mayo"), N_("junio")),
    *(N_("julio"), N_("agosto"), N_("septiembre"), N_("octubre"), N_("noviembre")),
    N_("diciembre"),
)


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

"""Build a CURP from personal data (positions 1-16) and explain it. The letters from the names
follow domain.curp_letras, which domain.curp_cotejo also uses to compare a CURP with its holder's
data.

>>> g = generate("Ofelia", "Pedrero", "Domínguez", "1950-01-01", "M", "Jalisco")
>>> g.prefix, g.hint
('PXDO500101MJCDMF', 'PXDO500101MJCDMF02')
>>> g.explanation[0].text.split(". ")[1]
'X: con E las letras 1 a 4 formarían PEDO, una palabra inconveniente, y RENAPO pone X'
>>> [block.positions for block in g.prefix_explanation]
['1-4', '5-10', '11', '12-13', '14-16']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from domain.curp import check_digit
from domain.curp_letras import FIELD_LABELS, PersonData, censor, letters_of
from domain.curp_mensajes import date_message, entity_error
from domain.curp_tables import (
    LETTERS,
    NAME_SPECIALS,
    SEX_BY_NAME,
    SEX_LABELS,
    fold,
    resolve_state,
    state_label,
)
from domain.hoy import today_in_mexico
from domain.mensajes import N_, Mensaje, unir

# Field errors, explanations and cotejo hints are Spanish Mensajes (see domain.mensajes): the
# pages translate them, the API shows them as they are.
RENAPO_NOTE = N_(
    "Las posiciones 17 y 18 las asigna RENAPO: la 17 distingue a personas con los mismos datos"
    " (un número si naciste antes de 2000, una letra desde 2000) y la 18 es el dígito"
    " verificador. La CURP completa que mostramos es solo una pista: confírmala en gob.mx/curp."
)
# The block of the explanation about RENAPO's positions, whose value is the hint's guess.
RENAPO_POSITIONS = "17-18"
# For a date not typed as the API takes it; the HTML forms, whose field is a date control,
# replace it with their own (blueprints/fecha_formulario.py).
FECHA_AAAA_MM_DD = N_("Escribe tu fecha de nacimiento como AAAA-MM-DD.")
_LETTERS = LETTERS | {"Ñ"}
_NAME_CHARS = _LETTERS | NAME_SPECIALS
_NAME_CAP = 120
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u00b4`", "'"))  # phones' O’CONNOR
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# dd/mm/aaaa too: what people type where a browser shows the date field as plain text.
_DATE_SHAPE = re.compile(rf"{_ISO_DATE.pattern}|[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}")


class CurpDataError(ValueError):
    """Personal data that cannot make a CURP; ``errors`` maps each form field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ExplanationBlock:
    positions: str  # "1-4", "11", ...
    value: str
    text: str


@dataclass(frozen=True, slots=True)
class GeneratedCurp:
    prefix: str  # positions 1-16, fixed by the rules
    hint: str  # prefix + differentiator 0 (born up to 1999) or A (from 2000) + its check digit
    explanation: tuple[ExplanationBlock, ...]
    renapo_note: str = RENAPO_NOTE

    @property
    def prefix_explanation(self) -> tuple[ExplanationBlock, ...]:
        """The blocks of positions 1-16, which the data fix: for a page that shows the prefix
        alone, without the hint's guess at RENAPO's positions."""
        return tuple(b for b in self.explanation if b.positions != RENAPO_POSITIONS)


def _name(errors: dict[str, str], field: str, text: object, required: bool = True) -> str:
    if isinstance(text, str) and len(text) > _NAME_CAP:
        errors[field] = Mensaje(
            N_("Es demasiado largo: usa a lo más %(n)s caracteres."), n=_NAME_CAP
        )
        return ""
    folded = " ".join(fold(text).translate(_APOSTROPHES).split()) if isinstance(text, str) else ""
    if not folded:
        if required:
            errors[field] = Mensaje(N_("Escribe %(campo)s."), campo=FIELD_LABELS[field])
        return ""
    if name_intruder(folded) is not None:
        errors[field] = N_("Usa solo letras, espacios y los signos / - . '")
    return folded


def name_intruder(text: str) -> str | None:
    """The first character of ``text`` that no name has; "" if it has no letter at all; None
    if it can be a name: letters with or without accents, Ñ, spaces and the signs / - . '.

    The forms' rule, which the registry import applies too.

    >>> names = ("María de los Ángeles", "O’Gorman", "Peña-Nieto", "Ma. Guadalupe", "Argüelles")
    >>> [name_intruder(name) for name in names]
    [None, None, None, None, None]
    >>> name_intruder("<script>"), name_intruder("Juan 2"), name_intruder(" - . ")
    ('<', '2', '')
    """
    for char in text:
        if not (char.isspace() or set(fold(char).translate(_APOSTROPHES)) <= _NAME_CHARS):
            return char
    return None if set(fold(text)) & _LETTERS else ""


def _birth_date(errors: dict[str, str], value: object, today: date, iso_only: bool) -> date:
    born = value.date() if isinstance(value, datetime) else value
    if isinstance(value, str):
        text = value.strip()
        if not (_ISO_DATE if iso_only else _DATE_SHAPE).fullmatch(text):
            errors["fecha_nacimiento"] = FECHA_AAAA_MM_DD
            return date.min
        try:
            born = datetime.strptime(text, "%Y-%m-%d" if "-" in text else "%d/%m/%Y").date()
        except ValueError:
            errors["fecha_nacimiento"] = N_("Esa fecha no existe: revisa el día y el mes.")
            return date.min
    if not isinstance(born, date):
        errors["fecha_nacimiento"] = N_("Escribe tu fecha de nacimiento.")
    elif born > today:
        errors["fecha_nacimiento"] = N_("Tu fecha de nacimiento no puede ser futura.")
    elif born.year < 1900:
        errors["fecha_nacimiento"] = N_("La CURP solo registra nacimientos desde 1900.")
    else:
        return born
    return date.min


def person_data(
    nombre: str,
    primer_apellido: str,
    segundo_apellido: str | None,
    fecha_nacimiento: date | str,
    sexo: str | None,
    entidad: str | None,
    today: date | None = None,
    partial: bool = False,
    iso_date_only: bool = False,
) -> PersonData:
    """Check the data; raise ``CurpDataError`` with every bad field. ``partial`` allows no
    sexo or entidad (cotejo); ``iso_date_only`` refuses a dd/mm/aaaa date (the API's contract).
    """
    errors: dict[str, str] = {}
    names = [
        _name(errors, "nombre", nombre),
        _name(errors, "primer_apellido", primer_apellido),
        _name(errors, "segundo_apellido", segundo_apellido, required=False),
    ]
    born = _birth_date(errors, fecha_nacimiento, today or today_in_mexico(), iso_date_only)
    sex = fold(sexo).strip() if isinstance(sexo, str) else ""
    sex = sex if sex in SEX_LABELS else SEX_BY_NAME.get(" ".join(sex.split()), "")
    if not sex and not (partial and not sexo):
        errors["sexo"] = N_("Elige H (hombre), M (mujer) o X (no binario).")
    state = resolve_state(entidad) if isinstance(entidad, str) else None
    if state is None and not (partial and not entidad):
        errors["entidad"] = entity_error(entidad)
    if errors:
        raise CurpDataError(errors)
    return PersonData(names[0], names[1], names[2], born, sex or None, state)


def generate(
    nombre: str,
    primer_apellido: str,
    segundo_apellido: str | None,
    fecha_nacimiento: date | str,
    sexo: str,
    entidad: str,
    today: date | None = None,
    iso_date_only: bool = False,
) -> GeneratedCurp:
    """The 16 characters fixed by the rules, a full CURP as a hint, and why each part is so.

    >>> generate("Juan José", "D/Amico", "Álvarez", date(1970, 5, 3), "hombre", "df").prefix
    'DXAJ700503HDFXLN'
    >>> generate("Ana", "Ruiz", None, "02/01/1990", "M", "NE").prefix  # as a form may send it
    'RUXA900102MNEZXN'
    >>> generate("Ana", "Ruiz", None, "02/01/1990", "M", "NE", iso_date_only=True)
    Traceback (most recent call last):
    domain.curp_generate.CurpDataError: Escribe tu fecha de nacimiento como AAAA-MM-DD.
    """
    data = person_data(
        nombre,
        primer_apellido,
        segundo_apellido,
        fecha_nacimiento,
        sexo,
        entidad,
        today,
        iso_date_only=iso_date_only,
    )
    assert data.sexo is not None and data.entidad is not None
    letters = censor(letters_of(data))
    born, sex, state = data.fecha_nacimiento, data.sexo, data.entidad
    initials = "".join(letter for letter, _ in letters[:4])
    consonants = "".join(letter for letter, _ in letters[4:])
    prefix = f"{initials}{born:%y%m%d}{sex}{state}{consonants}"
    seventeen = prefix + ("0" if born.year < 2000 else "A")
    hint = seventeen + check_digit(seventeen)
    birth = Mensaje(N_("Tu fecha de nacimiento (AAMMDD): %(fecha)s."), fecha=date_message(born))
    sex_text = Mensaje(N_("%(clave)s: sexo, %(sexo)s."), clave=sex, sexo=Mensaje(SEX_LABELS[sex]))
    state_text = N_("%(clave)s: entidad de nacimiento, %(entidad)s.")
    where = Mensaje(state_text, clave=state, entidad=state_label(state))  # «Fuera de México»
    blocks = (
        ExplanationBlock("1-4", initials, unir(". ", [why for _, why in letters[:4]], ".")),
        ExplanationBlock("5-10", prefix[4:10], birth),
        ExplanationBlock("11", sex, sex_text),
        ExplanationBlock("12-13", state, where),
        ExplanationBlock("14-16", consonants, unir(". ", [why for _, why in letters[4:]], ".")),
        ExplanationBlock(RENAPO_POSITIONS, hint[16:], RENAPO_NOTE),
    )
    return GeneratedCurp(prefix=prefix, hint=hint, explanation=blocks)

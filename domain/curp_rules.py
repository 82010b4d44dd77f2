"""The CURP rules behind ``domain.curp.report``: the check digit, and each check of a normalised
value with the ``Problem`` it reports (code, positions, message). Only the full report runs the
checks: a valid CURP is settled by ``domain.curp``'s fast path, which needs only the check
digit, without building any message.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from domain.curp_mensajes import date_message, say, say_at, where_message, with_tips
from domain.curp_tables import (
    DIGITS,
    INCONVENIENT_WORDS,
    LETTERS,
    MONTHS,
    SEX_LABELS,
    STATE_LOOKALIKES,
    STATES,
    VALUES,
    VOWELS,
    state_label,
)
from domain.mensajes import Mensaje


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: a fixed code, the 1-based positions involved, a Spanish message.

    ``message`` is a ``Mensaje``: the pages translate it, the JSON API shows it as it is.
    """

    code: str
    positions: tuple[int, ...]
    message: str


_LAYOUT = "LLLLDDDDDDLLLLLLAD"  # L letter, D digit, A either (position 17)
_SHAPE = re.compile(r"[A-Z]{4}[0-9]{6}[A-Z]{6}[0-9A-Z][0-9]", re.ASCII)
_WEIGHTS = tuple(range(18, 1, -1))


def check_digit(first17: str) -> str:
    """The check digit (position 18) of the first 17 characters.

    >>> check_digit("SABC560626MDFLRN0")
    '1'
    """
    if len(first17) < 17:
        raise ValueError("se necesitan 17 letras A-Z o números")
    try:
        total = sum(map(int.__mul__, map(VALUES.__getitem__, first17[:17]), _WEIGHTS))
    except KeyError:
        raise ValueError("se necesitan 17 letras A-Z o números") from None
    return str(-total % 10)


def format_problems(head: str) -> list[Problem]:
    if _SHAPE.fullmatch(head):  # the usual typo keeps letters and digits in their places
        return []
    junk = tuple(i for i, c in enumerate(head, 1) if c not in LETTERS and c not in DIGITS)
    digits = tuple(i for i, c in enumerate(head, 1) if _LAYOUT[i - 1] == "L" and c in DIGITS)
    letters = tuple(i for i, c in enumerate(head, 1) if _LAYOUT[i - 1] == "D" and c in LETTERS)
    found = []
    if junk:
        enie = say("junk_enie") if "Ñ" in head else None
        invisible = any(head[i - 1].isspace() or not head[i - 1].isprintable() for i in junk)
        text = say("junk", donde=where_message(junk))
        text = with_tips(text, enie, say("junk_invisible") if invisible else None)
        found.append(Problem("format", junk, text))
    if digits:
        tip = say("zero_for_o") if any(head[i - 1] == "0" for i in digits) else None
        found.append(Problem("format", digits, with_tips(say_at("digit_for_letter", digits), tip)))
    if letters:
        tip = say("o_for_zero") if any(head[i - 1] == "O" for i in letters) else None
        text = with_tips(say_at("letter_for_digit", letters), tip)
        found.append(Problem("format", letters, text))
    return found


def check_date(head: str, today: date) -> Problem | date | None:
    """The birth date, what is wrong with it, or None while position 17 (the century) is unknown."""
    yy, mm, dd = int(head[4:6]), int(head[6:8]), int(head[8:10])
    if not 1 <= mm <= 12:
        return Problem("date", (7, 8), say("month", mes=head[6:8]))
    if not 1 <= dd <= 31:
        return Problem("date", (9, 10), say("day", dia=head[8:10]))
    start = None
    if len(head) >= 17 and (head[16] in DIGITS or head[16] in LETTERS):
        start = 1900 if head[16] in DIGITS else 2000
    years = (start + yy,) if start else (1900 + yy, 2000 + yy)
    if all(dd > calendar.monthrange(year, mm)[1] for year in years):
        if (mm, dd) != (2, 29):
            text = say("day_in_month", dia=dd, mes=Mensaje(MONTHS[mm - 1]))
            return Problem("date", (7, 8, 9, 10), text)
        if start == 1900 and yy == 0:
            return Problem("date", (5, 6, 7, 8, 9, 10, 17), say("not_leap_1900"))
        return Problem("date", (5, 6, 7, 8, 9, 10), say("not_leap", anio=head[4:6]))
    if start is None:
        return None
    born = date(start + yy, mm, dd)
    if born <= today:
        return born
    when = date_message(born)
    if start == 2000:
        tip = say("o_for_zero") if head[16] == "O" else None
        text = with_tips(say("century", fecha=when, anio=head[4:6]), tip)
        return Problem("century", (5, 6, 17), text)
    return Problem("date", (5, 6, 7, 8, 9, 10), say("future", fecha=when))


def check_letters(head: str) -> list[Problem]:
    """Position 2 (vowel), 11 (sex), 12-13 (entity) and 14-16 (consonants)."""
    found, n = [], len(head)
    if n >= 2 and head[1] in LETTERS and head[1] not in "AEIOUX":
        found.append(Problem("vowel", (2,), say("vowel", caracter=head[1])))
    if n >= 11 and head[10] in LETTERS and head[10] not in SEX_LABELS:
        tip = say("sex_f") if head[10] == "F" else None
        found.append(Problem("sex", (11,), with_tips(say("sex", caracter=head[10]), tip)))
    code = head[11:13]
    if len(code) == 2 and code[0] in LETTERS and code[1] in LETTERS and code not in STATES:
        alt = STATE_LOOKALIKES.get(code)
        # Named as the valid CURP's panel names it: «Fuera de México», in the page's language.
        tip = say("state_alt", clave=alt, entidad=state_label(alt)) if alt else say("state_hint")
        found.append(Problem("state", (12, 13), with_tips(say("state", clave=code), tip)))
    vowels = tuple(i for i in (14, 15, 16) if i <= n and head[i - 1] in VOWELS)
    if vowels:
        found.append(Problem("consonant", vowels, say_at("consonant", vowels)))
    return found


def length_problem(n: int, expected: str | None) -> Problem:
    if n == 0:
        return Problem("length", (), say("empty"))
    count = abs(n - 18)
    number = "one" if count == 1 else "many"
    if n > 18:
        text = say(f"extra_{number}", cuantos=count, escritos=n)
        return Problem("length", tuple(range(19, n + 1)), text)
    text = say(f"missing_{number}", cuantos=count, escritos=n)
    if expected is not None:
        text = with_tips(text, say("missing_last", digito=expected))
    return Problem("length", tuple(range(n + 1, 19)), text)


def warnings_of(head: str) -> tuple[Problem, ...]:
    if head[:4] not in INCONVENIENT_WORDS:
        return ()
    text = say("inconvenient_word", palabra=head[:4], corregida=head[0] + "X" + head[2:4])
    return (Problem("inconvenient_word", (1, 2, 3, 4), text),)

"""CURP (Clave Única de Registro de Población): normalise, validate, explain what is wrong.

Same shape as python-stdnum: ``compact``, ``validate``, ``is_valid``; plus ``report``, which
lists every problem at once with its positions and a Spanish message for the person (a
``Mensaje`` from domain.curp_mensajes, which the pages translate).

>>> validate(" loo a531113-htcpbn07 ")
'LOOA531113HTCPBN07'
>>> [(p.code, p.positions) for p in report("LOOA531131HTCPBN07").errors]
[('date', (7, 8, 9, 10)), ('check_digit', (18,))]
>>> report("LOOA531131HTCPBN07").errors[0].message
'El día 31 no existe en noviembre: revisa las posiciones 7 a 10.'

"""

from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

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
    resolve_state,
)
from domain.mensajes import Mensaje

__all__ = [
    "STATES",
    "CurpFacts",
    "CurpReport",
    "InvalidCurp",
    "Problem",
    "check_digit",
    "compact",
    "is_valid",
    "report",
    "resolve_state",
    "today_in_mexico",
    "validate",
]

MEXICO_CITY = ZoneInfo("America/Mexico_City")
MAX_LENGTH = 64  # a longer normalised value is a `length` error, its characters are not scanned
_RAW_CAP = 1024  # a longer input is not even normalised
_ECHO_CAP = 256  # how much of the input a report keeps

_FAST = re.compile(
    r"[A-Z][AEIOUX][A-Z]{2}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[HMX]"
    r"(?:AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS"
    r"|TL|VZ|YN|ZS|NE)[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]",
    re.ASCII,
)
_WEIGHTS = tuple(range(18, 1, -1))
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyzñ", "ABCDEFGHIJKLMNOPQRSTUVWXYZÑ", " -_")


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: a fixed code, the 1-based positions involved, a Spanish message.

    ``message`` is a ``Mensaje``: the pages translate it, the JSON API shows it as it is.
    """

    code: str
    positions: tuple[int, ...]
    message: str


@dataclass(frozen=True, slots=True)
class CurpFacts:
    """What a valid CURP says about its holder."""

    birth_date: date
    age: int
    sex: str  # H, M or X
    sex_label: str  # Hombre, Mujer, No binario
    state_code: str
    state_name: str
    century: int  # 1900 (position 17 is a digit) or 2000 (a letter)


@dataclass(frozen=True, slots=True)
class CurpReport:
    """Everything found in one value.

    ``input`` is the text received (cut to 256 characters); ``normalised`` the compacted text
    ("" when it is not text or longer than 64 characters); ``curp`` the normalised value when it
    has 18 characters, even if invalid, so a form can show it with the wrong characters marked.
    ``birth_date``, ``sex`` and ``state_*`` are filled whenever their own positions are right.
    """

    input: str
    curp: str | None
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    birth_date: date | None = None
    sex: str | None = None
    state_code: str | None = None
    state_name: str | None = None
    normalised: str = ""

    @property
    def valid(self) -> bool:
        return self.curp is not None and not self.errors

    def facts(self, today: date | None = None) -> CurpFacts | None:
        """Birth date, age on ``today``, sex, entity and century; None if the CURP is invalid."""
        if not self.valid or self.curp is None or self.birth_date is None:
            return None
        today = today or today_in_mexico()
        born = self.birth_date
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return CurpFacts(
            birth_date=born,
            age=age,
            sex=self.curp[10],
            sex_label=SEX_LABELS[self.curp[10]],
            state_code=self.curp[11:13],
            state_name=STATES[self.curp[11:13]],
            century=1900 if self.curp[16].isdigit() else 2000,
        )


class InvalidCurp(ValueError):
    """Raised by ``validate``; ``report`` holds every problem found."""

    def __init__(self, result: CurpReport) -> None:
        super().__init__(" ".join(p.message for p in result.errors))
        self.report = result


class _Today:
    """Today's date in Mexico City, recomputed only when the local day changes."""

    until = 0.0
    since = 0.0
    value = date.min

    @classmethod
    def get(cls) -> date:
        now = time.time()
        if not cls.since <= now < cls.until:
            local = datetime.now(MEXICO_CITY)
            midnight = datetime.combine(local.date(), datetime.min.time(), MEXICO_CITY)
            cls.since, cls.value = midnight.timestamp(), local.date()
            cls.until = (midnight + timedelta(days=1)).timestamp()
        return cls.value


def today_in_mexico() -> date:
    """The current date in Mexico City, the default ``today`` of every check."""
    return _Today.get()


def _normalise(text: str) -> str:
    text = text.strip()
    if text.isascii():
        return text.replace(" ", "").replace("-", "").replace("_", "").upper()
    # Only ASCII letters and ñ change case: 'ı'.upper() == 'I' must not turn junk into a CURP.
    return text.translate(_UPPER)


def compact(value: str) -> str:
    """Strip the value, drop spaces, ``-`` and ``_``, and upper-case it.

    >>> compact("pxne 660720-hmcxtn_06")
    'PXNE660720HMCXTN06'
    """
    if not isinstance(value, str):
        raise InvalidCurp(report(value))
    return _normalise(value)


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


def _quick(value: object, today: date | None) -> tuple[str, date] | None:
    """The normal form and birth date when ``value`` is a valid CURP, else None (the common
    case, fast)."""
    if not isinstance(value, str) or len(value) > _RAW_CAP:
        return None
    curp = _normalise(value)
    if _FAST.fullmatch(curp) is None:
        return None
    if check_digit(curp) != curp[17]:
        return None
    year = int(curp[4:6]) + (1900 if curp[16] <= "9" else 2000)
    try:
        born = date(year, int(curp[6:8]), int(curp[8:10]))
    except ValueError:
        return None
    if year < 2000 and today is None:  # no 1900s date is in the future any more
        return curp, born
    return (curp, born) if born <= (today or today_in_mexico()) else None


_LAYOUT = "LLLLDDDDDDLLLLLLAD"  # L letter, D digit, A either (position 17)
_SHAPE = re.compile(r"[A-Z]{4}[0-9]{6}[A-Z]{6}[0-9A-Z][0-9]", re.ASCII)


def _format_problems(head: str) -> list[Problem]:
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


def _check_date(head: str, today: date) -> Problem | date | None:
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


def _check_letters(head: str) -> list[Problem]:
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
        # Entity names are proper names, shown as written (as on the valid CURP's panel).
        tip = say("state_alt", clave=alt, entidad=STATES[alt]) if alt else say("state_hint")
        found.append(Problem("state", (12, 13), with_tips(say("state", clave=code), tip)))
    vowels = tuple(i for i in (14, 15, 16) if i <= n and head[i - 1] in VOWELS)
    if vowels:
        found.append(Problem("consonant", vowels, say_at("consonant", vowels)))
    return found


def _length_problem(n: int, expected: str | None) -> Problem:
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


def _warnings(head: str) -> tuple[Problem, ...]:
    if head[:4] not in INCONVENIENT_WORDS:
        return ()
    text = say("inconvenient_word", palabra=head[:4], corregida=head[0] + "X" + head[2:4])
    return (Problem("inconvenient_word", (1, 2, 3, 4), text),)


def _check(echo: str, curp: str, today: date) -> CurpReport:
    """The full report of a normalised value of at most MAX_LENGTH characters."""
    head, n = curp[:18], len(curp)
    errors = _format_problems(head)
    birth_date = None
    if n >= 10 and all(c in DIGITS for c in head[4:10]):
        outcome = _check_date(head, today)
        if isinstance(outcome, Problem):
            errors.append(outcome)
        birth_date = outcome if isinstance(outcome, date) else None
    errors += _check_letters(head)
    expected = None
    if n in (17, 18) and not any(p.code == "format" and min(p.positions) <= 17 for p in errors):
        expected = check_digit(head[:17])
        if n == 18 and head[17] in DIGITS and head[17] != expected:
            errors.append(Problem("check_digit", (18,), say("check_digit", digito=expected)))
    errors.sort(key=lambda problem: min(problem.positions))  # reading order
    if n != 18:
        errors.insert(0, _length_problem(n, expected))
    warnings = _warnings(head)
    state = head[11:13] if head[11:13] in STATES else None
    return CurpReport(
        input=echo,
        curp=curp if n == 18 else None,
        errors=tuple(errors),
        warnings=warnings,
        birth_date=birth_date,
        sex=head[10] if n >= 11 and head[10] in SEX_LABELS else None,
        state_code=state,
        state_name=STATES[state] if state else None,
        normalised=curp,
    )


def report(value: object, today: date | None = None) -> CurpReport:
    """Every problem of ``value`` plus the facts that could be read; never raises."""
    quick = _quick(value, today)
    if quick is None or not isinstance(value, str):
        return _full_report(value, today)
    curp, born = quick  # valid: the facts straight from the fast path, no rule re-run
    state = curp[11:13]
    return CurpReport(
        value[:_ECHO_CAP], curp, (), _warnings(curp), born, curp[10], state, STATES[state], curp
    )


def _full_report(value: object, today: date | None) -> CurpReport:
    if not isinstance(value, str):
        problem = Problem("length", (), say("empty"))
        if value is not None:
            problem = Problem("format", (), say("not_text"))
        return CurpReport(input="", curp=None, errors=(problem,))
    echo = value[:_ECHO_CAP]
    curp = _normalise(value) if len(value) <= _RAW_CAP else ""
    if len(value) > _RAW_CAP or len(curp) > MAX_LENGTH:
        return CurpReport(echo, None, errors=(Problem("length", (), say("too_long")),))
    return _check(echo, curp, today or today_in_mexico())


def validate(value: object, today: date | None = None) -> str:
    """Return the normal form of a valid CURP or raise ``InvalidCurp`` with the full report.

    ``today`` (default: today in Mexico City) only matters for dates that could be future.

    >>> validate("BASJ841209XCLNCS02")  # sex X, issued since 2022
    'BASJ841209XCLNCS02'
    >>> try:
    ...     validate("BASJ841209FCLNCS02")
    ... except InvalidCurp as error:
    ...     [(p.code, p.positions) for p in error.report.errors]
    [('sex', (11,)), ('check_digit', (18,))]
    """
    quick = _quick(value, today)
    if quick is not None:
        return quick[0]
    result = _full_report(value, today)
    if result.errors or result.curp is None:
        raise InvalidCurp(result)
    return result.curp


def is_valid(value: object, today: date | None = None) -> bool:
    """True for a valid CURP; never raises.

    >>> is_valid("VACA800101HDFLRN07"), is_valid("SABC560626MDFLRN09"), is_valid(None)
    (True, False, False)
    """
    return _quick(value, today) is not None or _full_report(value, today).valid

"""CURP (Clave Única de Registro de Población): normalise, validate, explain what is wrong.

Same shape as python-stdnum: ``compact``, ``validate``, ``is_valid``; plus ``report``, which
lists every problem at once with its positions and a Spanish message for the person (a
``Mensaje`` from domain.curp_mensajes, which the pages translate). The rules that find the
problems are in domain.curp_rules; a valid CURP never reaches them (the fast path).

>>> validate(" loo a531113-htcpbn07 ")
'LOOA531113HTCPBN07'
>>> [(p.code, p.positions) for p in report("LOOA531131HTCPBN07").errors]
[('date', (7, 8, 9, 10)), ('check_digit', (18,))]
>>> report("LOOA531131HTCPBN07").errors[0].message
'El día 31 no existe en noviembre: revisa las posiciones 7 a 10.'

"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain import curp_rules
from domain.curp_mensajes import say
from domain.curp_rules import Problem
from domain.curp_tables import (
    DIGITS,
    SEX_LABELS,
    STATES,
    VALUES,
    resolve_state,
)

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


def _check(echo: str, curp: str, today: date) -> CurpReport:
    """The full report of a normalised value of at most MAX_LENGTH characters."""
    head, n = curp[:18], len(curp)
    errors = curp_rules.format_problems(head)
    birth_date = None
    if n >= 10 and all(c in DIGITS for c in head[4:10]):
        outcome = curp_rules.check_date(head, today)
        if isinstance(outcome, Problem):
            errors.append(outcome)
        birth_date = outcome if isinstance(outcome, date) else None
    errors += curp_rules.check_letters(head)
    expected = None
    if n in (17, 18) and not any(p.code == "format" and min(p.positions) <= 17 for p in errors):
        expected = check_digit(head[:17])
        if n == 18 and head[17] in DIGITS and head[17] != expected:
            errors.append(Problem("check_digit", (18,), say("check_digit", digito=expected)))
    errors.sort(key=lambda problem: min(problem.positions))  # reading order
    if n != 18:
        errors.insert(0, curp_rules.length_problem(n, expected))
    warnings = curp_rules.warnings_of(head)
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
    if quick is None or not isinstance(value, str):  # (a quick answer means text: for mypy)
        return _full_report(value, today)
    curp, born = quick  # valid: the facts straight from the fast path, no rule re-run
    state = curp[11:13]
    return CurpReport(
        value[:_ECHO_CAP],
        curp,
        (),
        curp_rules.warnings_of(curp),
        born,
        curp[10],
        state,
        STATES[state],
        curp,
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

"""CURP (Clave Única de Registro de Población): normalise, validate, explain what is wrong.

Same shape as python-stdnum: ``compact``, ``validate``, ``is_valid``; plus ``report``, which
lists every problem at once with its positions and a Spanish message for the person (a
``Mensaje`` from domain.curp_mensajes, which the pages translate). The rules that find the
problems are in domain.curp_rules, the report they make in domain.curp_informe; a valid CURP
never reaches them (the fast path).

>>> validate(" peg j850315-hjcrrn06 ")
'PEGJ850315HJCRRN06'
>>> [(p.code, p.positions) for p in report("PEGJ851131HJCRRN06").errors]
[('date', (7, 8, 9, 10)), ('check_digit', (18,))]
>>> report("PEGJ851131HJCRRN06").errors[0].message
'El día 31 no existe en noviembre: revisa las posiciones 7 a 10.'

"""

from __future__ import annotations

import re
from datetime import date

from domain import curp_rules
from domain.curp_informe import CurpFacts, CurpReport, InvalidCurp, full_report_of
from domain.curp_mensajes import say
from domain.curp_rules import Problem, check_digit
from domain.curp_tables import STATES, resolve_state
from domain.hoy import today_in_mexico

# What a check returns or raises (domain.curp_informe) and the check digit (domain.curp_rules)
# live beside this module but are its API, as in stdnum.
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
    "validate",
]

MAX_LENGTH = 64  # a longer normalised value is a `length` error, its characters are not scanned
_RAW_CAP = 1024  # a longer input is not even normalised
_ECHO_CAP = 256  # how much of the input a report keeps

_FAST = re.compile(
    r"[A-Z][AEIOUX][A-Z]{2}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[HMX]"
    r"(?:AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS"
    r"|TL|VZ|YN|ZS|NE)[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z][0-9]",
    re.ASCII,
)
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyzñ", "ABCDEFGHIJKLMNOPQRSTUVWXYZÑ", " -_")


def _normalise(text: str) -> str:
    text = text.strip()
    if text.isascii():
        return text.replace(" ", "").replace("-", "").replace("_", "").upper()
    # Only ASCII letters and ñ change case: 'ı'.upper() == 'I' must not turn junk into a CURP.
    return text.translate(_UPPER)


def compact(value: str) -> str:
    """Strip the value, drop spaces, ``-`` and ``_``, and upper-case it.

    >>> compact("pegj 850315-hjcrrn_06")
    'PEGJ850315HJCRRN06'
    """
    if not isinstance(value, str):
        raise InvalidCurp(report(value))
    return _normalise(value)


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
    return full_report_of(echo, curp, today or today_in_mexico())


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

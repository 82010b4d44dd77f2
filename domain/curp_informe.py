"""What a CURP check finds: the report of one value (``domain.curp.report``) and, for a value
the fast path did not settle, how the rules of domain.curp_rules build it; the facts a valid
CURP says about its holder; and the error ``domain.curp.validate`` raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain import curp_rules
from domain.curp_mensajes import say
from domain.curp_rules import Problem, check_digit
from domain.curp_tables import DIGITS, SEX_LABELS, STATES
from domain.hoy import today_in_mexico


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


def full_report_of(echo: str, curp: str, today: date) -> CurpReport:
    """The full report of a normalised value of at most ``domain.curp.MAX_LENGTH`` characters."""
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

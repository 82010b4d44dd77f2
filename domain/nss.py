"""IMSS Número de Seguridad Social (NSS): 11 digits ending in a Luhn check digit.

Layout: subdelegación (1-2), year of affiliation (3-4), year of birth (5-6), folio (7-10),
check digit (11). Same shape as ``domain.curp``: ``compact``, ``validate``, ``is_valid``,
``report``, with the same ``Problem`` type.

>>> validate("1234 56-7890 3")
'12345678903'
>>> [(p.code, p.positions) for p in report("12345678904").errors]
[('check_digit', (11,))]
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.curp import Problem
from domain.curp import compact as compact_curp
from domain.curp import is_valid as is_valid_curp
from domain.curp_mensajes import where_message
from domain.mensajes import N_, Mensaje

__all__ = [
    "InvalidNss",
    "NssReport",
    "birth_year_mismatch",
    "check_digit",
    "compact",
    "is_valid",
    "report",
    "validate",
]

_RAW_CAP = 256  # a longer input is reported as `length` without being scanned
_DIGITS = frozenset("0123456789")
# Luhn with weights 1, 2, 1, 2...: the digit sum of each product, looked up.
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_UNRECORDED_YEAR = "00"  # what many NSS carry in 5-6 when the year of birth was not captured


@dataclass(frozen=True, slots=True)
class NssReport:
    """Everything found in one value; ``nss`` is the compacted value when it has 11 characters.

    Same shape as ``CurpReport``. ``warnings`` stays empty: the only NSS warning compares it
    with a CURP, see ``birth_year_mismatch``. The parts (two-digit years as written) are
    filled only for a valid NSS.
    """

    input: str
    nss: str | None
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    subdelegacion: str | None = None
    affiliation_year: str | None = None
    birth_year: str | None = None
    folio: str | None = None

    @property
    def valid(self) -> bool:
        return self.nss is not None and not self.errors


class InvalidNss(ValueError):
    """Raised by ``validate``; ``report`` holds every problem found."""

    def __init__(self, result: NssReport) -> None:
        super().__init__(" ".join(p.message for p in result.errors))
        self.report = result


def compact(value: str) -> str:
    """Strip the value and drop spaces and hyphens.

    >>> compact(" 12-34 567 8903 ")
    '12345678903'
    """
    if not isinstance(value, str):
        raise InvalidNss(report(value))
    return value.strip().replace(" ", "").replace("-", "")


def check_digit(first10: str) -> str:
    """The Luhn check digit of the first 10 digits (weights 1, 2, 1, 2... from the left).

    >>> check_digit("1234567890")
    '3'
    """
    if len(first10) != 10 or not set(first10) <= _DIGITS:
        raise ValueError("se necesitan 10 números")
    total = sum(int(d) if i % 2 == 0 else _DOUBLED[int(d)] for i, d in enumerate(first10))
    return str(-total % 10)


def _problems(nss: str) -> list[Problem]:
    found = []
    n = len(nss)
    junk = tuple(i for i, c in enumerate(nss[:11], 1) if c not in _DIGITS)
    # Messages are Spanish Mensajes (domain.mensajes): the pages translate them.
    if junk:
        text = Mensaje(
            N_("El NSS solo lleva números: revisa %(donde)s."), donde=where_message(junk)
        )
        found.append(Problem("format", junk, text))
    first_ten_ok = n in (10, 11) and not any(pos <= 10 for pos in junk)
    expected = check_digit(nss[:10]) if first_ten_ok else None
    if n == 11 and expected is not None and not junk and nss[10] != expected:
        text = Mensaje(
            N_("El dígito verificador debería ser %(digito)s: revisa los números anteriores."),
            digito=expected,
        )
        found.append(Problem("check_digit", (11,), text))
    if n != 11:
        if n == 0:
            length = Problem("length", (), N_("Escribe tu NSS: son 11 números."))
        else:
            gap = tuple(range(n + 1, 12)) if n < 11 else tuple(range(12, n + 1))
            text = Mensaje(N_("El NSS tiene 11 números y escribiste %(n)s."), n=n)
            if n == 10 and expected is not None:
                text = Mensaje(
                    N_(
                        "El NSS tiene 11 números y escribiste %(n)s. Si falta el último, el"
                        " dígito verificador, debería ser %(digito)s."
                    ),
                    n=n,
                    digito=expected,
                )
            length = Problem("length", gap if n <= 64 else (), text)
        found.insert(0, length)
    return found


def report(value: object) -> NssReport:
    """Every problem of ``value``; never raises."""
    if not isinstance(value, str):
        text = (
            N_("Escribe tu NSS: son 11 números.")
            if value is None
            else N_("El NSS debe llegar como texto.")
        )
        return NssReport("", None, (Problem("length" if value is None else "format", (), text),))
    if len(value) > _RAW_CAP:
        text = N_("Eso es demasiado largo para un NSS: son 11 números.")
        return NssReport(value[:_RAW_CAP], None, (Problem("length", (), text),))
    nss = compact(value)
    errors = tuple(_problems(nss))
    if len(nss) != 11 or errors:
        return NssReport(value, nss if len(nss) == 11 else None, errors)
    return NssReport(value, nss, (), (), nss[:2], nss[2:4], nss[4:6], nss[6:10])


def validate(value: object) -> str:
    """Return the compacted NSS or raise ``InvalidNss`` with the full report."""
    if isinstance(value, str) and len(value) <= _RAW_CAP:
        nss = compact(value)
        if len(nss) == 11 and nss.isascii() and nss.isdigit() and check_digit(nss[:10]) == nss[10]:
            return nss
    raise InvalidNss(report(value))


def is_valid(value: object) -> bool:
    """True for a valid NSS; never raises.

    >>> is_valid("12345678903"), is_valid("1234567890"), is_valid(12345678903)
    (True, False, False)
    """
    try:
        validate(value)
    except InvalidNss:
        return False
    return True


def birth_year_mismatch(nss: str, curp: str) -> Problem | None:
    """A ``birth_year`` warning when the NSS's year of birth (5-6) differs from the CURP's.

    A warning, never an error: those two digits are often 00 (not recorded) or simply wrong
    in real data, and a family member may use their titular's NSS. So 00 gives no warning,
    and neither does an invalid NSS or CURP (their own checks report that).

    >>> found = birth_year_mismatch("12345678903", "PEGJ850315HJCRRN06")
    >>> found.code, found.positions, found.message.startswith("El año de nacimiento de tu NSS (56)")
    ('birth_year', (5, 6), True)
    >>> birth_year_mismatch("12340078901", "PEGJ850315HJCRRN06") is None  # 00: not recorded
    True
    """
    if not is_valid(nss) or not is_valid_curp(curp):
        return None
    nss_year, curp_year = compact(nss)[4:6], compact_curp(curp)[4:6]
    if nss_year in (curp_year, _UNRECORDED_YEAR):
        return None
    text = N_(
        "El año de nacimiento de tu NSS (%(nss)s) no coincide con el de tu CURP (%(curp)s)."
        " A veces el NSS trae otro año y no pasa nada, pero revisa que lo copiaste bien."
    )
    return Problem("birth_year", (5, 6), Mensaje(text, nss=nss_year, curp=curp_year))

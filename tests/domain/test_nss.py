"""IMSS NSS: Luhn check digit, error codes with positions, junk input, CURP cross-check."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.curp import Problem
from domain.curp import check_digit as curp_check_digit
from domain.nss import (
    InvalidNss,
    NssReport,
    birth_year_mismatch,
    check_digit,
    compact,
    is_valid,
    report,
    validate,
)


def luhn_ok(number: str) -> bool:
    """Textbook Luhn from the right, written independently of the module under test."""
    total = 0
    for i, char in enumerate(reversed(number)):
        d = int(char) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def codes(value: object) -> list[tuple[str, tuple[int, ...]]]:
    return [(p.code, p.positions) for p in report(value).errors]


@pytest.mark.parametrize(
    ("first10", "digit"),
    [("1234567890", "3"), ("0000000000", "0"), ("1111111111", "5"), ("9999999999", "0")],
)
def test_check_digit(first10: str, digit: str) -> None:
    # 1234567890: 1+4+3+8+5+(1+2)+7+(1+6)+9+0 = 47 -> 3
    assert check_digit(first10) == digit
    assert luhn_ok(first10 + digit)


@settings(max_examples=200, derandomize=True)
@given(st.text(st.sampled_from("0123456789"), min_size=10, max_size=10))
def test_check_digit_is_luhn(first10: str) -> None:
    assert luhn_ok(first10 + check_digit(first10))
    assert is_valid(first10 + check_digit(first10))


@settings(max_examples=200, derandomize=True)
@given(
    st.text(st.sampled_from("0123456789"), min_size=10, max_size=10),
    st.integers(0, 9),
    st.integers(1, 9),
)
def test_every_single_digit_change_is_caught(first10: str, index: int, shift: int) -> None:
    nss = first10 + check_digit(first10)
    changed = nss[:index] + str((int(nss[index]) + shift) % 10) + nss[index + 1 :]
    assert codes(changed) == [("check_digit", (11,))]


def test_check_digit_needs_ten_digits() -> None:
    with pytest.raises(ValueError):
        check_digit("12345")
    with pytest.raises(ValueError):
        check_digit("12345678a0")


def test_normalisation_and_parts() -> None:
    assert compact(" 12-34 567 8903 ") == "12345678903"
    assert validate("12 34 56 7890-3") == "12345678903"
    result = report("12345678903")
    assert result.valid and result.errors == ()
    assert (result.subdelegacion, result.affiliation_year, result.birth_year, result.folio) == (
        "12",
        "34",
        "56",
        "7890",
    )


def test_length() -> None:
    problem = report("1234567890").errors[0]
    assert (problem.code, problem.positions) == ("length", (11,))
    assert problem.message == (
        "El NSS tiene 11 números y escribiste 10. Si falta el último, el dígito verificador,"
        " debería ser 3."
    )
    assert codes("123456789034") == [("length", (12,))]
    assert codes("") == [("length", ())]
    assert codes("1" * 300) == [("length", ())]


def test_format() -> None:
    problem = report("12a45678903").errors[0]
    assert (problem.code, problem.positions) == ("format", (3,))
    assert problem.message == "El NSS solo lleva números: revisa la posición 3."
    assert codes("12_4567890O") == [("format", (3, 11))]
    assert codes("١٢٣٤٥٦٧٨٩٠٣") == [("format", tuple(range(1, 12)))]  # not ASCII digits


def test_check_digit_error() -> None:
    problem = report("12345678904").errors[0]
    assert (problem.code, problem.positions) == ("check_digit", (11,))
    assert problem.message == (
        "El dígito verificador debería ser 3: revisa los números anteriores."
    )
    with pytest.raises(InvalidNss) as caught:
        validate("12345678904")
    assert isinstance(caught.value, ValueError) and caught.value.report.errors == (problem,)


def test_several_errors_at_once() -> None:
    assert codes("12a4567") == [("length", (8, 9, 10, 11)), ("format", (3,))]


@pytest.mark.parametrize("junk", [None, 12345678903, b"12345678903", "🙂" * 11, "\x00" * 11])
def test_junk_never_crashes(junk: object) -> None:
    assert not is_valid(junk)
    result = report(junk)
    assert isinstance(result, NssReport) and not result.valid and result.errors
    with pytest.raises(InvalidNss):
        validate(junk)


def test_huge_input_is_cut_before_any_work() -> None:
    # Cheap by construction (speed lives in bench/, not in timed tests): what is read is capped
    # before the NSS is compacted or checked, and the answer says it is too long.
    huge = "1" * 10_000_000
    assert not is_valid(huge)
    result = report(huge)
    assert [p.code for p in result.errors] == ["length"] and len(result.input) <= 256
    assert result.nss is None


def test_birth_year_mismatch() -> None:
    nss = "12345678903"  # year of birth 56
    problem = birth_year_mismatch(nss, "LOOA531113HTCPBN07")  # born 1953
    assert problem == Problem(
        "birth_year",
        (5, 6),
        "El año de nacimiento de tu NSS (56) no coincide con el de tu CURP (53). A veces el NSS"
        " trae otro año y no pasa nada, pero revisa que lo copiaste bien.",
    )
    matching = "1234" + "53" + "7890"
    assert birth_year_mismatch(matching + check_digit(matching), "LOOA531113HTCPBN07") is None
    # Spaces, hyphens and lower case are the same values.
    assert birth_year_mismatch("12 34-56 7890 3", "looa531113htcpbn07") == problem
    # 00 is what many NSS carry when the year of birth was not captured: nothing to check.
    unrecorded = "1234" + "00" + "7890"
    assert birth_year_mismatch(unrecorded + check_digit(unrecorded), "LOOA531113HTCPBN07") is None
    born_2000 = "PXNE000720HMCXTNA" + curp_check_digit("PXNE000720HMCXTNA")
    assert birth_year_mismatch(unrecorded + check_digit(unrecorded), born_2000) is None
    assert birth_year_mismatch(nss, born_2000) is not None
    assert birth_year_mismatch("12345678904", "LOOA531113HTCPBN07") is None  # invalid NSS
    assert birth_year_mismatch(nss, "LOOA531113HTCPBN08") is None  # invalid CURP

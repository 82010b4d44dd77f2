"""CURP validation: published examples, every rule and error code, junk input, properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum.mx import curp as stdnum_curp

from domain import curp as curp_module
from domain.curp import (
    STATES,
    CurpReport,
    InvalidCurp,
    Problem,
    check_digit,
    compact,
    is_valid,
    report,
    resolve_state,
    validate,
)
from domain.curp_tables import ALPHABET, INCONVENIENT_WORDS, VALUES
from domain.mensajes import Mensaje

TODAY = date(2026, 1, 15)

PUBLISHED = [
    "PXNE660720HMCXTN06",  # Peña Nieto: PENE censored to PXNE, Ñ as X in 14
    "LOOA531113HTCPBN07",  # López Obrador
    "CAHF620818HMNLNL09",  # Felipe de Jesús Calderón: first given-name word
    "AAPR630321HDFLRC09",  # DOF example, Alamán Pérez Ricardo
    "SASO750909HDFNNS05",
    "ZUNA540308MNELTN05",  # born abroad
    "BASJ841209XCLNCS02",  # sex X
    "SABC560626MDFLRN01",  # the DOF diagram with its real check digit
]
NOT_ISSUED = [
    ("SABC560626MDFLRN09", "1"),  # DOF diagram, illustrative only
    ("ZAZD801124MBSYQN13", "9"),  # SAS QKB examples that fail the check digit
    ("RUNO390705HSLPTC02", "4"),
]


def complete(first17: str) -> str:
    return first17 + check_digit(first17)


def codes(value: object, today: date = TODAY) -> list[tuple[str, tuple[int, ...]]]:
    return [(p.code, p.positions) for p in report(value, today).errors]


def only(value: object, code: str, today: date = TODAY) -> Problem:
    errors = report(value, today).errors
    assert [p.code for p in errors] == [code], errors
    return errors[0]


# --- published examples -------------------------------------------------------------------


@pytest.mark.parametrize("curp", PUBLISHED)
def test_published_curps_validate(curp: str) -> None:
    assert validate(curp, TODAY) == curp
    assert is_valid(curp)
    result = report(curp, TODAY)
    assert result.valid and result.errors == () and result.curp == curp


@pytest.mark.parametrize(("curp", "digit"), NOT_ISSUED)
def test_examples_that_fail_the_check_digit(curp: str, digit: str) -> None:
    problem = only(curp, "check_digit")
    assert problem.positions == (18,)
    assert problem.message == (
        f"El dígito verificador debería ser {digit}: revisa las letras y números anteriores."
    )
    assert check_digit(curp[:17]) == digit


def test_check_digit_worked_example() -> None:
    # Weights 18..2 over the first 17 characters give 1979, so the digit is (10 - 9) % 10 = 1;
    # with weight 1 on the digit the whole sum is a multiple of 10.
    curp = "SABC560626MDFLRN01"
    assert sum(VALUES[c] * (18 - i) for i, c in enumerate(curp[:17])) == 1979
    assert sum(VALUES[c] * (18 - i) for i, c in enumerate(curp)) % 10 == 0
    assert ALPHABET.index("Ñ") == 24 and VALUES["O"] == 25 and VALUES["Z"] == 36


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(st.sampled_from(sorted(set(ALPHABET) - {"Ñ"})), min_size=17, max_size=17))
def test_check_digit_matches_python_stdnum(first17: str) -> None:
    assert check_digit(first17) == stdnum_curp.calc_check_digit(first17 + "0")


def test_agrees_with_python_stdnum_where_stdnum_has_an_opinion() -> None:
    for curp in PUBLISHED:
        if curp[10] != "X":  # stdnum 2.2 still rejects sex X
            assert stdnum_curp.validate(curp) == validate(curp, TODAY)
    assert not stdnum_curp.is_valid("BASJ841209XCLNCS02")
    assert is_valid("BASJ841209XCLNCS02")


# --- facts --------------------------------------------------------------------------------


def test_facts_of_a_valid_curp() -> None:
    result = report("PXNE660720HMCXTN06", TODAY)
    assert (result.birth_date, result.sex, result.state_code, result.state_name) == (
        date(1966, 7, 20),
        "H",
        "MC",
        "Estado de México",
    )
    facts = result.facts(date(2024, 7, 19))
    assert facts is not None
    assert (facts.age, facts.sex_label, facts.century) == (57, "Hombre", 1900)
    facts = result.facts(date(2024, 7, 20))
    assert facts is not None and facts.age == 58


def test_facts_sex_x_ne_df_and_century_2000() -> None:
    abroad = report("ZUNA540308MNELTN05", TODAY).facts(TODAY)
    assert abroad is not None
    assert (abroad.sex_label, abroad.state_name) == ("Mujer", "Nacido en el extranjero")
    nonbinary = report("BASJ841209XCLNCS02", TODAY).facts(TODAY)
    assert nonbinary is not None and nonbinary.sex_label == "No binario"
    city = report("AAPR630321HDFLRC09", TODAY).facts(TODAY)
    assert city is not None and city.state_name == "Ciudad de México"
    young = report(complete("GOMC050101HDFLRNA"), TODAY).facts(TODAY)
    assert young is not None and (young.birth_date, young.century, young.age) == (
        date(2005, 1, 1),
        2000,
        21,
    )
    assert report("SABC560626MDFLRN09", TODAY).facts(TODAY) is None


def test_states_table_and_resolution() -> None:
    assert len(STATES) == 33 and STATES["DF"] == "Ciudad de México"
    assert STATES["NE"] == "Nacido en el extranjero"
    assert [resolve_state(x) for x in ("jc", "Querétaro", "QUERETARO", "cdmx", "Edomex")] == [
        "JC",
        "QT",
        "QT",
        "DF",
        "MC",
    ]
    assert resolve_state("CX") is None and resolve_state("") is None


# --- normalisation ------------------------------------------------------------------------


def test_normalisation_strips_drops_separators_and_upper_cases() -> None:
    assert compact("  pxne-660720_hmcx tn06\n") == "PXNE660720HMCXTN06"
    assert validate("  pxne-660720_hmcx tn06\n", TODAY) == "PXNE660720HMCXTN06"
    result = report(" pxne 660720 hmcxtn06 ", TODAY)
    assert result.input == " pxne 660720 hmcxtn06 " and result.curp == "PXNE660720HMCXTN06"


def test_other_characters_stay_and_fail() -> None:
    assert codes("PXNE.660720HMCXTN06") == [("length", (19,)), *codes("PXNE.660720HMCXTN06")[1:]]
    assert codes("PXNE660720HMCXTN0/") == [("format", (18,))]
    # Only ASCII letters change case: the dotless ı would otherwise become a valid I.
    curp = complete("SIMA800101HDFMRR0")
    assert is_valid(curp)
    assert codes(curp.replace("I", "ı")) == [("format", (2,))]
    fullwidth = "ＰＸＮＥ660720HMCXTN06"
    assert codes(fullwidth) == [("format", (1, 2, 3, 4))]


def test_enie_is_a_format_error_that_says_write_x() -> None:
    problem = only("peña660720hmcxtn06".replace("peña", "pñne"), "format")
    assert problem.positions == (2,)
    assert problem.message.endswith("La Ñ se escribe X.")


# --- one test per error code, with positions ------------------------------------------------


def test_length_short_names_missing_positions_and_suggests_check_digit() -> None:
    problem = only("PXNE660720HMCXTN0", "length")
    assert problem.positions == (18,)
    assert problem.message == (
        "A tu CURP le falta 1 carácter: son 18 y escribiste 17. Si falta el último,"
        " el dígito verificador, debería ser 6."
    )
    assert codes("PXNE66") == [("length", tuple(range(7, 19)))]
    assert codes("") == [("length", ())]


def test_length_long_names_extra_positions() -> None:
    problem = only("PXNE660720HMCXTN066", "length")
    assert problem.positions == (19,)
    assert "1 carácter de más" in problem.message
    assert codes("PXNE660720HMCXTN06AB") == [("length", (19, 20))]
    assert codes("P" * 65) == [("length", ())]  # over the cap: not scanned


def test_format_letters_where_digits_belong_and_back() -> None:
    problem = only("PXNE66O720HMCXTN06", "format")
    assert problem.positions == (7,)
    assert "va un número, no una letra" in problem.message
    assert "¿Escribiste la letra O en lugar de un cero?" in problem.message
    problem = only("PXN0660720HMCXTN06", "format")
    assert problem.positions == (4,)
    assert problem.message.startswith("En la posición 4 va una letra, no un número.")
    assert codes("PXNE660720HMCXTN0A") == [("format", (18,))]
    assert codes("PXNE660720HMCXTN0ñ") == [("format", (18,))]


def test_vowel() -> None:
    problem = only(complete("PBNE660720HMCXTN0"), "vowel")
    assert problem.positions == (2,)
    assert "primera vocal interna de tu primer apellido" in problem.message
    assert "«B»" in problem.message
    assert is_valid(complete("OXOA800101HDFYXN0"))  # X allowed in 2 (e.g. surname OY)


@pytest.mark.parametrize(
    ("yymmdd", "positions", "message"),
    [
        ("661320", (7, 8), "El mes 13 no existe: las posiciones 7 y 8 son tu mes de nacimiento"),
        ("660700", (9, 10), "El día 00 no existe"),
        ("660732", (9, 10), "El día 32 no existe"),
        ("660231", (7, 8, 9, 10), "El día 31 no existe en febrero"),
        ("660431", (7, 8, 9, 10), "El día 31 no existe en abril"),
        ("010229", (5, 6, 7, 8, 9, 10), "El año 01 no fue bisiesto"),
        ("000229", (5, 6, 7, 8, 9, 10, 17), "El 29 de febrero de 1900 no existe"),
    ],
)
def test_date(yymmdd: str, positions: tuple[int, ...], message: str) -> None:
    problem = only(complete(f"PXNE{yymmdd}HMCXTN0"), "date")
    assert problem.positions == positions
    assert problem.message.startswith(message)


def test_leap_days_and_centuries() -> None:
    assert is_valid(complete("PXNE000229HMCXTNA"), TODAY)  # 2000 was a leap year
    assert not is_valid(complete("PXNE000229HMCXTN0"), TODAY)  # 1900 was not
    assert is_valid(complete("PXNE040229HMCXTN0"), TODAY)  # 1904
    assert report(complete("PXNE040229HMCXTN0"), TODAY).birth_date == date(1904, 2, 29)
    assert report(complete("PXNE050101HMCXTN0"), TODAY).birth_date == date(1905, 1, 1)
    assert report(complete("PXNE050101HMCXTNA"), TODAY).birth_date == date(2005, 1, 1)


def test_century_when_a_letter_puts_the_date_in_the_future() -> None:
    problem = only(complete("PXNE991231HMCXTNA"), "century")
    assert problem.positions == (5, 6, 17)
    assert "31 de diciembre de 2099, que aún no llega" in problem.message
    assert "Si naciste en 1999, en la posición 17 va un número." in problem.message
    assert (
        "la letra O en lugar de un cero" in only(complete("PXNE660720HMCXTNO"), "century").message
    )
    assert is_valid(complete("PXNE991231HMCXTN0"), TODAY)
    # Born today is fine; tomorrow is not.
    assert is_valid(complete("PXNE260115HMCXTNA"), TODAY)
    assert codes(complete("PXNE260116HMCXTNA")) == [("century", (5, 6, 17))]
    assert is_valid(complete("PXNE260116HMCXTNA"), date(2026, 1, 16))


def test_an_invalid_curp_born_today_has_no_century_error() -> None:
    # Valid CURPs take the fast path; only an invalid one reaches the full report's date rule.
    born_today = complete("PXNE260115HMCXTNA")
    wrong_digit = born_today[:17] + str((int(born_today[17]) + 1) % 10)
    assert codes(wrong_digit) == [("check_digit", (18,))]


def test_sex_x_is_valid_and_other_letters_are_not() -> None:
    assert is_valid(complete("PXNE660720XMCXTN0"), TODAY)
    problem = only(complete("PXNE660720FMCXTN0"), "sex")
    assert problem.positions == (11,)
    assert problem.message == (
        "La posición 11 es el sexo: H (hombre), M (mujer) o X (no binario), y tiene «F»."
        " Para mujer se usa M."
    )


def test_state() -> None:
    problem = only(complete("PXNE660720HCXXTN0"), "state")
    assert problem.positions == (12, 13)
    assert "CX no es una clave válida" in problem.message
    assert "¿Quisiste decir DF (Ciudad de México)?" in problem.message
    assert "Por ejemplo: DF" in only(complete("PXNE660720HZZXTN0"), "state").message
    assert is_valid(complete("PXNE660720HNEXTN0"), TODAY)


def test_consonants() -> None:
    problem = only(complete("PXNE660720HMCATN0"), "consonant")
    assert problem.positions == (14,)
    assert problem.message.startswith("En la posición 14 va una consonante o X, no una vocal")
    assert codes(complete("PXNE660720HMCATE0")) == [("consonant", (14, 16))]


def test_check_digit_is_only_computed_on_well_formed_input() -> None:
    assert codes("PXNE660720HMCXTN07") == [("check_digit", (18,))]
    # A broken character before 18: no check digit verdict, the format error says enough.
    assert codes("PXNE66072?HMCXTN07") == [("format", (10,))]


def test_inconvenient_word_is_a_warning_not_an_error() -> None:
    curp = complete("VACA800101HDFLRN0")
    assert validate(curp, TODAY) == curp
    result = report(curp, TODAY)
    assert result.valid and result.errors == ()
    assert [(w.code, w.positions) for w in result.warnings] == [("inconvenient_word", (1, 2, 3, 4))]
    assert "hoy RENAPO escribiría VXCA" in result.warnings[0].message
    assert len(INCONVENIENT_WORDS) == 81


def test_many_errors_at_once_in_reading_order() -> None:
    result = report("pbne661320fcxate0", TODAY)
    assert result.curp is None
    assert [(p.code, p.positions) for p in result.errors] == [
        ("length", (18,)),
        ("vowel", (2,)),
        ("date", (7, 8)),
        ("sex", (11,)),
        ("state", (12, 13)),
        ("consonant", (14, 16)),
    ]
    with pytest.raises(InvalidCurp) as caught:
        validate("pbne661320fcxate0", TODAY)
    assert isinstance(caught.value, ValueError)
    assert caught.value.report == result
    assert "El mes 13 no existe" in str(caught.value)


def test_curp_field_keeps_an_invalid_18_character_value_for_highlighting() -> None:
    result = report("PXNE661320HMCXTN06", TODAY)
    assert result.curp == "PXNE661320HMCXTN06" and not result.valid
    assert result.sex == "H" and result.state_code == "MC" and result.birth_date is None


# --- junk -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("junk", "code"),
    [(None, "length"), (12345, "format"), (b"PXNE660720HMCXTN06", "format"), (3.5, "format")],
)
def test_values_that_are_not_text(junk: object, code: str) -> None:
    assert not is_valid(junk)
    result = report(junk)
    assert isinstance(result, CurpReport) and [p.code for p in result.errors] == [code]
    with pytest.raises(InvalidCurp):
        validate(junk)
    with pytest.raises(InvalidCurp):
        compact(junk)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "junk", ["🙂" * 10, "\x00" * 18, "\u200b" * 18, "PXNE660720HMCXTN0\u0336", "٠" * 18, "A" * 64]
)
def test_odd_strings_never_crash(junk: str) -> None:
    assert not is_valid(junk)
    assert report(junk, TODAY).errors


def test_emoji_and_control_characters_are_named_by_position() -> None:
    assert codes("🙂" * 10) == [("length", tuple(range(11, 19))), ("format", tuple(range(1, 11)))]
    assert codes("\x00" * 18) == [("format", tuple(range(1, 19)))]
    problem = only("PXNE\u00a060720HMCXTN06", "format")  # a no-break space from a PDF
    assert problem.positions == (5,)
    assert "carácter invisible" in problem.message


def test_huge_input_is_cut_before_any_work() -> None:
    # Cheap by construction (speed lives in bench/curp.py, not in timed tests): the input is
    # capped before any rule reads it.
    huge = "A" * 10_000_000
    assert not is_valid(huge)
    result = report(huge)
    assert [p.code for p in result.errors] == ["length"] and len(result.input) == 256


def test_a_valid_curp_builds_no_message(monkeypatch: pytest.MonkeyPatch) -> None:
    # The valid path is the benchmarked one: messages (Mensajes) are only for problems.
    built: list[str] = []
    new = Mensaje.__new__

    def counting(cls: type[Mensaje], plantilla: str, **valores: object) -> Mensaje:
        built.append(plantilla)
        return new(cls, plantilla, **valores)

    monkeypatch.setattr(Mensaje, "__new__", staticmethod(counting))
    for curp in PUBLISHED:
        assert validate(curp, TODAY) and is_valid(curp) and report(curp, TODAY).valid
    assert built == []
    assert not is_valid("PXNE660720HMCXTN07") and built  # a problem does build one


# --- properties -----------------------------------------------------------------------------

WEIGHTS = range(18, 1, -1)
_VALID = st.sampled_from(PUBLISHED)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_VALID, st.integers(0, 16), st.sampled_from(sorted(set(ALPHABET) - {"Ñ"})))
def test_a_change_that_moves_the_sum_is_always_rejected(curp: str, index: int, char: str) -> None:
    weight = 18 - index
    if (VALUES[char] - VALUES[curp[index]]) * weight % 10 == 0:
        return  # same check digit: only the other rules can catch it
    changed = curp[:index] + char + curp[index + 1 :]
    assert not is_valid(changed, TODAY)
    assert not report(changed, TODAY).valid


def test_position_9_has_weight_10_so_the_date_rule_must_catch_it() -> None:
    # Position 9 (tens of the day) weighs 18 - 8 = 10: the sum does not move modulo 10, so the
    # check digit cannot see a change there; an impossible day is caught by the date rule.
    curp = "LOOA531113HTCPBN07"
    for tens in "456789":
        changed = curp[:8] + tens + curp[9:]
        assert check_digit(changed[:17]) == curp[17]
        assert codes(changed) == [("date", (9, 10))]
    # Position 17 weighs 2: 0 and A give the same digit, so the century needs the date rule too.
    assert check_digit(curp[:16] + "A") == check_digit(curp[:16] + "0")


_CHARS = st.sampled_from([*"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_ñÑé/🙂\x00", "ı"])


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.one_of(st.text(_CHARS, max_size=22), _VALID))
@example("PXNE000229HMCXTN0" + check_digit("PXNE000229HMCXTN0"))
def test_fast_path_and_full_report_agree(value: str) -> None:
    result = report(value, TODAY)
    # A valid value's report comes from the fast path: it must say all the rules would.
    assert result == curp_module._full_report(value, TODAY)
    assert is_valid(value, TODAY) == result.valid
    if result.valid:
        assert validate(value, TODAY) == result.curp
    else:
        with pytest.raises(InvalidCurp):
            validate(value, TODAY)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(_VALID, st.integers(0, 17), _CHARS)
def test_fast_path_and_report_agree_on_near_misses(curp: str, index: int, char: str) -> None:
    value = curp[:index] + char + curp[index + 1 :]
    assert is_valid(value, TODAY) == report(value, TODAY).valid
    assert report(value, TODAY) == curp_module._full_report(value, TODAY)


@pytest.mark.parametrize(
    "value", [*PUBLISHED, "VACA800101HDFLRN07", " pxne 660720-hmcxtn_06 ", "HEGJ050101HDFRRNA2"]
)
def test_the_fast_report_of_a_valid_curp_is_the_full_one(value: str) -> None:
    # Without `today` too: the fast path skips the future-date check for 1900s births.
    for today in (TODAY, None):
        fast = report(value, today)
        assert fast.valid and fast == curp_module._full_report(value, today)

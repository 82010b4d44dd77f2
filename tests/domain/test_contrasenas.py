"""Password rules: length, common passwords and words, the person's own CURP and names."""

from __future__ import annotations

import pytest

from domain import palabras_comunes
from domain.contrasenas import password_problem
from domain.curp_generate import generate

CURP = generate("Juan", "Prueba", "Ficcion", "1980-05-17", "H", "JC").hint


def test_the_shipped_list_has_ten_thousand_passwords() -> None:
    common = palabras_comunes.common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "qwerty", "iloveyou"} <= common
    assert all(p == p.strip() and not p.startswith("#") for p in common)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("", "Escribe una contraseña."),
        ("       ", "Escribe una contraseña."),
        ("abc12", "le faltan 2"),
        ("x" * 129, "a lo más 128"),
        ("password", "10,000 más usadas"),
        ("PassWord1", "10,000 más usadas"),
        ("iloveyou", "10,000 más usadas"),
        (f"mi{CURP.lower()}!", "tu CURP"),
        (f"{CURP[:10]}xyz", "tu CURP"),
        ("el-señor-PRUEBA", "(PRUEBA)"),
        ("holajuan2026", "(JUAN)"),
        ("ficcion-total", "(FICCION)"),
    ],
)
def test_password_rules_say_why(password: str, why: str) -> None:
    problem = password_problem(password, CURP, ("Juan", "Prueba", "Ficción"))
    assert problem is not None
    assert why in problem


@pytest.mark.parametrize(
    "password", ["tres tristes tigres", "Lumbre-de-Otoño-7", "abcdefgh-xyz", "de la Luz 2026"]
)
def test_good_passwords_pass(password: str) -> None:
    assert password_problem(password, CURP, ("Juan", "Prueba", "Ficción")) is None


def test_short_name_words_do_not_forbid_everything() -> None:
    # "LI" or "DE" would rule out half the dictionary; only words of 3 letters or more count.
    assert password_problem("delicias del mar", CURP, ("Li", "De", "")) is None


COMMON_WORD = "es una palabra o un nombre muy común (aunque lleve números o signos)"


@pytest.mark.parametrize(
    "password",
    [
        "Corazón2024!",  # accent, digits and a symbol after the word
        "corazon123",
        "123teamo",  # digits before; a phrase written as one word
        "teamo2024",
        "mexico!!",
        "mexico2025!",
        "contraseña1",
        "Contrasena1",  # the ñ typed as n
        "Guadalupe1985",  # first names: Mexican, and Spanish
        "ALEJANDRA.2000",
        "Francisco#77",
        "Vergüenza2024",  # diaeresis
        "  mariposa  ",
        "c0raz0n2024",  # leetspeak inside the word
        "m3xic0!",  # and at its end: the 0 belongs to the word, the ! does not
        "4m0r#1234",
        "$0l3dad99",
        "fe1icidad",  # 1 read as l
    ],
)
def test_a_common_word_with_digits_or_symbols_around_it_is_refused(password: str) -> None:
    problem = password_problem(password, CURP, ("Juan", "Prueba", "Ficción"))
    assert problem is not None
    assert COMMON_WORD in problem
    assert password.strip() not in problem  # never echoed


@pytest.mark.parametrize(
    "password",
    [
        "derechohabiencia",
        "Derechohabiente1",
        "issste123",
        "IMSS2024!",
        "curp2024",
        "Constancia1",
        "vigencia2025",
        "afiliación",
        "carnet2025",
        "renapo123",
        "oficinavirtual",
        "p@ssw0rd2024",
    ],
)
def test_the_portal_s_own_words_are_refused(password: str) -> None:
    problem = password_problem(password, CURP, ("Juan", "Prueba", "Ficción"))
    assert problem is not None and COMMON_WORD in problem


@pytest.mark.parametrize(
    "password",
    [
        "casa perro luna sol",  # a phrase of common words
        "corazón de melón 2024",
        "Teamo-mucho-Lupita",
        "micorazonsiemprecanta",  # holds words but is not one
        "gato2024perro",
        "carnet.digital.issste",
        "x7#Qm!2pLz",
        "Tlacuache_Zafiro_93",
    ],
)
def test_phrases_and_passwords_that_only_contain_a_word_pass(password: str) -> None:
    assert password_problem(password, CURP, ("Juan", "Prueba", "Ficción")) is None


def test_a_name_is_reported_as_the_name_before_as_a_common_word() -> None:
    problem = password_problem("Juan2024!", CURP, ("Juan", "Prueba", "Ficción"))
    assert problem == "Tu contraseña no puede contener tu nombre ni tus apellidos (JUAN)."

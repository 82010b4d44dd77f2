"""domain.palabras_comunes: the shipped Spanish list, the portal's words and a password's core."""

from __future__ import annotations

import re

from domain import palabras_comunes
from domain.palabras_comunes import PALABRAS, clave, es_palabra_comun, nucleos


def test_the_shipped_list_holds_common_spanish_words_and_first_names() -> None:
    words = palabras_comunes.palabras_comunes()
    shipped = {clave(w) for w in PALABRAS.read_text(encoding="utf-8").split("\n") if w[:1] != "#"}
    assert 11_000 < len(shipped - {""}) < 12_000 and shipped - {""} <= words
    assert {"corazon", "contrasena", "mexico", "guadalupe", "alejandra", "francisco"} <= words
    assert {"issste", "derechohabiencia", "curp", "teamo"} <= words  # the portal's, in code
    assert all(re.fullmatch("[a-z]{4,}", word) for word in words)
    assert PALABRAS.stat().st_size < 200_000


def test_the_list_names_its_sources_and_licences() -> None:
    header = PALABRAS.read_text(encoding="utf-8").split("# --- Common words")[0]
    for needed in (
        "@zxcvbn-ts/language-es-es 4.1.2",
        "MIT licence",
        "Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.",
        "OpenSubtitles",
        "ODC-BY",
        "@faker-js/faker 10.6.0",
        "To regenerate",
    ):
        assert needed in header, needed


def test_words_are_compared_without_accents_case_or_enye() -> None:
    assert clave("Contraseña PINGÜINO Ángel") == "contrasena pinguino angel"


def test_the_core_runs_from_the_first_letter_to_the_last_plus_leetspeak_at_its_ends() -> None:
    assert set(nucleos("1998Corazón!!")) == {"corazon"}
    assert set(nucleos("2024Corazón")) == {"corazon", "acorazon"}  # a 4 may be an a
    assert set(nucleos("m3xic0.")) == {"mexic", "mexico"}
    assert set(nucleos("1ibro")) == {"ibro", "iibro", "libro"}
    assert set(nucleos("casa perro")) == {"casa perro"}
    assert list(nucleos("2024!!")) == []
    assert list(nucleos("a" + "0" * 50 + "b", largo=20)) == []  # longer than any word


def test_junk_never_raises_and_is_not_a_word() -> None:
    for junk in ("", "\x00", "🙂" * 300, "0" * 60 + "a" + "0" * 60, "ǅ" * 128, "%00"):
        assert es_palabra_comun(junk) is False


def test_common_passwords_of_letters_only_count_as_words() -> None:
    common = palabras_comunes.common_passwords()
    letters = {p for p in common if len(p) >= 4 and p.isascii() and p.isalpha()}
    assert len(letters) > 7_000 and letters <= palabras_comunes.palabras_comunes()
    assert "123456" in common and "123456" not in palabras_comunes.palabras_comunes()
    for password in ("qwerty2024!", "Dragon!!", "m0nkey123", "1iloveyou"):
        assert es_palabra_comun(password), password
    assert not es_palabra_comun("qwerty dragon sol")

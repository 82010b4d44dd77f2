"""CURP generation from personal data, its explanation, and the cotejo."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.curp import STATES, InvalidCurp, check_digit, report, validate
from domain.curp_cotejo import Discrepancy, cotejar
from domain.curp_generate import RENAPO_NOTE, CurpDataError, generate

TODAY = date(2026, 1, 15)
BORN = date(1980, 1, 1)


def gen(nombre: str, primer: str, segundo: str | None, born: date = BORN) -> str:
    return generate(nombre, primer, segundo, born, "H", "DF", TODAY).prefix


# Instructivo (2006) examples: (given name, first surname, second surname, slice, expected).
INSTRUCTIVO = [
    ("ALBERTO", "ÑANDO", "RODRIGUEZ", slice(0, 4), "XARA"),
    ("MARIA LUISA", "PEREZ", "HERNANDEZ", slice(0, 4), "PEHL"),
    ("LUIS ENRIQUE", "ROMERO", "PALAZUELOS", slice(0, 4), "ROPL"),
    ("ROCIO", "RIVA PALACIO", "CRUZ", slice(0, 4), "RICR"),
    ("CARLOS", "MC GREGOR", "LOPEZ", slice(0, 4), "GELC"),
    ("OFELIA", "PEDRERO", "DOMINGUEZ", slice(0, 4), "PXDO"),
    ("ANDRES", "ICH", "RODRIGUEZ", slice(0, 4), "IXRA"),
    ("LUIS", "PEREZ", None, slice(0, 4), "PEXL"),
    ("JUAN JOSE", "D/AMICO", "ALVAREZ", slice(0, 4), "DXAJ"),
    ("ALBERTO", "OÑATE", "RODRIGUEZ", slice(13, 16), "XDL"),
    ("ANDRES", "PO", "BARRIOS", slice(13, 16), "XRN"),
    ("LETICIA", "LUNA", None, slice(13, 16), "NXT"),
    ("MA. DE LOS ANGELES", "MORENO", "SANCHEZ", slice(13, 16), "RNN"),
]


@pytest.mark.parametrize(("nombre", "primer", "segundo", "where", "expected"), INSTRUCTIVO)
def test_instructivo_examples(
    nombre: str, primer: str, segundo: str | None, where: slice, expected: str
) -> None:
    assert gen(nombre, primer, segundo)[where] == expected


def test_missing_second_surname_gives_x_in_3_and_15() -> None:
    prefix = gen("LUIS", "PEREZ", None)
    assert prefix[2] == "X" and prefix[14] == "X"
    assert gen("LUIS", "PEREZ", "") == prefix == gen("LUIS", "PEREZ", "   ")


@pytest.mark.parametrize(
    ("data", "curp"),
    [
        (("Enrique", "Peña", "Nieto", "1966-07-20", "H", "Estado de México"), "PXNE660720HMCXTN06"),
        (("Andrés Manuel", "López", "Obrador", "1953-11-13", "H", "Tabasco"), "LOOA531113HTCPBN07"),
        (("Felipe de Jesús", "Calderón", "Hinojosa", date(1962, 8, 18), "hombre", "michoacan"),
         "CAHF620818HMNLNL09"),
        (("Ricardo", "Alamán", "Pérez", "21/03/1963", "H", "Ciudad de México"),
         "AAPR630321HDFLRC09"),
    ],
)  # fmt: skip
def test_published_curps_are_reproduced(data: tuple[str, ...], curp: str) -> None:
    result = generate(*data, today=TODAY)  # type: ignore[arg-type]
    assert result.prefix == curp[:16]
    assert result.hint == curp  # these people got differentiator 0
    assert validate(result.hint, TODAY) == curp


def test_accents_case_and_diaeresis_do_not_matter_but_enie_does() -> None:
    assert gen("josé", "argüello", "núñez") == gen("JOSE", "ARGUELLO", "NUÑEZ")
    assert gen("José", "Argüello", "Lara")[:4] == "AULJ"
    assert gen("JOSE", "ARGUELLO", "NUÑEZ")[14] == "X"  # Ñ as first internal consonant
    assert gen("JOSE", "ARGUELLO", "NUNEZ")[14] == "N"


def test_given_name_rules() -> None:
    assert gen("JOSE MARIA", "LOPEZ", "DIAZ")[3] == "M"  # JOSE skipped, MARIA used
    assert gen("MARIA JOSE", "LOPEZ", "DIAZ")[3] == "J"
    assert gen("MARIA", "LOPEZ", "DIAZ")[3] == "M"  # a single MARIA stays
    assert gen("MARIANA", "LOPEZ", "DIAZ")[3] == "M" and gen("JOSEFA", "LOPEZ", "DIAZ")[3] == "J"
    jesus = gen("J. JESUS", "LOPEZ", "DIAZ")
    assert (jesus[3], jesus[15]) == ("J", "S")
    assert gen("MA DEL CARMEN", "LOPEZ", "DIAZ")[3] == "C"


def test_particles_and_special_characters() -> None:
    assert gen("PEDRO", "DE LA FUENTE", "DE LOS SANTOS")[:4] == "FUSP"
    assert gen("PEDRO", "DE", "LA")[:4] == "DELP"  # a lone particle is the surname itself
    assert gen("ANA", "O'CONNOR", "RUIZ")[:2] == "OX" == gen("ANA", "O’CONNOR", "RUIZ")[:2]
    luis = gen("N. LUIS", "PEREZ", "LOPEZ")
    assert (luis[3], luis[15]) == ("N", "X")
    assert gen("ANA", "GARCIA-LOPEZ", "RUIZ")[:2] == "GA"


def test_hint_differentiator_and_note() -> None:
    old = generate("Ana", "Ruiz", "Paz", "1999-12-31", "M", "JC", TODAY)
    new = generate("Ana", "Ruiz", "Paz", "2000-01-01", "M", "JC", TODAY)
    assert old.hint[16] == "0" and new.hint[16] == "A"
    assert new.hint == new.prefix + "A" + check_digit(new.prefix + "A")
    assert old.renapo_note == RENAPO_NOTE and "las asigna RENAPO" in RENAPO_NOTE
    assert "solo una pista" in RENAPO_NOTE


def test_explanation_blocks() -> None:
    result = generate("Ofelia", "Pedrero", "Domínguez", "1950-01-01", "M", "jalisco", TODAY)
    blocks = {b.positions: b for b in result.explanation}
    assert list(blocks) == ["1-4", "5-10", "11", "12-13", "14-16", "17-18"]
    assert blocks["1-4"].value == "PXDO"
    assert blocks["1-4"].text.startswith("P: inicial de tu primer apellido (PEDRERO).")
    assert "formarían PEDO, una palabra inconveniente" in blocks["1-4"].text
    assert "O: inicial de tu nombre (OFELIA)" in blocks["1-4"].text
    assert blocks["5-10"].value == "500101" and "1 de enero de 1950" in blocks["5-10"].text
    assert blocks["11"].text == "M: sexo, Mujer."
    assert blocks["12-13"].text == "JC: entidad de nacimiento, Jalisco."
    assert blocks["14-16"].text.startswith("D: primera consonante interna de tu primer apellido")
    assert blocks["17-18"].value == result.hint[16:]


def test_explanation_names_skipped_words_and_x_reasons() -> None:
    text = generate("Carlos", "Mc Gregor", None, BORN, "H", "DF", TODAY).explanation[0].text
    assert "G: inicial de tu primer apellido (GREGOR; no se usa MC)" in text
    assert "X: no tienes segundo apellido" in text
    text = generate("Alberto", "Ñando", "Rodríguez", BORN, "H", "DF", TODAY).explanation[0].text
    assert "X: tu primer apellido (ÑANDO) empieza con Ñ, que en la CURP se escribe X" in text
    text = generate("Juan José", "D/Amico", "Álvarez", BORN, "H", "DF", TODAY).explanation[0].text
    assert "X: en tu primer apellido (D/AMICO) aparece «/» antes de cualquier vocal" in text


def test_bad_data_raises_with_every_field() -> None:
    with pytest.raises(CurpDataError) as caught:
        generate("", " ", "Pérez2", "1900-02-29", "F?", "Atlantis", TODAY)
    errors = caught.value.errors
    assert set(errors) == {
        "nombre",
        "primer_apellido",
        "segundo_apellido",
        "fecha_nacimiento",
        "sexo",
        "entidad",
    }
    assert errors["nombre"] == "Escribe tu nombre."
    assert errors["primer_apellido"] == "Escribe tu primer apellido."
    assert errors["fecha_nacimiento"] == "Esa fecha no existe: revisa el día y el mes."
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("fecha", "message"),
    [
        ("2026-01-16", "Tu fecha de nacimiento no puede ser futura."),
        ("1899-12-31", "La CURP solo registra nacimientos desde 1900."),
        ("ayer", "Escribe tu fecha de nacimiento como AAAA-MM-DD."),
        ("31/04/1990", "Esa fecha no existe: revisa el día y el mes."),
    ],
)
def test_bad_dates(fecha: str, message: str) -> None:
    with pytest.raises(CurpDataError) as caught:
        generate("Ana", "Ruiz", None, fecha, "M", "NE", TODAY)
    assert caught.value.errors == {"fecha_nacimiento": message}


def test_sex_and_entity_are_accepted_by_code_or_name() -> None:
    for sexo, code in [("h", "H"), ("Mujer", "M"), ("no binario", "X"), ("X", "X")]:
        assert generate("Ana", "Ruiz", None, BORN, sexo, "NE", TODAY).prefix[10] == code
    for entidad, code in [("Querétaro", "QT"), ("QUERETARO", "QT"), ("nl", "NL"), ("CDMX", "DF")]:
        assert generate("Ana", "Ruiz", None, BORN, "M", entidad, TODAY).prefix[11:13] == code


# --- cotejo ---------------------------------------------------------------------------------


def test_cotejo_agrees_with_the_right_data() -> None:
    assert cotejar("PXNE660720HMCXTN06", "Enrique", "Peña", "Nieto", "1966-07-20", "h", "mc") == ()


def test_cotejo_lists_typos_by_field_and_position() -> None:
    # PINE is no inconvenient word, so the X in 2 does not fit PINEDA either.
    found = cotejar("PXNE660720HMCXTN06", "Enrique", "Pineda", "Nieto", "1966-07-20")
    assert found == (
        Discrepancy(
            "primer_apellido",
            (2, 14),
            "Las letras 2 y 14 no corresponden a tu primer apellido (PINEDA):"
            " según tus datos serían I y N.",
        ),
    )
    found = cotejar("PXNE660720HMCXTN06", "Enrique", "Pena", "Nieto", "1966-07-20")
    assert [(d.positions, d.message[-8:]) for d in found] == [((14,), "sería N.")]
    found = cotejar("PXNE660720HMCXTN06", "Enrique", "Gomez", "Nieto", "1966-07-20", "M", "JC")
    assert [(d.field, d.positions) for d in found] == [
        ("primer_apellido", (1, 2, 14)),
        ("sexo", (11,)),
        ("entidad", (12, 13)),
    ]
    assert found[0].message == (
        "Las letras 1, 2 y 14 no corresponden a tu primer apellido (GOMEZ):"
        " según tus datos serían G, O y M."
    )


def test_cotejo_first_letters_message() -> None:
    found = cotejar("LOOA531113HTCPBN07", "Andrés Manuel", "Rojo", "Obrador", "1953-11-13")
    assert [(d.field, d.positions) for d in found] == [("primer_apellido", (1, 14))]
    found = cotejar("LOOA531113HTCPBN07", "Andrés Manuel", "Lima", "Obrador", "1953-11-13")
    assert found[0].message.startswith("Las letras 2 y 14 no corresponden a tu primer apellido")
    found = cotejar("LOOA531113HTCPBN07", "Andrés", "Rupert", "Obrador", "1953-11-13")
    assert found[0].message.startswith("Las letras 1 y 2 no corresponden a tu primer apellido")


def test_cotejo_date_and_missing_surname() -> None:
    found = cotejar("LOOA531113HTCPBN07", "Andrés Manuel", "López", "Obrador", "1953-11-18")
    assert [(d.field, d.positions) for d in found] == [("fecha_nacimiento", (10,))]
    assert found[0].message == (
        "La posición 10 no corresponde a tu fecha de nacimiento (18/11/1953):"
        " según tus datos sería 8."
    )
    found = cotejar("LOOA531113HTCPBN07", "Andrés Manuel", "López", None, "1953-11-13")
    assert [(d.field, d.positions) for d in found] == [("segundo_apellido", (3, 15))]
    assert found[0].message.endswith("según tus datos serían X y X.")


def test_cotejo_tolerates_inconvenient_word_x_and_ignores_17_18() -> None:
    old = "VACA800101HDFCRR0" + check_digit("VACA800101HDFCRR0")
    new = "VXCA800101HDFCRR0" + check_digit("VXCA800101HDFCRR0")
    for curp in (old, new, new[:16] + "B5"):
        assert cotejar(curp, "Araceli", "Vaca", "Carranza", "1980-01-01", "H", "DF") == ()


def test_cotejo_tolerates_older_readings_of_names() -> None:
    # Some older CURPs keep MARIA or a particle, or skip M. like MARIA.
    assert cotejar("LOMM800101MDFPRR00", "María Rosa", "López", "Martínez", BORN) == ()
    assert cotejar("LOMR800101MDFPRS00", "María Rosa", "López", "Martínez", BORN) == ()
    assert cotejar("DEMR800101MDFXRS00", "Rosa", "De la Vega", "Martínez", BORN) == ()
    assert cotejar("QUCC800101MDFNSR00", "M Cristina", "Quintero", "Castro", BORN) == ()


def test_cotejo_bad_input() -> None:
    with pytest.raises(InvalidCurp) as caught:
        cotejar("PXNE660720", "Enrique", "Peña", "Nieto", "1966-07-20")
    assert caught.value.report == report("PXNE660720")
    with pytest.raises(CurpDataError) as bad:
        cotejar("PXNE660720HMCXTN06", "", "Peña", "Nieto", "1966-07-32")
    assert set(bad.value.errors) == {"nombre", "fecha_nacimiento"}


# --- property: generated data always validates ---------------------------------------------

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZÑÁÉÍÓÚÜabcdefghijklmnopqrstuvwxyzñáéíóúü"
_word = st.text(st.sampled_from(_LETTERS + "/-.'"), min_size=1, max_size=9).filter(
    lambda w: any(c.isalpha() for c in w)
)
_part = (
    st.lists(
        st.one_of(_word, st.sampled_from(["DE", "LA", "MC", "Y", "MARIA", "MA.", "JOSE", "J."])),
        min_size=1,
        max_size=4,
    )
    .map(" ".join)
    .filter(lambda p: any(c.isalpha() for c in p))
)


@settings(max_examples=250, derandomize=True, deadline=None)
@given(
    _part,
    _part,
    st.one_of(st.none(), _part),
    st.dates(date(1900, 1, 1), TODAY),
    st.sampled_from(["H", "M", "X", "mujer", "Hombre", "No binario"]),
    st.sampled_from(sorted(STATES) + list(STATES.values())),
)
def test_every_generated_curp_validates(
    nombre: str, primer: str, segundo: str | None, born: date, sexo: str, entidad: str
) -> None:
    result = generate(nombre, primer, segundo, born, sexo, entidad, TODAY)
    assert validate(result.hint, TODAY) == result.hint
    assert report(result.hint, TODAY).warnings == ()  # censored: no inconvenient word left
    assert cotejar(result.hint, nombre, primer, segundo, born, sexo, entidad, TODAY) == ()


def test_entity_missing_asks_to_choose_and_unknown_says_how_to_write_it() -> None:
    """The page offers a list; the API and the CLI also take a name or a code as written."""
    for missing in (None, "", "  "):
        with pytest.raises(CurpDataError) as caught:
            generate("Ana", "Ruiz", None, BORN, "M", missing, TODAY)
        assert caught.value.errors["entidad"].startswith("Elige tu entidad de nacimiento.")
    with pytest.raises(CurpDataError) as caught:
        generate("Ana", "Ruiz", None, BORN, "M", "Atlantis", TODAY)
    assert caught.value.errors["entidad"].startswith("No reconocemos esa entidad: escribe su")

"""The registry import checks names as the forms do: letters with or without accents, Ñ,
spaces and . - ' /; never digits, markup or invisible characters. Other free text may hold
digits and signs, but no invisible characters either."""

from __future__ import annotations

import io

import pytest
from sqlalchemy.orm import Session

from domain.registry_import import import_rows, validate_file
from tests.padron_helpers import TODAY, csv_bytes, dump, family, good_row


@pytest.fixture
def session(sesion_vacia: Session) -> Session:
    return sesion_vacia  # no registry seeded (tests/domain/conftest.py seeds one for `session`)


NOMBRES_REALES = [
    ("nombre", "MARÍA DE LOS ÁNGELES"),
    ("primer_apellido", "O'GORMAN"),
    ("primer_apellido", "O’Gorman"),  # a phone's apostrophe
    ("primer_apellido", "PEÑA-NIETO"),
    ("nombre", "MA. GUADALUPE"),
    ("segundo_apellido", "ARGÜELLES"),
    ("nombre", "José  Ángel"),  # the import collapses the spaces, as before
    ("nombre", "MARI\u0301A"),  # the accent as a separate mark, as macOS writes it
    ("segundo_apellido", "DE LA O"),
    ("nombre", "N" * 120),
]


@pytest.mark.parametrize(("column", "value"), NOMBRES_REALES)
def test_real_names_are_imported_as_written(session: Session, column: str, value: str) -> None:
    summary = import_rows(session, [good_row(1, **{column: value})], today=TODAY)
    assert summary.written and summary.valid, summary.error_lines()
    [persona] = dump(session)[0]
    assert " ".join(value.split()) in persona


NO_SON_NOMBRES = [
    ("nombre", "JUAN\x07", "Tiene un carácter invisible o de control (U+0007); bórralo."),
    ("primer_apellido", "PEREZ\u202eZEREP", "(U+202E)"),  # turns the text around
    ("segundo_apellido", "LO\u200bPEZ", "(U+200B)"),  # zero-width space
    ("nombre", "JUAN 2", "No puede llevar «2»: un nombre lleva solo letras (con o sin acento, "
     "Ñ, Ü), espacios y los signos . - ' /."),
    ("nombre", "<script>alert(1)</script>", "No puede llevar «<»"),
    ("primer_apellido", "GARCÍA & HIJOS", "No puede llevar «&»"),
    ("primer_apellido", "王", "No puede llevar «王»"),
    ("segundo_apellido", "- . -", "«- . -» no tiene ninguna letra."),
    ("nombre", "N" * 121, "Tiene 121 caracteres; el máximo es 120."),
    ("nombre", "N" * 5000, "Tiene 5000 caracteres; el máximo es 120."),
]  # fmt: skip


@pytest.mark.parametrize(("column", "value", "message"), NO_SON_NOMBRES)
def test_what_cannot_be_a_name_rejects_the_row(
    session: Session, column: str, value: str, message: str
) -> None:
    rows = [*family(), good_row(9, **{column: value})]
    summary = import_rows(session, rows, today=TODAY)
    assert not summary.written and summary.rejected == 1
    [error] = summary.errors
    assert (error.line, error.column) == (6, column)
    assert message in error.message
    assert dump(session) == ([], [])


@pytest.mark.parametrize(
    ("column", "value"),
    [("clinica", "UMF\x01 1"), ("dependencia", "SECRETARÍA\x1b[31m"), ("parentesco", "HIJO\u2066")],
)
def test_other_text_takes_no_invisible_characters(column: str, value: str) -> None:
    changes = {column: value}
    if column == "parentesco":
        changes.update(tipo="beneficiario", titular_curp=good_row(1)["curp"])
    rows = [good_row(1), good_row(2, **changes)]
    result = validate_file(io.BytesIO(csv_bytes(rows)), today=TODAY)
    assert [(e.line, e.column) for e in result.errors] == [(3, column)]
    assert "Tiene un carácter invisible o de control (U+" in result.errors[0].message


def test_other_text_keeps_its_digits_and_signs() -> None:
    row = good_row(1, clinica="UMF No. 3 «Dr. José Ma. Rodríguez» #12", dependencia="S.A. de C.V.")
    relative = good_row(2, tipo="beneficiario", titular_curp=row["curp"], parentesco="hijo(a)")
    assert validate_file(io.BytesIO(csv_bytes([row, relative])), today=TODAY).valid

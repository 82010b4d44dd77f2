"""The registry import refuses the text a constancia prints (dependencia, clínica, parentesco,
the names) when it holds a character the PDF's font cannot draw (``domain.pdf_glifos``): it
would print blank, and the cadena original on the page would no longer read as the signed one.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy.orm import Session

from domain.registry_import import import_rows, validate_file
from tests.padron_helpers import TODAY, csv_bytes, dump, family, good_row


@pytest.fixture
def session(sesion_vacia: Session) -> Session:
    return sesion_vacia  # no registry seeded (tests/domain/conftest.py seeds one for `session`)


def beneficiario(n: int, **changes: str) -> dict[str, str]:
    """A beneficiary of ``good_row(1)``, the titular of ``family()``."""
    return good_row(n, tipo="beneficiario", titular_curp=good_row(1)["curp"], **changes)


SIN_GLIFO = [
    ("clinica", "Clínica 北京", "北", "U+5317"),
    ("dependencia", "Министерство здравоохранения", "М", "U+041C"),
    ("parentesco", "сын", "с", "U+0441"),
    ("nombre", "JOSE\u05b0", "\u05b0", "U+05B0"),  # a Hebrew point: the name rule lets it by
]


@pytest.mark.parametrize(("column", "value", "char", "code"), SIN_GLIFO)
def test_a_character_the_font_lacks_rejects_the_row(
    session: Session, column: str, value: str, char: str, code: str
) -> None:
    rows = [*family(), beneficiario(9, **{"parentesco": "hijo", column: value})]
    summary = import_rows(session, rows, today=TODAY)
    assert not summary.written and (summary.rejected, summary.error_count) == (1, 1)
    [error] = summary.errors
    assert str(error) == (
        f"Línea 6, columna {column}: Tiene «{char}» ({code}), que las constancias imprimirían "
        "en blanco; cámbialo o bórralo."
    )
    assert dump(session) == ([], [])


def test_each_printed_field_is_reported() -> None:
    row = good_row(1, clinica="UMF 北京", dependencia="ООО Ромашка")
    result = validate_file(io.BytesIO(csv_bytes([row])), today=TODAY)
    assert [(e.line, e.column) for e in result.errors] == [(2, "dependencia"), (2, "clinica")]
    assert (result.rejected, result.error_count) == (1, 2)


def test_latin_text_with_its_signs_is_printed_as_written(session: Session) -> None:
    titular = good_row(1, clinica="Clínica Nº 5 – Ñuñoa", dependencia="Bệnh viện Đakovo «Şişli» №3")
    relative = beneficiario(2, parentesco="hijo(a) — 2.º", nombre="MARI\u0301A")
    summary = import_rows(session, [titular, relative], today=TODAY)
    assert summary.written and summary.valid, summary.error_lines()
    afiliaciones = dump(session)[1]
    assert afiliaciones[0][8:10] == ("Bệnh viện Đakovo «Şişli» №3", "Clínica Nº 5 – Ñuñoa")
    assert afiliaciones[1][-1] == "hijo(a) — 2.º"

"""A beneficiary whose titular is in neither the file nor the registry is imported with a
warning and counted apart, with its line: without a titular (or pensionado) row in the same
institution it has no rights (domain.derechos), and the titular may come in a later file."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from sqlalchemy.orm import Session

from domain import registry, registry_file_checks, registry_writer
from domain.registry_csv import parse_row
from domain.registry_filas import Registro
from domain.registry_file_checks import FileChecks
from domain.registry_import import import_rows, validate_file
from domain.registry_reader import RawRow
from tests.padron_helpers import TODAY, csv_bytes, dump, good_row

AVISO = (
    "Su titular no está en el archivo ni en el padrón como titular o pensionado del ISSSTE: "
    "la fila se importa, pero no tiene derechos hasta que se importe su titular."
)


@pytest.fixture
def session(sesion_vacia: Session) -> Session:
    return sesion_vacia  # no registry seeded (tests/domain/conftest.py seeds one for `session`)


def titular(n: int, **changes: str) -> dict[str, str]:
    return good_row(n, institucion="ISSSTE", numero_afiliacion=f"T-{n}", **changes)


def beneficiario(n: int, of: int, institucion: str = "ISSSTE") -> dict[str, str]:
    return good_row(
        n, institucion=institucion, numero_afiliacion=f"T-{of}", tipo="beneficiario",
        titular_curp=good_row(of)["curp"], parentesco="hija",
    )  # fmt: skip


def test_a_beneficiary_without_titular_is_imported_warned_and_counted(session: Session) -> None:
    rows = [titular(1), beneficiario(2, of=1), beneficiario(3, of=7), beneficiario(4, of=8)]
    summary = import_rows(session, rows, today=TODAY)
    assert summary.written and summary.valid and summary.added == 4
    assert [(w.line, w.column, w.message) for w in summary.warnings] == [
        (4, "titular_curp", AVISO), (5, "titular_curp", AVISO),
    ]  # fmt: skip
    assert (summary.sin_titular_count, summary.sin_titular) == (2, (4, 5))
    assert summary.sin_titular_line() == "beneficiarios sin titular: 2 (líneas 4, 5)"
    assert summary.describe().endswith("0 rechazadas; beneficiarios sin titular: 2 (líneas 4, 5).")
    assert len(dump(session)[1]) == 4
    # What the warning says: such a beneficiary has no rights, unlike the one with a titular.
    conn = session.connection()
    assert registry.estado_issste(conn, good_row(2)["curp"], TODAY) == "afiliado"
    assert registry.estado_issste(conn, good_row(3)["curp"], TODAY) == "sin_afiliacion"


@pytest.mark.parametrize("chunk", [1, registry_writer.CHUNK])
def test_a_titular_later_in_the_file_or_already_in_the_registry_is_found(
    session: Session, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(registry_writer, "CHUNK", chunk)
    import_rows(session, [titular(5, tipo="pensionado")], today=TODAY)
    rows = [beneficiario(2, of=1), titular(1), beneficiario(3, of=5)]
    summary = import_rows(session, rows, today=TODAY)
    assert summary.written and summary.warning_count == 0
    assert (summary.sin_titular_count, summary.sin_titular_line()) == (0, None)
    assert "sin titular" not in summary.describe()


def test_the_titular_must_be_in_the_same_institution(session: Session) -> None:
    # A beneficiary's rights come from the titular's row in its own institution.
    imss = good_row(1)  # titular in the IMSS only
    summary = import_rows(session, [imss, beneficiario(2, of=1)], today=TODAY)
    assert [(w.line, w.message) for w in summary.warnings] == [(3, AVISO)]
    relative_of_a_relative = [titular(5), beneficiario(6, of=5), beneficiario(7, of=6)]
    summary = import_rows(session, relative_of_a_relative, today=TODAY)
    assert summary.sin_titular == (4,)


def test_a_titular_row_skipped_as_invalid_leaves_its_beneficiaries_without_one(
    session: Session,
) -> None:
    rows = [titular(1, sexo="F"), beneficiario(2, of=1)]
    summary = import_rows(session, rows, today=TODAY, skip_invalid=True)
    assert summary.written and summary.rejected == 1 and summary.sin_titular == (3,)
    assert [(w.line, w.column) for w in summary.warnings] == [(3, "titular_curp")]


def test_the_lines_kept_are_capped_but_all_are_counted(session: Session) -> None:
    rows = [beneficiario(100 + n, of=1) for n in range(130)]
    reported: list[object] = []
    summary = import_rows(session, rows, today=TODAY, report=reported.extend)
    assert (summary.sin_titular_count, len(summary.sin_titular), len(reported)) == (130, 100, 130)
    assert summary.warning_lines()[-1] == "… y 30 avisos más."
    assert summary.sin_titular_line() == (
        "beneficiarios sin titular: 130 (líneas "
        + ", ".join(str(line) for line in range(2, 102))
        + " y 30 más)"
    )


def test_validating_without_a_database_does_not_guess() -> None:
    # The titular may be in the registry already: without it at hand, nothing is said.
    result = validate_file(io.BytesIO(csv_bytes([beneficiario(2, of=1)])), today=TODAY)
    assert result.valid and (result.warning_count, result.sin_titular_count) == (0, 0)


def _parsed(rows: list[dict[str, str]]) -> list[Registro]:
    parsed = [parse_row(RawRow(line, row), TODAY) for line, row in enumerate(rows, 2)]
    assert all(isinstance(row, Registro) for row in parsed)
    return parsed  # type: ignore[return-value]


def _bytes_kept(rows: list[Registro]) -> int:
    """What FileChecks holds once every row went through it (the rows themselves apart)."""
    tracemalloc.start()
    try:
        checks = FileChecks()
        assert not any(checks.check(row) for row in rows)
        return tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


def test_beneficiaries_waiting_for_their_titular_take_a_few_bytes_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A file sorted by CURP lists most beneficiaries before their titular: each is kept to the
    # end. The same rows, titulares first, keep none: the same keys, the same tables (and the
    # persons kept whole, different ones in each order, are left out).
    monkeypatch.setattr(registry_file_checks, "_RECENT", 1)
    count = 4_000
    titulares = [titular(n) for n in range(1, count + 1)]
    beneficiarios = [beneficiario(count + n, of=n) for n in range(1, count + 1)]
    families_first = _parsed(titulares + beneficiarios)
    beneficiaries_first = _parsed(beneficiarios + titulares)
    waiting = _bytes_kept(beneficiaries_first) - _bytes_kept(families_first)
    assert 0 < waiting / count < 32, waiting / count  # a tuple of the three took over 70


def test_beneficiaries_without_titular_are_looked_up_a_batch_at_a_time() -> None:
    count = 2 * registry_file_checks._BATCH + 5
    checks = FileChecks()
    for row in _parsed([beneficiario(n, of=count + n) for n in range(1, count + 1)]):
        assert checks.check(row) == []
    asked: list[int] = []

    def en_padron(wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
        asked.append(len(wanted))
        return {pair for pair in wanted if pair[0] == good_row(count + 1)["curp"]}

    batches = [[w.line for w in batch] for batch in checks.sin_titular(en_padron)]
    assert asked == [registry_file_checks._BATCH, registry_file_checks._BATCH, 5]
    assert [line for batch in batches for line in batch] == list(range(3, count + 2))

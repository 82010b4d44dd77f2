"""A row with no institution ends the person's vigente affiliations, on SQLite and PostgreSQL.

The row says the person has no affiliation now: what the registry holds for the CURP stays (with
its dates) but is no longer vigente, so the person gets «sin afiliación» and can ask for a
Constancia de No Afiliación. A vigente affiliation of the same CURP in the same file contradicts
it and is rejected, whichever row comes later.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from domain import registry, registry_writer
from domain.registry_import import import_rows
from tests.padron_helpers import NO_AFFILIATION, TODAY, dump, family, good_row


@pytest.fixture
def session(sesion_vacia: Session) -> Session:
    return sesion_vacia  # no registry seeded (tests/domain/conftest.py seeds one for `session`)


def estado(session: Session, n: int) -> str:
    found = registry.estado_issste(session.connection(), good_row(n)["curp"], TODAY)
    session.rollback()
    return found


def counts(rows: list[dict[str, str]], session: Session, **options: bool) -> tuple[int, ...]:
    summary = import_rows(session, rows, today=TODAY, **options)
    assert summary.written, summary.error_lines()
    return summary.added, summary.updated, summary.unchanged, summary.rejected


def vigentes(session: Session) -> list[tuple[object, ...]]:
    """(curp, institucion, vigente, vigente_desde) of every affiliation, in id order."""
    return [(a[1], a[2], a[5], a[6]) for a in dump(session)[1]]


@pytest.mark.parametrize("chunk", [1, registry_writer.CHUNK])
def test_a_row_without_institution_ends_every_vigente_affiliation(
    session: Session, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(registry_writer, "CHUNK", chunk)
    counts(family(), session)
    assert (estado(session, 1), estado(session, 2)) == ("afiliado", "afiliado")
    titular, beneficiaria = good_row(1)["curp"], good_row(2)["curp"]
    before = vigentes(session)
    sin_afiliacion = [good_row(1, **NO_AFFILIATION)]
    assert counts(sin_afiliacion, session) == (0, 1, 0, 0)
    # Nothing deleted, dates kept; the beneficiary's own row stays as the registry sent it.
    desde = before[0][3]
    assert vigentes(session) == [
        (titular, "IMSS", False, desde), (titular, "ISSSTE", False, desde),
        (beneficiaria, "ISSSTE", True, desde),
    ]  # fmt: skip
    # Her rights came from the titular's (domain.derechos): they end with his.
    assert (estado(session, 1), estado(session, 2)) == ("sin_afiliacion", "sin_afiliacion")
    situacion = registry.situacion(session, titular, TODAY)
    assert situacion.imss_vigente is None and situacion.issste_vigente is None
    session.rollback()
    after = dump(session)
    assert counts(sin_afiliacion, session) == (0, 0, 1, 0)
    assert dump(session) == after


def test_an_affiliation_already_ended_leaves_the_row_unchanged(session: Session) -> None:
    rows = family()
    for row in rows[:2]:
        row["vigente"] = "0"
    counts(rows, session)
    assert counts([good_row(1, **NO_AFFILIATION)], session) == (0, 0, 1, 0)


@pytest.mark.parametrize("sin_afiliacion_first", [True, False])
@pytest.mark.parametrize("chunk", [1, registry_writer.CHUNK])
def test_ended_twice_in_one_file_counts_once(
    session: Session, monkeypatch: pytest.MonkeyPatch, chunk: int, sin_afiliacion_first: bool
) -> None:
    monkeypatch.setattr(registry_writer, "CHUNK", chunk)
    rows = family()
    rows[0]["vigente"] = "0"  # only the ISSSTE affiliation is vigente
    counts(rows, session)
    baja = good_row(1, institucion="ISSSTE", numero_afiliacion="DEMO-0001", vigente="0")
    both = [good_row(1, **NO_AFFILIATION), baja]
    if not sin_afiliacion_first:
        both.reverse()
    # The first row ends it; the second finds it as it says, in the same chunk or not.
    assert counts(both, session) == (0, 1, 1, 0)
    assert [v[2] for v in vigentes(session)] == [False, False, True]
    after = dump(session)
    assert counts(both, session) == (0, 0, 2, 0)
    assert dump(session) == after


def test_the_same_file_cannot_say_both_vigente_and_without_affiliation(session: Session) -> None:
    rows = [
        good_row(1),  # line 2: vigente
        good_row(1, **NO_AFFILIATION),  # line 3: contradicts line 2
        good_row(2, **NO_AFFILIATION),  # line 4
        good_row(2, vigente="0"),  # line 5: an ended affiliation may go with it
        good_row(2, institucion="ISSSTE", numero_afiliacion="B2"),  # line 6: contradicts line 4
        good_row(3, vigente="0"),  # line 7
        good_row(3, **NO_AFFILIATION),  # line 8: fine
        good_row(3, institucion="ISSSTE", numero_afiliacion="B3"),  # line 9: contradicts line 8
        good_row(4, vigente="0"),  # line 10
        good_row(4, institucion="ISSSTE", numero_afiliacion="B4"),  # line 11: vigente
        good_row(4, **NO_AFFILIATION),  # line 12: contradicts line 11, not 10
    ]  # fmt: skip
    summary = import_rows(session, rows, today=TODAY)
    assert not summary.written and dump(session) == ([], [])
    assert [(e.line, e.column) for e in summary.errors] == [
        (3, "institucion"), (6, "vigente"), (9, "vigente"), (12, "institucion")
    ]  # fmt: skip
    assert summary.errors[0].message == (
        "Con la institución vacía, esta fila dice que la persona no tiene afiliación, pero la "
        "línea 2 le da una vigente. Deja solo una de las dos filas, o pon 0 en vigente en la "
        "línea 2."
    )
    assert summary.errors[1].message == (
        "Esta fila da a la persona una afiliación vigente, pero la línea 4 (con la institución "
        "vacía) dice que no tiene ninguna. Deja solo una de las dos filas, o pon 0 en vigente "
        "en esta."
    )
    assert "línea 11 le da una vigente" in summary.errors[3].message


def test_skip_invalid_keeps_the_earlier_of_two_contradicting_rows(session: Session) -> None:
    counts(family(), session)
    rows = [good_row(1, **NO_AFFILIATION), good_row(1)]  # line 3 is rejected
    assert counts(rows, session, skip_invalid=True) == (0, 1, 0, 1)
    assert [v[2] for v in vigentes(session)] == [False, False, True]
    assert estado(session, 1) == "sin_afiliacion"

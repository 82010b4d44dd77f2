"""Folios on the ledger: numbered per kind and year in Mexico City time, given back by a
rollback, distinct and without gaps under one hundred concurrent issues; and read back as typed."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import constancia_tipos, constancias, constancias_sin_derecho, signing
from domain.folios import FOLIO_RE, normalizar_folio, siguiente_folio
from tests.domain.conftest import EMISOR, NOW, curp_of


def test_folios_count_per_kind_and_year_in_mexico_city_time(session: Session) -> None:
    first = siguiente_folio(session, "NA", 2026)
    assert (first, siguiente_folio(session, "NA", 2026)) == (1, 2)
    assert siguiente_folio(session, "ND", 2026) == 1
    assert siguiente_folio(session, "NA", 2027) == 1
    # 03:00 UTC on 1 January is still 31 December in Mexico City.
    new_year = dt.datetime(2027, 1, 1, 3, 0, tzinfo=dt.UTC)
    row = constancias_sin_derecho.emitir_no_afiliacion(
        session, signing.Signer.generate(), "XEXX010101HNEXXXA4", new_year, emisor=EMISOR
    )
    assert row.folio == "NA-2026-000003"


def test_a_rolled_back_issue_gives_its_folio_back(session: Session, signer: signing.Signer) -> None:
    curp = curp_of(session, "sin_afiliacion")
    first = constancias_sin_derecho.emitir_no_afiliacion(
        session, signer, curp, NOW, emisor=EMISOR
    ).folio
    session.rollback()
    again = constancias_sin_derecho.emitir_no_afiliacion(
        session, signer, curp, NOW, emisor=EMISOR
    ).folio
    session.commit()
    assert first == again == "NA-2026-000001"


def test_one_hundred_concurrent_issues_get_distinct_folios_without_gaps(
    engine: sa.Engine, signer: signing.Signer
) -> None:
    with Session(engine) as session:
        curp = curp_of(session, "sin_afiliacion")

    def issue(_: int) -> str:
        with Session(engine) as session:
            row = constancias_sin_derecho.emitir_no_afiliacion(
                session, signer, curp, NOW, emisor=EMISOR
            )
            session.commit()
            return row.folio

    with ThreadPoolExecutor(max_workers=100) as pool:
        folios = list(pool.map(issue, range(100)))
    assert len(set(folios)) == 100
    assert sorted(folios) == [f"NA-2026-{n:06d}" for n in range(1, 101)]
    with Session(engine) as session:
        assert constancias.contar(session, constancia_tipos.NO_AFILIACION) == 100


@pytest.mark.parametrize(
    "typed",
    [
        "NA-2026-000001",
        "na-2026-000001",
        " NA 2026 000001 ",
        "NA2026000001",
        "na2026000001",
        "NA-2026000001",
        "NA2026-000001",
        "NA\u20132026\u2013000001",
    ],
)
def test_a_folio_is_read_as_typed(typed: str) -> None:
    assert normalizar_folio(typed) == "NA-2026-000001"


@pytest.mark.parametrize("typed", ["N2026000001", "NA202600001", "NA20260000000001", "hola", ""])
def test_what_cannot_be_a_folio_is_left_for_the_format_check(typed: str) -> None:
    assert not FOLIO_RE.match(normalizar_folio(typed))

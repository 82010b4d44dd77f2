"""A request's claim and outcome, for its repeats: one claim per key, read back only with the
same fields and within the window, and taken over once expired or ended with nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from domain import repeticiones
from domain.repeticiones import NADA

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
VENTANA = dt.timedelta(seconds=10)


def test_one_claim_per_key_and_its_outcome_for_the_same_fields(sesion_vacia: Session) -> None:
    s = sesion_vacia
    assert repeticiones.apartar(s, "k", "huella", NOW, VENTANA)
    assert not repeticiones.apartar(s, "k", "huella", NOW, VENTANA)  # the repeat
    assert repeticiones.leer(s, "k", "huella", NOW) is None  # the first is at work
    repeticiones.anotar(s, "k", "ND-2026-000001")
    s.commit()
    assert repeticiones.leer(s, "k", "huella", NOW) == "ND-2026-000001"
    assert repeticiones.leer(s, "k", "otra", NOW) == NADA  # other fields: nothing to give
    assert repeticiones.leer(s, "otra", "huella", NOW) == NADA
    repeticiones.anotar(s, "k", "ND-2026-000002")  # recorded once: a late write changes nothing
    s.commit()
    assert repeticiones.leer(s, "k", "huella", NOW) == "ND-2026-000001"
    assert not repeticiones.apartar(s, "k", "huella", NOW + VENTANA / 2, VENTANA)


def test_a_claim_expired_or_ended_with_nothing_is_taken_over(sesion_vacia: Session) -> None:
    s = sesion_vacia
    assert repeticiones.apartar(s, "k", "", NOW, VENTANA)
    repeticiones.anotar(s, "k", "VD-2026-000001")
    s.commit()
    later = NOW + VENTANA
    assert repeticiones.leer(s, "k", "", later) == NADA
    assert repeticiones.apartar(s, "k", "", later, VENTANA)
    repeticiones.anotar(s, "k", NADA)  # refused: nothing to repeat
    s.commit()
    assert repeticiones.apartar(s, "k", "", later, VENTANA)
    assert repeticiones.purgar(s, later + VENTANA + dt.timedelta(seconds=1)) == 1

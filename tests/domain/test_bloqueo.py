"""Failed sign-ins lock an account: five within fifteen minutes, for fifteen minutes."""

from __future__ import annotations

import datetime as dt

from domain.bloqueo import Intentos, bloqueada, minutos_restantes, tras_fallo

T0 = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)


def _fail(times: int, every: dt.timedelta, state: Intentos | None = None) -> Intentos:
    state = state or Intentos()
    for i in range(times):
        state = tras_fallo(state, T0 + i * every)
    return state


def test_four_failures_do_not_lock() -> None:
    state = _fail(4, dt.timedelta(minutes=1))
    assert state == Intentos(4, T0, None)


def test_the_fifth_failure_within_fifteen_minutes_locks_for_fifteen_minutes() -> None:
    state = _fail(5, dt.timedelta(minutes=3))
    locked_at = T0 + dt.timedelta(minutes=12)
    assert state == Intentos(0, None, locked_at + dt.timedelta(minutes=15))
    assert bloqueada(state.bloqueada_hasta, locked_at + dt.timedelta(minutes=14))
    assert not bloqueada(state.bloqueada_hasta, locked_at + dt.timedelta(minutes=15))
    assert minutos_restantes(state.bloqueada_hasta, locked_at) == 15


def test_failures_spread_over_more_than_fifteen_minutes_start_a_new_window() -> None:
    state = _fail(5, dt.timedelta(minutes=4))  # the 5th is 16 minutes after the 1st
    assert state.bloqueada_hasta is None
    assert state.fallidos == 1


def test_naive_datetimes_from_sqlite_count_as_utc() -> None:
    naive = Intentos(4, T0.replace(tzinfo=None), None)
    state = tras_fallo(naive, T0 + dt.timedelta(minutes=1))
    assert state.bloqueada_hasta == T0 + dt.timedelta(minutes=16)
    assert bloqueada(state.bloqueada_hasta.replace(tzinfo=None), T0)
    assert minutos_restantes(None, T0) == 0


def test_the_window_is_fifteen_minutes_from_the_first_failure_and_no_more() -> None:
    four = _fail(4, dt.timedelta(minutes=1))  # at 0, 1, 2 and 3 minutes
    just_inside = tras_fallo(four, T0 + dt.timedelta(minutes=14, seconds=59))
    assert just_inside.bloqueada_hasta is not None
    # At fifteen minutes the first failure no longer counts: a fresh window, no lock.
    on_the_edge = tras_fallo(four, T0 + dt.timedelta(minutes=15))
    assert on_the_edge == Intentos(1, T0 + dt.timedelta(minutes=15), None)

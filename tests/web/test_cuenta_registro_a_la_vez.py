"""Registrations sent at the same moment for one CURP or one address (a double click, two
servers, two people): both get "revisa tu correo", one account is saved, and only the request
that saved it queues an email. The other used to end in a 500: the database refused its account
at the flush, before the commit that was ready for that refusal.

Each request runs in a thread of its own (its own client, app context and database session) and
stops right before its first write to ``cuenta`` until every other has reached its own: all have
then found the CURP and the address free (or the account still pending), and none has written.
Then they go in the order given, each once the one before has written the account it claims,
so the test knows which one the database lets through.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from blueprints.extensions import db
from domain.models import Cuenta
from tests.captcha_helpers import solve_captcha
from tests.web.cuenta_helpers import (
    PASSWORD,
    activar,
    correos,
    cuenta,
    enlace,
    entrar,
    fallos_contados_mientras,
    formulario,
    registrar,
)
from tests.web.test_oficina import signed_in

CUENTA_WRITES = ("INSERT INTO cuenta ", "UPDATE cuenta ")
# The write that takes a CURP or an address: a new account, or an address set on one.
CLAIMS = ("INSERT INTO cuenta ", "UPDATE cuenta SET email=")
_hilo = threading.local()  # set in the threads this file starts, and only there
ACTIVAR_ASUNTO = "[Demostración] Activa tu cuenta de la Oficina Virtual"
REEMPLAZADO_ASUNTO = "[Demostración] Tu registro pendiente cambió de correo"


def a_la_vez(app: Flask, envios: Sequence[Callable[[], TestResponse]]) -> list[TestResponse]:
    """Each request in a thread of its own, held before its first write to ``cuenta`` until
    every one has reached it, then let through in order; their answers, in order."""
    barrier = threading.Barrier(len(envios), timeout=30)
    claimed = [threading.Event() for _ in envios]

    def line_up(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        turn = getattr(_hilo, "turno", None)
        if turn is not None and not _hilo.esperado and statement.startswith(CUENTA_WRITES):
            _hilo.esperado = True
            barrier.wait()
            assert turn == 0 or claimed[turn - 1].wait(30)

    def written(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        turn = getattr(_hilo, "turno", None)
        if turn is not None and statement.startswith(CLAIMS):
            claimed[turn].set()

    def run(turn: int, envio: Callable[[], TestResponse]) -> TestResponse:
        _hilo.turno, _hilo.esperado = turn, False
        try:
            return envio()
        finally:
            _hilo.turno = None
            claimed[turn].set()  # never leave the next one waiting

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", line_up)
    sa.event.listen(engine, "after_cursor_execute", written)
    try:
        with ThreadPoolExecutor(len(envios)) as pool:
            return list(pool.map(run, range(len(envios)), envios))
    finally:
        sa.event.remove(engine, "before_cursor_execute", line_up)
        sa.event.remove(engine, "after_cursor_execute", written)


def registro(app: Flask, curp: str, email: str) -> Callable[[], TestResponse]:
    """The registration form of ``curp`` and ``email``, its captcha solved, ready to send."""
    client = app.test_client()
    page = client.get("/cuenta/registro").get_data(as_text=True)
    data = {**formulario(app, curp, email), **solve_captcha(client, page)}
    return lambda: client.post("/cuenta/registro", data=data)


def revisa_tu_correo(answers: Sequence[TestResponse]) -> bool:
    return all(
        r.status_code == 303 and r.headers["Location"] == "/cuenta/registro/revisa-tu-correo"
        for r in answers
    )


def cuentas(app: Flask) -> dict[str, tuple[str, bool]]:
    """Every account: its CURP, and its address and whether it is active."""
    with app.app_context():
        return {c.curp: (c.email, c.activa) for c in db.session.scalars(sa.select(Cuenta))}


def asuntos(app: Flask, desde: int = 0) -> list[tuple[str, str]]:
    return [(str(m["To"]), str(m["Subject"])) for m in correos(app)[desde:]]


@pytest.mark.parametrize(
    "emails",
    [("una@example.org", "una@example.org"), ("una@example.org", "otra@example.org")],
    ids=["one address", "two addresses"],
)
def test_one_curp_registered_twice_at_once_saves_one_account_and_sends_one_link(
    app: Flask, curps: Any, emails: tuple[str, str]
) -> None:
    curp = curps["issste_titular"][0]
    answers = a_la_vez(app, [registro(app, curp, email) for email in emails])
    assert revisa_tu_correo(answers)
    assert cuentas(app) == {curp: (emails[0], False)}
    # The first one's link, and nothing from the other: its link would have ended this one.
    assert asuntos(app) == [(emails[0], ACTIVAR_ASUNTO)]
    assert activar(app.test_client(), enlace(correos(app)[0])).status_code == 200
    assert cuentas(app) == {curp: (emails[0], True)}


def test_one_address_registered_for_two_curps_at_once_saves_one_account(
    app: Flask, curps: Any
) -> None:
    titulares = curps["issste_titular"][:2]
    answers = a_la_vez(app, [registro(app, curp, "una@example.org") for curp in titulares])
    assert revisa_tu_correo(answers)
    assert cuentas(app) == {titulares[0]: ("una@example.org", False)}
    assert asuntos(app) == [("una@example.org", ACTIVAR_ASUNTO)]


@pytest.mark.parametrize("reinicio_primero", [True, False], ids=["restart first", "new first"])
def test_a_pending_account_moved_to_an_address_another_curp_takes_at_once_keeps_its_link(
    app: Flask, curps: Any, reinicio_primero: bool
) -> None:
    # One request starts a pending account over with a new address while another CURP
    # registers that address: if the restart loses, the account keeps its address and the
    # link already sent there, which the losing request had begun to end.
    pendiente, nueva = curps["issste_titular"][:2]
    registrar(app.test_client(), formulario(app, pendiente, "vieja@example.org"))
    primer_enlace, antes = enlace(correos(app)[0]), len(correos(app))
    envios = [
        registro(app, pendiente, "nueva@example.org"),
        registro(app, nueva, "nueva@example.org"),
    ]
    assert revisa_tu_correo(a_la_vez(app, envios if reinicio_primero else envios[::-1]))
    if reinicio_primero:  # the old address hears of it, and the link sent there is over
        assert cuentas(app) == {pendiente: ("nueva@example.org", False)}
        assert [to for to, _ in asuntos(app, antes)] == ["nueva@example.org", "vieja@example.org"]
        assert activar(app.test_client(), primer_enlace).status_code == 410
    else:
        assert cuentas(app) == {
            pendiente: ("vieja@example.org", False),
            nueva: ("nueva@example.org", False),
        }
        assert asuntos(app, antes) == [("nueva@example.org", ACTIVAR_ASUNTO)]
        assert activar(app.test_client(), primer_enlace).status_code == 200


def test_a_pending_account_started_over_with_two_addresses_at_once_goes_to_the_first(
    app: Flask, curps: Any
) -> None:
    # Both read the account pending at its first address. The second used to move it again,
    # unseen by the first: the first new address kept a dead link and no word of why.
    curp = curps["issste_titular"][0]
    registrar(app.test_client(), formulario(app, curp, "vieja@example.org"))
    primer_enlace, antes = enlace(correos(app)[0]), len(correos(app))
    envios = [registro(app, curp, "una@example.org"), registro(app, curp, "otra@example.org")]
    assert revisa_tu_correo(a_la_vez(app, envios))
    assert cuentas(app) == {curp: ("una@example.org", False)}
    assert asuntos(app, antes) == [
        ("una@example.org", ACTIVAR_ASUNTO),
        ("vieja@example.org", REEMPLAZADO_ASUNTO),
    ]
    assert activar(app.test_client(), primer_enlace).status_code == 410
    assert activar(app.test_client(), enlace(correos(app)[antes])).status_code == 200


def test_a_pending_account_activated_while_it_is_started_over_stays_as_activated(
    app: Flask, curps: Any
) -> None:
    # The owner opens the link as someone starts the registration over with another address
    # and password: the account is active now, and keeps its own. It used to take the new ones
    # and stay active, handed to whoever started it over.
    curp = curps["issste_titular"][0]
    registrar(app.test_client(), formulario(app, curp, "vieja@example.org"))
    path, antes = enlace(correos(app)[0]), len(correos(app))
    otra = formulario(app, curp, "nueva@example.org", password="otra frase de paso")
    client = app.test_client()
    page = client.get("/cuenta/registro").get_data(as_text=True)
    data = {**otra, **solve_captcha(client, page)}
    envios = [
        lambda: activar(app.test_client(), path),
        lambda: client.post("/cuenta/registro", data=data),
    ]
    activada, reiniciada = a_la_vez(app, envios)
    assert activada.status_code == 200
    assert revisa_tu_correo([reiniciada])
    assert cuentas(app) == {curp: ("vieja@example.org", True)}
    assert asuntos(app, antes) == []
    assert entrar(app.test_client(), curp).status_code == 303


@pytest.mark.parametrize(
    "confirmar_primero", [True, False], ids=["confirm first", "register first"]
)
def test_an_address_confirmed_while_another_curp_registers_it_goes_to_one_of_them(
    app: Flask, curps: Any, confirmar_primero: bool
) -> None:
    # /cuenta/correo/confirmar catches the refusal at its commit; the registration must too.
    titular, nueva = curps["issste_titular"][:2]
    oficina = signed_in(app, titular)
    oficina.post("/oficina/correo", data={"email": "nueva@example.org", "actual": PASSWORD})
    path, antes = enlace(correos(app, "nueva@example.org")[0]), len(correos(app))
    envios = [lambda: app.test_client().post(path), registro(app, nueva, "nueva@example.org")]
    answers = a_la_vez(app, envios if confirmar_primero else envios[::-1])
    confirmada, registrada = answers if confirmar_primero else answers[::-1]
    assert revisa_tu_correo([registrada])
    if confirmar_primero:
        assert confirmada.status_code == 200
        assert cuentas(app) == {titular: ("nueva@example.org", True)}
        assert [to for to, _ in asuntos(app, antes)] == ["titular@example.org"]  # "Cambiaste…"
    else:
        assert confirmada.status_code == 409
        assert cuentas(app) == {
            titular: ("titular@example.org", True),
            nueva: ("nueva@example.org", False),
        }
        assert asuntos(app, antes) == [("nueva@example.org", ACTIVAR_ASUNTO)]


def test_starting_over_clears_failures_counted_while_it_was_under_way(
    app: Flask, curps: Any
) -> None:
    # A pending registration started over forgets the wrong passwords tried against it, also
    # those counted by other requests after this one read the account (as zero).
    curp = curps["issste_pensionado"][0]
    registrar(app.test_client(), formulario(app, curp, "mal@example.org"))
    with fallos_contados_mientras(app, "UPDATE cuenta SET token_version") as counted:
        registrar(app.test_client(), formulario(app, curp, "bien@example.org"))
    assert counted
    assert cuenta(app, curp).email == "bien@example.org"
    assert (cuenta(app, curp).intentos_fallidos, cuenta(app, curp).primer_fallo) == (0, None)

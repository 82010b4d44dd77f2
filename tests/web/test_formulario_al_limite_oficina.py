"""The Oficina Virtual's forms a rate limit refuses, sent without JavaScript: the same page again
(passwords never written back), an error summary saying how long to wait, 429 and Retry-After;
sent again from there once the wait is over, it works. A page whose data fails to load leaves
the general page, with nothing personal in the log."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from domain import registry
from tests.web.constancias_helpers import ledger
from tests.web.cuenta_helpers import PASSWORD, correos, seed
from tests.web.limite_helpers import (
    app_limitada,
    con_sesion,
    olvidar_limites,
    otra_vez,
    pagina,
    rechazada,
    token,
)

CARNET = "/oficina/constancia-vigencia"
NUEVA = "río de plata en invierno"


def test_the_address_change_comes_back_with_the_new_address(
    tmp_path: Path, database_url: str
) -> None:
    path = "/oficina/correo"
    app = app_limitada(tmp_path, database_url)
    client = con_sesion(app, seed(app)["issste_titular"][0], "activa@example.org")
    sent = {"csrf_token": token(client, path), "actual": PASSWORD}
    # 10 an hour per address: the passwords checked, the right one too (the address is blank).
    assert [client.post(path, data={**sent, "email": ""}).status_code for _ in range(10)] == [
        422
    ] * 10
    refused = client.post(path, data={**sent, "email": "nuevo@example.org"})
    form = rechazada(refused, path, {"email": "nuevo@example.org"}, secretos=("actual",))
    assert "No guardamos tu contraseña: escríbela otra vez." in pagina(refused)
    olvidar_limites(app)
    assert otra_vez(client, form, actual=PASSWORD).status_code == 303
    assert len(correos(app, "nuevo@example.org")) == 1


def test_the_password_change_comes_back_empty(tmp_path: Path, database_url: str) -> None:
    path = "/oficina/contrasena"
    app = app_limitada(tmp_path, database_url)
    client = con_sesion(app, seed(app)["issste_titular"][0], "activa@example.org")
    sent = {"csrf_token": token(client, path), "actual": PASSWORD}
    answers = [client.post(path, data={**sent, "password": ""}).status_code for _ in range(10)]
    assert answers == [422] * 10
    refused = client.post(path, data={**sent, "password": NUEVA})
    form = rechazada(refused, path, {}, secretos=("actual", "password"))
    assert "No guardamos las contraseñas que escribiste" in pagina(refused)
    olvidar_limites(app)
    assert otra_vez(client, form, actual=PASSWORD, password=NUEVA).status_code == 303


def test_closing_the_account_comes_back_asking_for_the_password(
    tmp_path: Path, database_url: str
) -> None:
    path = "/oficina/cerrar-cuenta"
    app = app_limitada(tmp_path, database_url)
    curps = seed(app)
    three = [*curps["issste_titular"][:2], curps["issste_pensionado"][0]]
    clients = [con_sesion(app, curp, f"t{n}@example.org") for n, curp in enumerate(three)]
    # Ten wrong passwords an hour from one address; five per account before its own pause.
    for client in clients[:2]:
        wrong = {"csrf_token": token(client, path)}
        answers = [client.post(path, data={**wrong, "actual": f"x{i}"}) for i in range(5)]
        assert [a.status_code for a in answers] == [422] * 5
    last = clients[2]
    refused = last.post(path, data={"csrf_token": token(last, path), "actual": PASSWORD})
    form = rechazada(refused, path, {}, secretos=("actual",))
    olvidar_limites(app)
    again = otra_vez(last, form, actual=PASSWORD)
    assert again.status_code == 303 and again.headers["Location"] == "/oficina/cuenta-cerrada"


def _carnet_al_limite(app: Any, titular: str, other: str) -> tuple[Any, Any]:
    """A signed-in titular who asked for 30 documents in a minute: 20 refused as not theirs,
    10 over the account's hour (its own page), then the 31st is over the repeat budget."""
    client = con_sesion(app, titular, "activa@example.org")
    ask = {"csrf_token": token(client, CARNET), "curp": other}
    answers = [client.post(CARNET, data=ask).status_code for _ in range(30)]
    assert answers == [403] * 20 + [429] * 10
    return client, ask


def test_the_carnet_page_comes_back_with_its_buttons(tmp_path: Path, database_url: str) -> None:
    app = app_limitada(tmp_path, database_url)
    titular, other = seed(app)["issste_titular"][:2]
    client, ask = _carnet_al_limite(app, titular, other)
    refused = client.post(CARNET, data={**ask, "curp": titular})
    form = rechazada(refused, CARNET, {"curp": titular})  # the titular's own button comes first
    assert "Pediste muchas constancias" not in pagina(refused)  # that is the account's hour
    olvidar_limites(app)
    again = otra_vez(client, form)
    assert again.status_code == 200 and again.mimetype == "application/pdf"
    assert len(ledger(app)) == 1


def test_a_page_that_cannot_load_leaves_the_general_one(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = app_limitada(tmp_path, database_url)
    titular, other = seed(app)["issste_titular"][:2]
    client, ask = _carnet_al_limite(app, titular, other)

    def caida(*_args: object, **_kwargs: object) -> None:
        # As the database reports it: the statement's parameters, a CURP among them.
        raise OperationalError("SELECT * FROM afiliaciones", {"curp": titular}, Exception())

    monkeypatch.setattr(registry, "situacion", caida)
    with caplog.at_level(logging.INFO):
        refused = client.post(CARNET, data={**ask, "curp": titular})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    html = pagina(refused)
    assert "<h1>Demasiadas solicitudes</h1>" in html and 'name="csrf_token"' not in html
    assert "Formulario no redibujado tras un límite en /oficina/constancia-vigencia" in caplog.text
    assert titular not in caplog.text and other not in caplog.text

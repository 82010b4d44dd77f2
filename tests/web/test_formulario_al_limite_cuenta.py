"""The account forms a rate limit refuses, sent without JavaScript: the same page again with
what was typed but the passwords, the consent and the captcha's answer, an error summary saying
how long to wait, 429 and Retry-After; sent again from there once the wait is over, it works."""

from __future__ import annotations

from pathlib import Path

from tests.captcha_helpers import solve_captcha
from tests.web.cuenta_helpers import (
    PASSWORD,
    correos,
    crear_cuenta,
    enlace,
    formulario,
    seed,
    token_para,
)
from tests.web.limite_helpers import (
    agotar,
    app_limitada,
    con_sesion,
    olvidar_limites,
    otra_curp,
    otra_vez,
    pagina,
    rechazada,
    token,
)

WRONG_CAPTCHA = {"captcha_reto": "x", "captcha_respuesta": "3"}  # an answer to check: counted
NUEVA = "río de plata en invierno"


def test_registration_comes_back_with_every_field_but_the_secret_ones(
    tmp_path: Path, database_url: str
) -> None:
    path = "/cuenta/registro"
    app = app_limitada(tmp_path, database_url)
    curp = seed(app)["issste_titular"][0]
    client = app.test_client()
    answered = {"csrf_token": token(client, path), **WRONG_CAPTCHA}
    assert agotar(client, path, 20, answered) == [422] * 20  # 20 per hour, answers checked
    completo = formulario(app, curp, "nueva@example.org")
    refused = client.post(path, data={**answered, **completo})
    typed = {k: v for k, v in completo.items() if k not in ("password", "acepto")}
    secret = ("password", "acepto", "captcha_respuesta")
    form = rechazada(refused, path, typed, secretos=secret)
    assert "No guardamos tu contraseña: escríbela otra vez." in pagina(refused)
    olvidar_limites(app)
    captcha = solve_captcha(client, pagina(refused))
    again = otra_vez(client, form, password=PASSWORD, acepto="1", **captcha)
    assert again.status_code == 303 and again.headers["Location"].endswith("/revisa-tu-correo")
    assert len(correos(app, "nueva@example.org")) == 1


def test_sign_in_comes_back_with_the_curp_and_where_it_was_going(
    tmp_path: Path, database_url: str
) -> None:
    path = "/cuenta/entrar"
    app = app_limitada(tmp_path, database_url)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "activa@example.org")
    client = app.test_client()
    sent = {"csrf_token": token(client, path), "password": "no es", "next": "/oficina/correo"}
    tries = [client.post(path, data={**sent, "curp": otra_curp(n)}) for n in range(10)]
    assert [t.status_code for t in tries] == [422] * 10  # 10 per minute, passwords checked
    refused = client.post(path, data={**sent, "curp": curp.lower()})
    typed = {"curp": curp.lower(), "next": "/oficina/correo"}
    form = rechazada(refused, path, typed, secretos=("password",))
    olvidar_limites(app)
    again = otra_vez(client, form, password=PASSWORD)
    assert again.status_code == 303 and again.headers["Location"] == "/oficina/correo"


def test_account_recovery_comes_back_with_the_address(tmp_path: Path, database_url: str) -> None:
    path = "/cuenta/recuperar"
    app = app_limitada(tmp_path, database_url)
    client = app.test_client()
    sent = {"csrf_token": token(client, path), "email": "nadie@example.org"}
    assert agotar(client, path, 10, sent) == [303] * 10  # 10 per hour, addresses looked up
    form = rechazada(client.post(path, data=sent), path, {"email": "nadie@example.org"})
    olvidar_limites(app)
    assert otra_vez(client, form).status_code == 303


def test_a_new_activation_link_comes_back_with_the_address(
    tmp_path: Path, database_url: str
) -> None:
    path = "/cuenta/activar/reenviar"
    app = app_limitada(tmp_path, database_url)
    client = app.test_client()
    csrf = token(client, path)
    # An address of its own each time: its own limit (3 links an hour) never answers first.
    tries = [
        client.post(path, data={"csrf_token": csrf, "email": f"n{n}@example.org"})
        for n in range(10)
    ]
    assert [t.status_code for t in tries] == [303] * 10  # 10 per hour
    refused = client.post(path, data={"csrf_token": csrf, "email": "ultima@example.org"})
    form = rechazada(refused, path, {"email": "ultima@example.org"})
    olvidar_limites(app)
    assert otra_vez(client, form).status_code == 303


def test_the_activation_page_comes_back_asking_for_the_password(
    tmp_path: Path, database_url: str
) -> None:
    app = app_limitada(tmp_path, database_url)
    curp = seed(app)["issste_titular"][0]
    client = app.test_client()
    registro = {"csrf_token": token(client, "/cuenta/registro")}
    page = client.get("/cuenta/registro").get_data(as_text=True)
    datos = {**registro, **formulario(app, curp, "pendiente@example.org")}
    assert (
        client.post("/cuenta/registro", data={**datos, **solve_captcha(client, page)}).status_code
        == 303
    )
    path = enlace(correos(app, "pendiente@example.org")[0])
    blank = {"csrf_token": token(client, path)}  # its page's opening counts: 30 a minute
    assert agotar(client, path, 29, blank) == [422] * 29
    refused = client.post(path, data={**blank, "password": "mala"})
    form = rechazada(refused, path, {}, secretos=("password",))
    olvidar_limites(app)
    again = otra_vez(client, form, password=PASSWORD)
    assert again.status_code == 200 and "Tu cuenta está activa" in pagina(again)


def test_the_new_password_page_comes_back_empty(tmp_path: Path, database_url: str) -> None:
    app = app_limitada(tmp_path, database_url)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "activa@example.org")
    path = f"/cuenta/recuperar/{token_para(app, 'recuperar', curp)}"
    client = app.test_client()
    blank = {"csrf_token": token(client, path)}
    assert agotar(client, path, 29, blank) == [422] * 29  # 30 a minute, its opening included
    refused = client.post(path, data={**blank, "password": NUEVA})
    form = rechazada(refused, path, {}, secretos=("password",))
    olvidar_limites(app)
    again = otra_vez(client, form, password=NUEVA)
    assert again.status_code == 303 and again.headers["Location"] == "/cuenta/entrar"


def test_the_address_confirmation_comes_back_with_its_button(
    tmp_path: Path, database_url: str
) -> None:
    app = app_limitada(tmp_path, database_url)
    curp = seed(app)["issste_titular"][0]
    client = con_sesion(app, curp, "activa@example.org")
    cambio = {"csrf_token": token(client, "/oficina/correo"), "email": "nuevo@example.org"}
    assert client.post("/oficina/correo", data={**cambio, "actual": PASSWORD}).status_code == 303
    path = enlace(correos(app, "nuevo@example.org")[0])
    csrf = token(client, path)  # its page: 30 openings or posts a minute
    assert [client.get(path).status_code for _ in range(29)] == [200] * 29
    form = rechazada(client.post(path, data={"csrf_token": csrf}), path, {})
    olvidar_limites(app)
    again = otra_vez(client, form)
    assert again.status_code == 200 and "Tu correo cambió" in pagina(again)

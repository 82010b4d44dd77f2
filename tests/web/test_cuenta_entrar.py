"""/cuenta/entrar and /cuenta/salir: the account routes, sign-in, lockout, next, idle sessions."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from blueprints import cuenta_entrar
from blueprints.extensions import db
from domain.models import Cuenta
from tests.conftest import make_app
from tests.web.cuenta_helpers import correos, crear_cuenta, cuenta, entrar, normalise, seed, texto

CUENTA_ROUTES = {
    ("/cuenta/activar/<token>", ("GET", "POST"), "cuenta.activar"),
    ("/cuenta/activar/reenviar", ("GET", "POST"), "cuenta.reenviar"),
    ("/cuenta/correo/confirmar/<token>", ("GET", "POST"), "cuenta.confirmar_correo"),
    ("/cuenta/entrar", ("GET", "POST"), "cuenta.entrar"),
    ("/cuenta/recuperar", ("GET", "POST"), "cuenta.recuperar"),
    ("/cuenta/recuperar/<token>", ("GET", "POST"), "cuenta.nueva_contrasena"),
    ("/cuenta/recuperar/revisa-tu-correo", ("GET",), "cuenta.recuperar_enviado"),
    ("/cuenta/registro", ("GET", "POST"), "cuenta.registro"),
    ("/cuenta/registro/revisa-tu-correo", ("GET",), "cuenta.correo_enviado"),
    ("/cuenta/registro/revisar/<campo>", ("POST",), "cuenta.revisar_campo"),
    ("/cuenta/salir", ("POST",), "cuenta.salir"),
}


def test_every_account_view_is_routed(app: Flask) -> None:
    # The views sit on one bp across blueprints/cuenta*.py: a module that app.py no longer
    # imports would take its routes away without any error at start-up.
    routes = {
        (rule.rule, tuple(sorted(rule.methods - {"HEAD", "OPTIONS"})), rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("cuenta.")
    }
    assert routes == CUENTA_ROUTES


def test_wrong_credentials_get_one_message_whatever_was_wrong(
    app: Flask, activa: str, curps: Any
) -> None:
    client = app.test_client()
    wrong_password = entrar(client, activa, "no-es-esta")
    unknown = entrar(client, curps["issste_pensionado"][0])
    for response in (wrong_password, unknown):
        assert response.status_code == 422
        assert "La CURP o la contraseña no son correctas." in response.get_data(as_text=True)
    empty = client.post("/cuenta/entrar", data={})
    assert empty.status_code == 422
    assert "Escribe tu CURP." in empty.get_data(as_text=True)


def test_a_mistyped_curp_is_explained_and_not_counted(tmp_path: Any, database_url: str) -> None:
    # No account has an invalid CURP: saying what is wrong with it tells nothing about accounts.
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    titular = seed(app)["issste_titular"][0]
    crear_cuenta(app, titular, "real@example.org")
    typo = titular[:17] + ("1" if titular[17] != "1" else "2")
    client = app.test_client()
    for _ in range(6):
        response = entrar(client, typo, "no-es-esta")
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "dígito verificador" in page and "no son correctas" not in page
    junk = entrar(client, "<script>").get_data(as_text=True)
    assert "no son correctas" not in junk and "&lt;script&gt;" in junk
    # Nothing was counted: the account itself is not locked.
    assert entrar(client, titular, "no-es-esta").status_code == 422


def test_the_english_interface_gets_english_errors_and_emails(app: Flask, activa: str) -> None:
    client = app.test_client()
    client.set_cookie("lang", "en")
    empty = client.post("/cuenta/entrar", data={}).get_data(as_text=True)
    assert "Enter your CURP." in empty and "Escribe tu CURP." not in empty
    wrong = entrar(client, activa, "no-es-esta").get_data(as_text=True)
    assert "The CURP or the password is not right." in wrong
    client.post("/cuenta/recuperar", data={"email": "activa@example.org"})
    [mensaje] = correos(app, "activa@example.org")  # written in the language it was asked in
    assert mensaje["Subject"] == "[Demonstration] Recover your Virtual Office account"
    body = texto(mensaje)
    assert "To choose a new password for your Virtual Office account" in body
    assert body.startswith("Demonstration email: the data is made up") and "Hola" not in body
    assert "\nHello," in body
    html = mensaje.get_body(preferencelist=("html",))
    assert html is not None and '<html lang="en">' in html.get_content()


def test_five_failures_lock_the_account_and_email_the_owner(app: Flask, activa: str) -> None:
    client = app.test_client()
    statuses = [entrar(client, activa, f"mala-{i}").status_code for i in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    locked = entrar(client, activa)  # even the right password waits
    assert locked.status_code == 429
    assert "15 minutos" in locked.get_data(as_text=True)
    [aviso] = correos(app, "activa@example.org")
    assert "Pausamos la entrada" in str(aviso["Subject"])
    assert "/cuenta/recuperar" in texto(aviso)
    assert "pausamos la entrada durante 15 minutos" in texto(aviso)  # Spanish stays the default
    with app.app_context():
        found = db.session.scalars(select(Cuenta).where(Cuenta.curp == activa)).one()
        found.bloqueada_hasta = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.commit()
    assert entrar(client, activa).status_code == 303
    assert cuenta(app, activa).intentos_fallidos == 0


def test_unknown_curps_lock_the_same_way(tmp_path: Any, database_url: str) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    titular, desconocida = seed(app)["issste_titular"][:2]
    crear_cuenta(app, titular, "real@example.org")
    # From two addresses, so the per-IP limit (10 a minute) does not answer first.
    real, fake = (
        [
            app.test_client().post(
                "/cuenta/entrar",
                data={"curp": curp, "password": f"x{i}"},
                environ_base={"REMOTE_ADDR": ip},
            )
            for i in range(6)
        ]
        for curp, ip in ((titular, "10.0.0.1"), (desconocida, "10.0.0.2"))
    )
    assert [r.status_code for r in real] == [r.status_code for r in fake]
    fake_page = fake[-1].get_data(as_text=True).replace(desconocida, titular)
    assert normalise(real[-1].get_data(as_text=True)) == normalise(fake_page)
    assert "Vuelve a intentarlo en 15 minutos" in fake_page


def test_a_curp_written_differently_each_time_still_locks(tmp_path: Any, database_url: str) -> None:
    # Accounts are found by the CURP as the forms read it (spaces, hyphens, case aside); an
    # unknown CURP counted as typed would never lock, and so tell that it has no account.
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    titular, desconocida = seed(app)["issste_titular"][:2]
    crear_cuenta(app, titular, "real@example.org")

    def variants(curp: str) -> list[str]:
        return [
            curp,
            curp.lower(),
            f" {curp}",
            f"{curp[:4]}-{curp[4:]}",
            f"{curp[:10]}_{curp[10:]}",
        ]

    statuses = [
        [
            app.test_client()
            .post(
                "/cuenta/entrar",
                data={"curp": typed, "password": "x"},
                environ_base={"REMOTE_ADDR": ip},
            )
            .status_code
            for typed in variants(curp)
        ]
        for curp, ip in ((titular, "10.0.0.1"), (desconocida, "10.0.0.2"))
    ]
    assert statuses == [[422, 422, 422, 422, 429]] * 2


def test_unknown_curps_count_down_and_unlock_as_accounts_do(
    tmp_path: Any, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One clock for the limiter's windows and the accounts' lock, moved by hand: the answers
    # must match minute by minute, or the countdown tells which CURPs have an account.
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    monkeypatch.setattr(cuenta_entrar, "now", lambda: dt.datetime.fromtimestamp(clock[0], dt.UTC))
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    titular, desconocida = seed(app)["issste_titular"][:2]
    crear_cuenta(app, titular, "real@example.org")

    def both() -> list[str]:
        pages = []
        for curp, ip in ((titular, "10.0.0.1"), (desconocida, "10.0.0.2")):
            response = app.test_client().post(
                "/cuenta/entrar",
                data={"curp": curp, "password": "no es"},
                environ_base={"REMOTE_ADDR": ip},
            )
            page = normalise(response.get_data(as_text=True).replace(curp, "CURP"))
            pages.append(f"{response.status_code} {page}")
        return pages

    minute = 60
    for _ in range(4):  # four failures, a minute apart
        assert len(set(both())) == 1
        clock[0] += minute
    clock[0] += 6 * minute  # the fifth, ten minutes after the first, locks both
    for wait, words in [
        (0, "en 15 minutos"),
        (61, "en 14 minutos"),
        (6 * minute, "en 8 minutos"),  # past the first failure's 15 minutes: still locked
        (7 * minute + 58, "en 1 minuto "),
    ]:
        clock[0] += wait
        real, fake = both()
        assert real == fake and real.startswith("429") and words in real
    clock[0] += 2  # the lock is over for both: a wrong password is just wrong again
    real, fake = both()
    assert real == fake and real.startswith("422") and "no son correctas" in real


def test_signing_in_to_an_inactive_account_sends_a_fresh_link(app: Flask, pendiente: str) -> None:
    client = app.test_client()
    response = entrar(client, pendiente)
    assert response.status_code == 303
    assert response.headers["Location"] == "/cuenta/registro/revisa-tu-correo"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tu cuenta todavía no está activa" in html
    assert len(correos(app, "pendiente@example.org")) == 2
    assert client.get("/oficina").status_code == 302


def test_next_only_goes_to_this_site(app: Flask, activa: str) -> None:
    page = app.test_client().get("/oficina")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/cuenta/entrar?next=")
    for target, expected in (
        ("/oficina/correo", "/oficina/correo"),
        ("//evil.example", "/oficina"),
        ("https://evil.example/", "/oficina"),
        ("/\\evil.example", "/oficina"),
        # Browsers drop tabs and newlines inside a URL, making "//evil.example" of these
        # (urlsplit drops them too, and finds the host).
        ("/\t/evil.example", "/oficina"),
        ("/\n/evil.example", "/oficina"),
        ("/\r/evil.example", "/oficina"),
        # No control character is passed on: CR LF would split the Location header (werkzeug
        # refuses it with a 500), and the others have no place in a URL or a header.
        ("/\r\nSet-Cookie:x=1", "/oficina"),
        ("/\x0b/evil.example", "/oficina"),
    ):
        response = entrar(app.test_client(), activa, next=target)
        assert response.headers["Location"] == expected


def test_signing_out_ends_every_session(app: Flask, activa: str) -> None:
    phone, laptop = app.test_client(), app.test_client()
    entrar(phone, activa)
    entrar(laptop, activa)
    assert laptop.get("/oficina").status_code == 200
    phone.post("/cuenta/salir")
    assert phone.get("/oficina").status_code == 302
    assert laptop.get("/oficina").status_code == 302
    assert app.test_client().get("/cuenta/salir").status_code == 405


def test_sessions_expire_after_idle_time(
    app: Flask, activa: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One clock, moved by hand, for itsdangerous (which signs the cookie) and the session
    # interface (which judges its age). Idle, not absolute: each visit renews the 30 minutes.
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    assert app.config["PERMANENT_SESSION_LIFETIME"] == dt.timedelta(minutes=30)
    client = app.test_client()
    cookie = entrar(client, activa).headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    clock[0] += 60  # the first page stores its CSRF secret: a changed session, signed again
    assert client.get("/oficina").status_code == 200
    clock[0] += 19 * 60
    assert client.get("/oficina").status_code == 200  # changes nothing, still renews the cookie
    clock[0] += 25 * 60  # 45 minutes after signing in, 25 after the last visit
    assert client.get("/oficina").status_code == 200
    clock[0] += 31 * 60
    response = client.get("/oficina")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/cuenta/entrar")

"""/oficina/cerrar-cuenta: a person closes their own account with their password; the account,
its sessions, its links and its mail go, the documents it issued stay verifiable, and the
address hears of it. Plain forms: nothing here needs JavaScript (the test client runs none)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from tests.conftest import make_app
from tests.web.cierre_helpers import DONE, URL, accounts, eml_to
from tests.web.constancias_helpers import ledger
from tests.web.cuenta_helpers import (
    PASSWORD,
    correos,
    crear_cuenta,
    enlace,
    entrar,
    seed,
    signed_in,
    texto,
)

EMAIL = "titular@example.org"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def doc(response: Any) -> Any:
    return lxml_html.fromstring(response.get_data(as_text=True))


def test_the_page_says_what_goes_and_what_stays_and_asks_for_the_password(
    app: Flask, curps: Any
) -> None:
    assert (
        app.test_client().get(URL).headers["Location"]
        == "/cuenta/entrar?next=%2Foficina%2Fcerrar-cuenta"
    )
    client = signed_in(app, curps["issste_titular"][0])
    home = doc(client.get("/oficina"))
    assert home.xpath(f'//a[@href="{URL}"]/text()') == ["Cerrar mi cuenta"]
    response = client.get(URL)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    page = doc(response)
    assert page.findtext(".//h1") == "Cierra tu cuenta"
    words = " ".join(page.text_content().split())
    for said in (
        "tu correo, tu teléfono y tu contraseña",
        "Cerramos tu sesión en todos tus dispositivos",
        "dejan de servir",
        "Te enviamos un último correo",
        "Las constancias que ya se emitieron",
        "se pueden verificar",
        "con la misma CURP",
        "cerramos tu sesión tras 30 minutos",
    ):
        assert said in words, said
    # A plain form, as every other: it posts without JavaScript.
    [form] = page.xpath(f'//form[@action="{URL}"]')
    assert form.get("method") == "post" and form.xpath('.//input[@name="csrf_token"]')
    [password] = form.xpath('.//input[@name="actual"]')
    assert password.get("type") == "password"
    assert password.get("autocomplete") == "current-password"
    assert page.xpath('//label[@for="campo-actual"]/text()') == ["Tu contraseña"]
    assert form.xpath('.//button[@type="submit"]/text()') == ["Cerrar mi cuenta"]
    assert page.xpath('//a[@href="/oficina"]')  # and a way not to


def test_a_wrong_password_closes_nothing_and_says_so(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    for sent, message in (
        ("", "Escribe tu contraseña."),
        ("otra", "Tu contraseña no es correcta."),
    ):
        response = client.post(URL, data={"actual": sent})
        assert response.status_code == 422
        page = doc(response)
        assert page.findtext(".//title").startswith("Error: Cierra tu cuenta")
        assert page.xpath('//div[@class="error-summary"]//a[@href="#campo-actual"]/text()') == [
            message
        ]
        assert message in page.get_element_by_id("error-actual").text_content()
        assert page.get_element_by_id("campo-actual").get("aria-invalid") == "true"
    assert accounts(app) == [curp] and correos(app) == []
    assert client.get("/oficina").status_code == 200  # still signed in


def test_wrong_passwords_count_with_the_password_change_s(
    tmp_path: Path, database_url: str
) -> None:
    # One count per account for every form that asks for the password: closing the account
    # gives a thief no fresh guesses.
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    client = signed_in(app, curp)
    for blank in range(3):  # blank: asked for again, never counted
        response = client.post(URL, data={"actual": ""}, environ_base={"REMOTE_ADDR": "10.0.1.1"})
        assert "Escribe tu contraseña." in response.get_data(as_text=True), blank
    for i in range(5):
        path, data = (
            (URL, {"actual": f"x{i}"})
            if i % 2
            else ("/oficina/contrasena", {"actual": f"x{i}", "password": "río de plata"})
        )
        response = client.post(path, data=data, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"})
        assert "no es correcta" in response.get_data(as_text=True), i
    blocked = client.post(URL, data={"actual": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert blocked.status_code == 422
    assert "Espera una hora" in blocked.get_data(as_text=True)
    assert accounts(app) == [curp]


def test_passwords_checked_are_limited_per_address_too(tmp_path: Path, database_url: str) -> None:
    # Ten an hour from one address, whatever the account: three accounts' guesses (five each
    # would be allowed per account) meet the address's limit first.
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    curps = seed(app)
    three = [*curps["issste_titular"][:2], curps["issste_pensionado"][0]]
    clients = [signed_in(app, curp, f"t{n}@example.org") for n, curp in enumerate(three)]
    here = {"REMOTE_ADDR": "10.0.2.1"}
    answers = [
        client.post(URL, data={"actual": f"x{i}"}, environ_base=here).status_code
        for client in clients
        for i in range(4)
    ]
    assert answers == [422] * 10 + [429] * 2
    assert len(accounts(app)) == 3


def test_the_right_password_closes_the_account_everywhere(app: Flask, curps: Any) -> None:
    curp, otro = curps["issste_titular"][:2]
    client = signed_in(app, curp, EMAIL)
    phone = app.test_client()
    assert entrar(phone, curp).status_code == 303  # another device, signed in too
    crear_cuenta(app, otro, "otro@example.org")
    carnet = client.post("/oficina/constancia-vigencia", data={"curp": curp})
    assert carnet.status_code == 200 and carnet.mimetype == "application/pdf"
    [issued] = ledger(app)
    app.test_client().post("/cuenta/recuperar", data={"email": EMAIL})
    [recuperar] = correos(app, EMAIL)
    link = enlace(recuperar)
    assert eml_to(app, EMAIL) == [str(recuperar["Subject"])]

    response = client.post(URL, data={"actual": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == DONE
    done = client.get(DONE)
    assert done.status_code == 200 and "no-store" in done.headers["Cache-Control"]
    page = doc(done)
    assert page.findtext(".//h1") == "Cerraste tu cuenta"
    assert "Te enviamos un aviso a t***@example.org." in " ".join(page.text_content().split())
    assert EMAIL not in done.get_data(as_text=True)
    assert page.xpath('//a[@href="/cuenta/registro"]')

    assert accounts(app) == [otro]  # the other account is untouched
    # Signed out here and on the other device; the password opens nothing; the link is dead.
    assert client.get("/oficina").status_code == 302
    assert phone.get("/oficina").status_code == 302
    assert not doc(client.get(DONE)).xpath('//form[@action="/cuenta/salir"]')
    wrong = entrar(app.test_client(), curp)
    assert wrong.status_code == 422
    assert "La CURP o la contraseña no son correctas." in wrong.get_data(as_text=True)
    assert app.test_client().get(link).status_code == 400
    # The mail it had is gone, rows and copies; the notice is the one message left.
    [aviso] = correos(app, EMAIL)
    assert aviso["Subject"] == "[Demostración] Cerraste tu cuenta de la Oficina Virtual"
    assert "Si no fuiste tú, alguien conocía tu contraseña." in texto(aviso)
    assert "http://127.0.0.1:5000/cuenta/registro" in texto(aviso)
    assert "puedes ignorarlo" not in texto(aviso)
    assert eml_to(app, EMAIL) == ["[Demostración] Cerraste tu cuenta de la Oficina Virtual"]
    # The document it issued is still the institution's, and still verifies.
    [kept] = ledger(app)
    assert (kept.folio, kept.curp) == (issued.folio, curp)
    verified = app.test_client().get(f"/verificar/{issued.folio}?c={issued.codigo}")
    assert "Documento auténtico y vigente" in verified.get_data(as_text=True)


def test_the_same_curp_can_register_again_and_old_sessions_stay_ended(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp, EMAIL)
    phone = app.test_client()
    entrar(phone, curp)
    assert client.post(URL, data={"actual": PASSWORD}).status_code == 303
    crear_cuenta(app, curp, EMAIL)  # the same person (or anyone) again, with the same data
    # The old cookies named the closed account; they open nothing of the new one.
    assert phone.get("/oficina").status_code == 302
    assert entrar(app.test_client(), curp).status_code == 303


def test_the_done_page_is_only_for_who_just_closed(client: FlaskClient) -> None:
    assert client.get(DONE).status_code == 302


def test_without_a_csrf_token_nothing_is_closed(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, EMAIL)
    client = app.test_client()
    entry = CSRF.findall(client.get("/cuenta/entrar").get_data(as_text=True))[-1]
    signed = {"csrf_token": entry, "curp": curp, "password": PASSWORD}
    assert client.post("/cuenta/entrar", data=signed).status_code == 303
    forged = client.post(URL, data={"actual": PASSWORD}, headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 400
    assert accounts(app) == [curp] and client.get("/oficina").status_code == 200
    # From our own page with a token gone stale: the page back, asking for the password again.
    mine = client.post(
        URL,
        data={"csrf_token": "caducado", "actual": PASSWORD},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    html = mine.get_data(as_text=True)
    assert mine.status_code == 400 and PASSWORD not in html
    assert "Confirma tus datos" in doc(mine).get_element_by_id("aviso").text_content()
    assert accounts(app) == [curp]
    token = CSRF.findall(html)[-1]
    done = client.post(URL, data={"csrf_token": token, "actual": PASSWORD})
    assert done.status_code == 303 and accounts(app) == []

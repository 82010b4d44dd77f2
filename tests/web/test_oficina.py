"""/oficina: the signed-in home, changing the email (verified by a link) and the password."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from blueprints.extensions import db
from blueprints.parentescos import parentesco
from domain import registry
from tests.conftest import make_app
from tests.web.cuenta_helpers import (
    PASSWORD,
    correos,
    crear_cuenta,
    cuenta,
    datos,
    enlace,
    entrar,
    seed,
    signed_in,
    texto,
    token_para,
)


def test_the_office_needs_a_signed_in_account(client: FlaskClient) -> None:
    for path in ("/oficina", "/oficina/correo", "/oficina/contrasena", "/oficina/cerrar-cuenta"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/cuenta/entrar?next=")
    page = client.get("/cuenta/entrar?next=/oficina").get_data(as_text=True)
    assert "Entra a tu cuenta para ver esa página." in page
    assert 'name="next" value="/oficina"' in page
    client.set_cookie("lang", "en")
    client.get("/oficina")
    page = client.get("/cuenta/entrar?next=/oficina").get_data(as_text=True)
    assert "Sign in to your account to see that page." in page


def test_home_shows_registry_data_beneficiaries_and_links(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    response = client.get("/oficina")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    with app.app_context():
        persona = registry.persona(db.session, curp)
        assert persona is not None
        family = registry.beneficiarios(db.session, curp, "ISSSTE")
        names = [b.persona.nombre_completo for b in family]
        numero = persona.afiliaciones[0].numero_afiliacion
    assert persona.nombre_completo in html and curp in html and numero in html
    assert "Trabajador o trabajadora en activo" in html and "Vigentes" in html
    assert names and all(name in html for name in names)
    assert 'href="/oficina/constancia-vigencia"' in html
    assert 'href="/oficina/correo"' in html and 'href="/oficina/contrasena"' in html
    assert 'action="/cuenta/salir" method="post"' in html
    assert "titular@example.org" in html
    client.set_cookie("lang", "en")
    assert "Active worker" in client.get("/oficina").get_data(as_text=True)


def test_relationships_are_plain_words_in_either_language(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    with app.app_context():
        rows = registry.beneficiarios(db.session, curp, "ISSSTE")
        family = {b.persona.nombre_completo: b.parentesco for b in rows}
    assert set(family.values()) <= {"cónyuge", "hijo(a)"}  # the demo registry's words

    def shown(client: FlaskClient) -> dict[str, str]:
        doc = lxml_html.fromstring(client.get("/oficina").get_data(as_text=True))
        items = doc.xpath('//ul[@class="curp-list"]/li')
        return {li.findtext("strong"): li.text_content() for li in items}

    es = {"cónyuge": ", cónyuge", "hijo(a)": ", hijo o hija"}
    assert all(es[family[name]] in line for name, line in shown(client).items())
    client.set_cookie("lang", "en")
    en = {"cónyuge": ", spouse", "hijo(a)": ", son or daughter"}
    lines = shown(client)
    assert lines.keys() == family.keys()
    assert all(en[family[name]] in line for name, line in lines.items())


def test_registry_relationships_are_matched_loosely_and_unknown_ones_kept() -> None:
    assert parentesco(" CONYUGE ") == parentesco("Cónyuge") == "cónyuge"
    assert parentesco("Hijo (a)") == parentesco("hijo/a") == "hijo o hija"
    assert parentesco("HIJA") == "hija"
    assert parentesco("Concubinario") == "concubino"
    assert parentesco("abuela") == "abuela"  # the registry's own word, as it came
    assert parentesco(None) == parentesco("") == ""


def test_a_pensionado_without_family_sees_so(app: Flask, curps: Any) -> None:
    html = signed_in(app, curps["issste_pensionado"][0]).get("/oficina").get_data(as_text=True)
    assert "Pensionado o pensionada" in html
    assert "No tienes beneficiarios registrados" in html


def test_a_titular_no_longer_vigente_is_told_so(app: Flask, curps: Any) -> None:
    html = signed_in(app, curps["issste_baja"][0]).get("/oficina").get_data(as_text=True)
    assert "Hoy no tienes derechos vigentes en el ISSSTE." in html
    assert "No vigentes" in html


# --- Changing the email --------------------------------------------------------------------


def test_changing_the_email_needs_the_password_and_a_new_address(app: Flask, curps: Any) -> None:
    client = signed_in(app, curps["issste_titular"][0])
    assert client.get("/oficina/correo").status_code == 200
    for data, field in (
        ({"email": "nuevo@example.org", "actual": "otra"}, "Tu contraseña no es correcta."),
        ({"email": "titular@example.org", "actual": PASSWORD}, "Ese ya es el correo"),
        ({"email": "sin arroba", "actual": PASSWORD}, "con @"),
    ):
        response = client.post("/oficina/correo", data=data)
        assert response.status_code == 422
        assert field in response.get_data(as_text=True)
    assert correos(app) == []


def test_the_new_email_is_used_only_after_its_link_is_confirmed(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    response = client.post(
        "/oficina/correo", data={"email": "Nuevo@Example.org", "actual": PASSWORD}
    )
    assert response.status_code == 303
    home = client.get("/oficina").get_data(as_text=True)
    assert "Te enviamos un enlace a n***@example.org" in home
    assert "Falta confirmar el cambio a n***@example.org" in home
    assert cuenta(app, curp).email == "titular@example.org"
    [aviso] = correos(app, "titular@example.org")
    assert "n***@example.org" in texto(aviso)
    [confirmar] = correos(app, "nuevo@example.org")
    path = enlace(confirmar)
    assert path.startswith("/cuenta/correo/confirmar/")

    phone = app.test_client()  # the link may be opened anywhere, signed in or not
    opened = phone.get(path)
    assert opened.status_code == 200
    assert "Confirmar mi nuevo correo" in opened.get_data(as_text=True)
    assert cuenta(app, curp).email == "titular@example.org"
    done = phone.post(path)
    assert done.status_code == 200
    assert "Tu correo cambió" in done.get_data(as_text=True)
    found = cuenta(app, curp)
    assert (found.email, found.email_pendiente) == ("nuevo@example.org", None)
    assert phone.post(path).status_code == 410  # it worked once
    [cambiado] = [m for m in correos(app, "titular@example.org") if "Cambiaste" in m["Subject"]]
    assert "n***@example.org" in texto(cambiado)
    assert entrar(app.test_client(), curp).status_code == 303  # still signs in with the CURP


def test_a_newer_request_replaces_the_older_link(app: Flask, curps: Any) -> None:
    client = signed_in(app, curps["issste_titular"][0])
    client.post("/oficina/correo", data={"email": "uno@example.org", "actual": PASSWORD})
    client.post("/oficina/correo", data={"email": "dos@example.org", "actual": PASSWORD})
    first = enlace(correos(app, "uno@example.org")[0])
    assert client.post(first).status_code == 410
    assert client.post(enlace(correos(app, "dos@example.org")[0])).status_code == 200


def test_an_address_taken_meanwhile_is_refused_clearly(app: Flask, curps: Any) -> None:
    titular, otro = curps["issste_titular"][:2]
    client = signed_in(app, titular)
    client.post("/oficina/correo", data={"email": "compartido@example.org", "actual": PASSWORD})
    crear_cuenta(app, otro, "compartido@example.org")
    response = client.post(enlace(correos(app, "compartido@example.org")[0]))
    assert response.status_code == 409
    assert "ya es el correo de otra cuenta" in response.get_data(as_text=True)
    assert cuenta(app, titular).email == "titular@example.org"


def test_a_confirmed_new_email_ends_recovery_links_sent_to_the_old_one(
    app: Flask, curps: Any
) -> None:
    # Whoever still reads the old mailbox (the reason to move, often) must not get back in.
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    app.test_client().post("/cuenta/recuperar", data={"email": "titular@example.org"})
    [recuperar] = correos(app, "titular@example.org")
    old_link = enlace(recuperar)
    assert old_link.startswith("/cuenta/recuperar/")
    assert app.test_client().get(old_link).status_code == 200  # live until the address moves
    client.post("/oficina/correo", data={"email": "nuevo@example.org", "actual": PASSWORD})
    confirmed = app.test_client().post(enlace(correos(app, "nuevo@example.org")[0]))
    assert confirmed.status_code == 200
    refused = app.test_client().post(old_link, data={"password": "una frase nueva"})
    assert refused.status_code == 410
    assert entrar(app.test_client(), curp).status_code == 303  # the password did not change


def test_email_change_links_expire_and_keep_to_their_purpose(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    client.post("/oficina/correo", data={"email": "nuevo@example.org", "actual": PASSWORD})
    old = token_para(app, "correo", curp, age_hours=25, email="nuevo@example.org")
    expired = client.get(f"/cuenta/correo/confirmar/{old}")
    assert expired.status_code == 410
    assert 'href="/oficina/correo"' in expired.get_data(as_text=True)
    activation = token_para(app, "activar", curp)
    assert client.get(f"/cuenta/correo/confirmar/{activation}").status_code == 400


# --- Changing the password -----------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    other = app.test_client()
    entrar(other, curp)
    form = client.get("/oficina/contrasena").get_data(as_text=True)
    assert "Al cambiarla, cerramos tu sesión en los demás dispositivos." in form
    wrong = client.post("/oficina/contrasena", data={"actual": "otra", "password": "qwerty123"})
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert "Tu contraseña actual no es correcta." in html and "10,000 más usadas" in html
    ok = client.post("/oficina/contrasena", data={"actual": PASSWORD, "password": "río de plata"})
    assert ok.status_code == 303
    home = client.get("/oficina")
    assert home.status_code == 200
    assert "Cerramos tu sesión en los demás dispositivos" in home.get_data(as_text=True)
    assert other.get("/oficina").status_code == 302
    assert entrar(app.test_client(), curp).status_code == 422
    assert entrar(app.test_client(), curp, "río de plata").status_code == 303
    [aviso] = correos(app, "titular@example.org")
    assert "/cuenta/recuperar" in texto(aviso)


def test_the_new_password_cannot_hold_the_registry_name(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    surname = datos(app, curp)["primer_apellido"]
    response = client.post(
        "/oficina/contrasena", data={"actual": PASSWORD, "password": f"mi {surname} 2026"}
    )
    assert response.status_code == 422
    assert "no puede contener tu nombre" in response.get_data(as_text=True)


def test_the_new_password_cannot_be_a_common_word(app: Flask, curps: Any) -> None:
    client = signed_in(app, curps["issste_titular"][0])
    assert "Una frase de tres o cuatro palabras" in client.get("/oficina/contrasena").get_data(
        as_text=True
    )
    response = client.post("/oficina/contrasena", data={"actual": PASSWORD, "password": "m3xico!"})
    assert response.status_code == 422
    assert "una palabra o un nombre muy común" in response.get_data(as_text=True)
    assert entrar(app.test_client(), curps["issste_titular"][0]).status_code == 303  # unchanged


def test_wrong_current_passwords_are_limited_per_account(tmp_path: Any, database_url: str) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    client = signed_in(app, seed(app)["issste_titular"][0])
    for i in range(5):
        response = client.post(
            "/oficina/contrasena",
            data={"actual": f"x{i}", "password": "río de plata"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},  # not the per-IP limit
        )
        assert "Tu contraseña actual no es correcta." in response.get_data(as_text=True)
    blocked = client.post(
        "/oficina/contrasena",
        data={"actual": PASSWORD, "password": "río de plata"},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert blocked.status_code == 422
    assert "Espera una hora" in blocked.get_data(as_text=True)


def test_a_blank_current_password_is_asked_for_and_never_counted(
    tmp_path: Any, database_url: str
) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    client = signed_in(app, seed(app)["issste_titular"][0])
    pages = (
        ("/oficina/correo", {"email": "nuevo@example.org"}, "Escribe tu contraseña."),
        ("/oficina/contrasena", {"password": "río de plata"}, "Escribe tu contraseña actual."),
    )
    for path, data, message in pages:
        for i in range(5):  # ten blanks in all, twice the limit of wrong ones
            response = client.post(
                path, data={**data, "actual": ""}, environ_base={"REMOTE_ADDR": f"10.0.1.{i}"}
            )
            assert response.status_code == 422
            doc = lxml_html.fromstring(response.get_data(as_text=True))
            error = doc.xpath('//*[@id="error-actual"]')[0].text_content()
            assert message in error and "no es correcta" not in error
            assert doc.xpath('//*[@class="error-summary"]//a[@href="#campo-actual"]')
    for path, data, _message in pages:
        done = client.post(
            path, data={**data, "actual": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.1.9"}
        )
        assert done.status_code == 303  # the right password still works at once

"""/cuenta/registro: the form, its inline checks, who may register, errors, enumeration, journey."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import select

from blueprints.extensions import db
from blueprints.observability_logs import JsonFormatter
from domain.curp_tables import fold
from domain.models import Cuenta
from tests.captcha_helpers import solve_captcha
from tests.smtp import mail_app
from tests.web.cuenta_helpers import (
    HX,
    PASSWORD,
    activar,
    correos,
    cuenta,
    datos,
    enlace,
    entrar,
    formulario,
    normalise,
    registrar,
    registry_fields,
    seed,
    texto,
)


def test_registration_form_has_every_field_labelled_and_works_without_javascript(
    client: FlaskClient,
) -> None:
    response = client.get("/cuenta/registro")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post"' in html and 'name="csrf_token"' in html
    for name in (*registry_fields(), "acepto"):
        assert f'id="campo-{name}" name="{name}"' in html, name
        assert f'<label for="campo-{name}"' in html, name
    assert 'autocomplete="new-password"' in html
    doc = lxml_html.fromstring(html)
    # Required fields say so to assistive technology, the consent box too; the optional don't.
    required = {e.get("name") for e in doc.xpath('//*[@aria-required="true"]')}
    assert required == {*registry_fields(), "acepto", "captcha_respuesta"} - {"segundo_apellido"}
    assert 'href="/aviso-de-privacidad"' in html and 'href="/terminos-de-uso"' in html
    assert "Cache-Control" in response.headers and "no-store" in response.headers["Cache-Control"]


def test_an_empty_form_is_422_with_a_summary_linking_to_each_field(client: FlaskClient) -> None:
    page = client.get("/cuenta/registro").get_data(as_text=True)
    response = client.post("/cuenta/registro", data=solve_captcha(client, page))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: " in html
    assert 'class="error-summary"' in html
    for name in ("curp", "nombre", "primer_apellido", "fecha_nacimiento", "email", "telefono"):
        assert f'href="#campo-{name}"' in html
        assert f'id="error-{name}"' in html
    assert 'href="#campo-password"' in html and 'href="#campo-acepto"' in html
    assert "Escribe tu CURP." in html


def test_a_full_page_never_carries_the_password_back(app: Flask, curps: Any) -> None:
    client = app.test_client()
    form = formulario(app, curps["issste_titular"][0], "a@example.org", telefono="12")
    html = registrar(client, form).get_data(as_text=True)
    assert PASSWORD not in html
    assert "escribiste 2" in html


def test_htmx_checks_the_curp_and_the_password_inline(client: FlaskClient) -> None:
    response = client.post("/cuenta/registro/revisar/curp", data={"curp": "PXNE66"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and 'id="grupo-curp"' in html
    assert "faltan 12 caracteres" in html and 'aria-invalid="true"' in html
    good = client.post(
        "/cuenta/registro/revisar/curp", data={"curp": "PXNE660720HMCXTN06"}, headers=HX
    ).get_data(as_text=True)
    assert "error-message" not in good and 'value="PXNE660720HMCXTN06"' in good
    weak = client.post(
        "/cuenta/registro/revisar/password",
        data={"password": "PEDROsegura", "nombre": "Pedro"},
        headers=HX,
    ).get_data(as_text=True)
    assert "no puede contener tu nombre" in weak
    assert 'id="grupo-password"' in weak
    # Without htmx the endpoints send people to the form; unknown fields do not exist.
    assert client.post("/cuenta/registro/revisar/curp", data={"curp": "X"}).status_code == 303
    assert client.post("/cuenta/registro/revisar/email", headers=HX).status_code == 404


def test_family_members_learn_before_the_form_that_the_titular_gets_their_carnet(
    client: FlaskClient,
) -> None:
    doc = lxml_html.fromstring(client.get("/cuenta/registro").get_data(as_text=True))
    [intro] = doc.xpath('//h1/following-sibling::p[contains(., "familiar (beneficiario)")]')
    words = " ".join(intro.text_content().split())
    assert "no necesitas una cuenta" in words and "(el titular) saca tu carnet" in words
    links = intro.xpath(".//a/@href")
    assert links == ["/guias/carnet-digital-issste#constancias-para-tus-beneficiarios"]
    assert intro.getparent().index(intro) < intro.getparent().index(doc.xpath("//main//form")[0])


def test_a_beneficiary_is_told_the_titular_requests_their_constancia(
    app: Flask, curps: Any
) -> None:
    form = formulario(app, curps["issste_beneficiario"][0], "b@example.org")
    response = registrar(app.test_client(), form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Como familiar, no necesitas una cuenta" in html
    assert "#constancias-para-tus-beneficiarios" in html
    assert correos(app) == []


@pytest.mark.parametrize("case", ["sin_afiliacion", "imss_vigente"])
def test_someone_outside_the_issste_is_told_their_dependencia_must_register_them(
    app: Flask, curps: Any, case: str
) -> None:
    form = formulario(app, curps[case][0], "c@example.org")
    response = registrar(app.test_client(), form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No encontramos tu CURP entre los trabajadores y pensionados del ISSSTE" in html
    assert "Primero te debe registrar tu dependencia" in html
    assert "recursos humanos" in html
    # Whether the CURP is in the IMSS is not said (anyone may type it), so everyone gets the way.
    doc = lxml_html.fromstring(html)
    [imss] = doc.xpath('//div[contains(@class, "panel")]//a[@href="/constancias/vigencia-imss"]')
    assert "Constancia de Vigencia de Derechos del IMSS" in imss.text_content()
    assert "Si tu servicio médico es del IMSS, no necesitas una cuenta." in html


def test_a_typo_in_the_surname_is_explained_with_the_cotejo(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    wrong = "Z" + datos(app, curp)["primer_apellido"][1:]
    form = formulario(app, curp, "d@example.org", primer_apellido=wrong)
    response = registrar(app.test_client(), form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tu primer apellido no coincide con el registro del ISSSTE." in html
    assert "La letra 1 no corresponde a tu primer apellido" in html
    assert 'href="#campo-primer_apellido"' in html


def test_registration_errors_in_english(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    wrong = "Z" + datos(app, curp)["primer_apellido"][1:]
    form = formulario(app, curp, "d@example.org", primer_apellido=wrong)
    client = app.test_client()
    client.set_cookie("lang", "en")
    html = registrar(client, form).get_data(as_text=True)
    assert "Your first surname does not match the ISSSTE register." in html
    short = formulario(app, curp, "sin-arroba", password="corta")
    html = registrar(client, short).get_data(as_text=True)
    assert "Your password must have at least 7 characters: add 2 more." in html
    assert "Enter your full email address, with @" in html
    assert "Tu contraseña" not in html and "Escribe tu correo" not in html


def test_a_common_word_with_digits_is_refused_and_no_account_is_saved(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    form = formulario(app, curp, "f@example.org", password="Corazón2024!")
    response = registrar(app.test_client(), form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Esa contraseña es una palabra o un nombre muy común" in html
    assert "Prueba con una frase de tres o cuatro palabras." in html
    assert 'href="#campo-password"' in html
    assert "Corazón2024!" not in html
    with app.app_context():
        assert db.session.scalars(select(Cuenta).where(Cuenta.curp == curp)).first() is None
    assert correos(app) == []
    english = app.test_client()
    english.set_cookie("lang", "en")
    html = registrar(english, form).get_data(as_text=True)
    assert "That password is a very common word or name (even with numbers or symbols" in html
    assert "Try a phrase of three or four words." in html
    assert "palabra o un nombre" not in html


def test_the_registration_hint_suggests_a_phrase_in_both_languages(client: FlaskClient) -> None:
    registro = client.get("/cuenta/registro").get_data(as_text=True)
    assert "Una frase de tres o cuatro palabras" in registro
    client.set_cookie("lang", "en")
    registro = client.get("/cuenta/registro").get_data(as_text=True)
    assert "A phrase of three or four words is easy to remember" in registro


def test_curp_problems_and_cotejo_hints_in_english(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = app.test_client()
    client.set_cookie("lang", "en")
    typo = curp[:17] + str((int(curp[17]) + 1) % 10)
    form = {**formulario(app, curp, "e@example.org"), "curp": typo}
    html = registrar(client, form).get_data(as_text=True)
    assert f"The check digit should be {curp[17]}: check the letters" in html
    assert "dígito verificador" not in html
    inline = client.post("/cuenta/registro/revisar/curp", data={"curp": "PXNE66"}, headers=HX)
    assert "Your CURP is missing 12 characters: it has 18 and you typed 6." in inline.get_data(
        as_text=True
    )
    wrong = "Z" + datos(app, curp)["primer_apellido"][1:]
    form = formulario(app, curp, "d@example.org", primer_apellido=wrong)
    html = registrar(client, form).get_data(as_text=True)
    assert f"Letter 1 does not match your first surname ({fold(wrong)})" in html
    assert "from your details it would be Z." in html
    assert "no corresponde" not in html and "según tus datos" not in html


def test_a_wrong_captcha_is_a_field_error(app: Flask, curps: Any) -> None:
    form = formulario(app, curps["issste_titular"][0], "e@example.org")
    client = app.test_client()
    client.get("/cuenta/registro")
    response = client.post("/cuenta/registro", data={**form, "captcha": "mal"})
    assert response.status_code == 422
    assert 'href="#campo-captcha"' in response.get_data(as_text=True)
    assert correos(app) == []


def test_journey_with_a_real_smtp_server(
    tmp_path: Any, database_url: str, smtp_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    app = mail_app(tmp_path, database_url, smtp_server)
    curp = seed(app)["issste_titular"][0]
    client = app.test_client()
    response = registrar(client, formulario(app, curp, "Juana.Titular@Example.org"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/cuenta/registro/revisa-tu-correo"
    page = client.get("/cuenta/registro/revisa-tu-correo").get_data(as_text=True)
    assert "j***@example.org" in page and "Enviar otro enlace" in page

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "juana.titular@example.org"
    assert "Activa tu cuenta" in str(message["Subject"])
    path = enlace(message)
    assert path.startswith("/cuenta/activar/")

    # Opening the link (as a mail scanner would) asks for the password and changes nothing.
    opened = client.get(path)
    assert opened.status_code == 200
    assert "Activar mi cuenta" in opened.get_data(as_text=True)
    assert 'type="password"' in opened.get_data(as_text=True)
    assert client.get(path).status_code == 200
    assert not cuenta(app, curp).activa
    activated = activar(client, path)
    assert activated.status_code == 200
    assert "Tu cuenta está activa" in activated.get_data(as_text=True)
    assert cuenta(app, curp).activa

    signed_in = entrar(client, curp.lower())
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/oficina"
    assert client.get("/oficina").status_code == 200
    signed_out = client.post("/cuenta/salir")
    assert signed_out.status_code == 303
    assert "Saliste de tu cuenta" in client.get("/cuenta/entrar").get_data(as_text=True)
    assert client.get("/oficina").status_code == 302

    # What the portal writes to its logs (through the JSON formatter that redacts) never holds
    # the CURP, the address, the token or the password. "mail.log" is the test SMTP server.
    token = path.rsplit("/", 1)[1]
    formatter = JsonFormatter()
    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]
    assert ours  # the access log did record the requests
    logged = "\n".join(formatter.format(r) for r in ours)
    for secret in (curp, "juana.titular@example.org", token, PASSWORD):
        assert secret not in logged


def test_registration_never_reveals_an_existing_curp_or_address(app: Flask, curps: Any) -> None:
    titular, otro = curps["issste_titular"][:2]
    email = "dueno@example.org"

    def attempt(curp: str) -> tuple[Any, str]:
        client = app.test_client()
        posted = registrar(client, formulario(app, curp, email))
        return posted, client.get(posted.headers["Location"]).get_data(as_text=True)

    new_post, new_page = attempt(titular)
    client = app.test_client()
    activar(client, enlace(correos(app, email)[-1]))
    for curp in (titular, otro):  # the same CURP again; another CURP with the taken address
        post, page = attempt(curp)
        assert post.status_code == new_post.status_code == 303
        assert post.headers["Location"] == new_post.headers["Location"]
        assert post.get_data() == new_post.get_data()
        assert sorted(post.headers.keys()) == sorted(new_post.headers.keys())
        assert _cookie_shape(post) == _cookie_shape(new_post)
        assert normalise(page) == normalise(new_page)
    # The owner is told by email instead, with links to sign in and to recover the password.
    avisos = [m for m in correos(app, email) if "otra cuenta" in str(m["Subject"])]
    assert len(avisos) == 2
    assert "/cuenta/entrar" in texto(avisos[0]) and "/cuenta/recuperar" in texto(avisos[0])
    assert len(correos(app)) == 3


def _cookie_shape(response: Any) -> list[str]:
    return [re.sub(r"=[^;]*", "=…", c, count=1) for c in response.headers.getlist("Set-Cookie")]


def test_a_pending_registration_can_start_over_with_another_address(app: Flask, curps: Any) -> None:
    curp = curps["issste_pensionado"][0]
    registrar(app.test_client(), formulario(app, curp, "mal@example.org"))
    old_link = enlace(correos(app, "mal@example.org")[0])
    registrar(app.test_client(), formulario(app, curp, "bien@example.org"))
    assert cuenta(app, curp).email == "bien@example.org"
    client = app.test_client()
    stale = client.get(old_link)
    assert stale.status_code == 410
    assert "Este enlace ya no sirve" in stale.get_data(as_text=True)
    [notice] = [m for m in correos(app, "mal@example.org") if "cambió de correo" in m["Subject"]]
    assert "ya no sirve" in texto(notice)
    assert activar(client, enlace(correos(app, "bien@example.org")[0])).status_code == 200
    assert cuenta(app, curp).activa

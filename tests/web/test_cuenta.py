"""/cuenta: registration, activation, sign-in, lockout, recovery, tokens, CSRF and enumeration.

The helpers at the top are shared with tests/web/test_oficina.py.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import select

from blueprints import cuenta as cuenta_views
from blueprints.extensions import db
from blueprints.observability import JsonFormatter
from domain import demo, registry, registry_import, tokens
from domain.curp_tables import fold
from domain.mailer import parse_message
from domain.models import Correo, Cuenta
from tests.captcha_helpers import solve_captcha
from tests.conftest import make_app
from tests.smtp import mail_app

PASSWORD = "lumbre de otoño"
HX = {"HX-Request": "true"}
BASE = "http://127.0.0.1:5000"  # PUBLIC_BASE_URL of the test app
LINK = re.compile(r"https?://[^\s\"<>]+?(/cuenta/[A-Za-z0-9/_.\-]+)")
CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]*(")|("X-CSRFToken": ")[^"]*(")')


# --- Helpers (also used by test_oficina.py) ---------------------------------------------------


def seed(app: Flask) -> dict[str, tuple[str, ...]]:
    """Demo registry rows; the CURPs of each case (issste_titular, issste_beneficiario, ...)."""
    with app.app_context():
        registry_import.import_rows(db.session, demo.generate_rows(count=24, seed=3))
        return {e.key: e.curps for e in demo.examples(db.session)}


def datos(app: Flask, curp: str) -> dict[str, str]:
    with app.app_context():
        persona = registry.persona(db.session, curp)
        assert persona is not None
        return {
            "curp": curp,
            "nombre": persona.nombre.title(),
            "primer_apellido": persona.primer_apellido.title(),
            "segundo_apellido": (persona.segundo_apellido or "").title(),
            "fecha_nacimiento": persona.fecha_nacimiento.isoformat(),
        }


def formulario(app: Flask, curp: str, email: str, **changes: str) -> dict[str, str]:
    form = {**datos(app, curp), "email": email, "telefono": "55 1234 5678"}
    return {**form, "password": PASSWORD, "acepto": "1", **changes}


def registrar(client: FlaskClient, form: dict[str, str]) -> Any:
    page = client.get("/cuenta/registro").get_data(as_text=True)
    return client.post("/cuenta/registro", data={**form, **solve_captcha(client, page)})


def correos(app: Flask, to: str | None = None) -> list[EmailMessage]:
    """Messages queued in the outbox (oldest first), optionally only those for ``to``."""
    with app.app_context():
        query = select(Correo).order_by(Correo.id)
        if to:
            query = query.where(Correo.destinatario == to)
        return [parse_message(c.mensaje) for c in db.session.scalars(query)]


def texto(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def enlace(message: EmailMessage) -> str:
    """The path of the account link in a message (PUBLIC_BASE_URL removed)."""
    found = LINK.search(texto(message))
    assert found, texto(message)
    return found.group(1)


def cuenta(app: Flask, curp: str) -> Cuenta:
    with app.app_context():
        found = db.session.scalars(select(Cuenta).where(Cuenta.curp == curp)).one()
        db.session.expunge(found)
        return found


def crear_cuenta(app: Flask, curp: str, email: str, password: str = PASSWORD) -> None:
    """An active account, straight into the database (for tests about what comes after)."""
    from werkzeug.security import generate_password_hash

    with app.app_context():
        db.session.add(
            Cuenta(
                curp=curp,
                email=email,
                telefono="5512345678",
                password_hash=generate_password_hash(password, method="scrypt"),
                activa=True,
                creada=dt.datetime.now(dt.UTC),
                token_version=0,
                session_version=0,
                intentos_fallidos=0,
            )
        )
        db.session.commit()


def entrar(client: FlaskClient, curp: str, password: str = PASSWORD, **extra: str) -> Any:
    return client.post("/cuenta/entrar", data={"curp": curp, "password": password, **extra})


def token_para(app: Flask, proposito: str, curp: str, age_hours: float = 0, **kw: Any) -> str:
    found = cuenta(app, curp)
    contenido = tokens.Contenido(found.id, found.token_version, kw.get("email"))
    return tokens.emitir(
        app.config["SECRET_KEY"], proposito, contenido, now=time.time() - age_hours * 3600
    )


def normalise(html: str) -> str:
    return CSRF_VALUE.sub(lambda m: "CSRF", html)


@pytest.fixture
def curps(app: Flask) -> dict[str, tuple[str, ...]]:
    return seed(app)


# --- Routes --------------------------------------------------------------------------------


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


# --- Registration --------------------------------------------------------------------------


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


def registry_fields() -> tuple[str, ...]:
    return (
        "curp",
        "nombre",
        "primer_apellido",
        "segundo_apellido",
        "fecha_nacimiento",
        "email",
        "telefono",
        "password",
    )


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
    assert "Your first surname does not match the ISSSTE registry." in html
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

    # Opening the link (as a mail scanner would) shows a button and changes nothing.
    opened = client.get(path)
    assert opened.status_code == 200
    assert "Activar mi cuenta" in opened.get_data(as_text=True)
    assert client.get(path).status_code == 200
    assert not cuenta(app, curp).activa
    activated = client.post(path)
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
    client.post(enlace(correos(app, email)[-1]))  # activate it
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
    client.post(enlace(correos(app, "bien@example.org")[0]))
    assert cuenta(app, curp).activa


# --- Activation links ----------------------------------------------------------------------


@pytest.fixture
def pendiente(app: Flask, curps: Any) -> str:
    curp = curps["issste_titular"][0]
    registrar(app.test_client(), formulario(app, curp, "pendiente@example.org"))
    return curp


def test_an_expired_link_explains_and_offers_a_new_one(app: Flask, pendiente: str) -> None:
    client = app.test_client()
    token = token_para(app, "activar", pendiente, age_hours=25)
    response = client.get(f"/cuenta/activar/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "El enlace venció" in html and "p***@example.org" in html
    assert client.post(f"/cuenta/activar/{token}").status_code == 410
    assert not cuenta(app, pendiente).activa
    before = len(correos(app))
    resent = client.post("/cuenta/activar/reenviar", data={"token": token})
    assert resent.status_code == 303
    page = client.get(resent.headers["Location"]).get_data(as_text=True)
    assert "p***@example.org" in page and "nuevo enlace" in page
    assert len(correos(app)) == before + 1
    # Only the newest link works.
    first = enlace(correos(app, "pendiente@example.org")[0])
    assert client.post(first).status_code == 410
    assert client.post(enlace(correos(app)[-1])).status_code == 200
    assert cuenta(app, pendiente).activa


def test_an_old_link_shows_the_current_address_only_masked(app: Flask, pendiente: str) -> None:
    # Whoever can read an old mailbox may hold an old link; the account may have moved to
    # another address since. The session cookie is signed, not encrypted: no address in it.
    token = token_para(app, "activar", pendiente, age_hours=24 * 400)
    with app.app_context():
        found = db.session.scalars(select(Cuenta).where(Cuenta.curp == pendiente)).one()
        found.email = "nueva.direccion@example.org"
        db.session.commit()
    client = app.test_client()
    resent = client.post("/cuenta/activar/reenviar", data={"token": token})
    assert resent.status_code == 303
    serializer = app.session_interface.inner.get_signing_serializer(app)  # type: ignore[attr-defined]
    session = serializer.loads(client.get_cookie("session").value)
    assert "nueva.direccion" not in repr(session)
    page = client.get(resent.headers["Location"]).get_data(as_text=True)
    assert "n***@example.org" in page
    # "Enviar otra vez" from that page still reaches the account's address.
    before = len(correos(app, "nueva.direccion@example.org"))
    assert client.post("/cuenta/activar/reenviar").status_code == 303
    assert len(correos(app, "nueva.direccion@example.org")) == before + 1


def test_a_used_link_says_the_account_is_already_active(app: Flask, pendiente: str) -> None:
    client = app.test_client()
    path = enlace(correos(app)[0])
    assert client.post(path).status_code == 200
    again = client.post(path)
    assert again.status_code == 200
    assert "Tu cuenta ya está activa" in again.get_data(as_text=True)
    assert cuenta(app, pendiente).token_version == 1


def test_tampered_and_wrong_purpose_links_are_400(app: Flask, pendiente: str) -> None:
    client = app.test_client()
    path = enlace(correos(app)[0])
    recover = token_para(app, "recuperar", pendiente)
    for bad in (path[:-2] + "xx", "/cuenta/activar/abc", f"/cuenta/activar/{recover}"):
        response = client.get(bad)
        assert response.status_code == 400, bad
        html = response.get_data(as_text=True)
        assert "Este enlace no es válido" in html
        assert 'href="/cuenta/activar/reenviar"' in html
        assert client.post(bad).status_code == 400
    assert not cuenta(app, pendiente).activa
    # A token given back to the resend form that is not ours gets the address form.
    assert client.post("/cuenta/activar/reenviar", data={"token": "abc"}).status_code == 400


def test_resending_by_address_answers_the_same_and_is_rate_limited(
    tmp_path: Any, database_url: str
) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    registrar(app.test_client(), formulario(app, curp, "lento@example.org"))
    client = app.test_client()
    answers = [
        client.post("/cuenta/activar/reenviar", data={"email": email})
        for email in ("lento@example.org", "nadie@example.org")
    ]
    assert [a.status_code for a in answers] == [303, 303]
    assert len(correos(app, "lento@example.org")) == 2
    assert correos(app, "nadie@example.org") == []
    for _ in range(2):
        client.post("/cuenta/activar/reenviar", data={"email": "lento@example.org"})
    over = client.post("/cuenta/activar/reenviar", data={"email": "lento@example.org"})
    assert over.status_code == 429
    html = over.get_data(as_text=True)
    assert "Ya enviamos varios enlaces" in html and "l***@example.org" in html
    assert len(correos(app, "lento@example.org")) == 4  # the first + 3 resends


# --- Sign-in -------------------------------------------------------------------------------


@pytest.fixture
def activa(app: Flask, curps: Any) -> str:
    curp = curps["issste_titular"][0]
    crear_cuenta(app, curp, "activa@example.org")
    return curp


def test_wrong_credentials_get_one_message_whatever_was_wrong(
    app: Flask, activa: str, curps: Any
) -> None:
    client = app.test_client()
    wrong_password = entrar(client, activa, "no-es-esta")
    unknown = entrar(client, curps["issste_pensionado"][0])
    junk = entrar(client, "<script>")
    for response in (wrong_password, unknown, junk):
        assert response.status_code == 422
        assert "La CURP o la contraseña no son correctas." in response.get_data(as_text=True)
    empty = client.post("/cuenta/entrar", data={})
    assert empty.status_code == 422
    assert "Escribe tu CURP." in empty.get_data(as_text=True)


def test_the_english_interface_gets_english_errors_and_emails(app: Flask, activa: str) -> None:
    client = app.test_client()
    client.set_cookie("lang", "en")
    empty = client.post("/cuenta/entrar", data={}).get_data(as_text=True)
    assert "Enter your CURP." in empty and "Escribe tu CURP." not in empty
    wrong = entrar(client, activa, "no-es-esta").get_data(as_text=True)
    assert "The CURP or the password is not right." in wrong
    client.post("/cuenta/recuperar", data={"email": "activa@example.org"})
    [mensaje] = correos(app, "activa@example.org")  # written in the language it was asked in
    assert mensaje["Subject"] == "Recover your Virtual Office account"
    body = texto(mensaje)
    assert "To choose a new password for your Virtual Office account" in body
    assert body.startswith("Hello,") and "Hola" not in body
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
    monkeypatch.setattr(cuenta_views, "now", lambda: dt.datetime.fromtimestamp(clock[0], dt.UTC))
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


# --- Recovery ------------------------------------------------------------------------------


def test_recovery_answers_the_same_whether_or_not_the_address_exists(
    app: Flask, activa: str
) -> None:
    pages = []
    for email in ("activa@example.org", "avena@example.org"):
        client = app.test_client()
        posted = client.post("/cuenta/recuperar", data={"email": email})
        assert posted.status_code == 303
        pages.append(normalise(client.get(posted.headers["Location"]).get_data(as_text=True)))
    assert pages[0] == pages[1]  # same first letter and domain: same mask
    assert "a***@example.org" in pages[0]
    # An email either way, so the work (and the time) behind the page is the same too.
    [enlace_nuevo] = correos(app, "activa@example.org")
    assert "/cuenta/recuperar/" in texto(enlace_nuevo)
    [sin_cuenta] = correos(app, "avena@example.org")
    assert "ninguna cuenta lo tiene" in texto(sin_cuenta)
    assert "/cuenta/registro" in texto(sin_cuenta) and "/cuenta/recuperar/" not in texto(sin_cuenta)
    bad = app.test_client().post("/cuenta/recuperar", data={"email": "sin-arroba"})
    assert bad.status_code == 422


def test_recovery_sets_a_new_password_once_and_ends_every_session(app: Flask, activa: str) -> None:
    other = app.test_client()
    entrar(other, activa)
    client = app.test_client()
    client.post("/cuenta/recuperar", data={"email": "ACTIVA@example.org"})
    path = enlace(correos(app)[-1])
    assert path.startswith("/cuenta/recuperar/")
    page = client.get(path)
    assert page.status_code == 200
    assert "Una frase de tres o cuatro palabras" in page.get_data(as_text=True)
    weak = client.post(path, data={"password": "123456789"})
    assert weak.status_code == 422
    assert "10,000 más usadas" in weak.get_data(as_text=True)
    word = client.post(path, data={"password": "issste2025!"})
    assert word.status_code == 422
    assert "una palabra o un nombre muy común" in word.get_data(as_text=True)
    done = client.post(path, data={"password": "una frase nueva"})
    assert done.status_code == 303
    assert "Tu contraseña cambió" in client.get("/cuenta/entrar").get_data(as_text=True)
    assert other.get("/oficina").status_code == 302
    assert entrar(client, activa).status_code == 422
    assert entrar(client, activa, "una frase nueva").status_code == 303
    used = app.test_client().get(path)
    assert used.status_code == 410
    assert 'href="/cuenta/recuperar"' in used.get_data(as_text=True)
    assert "Tu contraseña cambió" in str(correos(app)[-1]["Subject"])


def test_signing_out_everywhere_is_not_called_closing_the_account(app: Flask, activa: str) -> None:
    client = app.test_client()
    for path in ("/cuenta/recuperar", "/cuenta/activar/reenviar"):
        doc = lxml_html.fromstring(client.get(path).get_data(as_text=True))
        assert doc.xpath('//a[@href="/cuenta/entrar"][normalize-space()="Volver a entrar"]')
    posted = client.post("/cuenta/recuperar", data={"email": "activa@example.org"})
    enviado = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "Al usarlo, se cierra tu sesión en todos los dispositivos." in enviado
    [mensaje] = correos(app, "activa@example.org")
    html = mensaje.get_body(preferencelist=("html",))
    assert html is not None
    for body in (texto(mensaje), html.get_content()):
        assert "Al usarlo, cerramos tu sesión en todos los dispositivos." in body
    path = enlace(mensaje)
    nueva = client.get(path).get_data(as_text=True)
    assert "Al guardarla, cerramos tu sesión en todos los dispositivos." in nueva
    assert client.post(path, data={"password": "una frase nueva"}).status_code == 303
    cambiada = correos(app, "activa@example.org")[-1]
    assert "Cerramos tu sesión en los demás dispositivos." in texto(cambiada)
    pages = (enviado, nueva, *(texto(m) for m in correos(app)))
    assert not [p for p in pages if re.search(r"cerramos tu cuenta|se cierra tu cuenta", p, re.I)]


def test_recovery_links_expire_after_an_hour(app: Flask, activa: str) -> None:
    client = app.test_client()
    fresh = token_para(app, "recuperar", activa, age_hours=0.9)
    assert client.get(f"/cuenta/recuperar/{fresh}").status_code == 200
    old = token_para(app, "recuperar", activa, age_hours=1.1)
    response = client.post(f"/cuenta/recuperar/{old}", data={"password": "una frase nueva"})
    assert response.status_code == 410
    assert "1 hora" in response.get_data(as_text=True)
    activation = token_para(app, "activar", activa)
    assert client.get(f"/cuenta/recuperar/{activation}").status_code == 400


# --- CSRF and junk -------------------------------------------------------------------------


def sin_token(html: str) -> Any:
    """The page a form posted without token gets back: its form, to confirm, parsed."""
    doc = lxml_html.fromstring(html)
    assert "Confirma tus datos" in doc.get_element_by_id("aviso").text_content()
    [token] = doc.xpath('//form[@method="post"]//input[@name="csrf_token"]/@value')
    assert token  # a fresh one: sending this form again works
    return doc


# What a browser says of a post from one of our own pages: the expired-form refill needs it.
DESDE_AQUI = {"Sec-Fetch-Site": "same-origin"}


def valor(doc: Any, name: str) -> str | None:
    [field] = doc.xpath(f'//form[@method="post"]//input[@name="{name}"]')
    if field.get("type") == "checkbox":
        return field.get("value") if "checked" in field.attrib else None
    return field.get("value")


def test_registration_without_token_comes_back_filled_in_but_the_password(
    tmp_path: Any, database_url: str
) -> None:
    # The form left open over the token's hour, or the session lost: nine fields typed are
    # not thrown away. Nothing is looked up, saved or sent; the password is asked again.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    form = formulario(app, seed(app)["issste_titular"][0], "nueva@example.org")
    captcha = solve_captcha(client, client.get("/cuenta/registro").get_data(as_text=True))
    response = client.post("/cuenta/registro", data={**form, **captcha}, headers=DESDE_AQUI)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    doc = sin_token(html)
    for name in registry_fields():
        if name != "password":
            assert valor(doc, name) == form[name], name
    assert not valor(doc, "acepto")  # consent is given here, never carried over
    assert not valor(doc, "password") and PASSWORD not in html
    assert not valor(doc, "captcha_respuesta")
    assert "escríbela otra vez" in doc.get_element_by_id("aviso").text_content()
    assert "<title>Error" not in html and not doc.xpath('//*[@class="error-summary"]')
    with app.app_context():
        assert db.session.scalars(select(Cuenta)).all() == []
    assert correos(app) == []


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://parecido.example"}, {}],
    ids=["cross-site", "other-origin", "no-word"],
)
def test_another_site_cannot_hand_out_our_registration_form_filled_in(
    tmp_path: Any, database_url: str, headers: dict[str, str]
) -> None:
    # A look-alike site posting a person's data with its own address in it: were the form
    # filled in, a person confirming would send the activation (and the account) there.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    form = formulario(app, seed(app)["issste_titular"][0], "ladron@parecido.example")
    response = app.test_client().post("/cuenta/registro", data=form, headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "El formulario caducó" in html
    assert "ladron@parecido.example" not in html and form["nombre"] not in html


def test_sign_in_without_token_keeps_the_curp_and_counts_nothing(
    tmp_path: Any, database_url: str
) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "activa@example.org")
    client = app.test_client()
    for password in ("no-es-esta", PASSWORD):
        data = {"curp": curp.lower(), "password": password, "next": "/oficina/correo"}
        response = client.post("/cuenta/entrar", data=data, headers=DESDE_AQUI)
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        doc = sin_token(html)
        assert valor(doc, "curp") == curp.lower() and valor(doc, "next") == "/oficina/correo"
        assert not valor(doc, "password") and password not in html
    assert cuenta(app, curp).intentos_fallidos == 0  # a wrong password was not even tried
    assert client.get("/oficina").status_code == 302  # nor was the right one
    foreign = client.post(
        "/cuenta/entrar", data={"curp": curp, "next": "https://otro.example"}, headers=DESDE_AQUI
    )
    assert not sin_token(foreign.get_data(as_text=True)).xpath('//input[@name="next"]')


def test_salir_from_a_page_left_open_still_signs_out_with_one_more_press(
    tmp_path: Any, database_url: str
) -> None:
    # A shared phone: "Salir" pressed on a page open past its form's hour must not leave the
    # account open behind a "form expired" page.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "activa@example.org")
    client = app.test_client()
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    data = {"curp": curp, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/cuenta/entrar", data=data).status_code == 303
    stale = client.post("/cuenta/salir", data={"csrf_token": "caducado"}, headers=DESDE_AQUI)
    assert stale.status_code == 400
    doc = lxml_html.fromstring(stale.get_data(as_text=True))
    [form] = doc.xpath('//main//form[@action="/cuenta/salir"]')
    assert len(doc.xpath('//form[@action="/cuenta/salir"]')) == 1  # not the header's too
    assert client.get("/oficina").status_code == 200  # nothing done yet
    fresh = form.xpath('.//input[@name="csrf_token"]/@value')[0]
    assert client.post("/cuenta/salir", data={"csrf_token": fresh}).status_code == 303
    assert client.get("/oficina").status_code == 302
    again = client.post("/cuenta/salir", data={"csrf_token": "caducado"}, headers=DESDE_AQUI)
    assert "Tu sesión ya está cerrada." in again.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/cuenta/recuperar", "/cuenta/activar/reenviar"])
def test_asking_for_a_link_without_token_keeps_the_address_and_sends_nothing(
    tmp_path: Any, database_url: str, path: str
) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "dueña@example.org")
    with app.app_context():
        db.session.execute(db.update(Cuenta).values(activa=False))  # a resend would go out
        db.session.commit()
    response = app.test_client().post(
        path, data={"email": " dueña@example.org "}, headers=DESDE_AQUI
    )
    assert response.status_code == 400
    assert valor(sin_token(response.get_data(as_text=True)), "email") == "dueña@example.org"
    assert correos(app) == []


def test_the_csrf_token_in_the_page_is_accepted(tmp_path: Any, database_url: str) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    html = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    response = client.post("/cuenta/entrar", data={"csrf_token": token.group(1), "curp": ""})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/cuenta/registro",
        "/cuenta/entrar",
        "/cuenta/recuperar",
        "/cuenta/activar/reenviar",
        "/cuenta/registro/revisar/password",
    ],
)
def test_junk_gets_a_spanish_answer_never_a_500(client: FlaskClient, path: str) -> None:
    for junk in ("\x00", "🙂" * 500, "<script>alert(1)</script>", "A" * 60_000):
        data = {name: junk for name in (*registry_fields(), "acepto", "captcha", "token")}
        response = client.post(path, data=data, headers=HX)
        assert response.status_code < 500
        assert "<script>alert" not in response.get_data(as_text=True)


def test_pages_without_a_pending_address_go_back_to_their_form(client: FlaskClient) -> None:
    assert client.get("/cuenta/registro/revisa-tu-correo").headers["Location"] == (
        "/cuenta/registro"
    )
    assert client.get("/cuenta/recuperar/revisa-tu-correo").headers["Location"] == (
        "/cuenta/recuperar"
    )
    assert client.post("/cuenta/activar/reenviar").headers["Location"] == (
        "/cuenta/activar/reenviar"
    )

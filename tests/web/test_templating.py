"""What every page carries (blueprints/templating.py, base.html): the footer's address and
contact, the main navigation's current item, and "Salir" for people who are signed in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from lxml import html as lxml_html

from domain.guides import load_library
from tests.conftest import make_app
from tests.web.cuenta_helpers import entrar, seed, signed_in

GUIDE = min(g.url for g in load_library(Path(__file__).resolve().parents[2] / "content").guides)
NO_CONTACT = {"ISSUER_ADDRESS": "", "ISSUER_CONTACT": "", "PRIVACY_CONTACT": ""}
SALIR = '//header//form[@action="/cuenta/salir"]'


def page(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return lxml_html.fromstring(response.get_data(as_text=True))


def footer_contact(doc: Any) -> list[tuple[str, list[str]]]:
    """Each line of the footer's <address>: its text and its links."""
    return [
        (" ".join(p.text_content().split()), p.xpath(".//a/@href"))
        for p in doc.xpath("//footer//address//p")
    ]


def nav_current(doc: Any) -> dict[str, str]:
    links = doc.xpath('//nav[contains(@class, "main-nav")]//a[@aria-current]')
    return {a.text_content(): a.get("aria-current") for a in links}


# --- The footer: who operates the portal, where, and how to reach them -------------------------


@pytest.mark.parametrize("url", ["/", GUIDE, "/aviso-de-privacidad", "/curp", "/no-existe"])
def test_demo_footer_shows_a_fictitious_address_and_contact(client: FlaskClient, url: str) -> None:
    doc = page(client, url, 404 if url == "/no-existe" else 200)
    (address, no_links), (contact, links) = footer_contact(doc)
    assert "domicilio ficticio" in address and no_links == []
    assert "datos personales" in contact  # one address for everything, ARCO requests too
    assert links == ["mailto:contacto@derechohabiencia.example"]
    assert "contacto@derechohabiencia.example" in contact


DEMO_LINE = "Calle Ficticia 123, Colonia Ejemplo, 00000 Ciudad de México"


def test_the_demo_address_is_marked_fictitious_in_the_page_s_language(client: FlaskClient) -> None:
    [(spanish, _links), *_rest] = footer_contact(page(client, "/"))
    assert spanish == f"Domicilio: {DEMO_LINE} (domicilio ficticio)"  # as it always said
    [(english, _links), *_rest] = footer_contact(page(client, "/?lang=en"))
    assert english == f"Address: {DEMO_LINE} (fictitious address)"
    client.set_cookie("lang", "en")
    [(english, _links), *_rest] = footer_contact(page(client, GUIDE))
    assert english == f"Address: {DEMO_LINE} (fictitious address)"


def test_an_operators_address_in_a_demo_is_shown_as_written(
    tmp_path: Path, database_url: str
) -> None:
    address = "Av. Siempre Viva 742 (planta baja), 06000 Ciudad de México"
    app = make_app(tmp_path, database_url, ENV={"ISSUER_ADDRESS": address})
    client = app.test_client()
    for url in ("/", "/?lang=en"):
        [(line, _links), *_rest] = footer_contact(page(client, url))
        assert line.endswith(f" {address}")
        assert "ficti" not in line


def test_operators_address_contact_and_privacy_contact(tmp_path: Path, database_url: str) -> None:
    app = make_app(
        tmp_path,
        database_url,
        ENV={
            "DEMO_MODE": "0",
            "ISSUER_NAME": "Instituto de Ejemplo",
            "ISSUER_ADDRESS": "Av. Siempre Viva 742, Col. Centro, 06000 Ciudad de México",
            "ISSUER_CONTACT": "https://inst.example.gob.mx/contacto",
            "PRIVACY_CONTACT": "datos.personales@inst.example.gob.mx",
        },
    )
    client = app.test_client()
    for url in ("/", GUIDE):
        doc = page(client, url)
        lines = footer_contact(doc)
        assert [links for _text, links in lines] == [
            [],
            ["https://inst.example.gob.mx/contacto"],
            ["mailto:datos.personales@inst.example.gob.mx"],
        ]
        assert "Av. Siempre Viva 742, Col. Centro, 06000 Ciudad de México" in lines[0][0]
        assert "ARCO" in lines[2][0] and "datos.personales@inst.example.gob.mx" in lines[2][0]
        assert "ficticio" not in doc.xpath("string(//footer)")
    client.set_cookie("lang", "en")
    english = footer_contact(page(client, "/"))
    assert [links for _text, links in english] == [links for _text, links in lines]


def test_outside_demo_nothing_made_up_is_shown(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, ENV={"DEMO_MODE": "0", **NO_CONTACT})
    for url in ("/", GUIDE):
        doc = page(app.test_client(), url)
        assert doc.xpath("//footer//address") == []
        assert ".example" not in doc.xpath("string(//footer)")


# --- Navigation: the Oficina Virtual is current on all of its pages -----------------------------


def test_the_current_page_is_marked_in_the_menu(client: FlaskClient) -> None:
    assert nav_current(page(client, "/")) == {"Inicio": "page"}
    assert nav_current(page(client, "/cuenta/entrar")) == {"Oficina Virtual": "page"}
    for url in ("/cuenta/registro", "/cuenta/recuperar"):
        assert nav_current(page(client, url)) == {"Oficina Virtual": "true"}, url
    assert nav_current(page(client, GUIDE)) == {}


def test_the_oficina_virtual_is_current_on_every_signed_in_page(app: Flask) -> None:
    client = signed_in(app, seed(app)["issste_titular"][0])
    oficina = (
        "/oficina",
        "/oficina/correo",
        "/oficina/contrasena",
        "/oficina/constancia-vigencia",
        "/oficina/cerrar-cuenta",
    )
    for url in oficina:
        doc = page(client, url)
        assert nav_current(doc) == {"Oficina Virtual": "true"}, url
        link = doc.xpath('//nav[contains(@class, "main-nav")]//a[@aria-current]/@href')
        assert link == ["/cuenta/entrar"]  # which takes a signed-in person to /oficina
    assert client.get("/cuenta/entrar").headers["Location"] == "/oficina"


# --- "Salir" in the header ----------------------------------------------------------------------


def test_signed_in_people_can_sign_out_from_any_page_without_javascript(app: Flask) -> None:
    client = signed_in(app, seed(app)["issste_titular"][0])
    for url in ("/", "/curp", "/constancias", "/verificar", "/api/docs", "/oficina/correo"):
        forms = page(client, url).xpath(SALIR)
        assert len(forms) == 1, url
        assert forms[0].get("method") == "post"
        assert forms[0].xpath('.//button[@type="submit"]/text()') == ["Salir"]
    app.config["WTF_CSRF_ENABLED"] = True  # the header's token is the session's
    token = page(client, "/curp").xpath(f'{SALIR}//input[@name="csrf_token"]/@value')
    response = client.post("/cuenta/salir", data={"csrf_token": token[0]})
    assert (response.status_code, response.headers["Location"]) == (303, "/cuenta/entrar")
    assert client.get("/oficina").status_code == 302
    assert page(client, "/curp").xpath(SALIR) == []


def test_nobody_else_is_offered_salir(app: Flask) -> None:
    curp = seed(app)["issste_titular"][0]
    anonymous = app.test_client()
    for url in ("/", "/curp", "/cuenta/entrar"):
        assert page(anonymous, url).xpath(SALIR) == [], url
    phone = signed_in(app, curp)
    laptop = app.test_client()
    assert entrar(laptop, curp).status_code == 303
    phone.post("/cuenta/salir")  # ends every session of the account, the laptop's too
    assert page(laptop, "/curp").xpath(SALIR) == []


def test_guide_pages_stay_the_same_for_everyone(app: Flask) -> None:
    # They are rendered once per language and kept (guides_contenido.render_content): whoever
    # renders one first must not leave a personal header in it for everyone else.
    client = signed_in(app, seed(app)["issste_titular"][0])
    mine = client.get(GUIDE).get_data()
    theirs = app.test_client().get(GUIDE).get_data()
    assert mine == theirs
    assert lxml_html.fromstring(mine).xpath(SALIR) == []
    assert b"csrf_token" not in mine


# --- The entity of birth, in the page's language and for everyone -----------------------------

ABROAD = "ZUNA540308MNELTN05"  # a woman born outside Mexico


def english(app: Flask, text: str) -> str:
    with app.test_request_context(), force_locale("en"):
        return gettext(text)


def entity_of_birth(client: FlaskClient, url: str) -> str:
    dd = page(client, url).xpath('//dt[.="Entidad de nacimiento" or .="State of birth"]')
    assert len(dd) == 1, url
    return " ".join(dd[0].getnext().text_content().split())


@pytest.mark.parametrize("url", [f"/curp?curp={ABROAD}", f"/embed/curp?curp={ABROAD}"])
def test_born_abroad_reads_the_same_for_everyone_in_both_languages(
    app: Flask, client: FlaskClient, url: str
) -> None:
    assert entity_of_birth(client, url) == "Fuera de México (NE)"
    client.set_cookie("lang", "en")
    in_english = url + "&lang=en"  # the widget takes its language from the query only
    assert entity_of_birth(client, in_english) == f"{english(app, 'Fuera de México')} (NE)"
    assert entity_of_birth(client, "/curp?curp=PXNE660720HMCXTN06&lang=en") == (
        f"{english(app, 'Estado de México')} (MC)"
    )
    assert entity_of_birth(client, "/curp?curp=LOOA531113HTCPBN07") == "Tabasco (TC)"

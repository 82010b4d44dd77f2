"""Every error summary's link lands on something that takes the focus: each form, sent empty,
lists its problems, and each link's #fragment names a control (a fieldset takes no focus, so a
group of choices is named by its first choice, as GOV.UK does)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from lxml import html as lxml_html

from tests.web.cuenta_helpers import crear_cuenta, entrar, formulario, registrar, token_para

FOCUSABLE = "self::input[not(@type='hidden')] or self::select or self::textarea or self::button"

# (method, url, form sent): each form of the portal, empty.
PUBLIC = [
    ("get", "/curp?curp=", None),
    ("post", "/curp/no-la-conozco", {}),
    ("post", "/cuenta/registro", {}),
    ("post", "/cuenta/entrar", {}),
    ("post", "/cuenta/recuperar", {}),
    ("post", "/cuenta/activar/reenviar", {"email": ""}),
    ("post", "/constancias/no-afiliacion", {}),
    ("post", "/constancias/no-derechohabiencia", {}),
    ("post", "/constancias/sin-seguridad-social", {}),
    ("post", "/constancias/vigencia-imss", {}),
    ("post", "/imss/nss", {}),
    ("get", "/verificar?folio=", None),
    ("get", "/?para=tengo&paso=trabajo", None),
]


def summary_targets(response: Any) -> list[tuple[str, Any]]:
    """Each summary link's fragment and the element it names (None when there is none)."""
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    links = doc.xpath("//*[contains(@class, 'error-summary')]//a/@href")
    assert links, f"no error summary at {response.request.path}"
    found = []
    for href in links:
        assert href.startswith("#"), href
        targets = doc.xpath("//*[@id=$id]", id=href[1:])
        found.append((href, targets[0] if len(targets) == 1 else None))
    return found


def assert_focusable(response: Any) -> None:
    for href, target in summary_targets(response):
        assert target is not None, f"{href}: no single element with that id"
        focusable = target.xpath(FOCUSABLE) or target.get("tabindex") is not None
        assert focusable, f"{href} names a <{target.tag}>, which takes no focus"


@pytest.mark.parametrize(("method", "url", "form"), PUBLIC)
def test_each_public_form_s_summary_links_land_on_a_control(
    app: Flask, method: str, url: str, form: Any
) -> None:
    client = app.test_client()
    response = getattr(client, method)(url, data=form)
    assert_focusable(response)


def test_the_summary_of_the_birth_data_lands_on_the_first_choice(app: Flask) -> None:
    response = app.test_client().post("/curp/no-la-conozco", data={})
    targets = dict(summary_targets(response))
    radio = targets["#campo-sexo"]
    assert radio.tag == "input" and radio.get("type") == "radio" and radio.get("name") == "sexo"
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    ids = [i.get("id") for i in doc.xpath("//input[@name='sexo']")]
    assert len(set(ids)) == len(ids) == 3 and all(ids)
    for radio_id in ids:  # each choice is named by its own label
        assert doc.xpath("//label[@for=$id]", id=radio_id)


def test_each_signed_in_or_linked_form_s_summary_links_land_on_a_control(
    app: Flask, curps: Any
) -> None:
    titular, otro = curps["issste_titular"][:2]
    crear_cuenta(app, titular, "activa@example.org")
    registrar(app.test_client(), formulario(app, otro, "pendiente@example.org"))
    client = app.test_client()
    activar = token_para(app, "activar", otro)
    assert_focusable(client.post(f"/cuenta/activar/{activar}", data={}))
    recuperar = token_para(app, "recuperar", titular)
    assert_focusable(client.post(f"/cuenta/recuperar/{recuperar}", data={}))
    assert entrar(client, titular).status_code == 303
    assert_focusable(client.post("/oficina/correo", data={}))
    assert_focusable(client.post("/oficina/contrasena", data={}))
    assert_focusable(client.post("/oficina/cerrar-cuenta", data={}))

"""/cuenta/recuperar: recovering the password through a link, without revealing addresses."""

from __future__ import annotations

import re

from flask import Flask
from lxml import html as lxml_html

from tests.web.cuenta_helpers import (
    correos,
    cuenta,
    enlace,
    entrar,
    fallos_contados_mientras,
    normalise,
    texto,
    token_para,
)


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


def test_a_recovery_clears_failures_counted_while_it_was_under_way(app: Flask, activa: str) -> None:
    # Wrong passwords counted by other requests after this one read the account (as zero) are
    # cleared too: the owner has just proved who they are, as a right password does.
    client = app.test_client()
    client.post("/cuenta/recuperar", data={"email": "activa@example.org"})
    path = enlace(correos(app)[-1])
    with fallos_contados_mientras(app, "UPDATE cuenta SET token_version") as counted:
        assert client.post(path, data={"password": "una frase nueva"}).status_code == 303
    assert counted
    assert (cuenta(app, activa).intentos_fallidos, cuenta(app, activa).primer_fallo) == (0, None)

"""/cuenta/activar: activation links (expired, used, tampered) and resending them."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from blueprints import mail
from blueprints.extensions import db
from domain.models import Cuenta
from tests.conftest import make_app
from tests.web.cuenta_helpers import (
    activar,
    correos,
    crear_cuenta,
    cuenta,
    enlace,
    formulario,
    registrar,
    seed,
    texto,
    token_para,
)


def test_an_expired_link_explains_and_offers_a_new_one(app: Flask, pendiente: str) -> None:
    client = app.test_client()
    token = token_para(app, "activar", pendiente, age_hours=25)
    response = client.get(f"/cuenta/activar/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "El enlace venció" in html and "p***@example.org" in html
    assert activar(client, f"/cuenta/activar/{token}").status_code == 410
    assert not cuenta(app, pendiente).activa
    before = len(correos(app))
    resent = client.post("/cuenta/activar/reenviar", data={"token": token})
    assert resent.status_code == 303
    page = client.get(resent.headers["Location"]).get_data(as_text=True)
    assert "p***@example.org" in page and "nuevo enlace" in page
    assert len(correos(app)) == before + 1
    # Only the newest link works.
    first = enlace(correos(app, "pendiente@example.org")[0])
    assert activar(client, first).status_code == 410
    assert activar(client, enlace(correos(app)[-1])).status_code == 200
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
    assert activar(client, path).status_code == 200
    again = activar(client, path)
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
        assert activar(client, bad).status_code == 400
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
    [sin_pendiente] = correos(app, "nadie@example.org")  # word that nothing waits, no link
    assert "/cuenta/activar/" not in texto(sin_pendiente)
    for _ in range(2):
        client.post("/cuenta/activar/reenviar", data={"email": "lento@example.org"})
    over = client.post("/cuenta/activar/reenviar", data={"email": "lento@example.org"})
    assert over.status_code == 429
    html = over.get_data(as_text=True)
    assert "Ya enviamos varios enlaces" in html and "l***@example.org" in html
    assert len(correos(app, "lento@example.org")) == 4  # the first + 3 resends


@pytest.mark.parametrize(
    "email", ["pendiente@example.org", "nadie@example.org", "activa@example.org"]
)
def test_resending_does_the_same_work_whether_or_not_a_link_waits(
    app: Flask, pendiente: str, curps: Any, monkeypatch: pytest.MonkeyPatch, email: str
) -> None:
    # As /cuenta/recuperar: the work behind the page (an email's two templates, a commit, a
    # delivery started) must not tell whether the address has a registration waiting.
    crear_cuenta(app, curps["issste_titular"][1], "activa@example.org")
    trabajo: list[str] = []
    render, start_delivery = mail._render, mail._start_delivery

    def rendered(name: str, context: dict[str, Any]) -> str:
        trabajo.append(name)
        return render(name, context)

    def started(app: Flask, ids: list[int]) -> None:
        trabajo.append(f"entrega de {len(ids)}")  # only after a commit
        start_delivery(app, ids)

    monkeypatch.setattr(mail, "_render", rendered)
    monkeypatch.setattr(mail, "_start_delivery", started)
    before = len(correos(app, email))
    response = app.test_client().post("/cuenta/activar/reenviar", data={"email": email})
    assert response.status_code == 303 and response.headers["Location"].endswith("revisa-tu-correo")
    [nuevo] = correos(app, email)[before:]
    plantilla = "activar" if email == "pendiente@example.org" else "sin_pendiente"
    assert trabajo == [
        f"email/cuenta_{plantilla}.txt",
        f"email/cuenta_{plantilla}.html",
        "entrega de 1",
    ]
    if plantilla == "sin_pendiente":
        assert "ninguna cuenta espera activarse" in texto(nuevo)
        assert "/cuenta/registro" in texto(nuevo) and "/cuenta/entrar" in texto(nuevo)
        assert "/cuenta/activar/" not in texto(nuevo)

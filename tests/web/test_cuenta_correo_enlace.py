"""The link that confirms a new address does not carry it: a link is signed, not encrypted, and
passes through mail servers, scanners and browser histories. It names the address by a keyed
hash; the address is the account's ``email_pendiente``. Links sent before (the address inside)
keep working for their 24 hours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from domain import tokens
from tests.conftest import make_app
from tests.web.cuenta_helpers import PASSWORD, correos, cuenta, enlace, seed, signed_in, token_para

NUEVO = "nuevo.correo@example.org"


def pedir(client: FlaskClient, email: str = NUEVO) -> None:
    response = client.post("/oficina/correo", data={"email": email, "actual": PASSWORD})
    assert response.status_code == 303


def leido_por_cualquiera(path: str) -> Any:
    """What anyone who sees the link reads in it, without any key."""
    token = path.rsplit("/", 1)[1]
    _valid, payload = URLSafeTimedSerializer("no es la clave").loads_unsafe(token)
    return payload


def test_the_link_names_the_new_address_only_by_a_keyed_hash(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    pedir(client)
    [confirmar] = correos(app, NUEVO)
    path = enlace(confirmar)
    payload = leido_por_cualquiera(path)
    assert set(payload) == {"c", "v", "h"}
    assert "e" not in payload and "nuevo.correo" not in str(payload) and "@" not in str(payload)
    assert payload["h"] != tokens.huella_correo("otra-clave", NUEVO)  # keyed: not guessable
    assert app.test_client().get(path).status_code == 200
    assert app.test_client().post(path).status_code == 200
    assert cuenta(app, curp).email == NUEVO
    assert app.test_client().post(path).status_code == 410  # still single-use


def test_a_hash_link_confirms_only_the_address_it_was_sent_to(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    pedir(client, "uno@example.org")
    first = enlace(correos(app, "uno@example.org")[0])
    pedir(client, "dos@example.org")  # the same version: only the address tells them apart
    second = enlace(correos(app, "dos@example.org")[0])
    uno, dos = leido_por_cualquiera(first), leido_por_cualquiera(second)
    assert uno["v"] == dos["v"] and uno["h"] != dos["h"] and "e" not in uno
    assert client.get(first).status_code == 410
    assert client.post(first).status_code == 410
    found = cuenta(app, curp)
    assert (found.email, found.email_pendiente) == ("titular@example.org", "dos@example.org")


def test_a_link_sent_before_the_hash_works_for_the_rest_of_its_day_as_new_ones_do(
    app: Flask, curps: Any
) -> None:
    # Asked for just before the deploy: its link carries the address, and still confirms it.
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    pedir(client)
    antes = token_para(app, "correo", curp, age_hours=23, email=NUEVO)
    otra = token_para(app, "correo", curp, age_hours=1, email="otra@example.org")
    assert client.post(f"/cuenta/correo/confirmar/{otra}").status_code == 410
    vencido = token_para(app, "correo", curp, age_hours=25, email=NUEVO)
    page = client.get(f"/cuenta/correo/confirmar/{vencido}")
    assert page.status_code == 410 and "venció" in page.get_data(as_text=True)
    assert client.get(f"/cuenta/correo/confirmar/{antes}").status_code == 200
    assert client.post(f"/cuenta/correo/confirmar/{antes}").status_code == 200
    assert cuenta(app, curp).email == NUEVO
    # The next change, asked for after the deploy, gets a link with the hash.
    pedir(client, "despues@example.org")
    [despues] = correos(app, "despues@example.org")
    assert "h" in leido_por_cualquiera(enlace(despues))
    assert client.post(enlace(despues)).status_code == 200
    assert cuenta(app, curp).email == "despues@example.org"


def test_a_link_made_before_a_key_rotation_still_confirms(
    tmp_path: Path, database_url: str
) -> None:
    before = make_app(tmp_path, database_url)
    curp = seed(before)["issste_titular"][0]
    pedir(signed_in(before, curp))
    path = enlace(correos(before, NUEVO)[0])
    assert "e" not in leido_por_cualquiera(path)  # a link with the hash, made with the old key
    # Deployed again with a new SECRET_KEY, the old one kept as a fallback (docs/despliegue.md).
    rotated = {"SECRET_KEY": "nueva-clave", "SECRET_KEY_FALLBACKS": "test-secret"}
    after = make_app(tmp_path, database_url, ENV=rotated)
    assert after.test_client().post(path).status_code == 200
    assert cuenta(after, curp).email == NUEVO

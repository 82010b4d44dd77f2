"""How long a session cookie is accepted: a public form for the CSRF token's hour, a signed-in
session for 30 idle minutes.

Time moves only where itsdangerous reads it: a page fetched "31 minutes ago" is fetched now with
itsdangerous's clock set back, so its session cookie and CSRF token carry that older time, and
the real session interface and the real CSRF check judge them at the real time.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import itsdangerous.timed
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import make_app
from tests.web.cuenta_helpers import crear_cuenta, entrar, seed

FORM = "/constancias/no-afiliacion"
UNKNOWN = "XEXX010101HNEXXXA4"  # well formed, never in the demo registry
MINUTE = 60

Atrasar = Callable[[float], None]


@pytest.fixture
def atrasar(monkeypatch: pytest.MonkeyPatch) -> Atrasar:
    """Sets itsdangerous's clock ``seconds`` back (0 puts it right again)."""

    def set_back(seconds: float) -> None:
        clock = SimpleNamespace(time=lambda: time.time() - seconds)
        monkeypatch.setattr(itsdangerous.timed, "time", clock)

    return set_back


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)


def open_form(client: FlaskClient) -> str:
    page = client.get(FORM).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token and client.get_cookie("session")
    return token.group(1)


def submit_after(app: Flask, atrasar: Atrasar, minutes: float) -> TestResponse:
    client = app.test_client()
    atrasar(minutes * MINUTE)
    token = open_form(client)
    atrasar(0)
    return client.post(FORM, data={"curp": UNKNOWN, "csrf_token": token})


@pytest.mark.parametrize("minutes", [1, 31, 59])
def test_a_public_form_submits_within_the_csrf_tokens_hour(
    app: Flask, atrasar: Atrasar, minutes: float
) -> None:
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 3600
    response = submit_after(app, atrasar, minutes)
    assert response.status_code == 200
    assert "No hay registro de esta CURP en el ISSSTE" in response.get_data(as_text=True)


def test_a_public_form_left_open_over_an_hour_has_expired(app: Flask, atrasar: Atrasar) -> None:
    # Not searched: the form comes back filled in, with a fresh token, to confirm.
    response = submit_after(app, atrasar, 61)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Confirma tus datos" in html and f'value="{UNKNOWN}"' in html
    assert "No hay registro de esta CURP en el ISSSTE" not in html


def test_a_form_opened_late_in_a_long_visit_gets_its_own_hour(app: Flask, atrasar: Atrasar) -> None:
    # The cookie was signed 80 minutes ago (an earlier form); the form is opened 30 minutes
    # ago, when the cookie was 50 minutes old. Without re-signing, it is 80 minutes old now.
    client = app.test_client()
    atrasar(80 * MINUTE)
    open_form(client)
    atrasar(30 * MINUTE)
    token = open_form(client)
    atrasar(0)
    response = client.post(FORM, data={"curp": UNKNOWN, "csrf_token": token})
    assert response.status_code == 200


def test_only_form_pages_with_an_old_cookie_sign_it_again(app: Flask, atrasar: Atrasar) -> None:
    client = app.test_client()
    atrasar(2 * MINUTE)
    open_form(client)
    atrasar(0)
    assert "Set-Cookie" not in client.get(FORM).headers  # signed 2 minutes ago: fresh enough
    atrasar(20 * MINUTE)
    open_form(client)
    atrasar(0)
    assert "Set-Cookie" not in client.get("/guias/carnet-digital-issste").headers  # no token
    assert "Set-Cookie" in client.get(FORM).headers


@pytest.fixture
def titular(app: Flask) -> str:
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "idle@example.org")
    app.config["WTF_CSRF_ENABLED"] = False  # the sign-in form's token is not what is tested here
    return curp


def signed_in(app: Flask, curp: str, atrasar: Atrasar, minutes_ago: float = 0) -> FlaskClient:
    """A client that signed in ``minutes_ago`` and has not been back since."""
    client = app.test_client()
    atrasar(minutes_ago * MINUTE)
    assert entrar(client, curp).status_code == 303
    atrasar(0)
    return client


def signed_out(response: TestResponse) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/cuenta/entrar")


@pytest.mark.parametrize(("minutes", "ended"), [(29, False), (31, True)])
def test_a_signed_in_session_ends_after_30_idle_minutes(
    app: Flask, titular: str, atrasar: Atrasar, minutes: float, ended: bool
) -> None:
    assert app.config["PERMANENT_SESSION_LIFETIME"] == dt.timedelta(minutes=30)
    response = signed_in(app, titular, atrasar, minutes).get("/oficina")
    assert response.status_code == (302 if ended else 200) and signed_out(response) is ended


@pytest.mark.parametrize(("minutes", "ended"), [(29, False), (31, True)])
def test_a_user_without_the_permanent_mark_still_ends_after_30_minutes(
    app: Flask, titular: str, atrasar: Atrasar, minutes: float, ended: bool
) -> None:
    client = signed_in(app, titular, atrasar)
    serializer = app.session_interface.inner.get_signing_serializer(app)  # type: ignore[attr-defined]
    cookie = client.get_cookie("session")
    assert cookie is not None
    data = serializer.loads(cookie.value)
    assert data.pop("_permanent") is True and "_user_id" in data
    atrasar(minutes * MINUTE)
    client.set_cookie("session", serializer.dumps(data))
    atrasar(0)
    assert signed_out(client.get("/oficina")) is ended


def test_a_new_secret_key_keeps_sessions_signed_with_a_fallback(
    app: Flask, titular: str, atrasar: Atrasar
) -> None:
    before, after = signed_in(app, titular, atrasar), signed_in(app, titular, atrasar)
    old = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="una-clave-nueva", SECRET_KEY_FALLBACKS=[old])
    assert after.get("/oficina").status_code == 200
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert after.get("/oficina").status_code == 200  # re-signed with the new key
    assert signed_out(before.get("/oficina"))


def test_a_tampered_cookie_is_an_empty_session(app: Flask, titular: str, atrasar: Atrasar) -> None:
    client = signed_in(app, titular, atrasar)
    cookie = client.get_cookie("session")
    assert cookie is not None
    client.set_cookie("session", cookie.value[:-2] + ("AA" if cookie.value[-2:] != "AA" else "BB"))
    assert signed_out(client.get("/oficina"))


def rotated(tmp_path: Path, database_url: str, keep_old: bool) -> Flask:
    """The same portal after SECRET_KEY rotation, with the old key kept as a fallback or not."""
    env = {"SECRET_KEY": "una-clave-nueva"}
    if keep_old:
        env["SECRET_KEY_FALLBACKS"] = "test-secret"
    return make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True, ENV=env)


@pytest.mark.parametrize("keep_old", [True, False])
def test_a_form_opened_before_a_key_rotation_submits_with_the_old_key_kept(
    app: Flask, tmp_path: Path, database_url: str, keep_old: bool
) -> None:
    before = app.test_client()
    token = open_form(before)
    cookie = before.get_cookie("session")
    assert cookie is not None
    after = rotated(tmp_path, database_url, keep_old).test_client()
    after.set_cookie("session", cookie.value)
    response = after.post(FORM, data={"curp": UNKNOWN, "csrf_token": token})
    assert response.status_code == (200 if keep_old else 400)


@pytest.mark.parametrize("keep_old", [True, False])
def test_a_resend_button_from_before_a_key_rotation_still_works_with_the_old_key_kept(
    app: Flask, tmp_path: Path, database_url: str, keep_old: bool
) -> None:
    from blueprints.constancias_servicio import leer_token_reenvio, token_reenvio

    with app.test_request_context():
        token = token_reenvio("NA-2026-000001", "ana@example.org")
    with rotated(tmp_path, database_url, keep_old).test_request_context():
        leido = leer_token_reenvio(token)
        renewed = token_reenvio("NA-2026-000001", "ana@example.org")
    said = (leido.folio, leido.email) if leido else None
    assert said == (("NA-2026-000001", "ana@example.org") if keep_old else None)
    with app.test_request_context():  # new tokens are signed with the new key, not the old
        assert leer_token_reenvio(renewed) is None

"""A form with a captcha posted twice (a double tap: the browser drops the first answer, the
server has done the work): the second post gets the first's answer, and nothing is done again.
With other data the spent captcha is still refused, and after the window too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from blueprints import captcha, envio_repetido, repeticion
from blueprints.extensions import db
from domain.models import Constancia, Correo, Cuenta
from tests.captcha_helpers import solve_captcha
from tests.web.constancias_helpers import ADDRESS, UNKNOWN, body, imss_form, ledger
from tests.web.constancias_helpers import seed as seed_constancias
from tests.web.cuenta_helpers import correos, formulario
from tests.web.repeticion_helpers import a_la_vez

REVISA = "/cuenta/registro/revisa-tu-correo"
CADUCO = "La verificación caducó, vuelve a intentarlo."


def registro(app: Flask, curp: str, email: str = "una@example.org") -> dict[str, str]:
    """The registration form, its captcha solved: the body a browser posts."""
    page = app.test_client().get("/cuenta/registro").get_data(as_text=True)
    return {**formulario(app, curp, email), **solve_captcha(app.test_client(), page)}


def cuentas(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [(c.curp, c.email) for c in db.session.scalars(sa.select(Cuenta))]


def outbox(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(Correo)) or 0)


def assert_revisa_tu_correo(client: FlaskClient, response: Any) -> None:
    assert response.status_code == 303 and response.headers["Location"] == REVISA
    # The second answer stands alone: the first's cookie never reached the browser.
    page = client.get(REVISA)
    assert page.status_code == 200 and "u***@example.org" in body(page)


# --- registration ----------------------------------------------------------------------------


def test_a_registration_posted_twice_makes_one_account_and_answers_both(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    data = registro(app, curp)
    first, second = app.test_client(), app.test_client()
    assert_revisa_tu_correo(first, first.post("/cuenta/registro", data=data))
    assert_revisa_tu_correo(second, second.post("/cuenta/registro", data=data))
    assert cuentas(app) == [(curp, "una@example.org")]
    assert [m["To"] for m in correos(app)] == ["una@example.org"]


def test_the_same_captcha_with_other_data_is_still_expired(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    data = registro(app, curp)
    for _ in range(2):  # the same form: the same answer
        assert app.test_client().post("/cuenta/registro", data=data).status_code == 303
    for changed in ({**data, "email": "otra@example.org"}, {**data, "telefono": "55 0000 0000"}):
        refused = app.test_client().post("/cuenta/registro", data=changed)
        assert refused.status_code == 422 and CADUCO in body(refused)
    assert cuentas(app) == [(curp, "una@example.org")] and len(correos(app)) == 1


def test_the_csrf_token_is_not_part_of_the_form_compared(app: Flask, curps: Any) -> None:
    data = registro(app, curps["issste_titular"][0])
    first = app.test_client().post("/cuenta/registro", data={**data, "csrf_token": "uno"})
    again = app.test_client().post("/cuenta/registro", data={**data, "csrf_token": "otro"})
    assert first.status_code == again.status_code == 303 and len(correos(app)) == 1


def test_after_the_window_the_same_form_is_expired(
    app: Flask, curps: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = registro(app, curps["issste_titular"][0])
    for _ in range(2):  # within the window: the same answer
        assert app.test_client().post("/cuenta/registro", data=data).status_code == 303
    later = captcha.utcnow() + envio_repetido.VENTANA + dt.timedelta(seconds=1)
    monkeypatch.setattr(repeticion, "utcnow", lambda: later)
    refused = app.test_client().post("/cuenta/registro", data=data)
    assert refused.status_code == 422 and CADUCO in body(refused)
    assert len(cuentas(app)) == 1 and len(correos(app)) == 1


def test_only_a_post_that_worked_is_answered_again(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    # The registry does not know this name: the first post is refused after its captcha.
    data = {**registro(app, curp), "nombre": "Otro Nombre"}
    first = app.test_client().post("/cuenta/registro", data=data)
    assert first.status_code == 422 and CADUCO not in body(first)
    again = app.test_client().post("/cuenta/registro", data=data)
    assert again.status_code == 422 and CADUCO in body(again)
    assert cuentas(app) == [] and correos(app) == []
    # Put right, with a new captcha, and sent twice: both answered as the first.
    data = registro(app, curp)
    for _ in range(2):
        assert app.test_client().post("/cuenta/registro", data=data).status_code == 303
    assert len(cuentas(app)) == 1 and len(correos(app)) == 1


def test_a_registration_sent_again_while_the_first_is_at_work(app: Flask, curps: Any) -> None:
    data = registro(app, curps["issste_titular"][0])
    first, second = app.test_client(), app.test_client()
    answers = a_la_vez(
        app,
        lambda: first.post("/cuenta/registro", data=data),
        lambda: second.post("/cuenta/registro", data=data),
        "INSERT INTO cuenta ",
    )
    assert_revisa_tu_correo(first, answers[0])
    assert_revisa_tu_correo(second, answers[1])
    assert len(cuentas(app)) == 1 and len(correos(app)) == 1


# --- the IMSS document by email --------------------------------------------------------------

IMSS_PAGES = ["/constancias/no-derechohabiencia", "/constancias/sin-seguridad-social"]


@pytest.mark.parametrize("url", IMSS_PAGES)
def test_the_imss_form_posted_twice_issues_and_emails_one_document(app: Flask, url: str) -> None:
    data = imss_form(app.test_client(), url, curp=UNKNOWN, email=ADDRESS)
    first = app.test_client().post(url, data=data)
    second = app.test_client().post(url, data=data)
    [row] = ledger(app)
    for answer in (first, second):
        page = body(answer)
        assert answer.status_code == 200 and "Te enviamos tu constancia" in page
        assert row.folio in page and "p***@example.org" in page and ADDRESS not in page
    assert outbox(app) == 1


def test_the_imss_form_with_other_data_and_a_spent_captcha_is_expired(app: Flask) -> None:
    url = IMSS_PAGES[0]
    data = imss_form(app.test_client(), url, curp=UNKNOWN, email=ADDRESS)
    for _ in range(2):
        answer = app.test_client().post(url, data=data)
        assert answer.status_code == 200 and CADUCO not in body(answer)
    other = app.test_client().post(url, data={**data, "email": "otra@example.org"})
    assert other.status_code == 422 and CADUCO in body(other)
    assert len(ledger(app)) == 1 and outbox(app) == 1


def test_someone_with_imss_rights_hears_it_twice(app: Flask) -> None:
    url = IMSS_PAGES[0]
    curp = seed_constancias(app)["imss_vigente"]
    data = imss_form(app.test_client(), url, curp=curp, email=ADDRESS)
    for _ in range(2):
        answer = app.test_client().post(url, data=data)
        assert answer.status_code == 200 and CADUCO not in body(answer)
        assert "Tienes derechos vigentes en el IMSS" in body(answer)
    assert ledger(app) == [] and outbox(app) == 0


def test_the_imss_form_sent_again_while_the_first_is_at_work(app: Flask) -> None:
    url = IMSS_PAGES[0]
    data = imss_form(app.test_client(), url, curp=UNKNOWN, email=ADDRESS)
    answers = a_la_vez(
        app,
        lambda: app.test_client().post(url, data=data),
        lambda: app.test_client().post(url, data=data),
        "INSERT INTO folio_contador ",
    )
    [row] = ledger(app)
    assert all(a.status_code == 200 and row.folio in body(a) for a in answers)
    assert outbox(app) == 1


@pytest.mark.parametrize("url", IMSS_PAGES)
def test_a_captcha_spent_on_one_imss_route_is_expired_on_the_other(app: Flask, url: str) -> None:
    # The two forms have the same fields: the same post to the other route is not a repeat.
    [otra] = [u for u in IMSS_PAGES if u != url]
    data = imss_form(app.test_client(), url, curp=UNKNOWN, email=ADDRESS)
    assert app.test_client().post(url, data=data).status_code == 200
    replayed = app.test_client().post(otra, data=data)
    assert replayed.status_code == 422 and CADUCO in body(replayed)
    [row] = ledger(app)
    assert row.folio not in body(replayed) and outbox(app) == 1


def test_a_repeat_whose_document_left_the_ledger_is_expired(app: Flask) -> None:
    url = IMSS_PAGES[0]
    data = imss_form(app.test_client(), url, curp=UNKNOWN, email=ADDRESS)
    assert app.test_client().post(url, data=data).status_code == 200
    with app.app_context():
        db.session.execute(sa.delete(Constancia))
        db.session.commit()
    again = app.test_client().post(url, data=data)
    assert again.status_code == 422 and CADUCO in body(again)
    assert ledger(app) == [] and outbox(app) == 1  # nothing issued without a new captcha

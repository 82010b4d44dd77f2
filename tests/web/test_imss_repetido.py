"""The IMSS vigencia and the NSS lookup posted twice (a double tap, htmx or not): the second
post gets the first's answer, not «La verificación caducó», and nothing is sent twice. With
other data the spent captcha is still refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from blueprints.extensions import db
from domain.models import Constancia
from tests.web.constancias_helpers import ADDRESS, UNKNOWN, body, imss_form, ledger, seed
from tests.web.imss_helpers import NEUTRAL, NSS_URL, VIGENCIA, limited_app, nss_of, outbox
from tests.web.repeticion_helpers import a_la_vez

CADUCO = "La verificación caducó, vuelve a intentarlo."
COMO = {"plain": {}, "htmx": {"HX-Request": "true"}}
NSS_ENVIADO = "Si la CURP tiene NSS, te lo enviamos"


@pytest.mark.parametrize("como", COMO)
def test_the_vigencia_posted_twice_issues_and_emails_one_document(app: Flask, como: str) -> None:
    curp = seed(app)["imss_vigente"]
    data = imss_form(app.test_client(), VIGENCIA, curp=curp, nss=nss_of(app, curp), email=ADDRESS)
    answers = [app.test_client().post(VIGENCIA, data=data, headers=COMO[como]) for _ in range(2)]
    [row] = ledger(app)
    for answer in answers:
        page = body(answer)
        assert answer.status_code == 200 and CADUCO not in page
        assert "Te enviamos tu constancia" in page and row.folio in page
        assert "p***@example.org" in page and ADDRESS not in page
    assert outbox(app) == 1


def test_a_vigencia_that_does_not_match_is_refused_alike_twice(app: Flask) -> None:
    otra = nss_of(app, seed(app)["imss_vigente"])  # a real NSS, of someone else
    data = imss_form(app.test_client(), VIGENCIA, curp=UNKNOWN, nss=otra, email=ADDRESS)
    for _ in range(2):
        answer = app.test_client().post(VIGENCIA, data=data)
        assert answer.status_code == 422 and NEUTRAL in body(answer) and CADUCO not in body(answer)
    assert ledger(app) == [] and outbox(app) == 0


def test_the_vigencia_with_other_data_and_a_spent_captcha_is_expired(app: Flask) -> None:
    curp = seed(app)["imss_vigente"]
    data = imss_form(app.test_client(), VIGENCIA, curp=curp, nss=nss_of(app, curp), email=ADDRESS)
    assert app.test_client().post(VIGENCIA, data=data).status_code == 200
    other = app.test_client().post(VIGENCIA, data={**data, "email": "otra@example.org"})
    assert other.status_code == 422 and CADUCO in body(other)
    assert len(ledger(app)) == 1 and outbox(app) == 1


@pytest.mark.parametrize("como", COMO)
def test_the_nss_lookup_posted_twice_sends_one_email(app: Flask, como: str) -> None:
    data = imss_form(app.test_client(), NSS_URL, curp=seed(app)["imss_vigente"], email=ADDRESS)
    for _ in range(2):
        answer = app.test_client().post(NSS_URL, data=data, headers=COMO[como])
        page = body(answer)
        assert answer.status_code == 200 and CADUCO not in page
        assert NSS_ENVIADO in page and "p***@example.org" in page and ADDRESS not in page
    assert outbox(app) == 1


def test_the_nss_lookup_sent_again_while_the_first_is_at_work(app: Flask) -> None:
    data = imss_form(app.test_client(), NSS_URL, curp=UNKNOWN, email=ADDRESS)
    answers = a_la_vez(
        app,
        lambda: app.test_client().post(NSS_URL, data=data),
        lambda: app.test_client().post(NSS_URL, data=data, headers=COMO["htmx"]),
        "INSERT INTO correo ",
    )
    assert all(a.status_code == 200 and NSS_ENVIADO in body(a) for a in answers)
    assert outbox(app) == 1


def test_the_nss_lookup_with_other_data_and_a_spent_captcha_is_expired(app: Flask) -> None:
    data = imss_form(app.test_client(), NSS_URL, curp=UNKNOWN, email=ADDRESS)
    assert app.test_client().post(NSS_URL, data=data).status_code == 200
    other = app.test_client().post(NSS_URL, data={**data, "email": "otra@example.org"})
    assert other.status_code == 422 and CADUCO in body(other)
    assert outbox(app) == 1


def test_an_nss_lookup_posted_twice_counts_once_against_its_curp(
    tmp_path: Path, database_url: str
) -> None:
    # 3 lookups an hour for one CURP: a repeat sends nothing, so it must not spend one.
    app = limited_app(tmp_path, database_url)
    client = app.test_client()

    def lookup(n: int, veces: int = 1) -> list[int]:
        data = imss_form(client, NSS_URL, curp=UNKNOWN, email=f"persona{n}@example.org")
        ip = {"REMOTE_ADDR": f"10.0.3.{n}"}
        return [client.post(NSS_URL, data=data, environ_base=ip).status_code for _ in range(veces)]

    assert lookup(0, veces=2) == [200, 200]
    assert lookup(1) + lookup(2) + lookup(3) == [200, 200, 429]
    assert outbox(app) == 3


def test_a_vigencia_repeat_whose_document_left_the_ledger_is_expired(app: Flask) -> None:
    curp = seed(app)["imss_vigente"]
    data = imss_form(app.test_client(), VIGENCIA, curp=curp, nss=nss_of(app, curp), email=ADDRESS)
    assert app.test_client().post(VIGENCIA, data=data).status_code == 200
    with app.app_context():
        db.session.execute(sa.delete(Constancia))
        db.session.commit()
    again = app.test_client().post(VIGENCIA, data=data)
    assert again.status_code == 422 and CADUCO in body(again)
    assert ledger(app) == [] and outbox(app) == 1  # nothing issued without a new captcha

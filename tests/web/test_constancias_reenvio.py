"""A resend button works once, on both resend routes: its answer brings a new one, a replay gets
a 409 that sends nothing, and two posts of one token at once resend once."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from blueprints import imss
from blueprints.constancias_servicio import RESEND_MAX_AGE, RESEND_SALT, token_reenvio
from blueprints.extensions import db
from domain import constancia_tipos
from tests.web.constancias_helpers import ADDRESS, UNKNOWN, body, ledger, resend_token, seed
from tests.web.imss_helpers import VIGENCIA, nss_of, outbox, post

NO_DERECHOHABIENCIA = "/constancias/no-derechohabiencia"
RESEND = {NO_DERECHOHABIENCIA: "/constancias/reenviar", VIGENCIA: f"{VIGENCIA}/reenviar"}
SALT = {NO_DERECHOHABIENCIA: RESEND_SALT, VIGENCIA: imss.RESEND_SALT}


def issue(app: Flask, client: FlaskClient, url: str) -> str:
    """Email a document of the kind ``url`` issues to ADDRESS; the page that says so."""
    if url == NO_DERECHOHABIENCIA:
        return body(post(client, url, curp=UNKNOWN, email=ADDRESS))
    curp = seed(app)["imss_vigente"]
    return body(post(client, url, curp=curp, nss=nss_of(app, curp), email=ADDRESS))


def mint(app: Flask, data: dict[str, str], salt: str, age: int = 0) -> str:
    """A token signed with the app's key as if made ``age`` seconds ago."""

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age

    with app.app_context():
        return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt, signer=Then).dumps(data)


@pytest.mark.parametrize("url", RESEND)
def test_a_button_works_once_and_its_answer_brings_a_new_one(
    app: Flask, client: FlaskClient, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    first = resend_token(issue(app, client, url))
    again = client.post(RESEND[url], data={"token": first})
    assert again.status_code == 200 and "Te enviamos la constancia de nuevo" in body(again)
    replay = client.post(RESEND[url], data={"token": first})
    page = body(replay)
    [row] = ledger(app)
    assert replay.status_code == 409 and "Ya te reenviamos esta constancia" in page
    assert row.folio in page and "p***@example.org" in page and ADDRESS not in page
    assert "spam" in page and f'href="{url}"' in page
    assert 'name="token"' not in page  # no button: a replay must not earn a fresh token
    assert outbox(app) == 2  # the document, and one resend
    second = resend_token(body(again))
    assert second != first
    assert client.post(RESEND[url], data={"token": second}).status_code == 200
    assert client.post(RESEND[url], data={"token": first}).status_code == 409
    assert outbox(app) == 3
    assert "el botón ya se usó" in caplog.text
    assert not any(secret in caplog.text for secret in (first, second, ADDRESS))


def test_a_token_of_another_purpose_or_document_is_refused(app: Flask, client: FlaskClient) -> None:
    tokens = {url: resend_token(issue(app, client, url)) for url in RESEND}
    kinds = {row.tipo: row for row in ledger(app)}
    nd, vi = (
        kinds[constancia_tipos.NO_DERECHOHABIENCIA.clave],
        kinds[constancia_tipos.VIGENCIA_IMSS.clave],
    )
    with app.test_request_context():
        forged = [
            (RESEND[NO_DERECHOHABIENCIA], tokens[VIGENCIA]),  # another purpose's salt
            (RESEND[VIGENCIA], tokens[NO_DERECHOHABIENCIA]),
            (RESEND[NO_DERECHOHABIENCIA], token_reenvio(vi.folio, ADDRESS)),  # another kind
            (RESEND[VIGENCIA], token_reenvio(nd.folio, ADDRESS, imss.RESEND_SALT)),
            (RESEND[NO_DERECHOHABIENCIA], token_reenvio(nd.folio, "otra@example.org")),
        ]
    for resend_url, token in forged:
        refused = client.post(resend_url, data={"token": token})
        assert refused.status_code == 400 and "ya no sirve" in body(refused)
    assert outbox(app) == 2
    for url, token in tokens.items():  # each document's own button still works
        assert client.post(RESEND[url], data={"token": token}).status_code == 200


@pytest.mark.parametrize("url", RESEND)
def test_an_expired_token_is_refused_as_before(app: Flask, client: FlaskClient, url: str) -> None:
    issue(app, client, url)
    [row] = ledger(app)
    data = {"f": row.folio, "e": ADDRESS, "n": "nonce-de-prueba"}
    old = client.post(RESEND[url], data={"token": mint(app, data, SALT[url], RESEND_MAX_AGE + 5)})
    assert old.status_code == 400 and "ya no sirve" in body(old)
    fresh = mint(app, data, SALT[url], RESEND_MAX_AGE - 60)
    assert client.post(RESEND[url], data={"token": fresh}).status_code == 200


def test_a_button_shown_before_buttons_worked_once_works_once(
    app: Flask, client: FlaskClient
) -> None:
    issue(app, client, NO_DERECHOHABIENCIA)
    [row] = ledger(app)
    token = mint(app, {"f": row.folio, "e": ADDRESS}, RESEND_SALT, age=3600)  # no nonce
    codes = [client.post("/constancias/reenviar", data={"token": token}).status_code
             for _ in range(2)]  # fmt: skip
    assert codes == [200, 409] and outbox(app) == 2


def test_two_posts_of_one_token_at_once_resend_once(app: Flask, client: FlaskClient) -> None:
    # Made to happen every time: our request has found the token unspent and is about to write,
    # when a second post of the same token runs from start to end. Ours must then send nothing.
    token = resend_token(issue(app, client, NO_DERECHOHABIENCIA))
    statuses: list[int] = []
    rival = threading.Thread(
        target=lambda: statuses.append(
            app.test_client().post("/constancias/reenviar", data={"token": token}).status_code
        )
    )

    def rival_posts_first(*_: Any) -> None:
        if not rival.ident:
            rival.start()
            rival.join(60)

    sa.event.listen(db.session, "before_flush", rival_posts_first)
    try:
        ours = client.post("/constancias/reenviar", data={"token": token})
    finally:
        sa.event.remove(db.session, "before_flush", rival_posts_first)
    assert rival.ident and not rival.is_alive()
    assert sorted([ours.status_code, *statuses]) == [200, 409]
    assert outbox(app) == 2  # the document, and one resend


def test_six_posts_of_one_token_at_the_same_moment_resend_once(
    app: Flask, client: FlaskClient
) -> None:
    token = resend_token(issue(app, client, NO_DERECHOHABIENCIA))
    start = threading.Barrier(6)

    def post_at_once(_: int) -> int:
        start.wait(30)
        return app.test_client().post("/constancias/reenviar", data={"token": token}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = sorted(pool.map(post_at_once, range(6)))
    assert codes == [200] + [409] * 5 and outbox(app) == 2

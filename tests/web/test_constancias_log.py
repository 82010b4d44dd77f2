"""The log lines of a constancia sent by email say what happened by then: the email was queued
(its delivery, which may fail, is logged apart by the outbox under its own id)."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.constancias_helpers import ADDRESS, UNKNOWN, body, ledger, resend_token, seed
from tests.web.imss_helpers import VIGENCIA, nss_of, post

NO_DERECHOHABIENCIA = "/constancias/no-derechohabiencia"


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("blueprints.")]


def test_issued_and_resent_by_email_are_logged_as_queued(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    curp = seed(app)["imss_vigente"]
    with caplog.at_level(logging.INFO):
        primera = body(post(client, NO_DERECHOHABIENCIA, curp=UNKNOWN, email=ADDRESS))
        segunda = body(post(client, VIGENCIA, curp=curp, nss=nss_of(app, curp), email=ADDRESS))
        client.post("/constancias/reenviar", data={"token": resend_token(primera)})
        client.post(f"{VIGENCIA}/reenviar", data={"token": resend_token(segunda)})
    folios = [row.folio for row in ledger(app)]
    lines = _lines(caplog)
    assert len(folios) == 2
    for folio in folios:
        assert f"Constancia emitida; correo en cola: {folio}" in lines
        assert f"Reenvío de constancia en cola: {folio}" in lines
    assert not [line for line in lines if "enviada" in line]

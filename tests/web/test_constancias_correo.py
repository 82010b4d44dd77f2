"""The no-derechohabiencia PDF sent by email and /constancias/reenviar: again, refused, limited."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from blueprints.extensions import db
from domain import sello
from domain.models import Constancia, Correo
from tests.conftest import make_app
from tests.smtp import SmtpServer, text_part
from tests.web.constancias_helpers import (
    ADDRESS,
    UNKNOWN,
    body,
    emailed_pdf,
    imss_form,
    ledger,
    published_keys,
    resend_token,
    seed,
)


def test_imss_document_arrives_by_email(mail: tuple[Flask, SmtpServer]) -> None:
    app, smtp = mail
    curp = seed(app)["imss_baja"]
    client = app.test_client()
    data = imss_form(client, "/constancias/no-derechohabiencia", curp=curp, email=ADDRESS)
    page = body(client.post("/constancias/no-derechohabiencia", data=data))
    [row] = ledger(app)
    assert "Te enviamos tu constancia" in page and row.folio in page
    assert "p***@example.org" in page and ADDRESS not in page
    assert row.entrega == "p***@example.org" and row.valida_hasta is not None
    [message] = smtp.wait_for(1)
    assert message["To"] == ADDRESS and row.folio in message["Subject"]
    filename, data_pdf = emailed_pdf(message)
    assert filename == f"constancia-no-derechohabiencia-{row.folio}.pdf"
    text = sello.texto(data_pdf)
    assert (
        curp in text and row.titular_nombre in text and row.folio in text and "Válida solo" in text
    )
    assert sello.verificar_pdf(data_pdf, published_keys(client)).autentica
    assert f"/verificar/{row.folio}?c={row.codigo}" in text_part(message)


def test_resend_sends_the_same_document_again(mail: tuple[Flask, SmtpServer]) -> None:
    app, smtp = mail
    client = app.test_client()
    data = imss_form(client, "/constancias/no-derechohabiencia", curp=UNKNOWN, email=ADDRESS)
    token = resend_token(body(client.post("/constancias/no-derechohabiencia", data=data)))
    again = client.post("/constancias/reenviar", data={"token": token})
    assert again.status_code == 200 and "Te enviamos la constancia de nuevo" in body(again)
    first, second = smtp.wait_for(2)
    assert emailed_pdf(first)[0] == emailed_pdf(second)[0]
    assert sello.extraer(emailed_pdf(first)[1]) == sello.extraer(emailed_pdf(second)[1])
    assert len(ledger(app)) == 1


def test_resend_refusals(app: Flask, client: FlaskClient) -> None:
    bad = client.post("/constancias/reenviar", data={"token": "inventado"})
    assert bad.status_code == 400 and "ya no sirve" in body(bad)
    data = imss_form(client, "/constancias/no-derechohabiencia", curp=UNKNOWN, email=ADDRESS)
    token = resend_token(body(client.post("/constancias/no-derechohabiencia", data=data)))
    [row] = ledger(app)
    with app.app_context():
        stored = db.session.get(Constancia, row.folio)
        stored.valida_hasta = stored.emitida  # as if the day had passed
        db.session.commit()
    expired = client.post("/constancias/reenviar", data={"token": token})
    assert expired.status_code == 410 and "ya venció" in body(expired)
    result = app.test_cli_runner().invoke(
        args=["constancias", "revocar", row.folio, "--motivo", "Prueba"]
    )
    assert result.exit_code == 0
    revoked = client.post("/constancias/reenviar", data={"token": token})
    assert revoked.status_code == 410 and "cancelada" in body(revoked)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Correo)) == 1


def test_resend_is_limited_per_folio(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    client = app.test_client()
    data = imss_form(client, "/constancias/no-derechohabiencia", curp=UNKNOWN, email=ADDRESS)
    token = resend_token(body(client.post("/constancias/no-derechohabiencia", data=data)))
    codes = []
    for n in range(4):  # a new address each time, each post with the button its answer brought
        answer = client.post(
            "/constancias/reenviar",
            data={"token": token},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
        codes.append(answer.status_code)
        token = resend_token(body(answer)) if answer.status_code == 200 else token
    assert codes == [200, 200, 200, 429]

"""Mail outbox end to end: queue in a transaction, deliver after commit, retry, /dev/correos."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader

from blueprints import mail
from blueprints.extensions import db
from blueprints.mail import queue_email, utcnow, wait_for_deliveries, withdraw_email
from blueprints.observability_logs import RequestIdFilter
from domain import outbox
from domain.models import Correo
from tests.conftest import make_app
from tests.smtp import SmtpServer, html_part, mail_app, text_part

PDF = b"%PDF-1.4\n% prueba \xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TEMPLATES = {
    "email/prueba.txt": (
        '{% extends "email/base.txt" %}{% block contenido %}Activa tu cuenta, {{ nombre }}, '
        "en esta dirección:\n\n{{ enlace }}\n\nEl enlace caduca en 24 horas.{% endblock %}"
    ),
    "email/prueba.html": (
        '{% extends "email/base.html" %}{% block contenido %}<p>Activa tu cuenta, {{ nombre }}, '
        'en esta dirección:</p><p><a href="{{ enlace }}">{{ enlace }}</a></p>'
        "<p>El enlace caduca en 24 horas.</p>{% endblock %}"
    ),
}
ADDRESS = "juana.perez@example.org"
LINK = "http://127.0.0.1:5000/cuenta/activar?t=abc.DEF-123"


def with_test_templates(app: Flask) -> Flask:
    assert app.jinja_loader is not None
    app.jinja_env.loader = ChoiceLoader([DictLoader(TEMPLATES), app.jinja_env.loader])
    return app


def register_routes(app: Flask) -> Flask:
    """A view that does what real features do: its change and its email, in one commit."""

    @app.post("/prueba/correo")
    def enviar() -> str:
        queue_email(
            ADDRESS,
            "prueba",
            "Activa tu cuenta en Derechohabiencia",
            attachments=[("constancia.pdf", "application/pdf", PDF)],
            nombre="Juana Pérez",
            enlace=LINK,
        )
        db.session.commit()
        return "ok"

    @app.post("/prueba/correo-fallido")
    def fallido() -> str:
        queue_email(ADDRESS, "prueba", "No debe salir", nombre="X", enlace=LINK)
        db.session.flush()
        db.session.rollback()
        return "deshecho"

    @app.post("/prueba/correo-retirado")
    def retirado() -> str:
        withdraw_email(queue_email(ADDRESS, "prueba", "No debe salir", nombre="X", enlace=LINK))
        db.session.commit()
        return "retirado"

    return with_test_templates(app)


def rows(app: Flask) -> list[Correo]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Correo).order_by(Correo.id)))


def test_commit_delivers_one_message_with_text_html_and_attachment(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    app = register_routes(mail_app(tmp_path, database_url, smtp_server))
    assert app.test_client().post("/prueba/correo").status_code == 200

    [message] = smtp_server.wait_for(1)
    assert wait_for_deliveries()
    assert re.fullmatch(
        r"<\d{20}\.[0-9a-f]{16}@derechohabiencia\.localhost>", message["Message-ID"]
    )
    assert message["To"] == ADDRESS
    assert message["Subject"] == "[Demostración] Activa tu cuenta en Derechohabiencia"
    assert message["Content-Language"] == "es"
    assert message["Date"]
    text = text_part(message)
    html = html_part(message)
    assert "Activa tu cuenta, Juana Pérez" in text and "Hola:" in text
    assert f"\n{LINK}\n" in text  # a plain URL on its own line
    assert f'<a href="{LINK}">{LINK}</a>' in html and 'lang="es"' in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "constancia.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF
    assert smtp_server.envelopes[0].rcpt_tos == [ADDRESS]

    [row] = rows(app)
    assert row.enviado and row.intentos == 1 and row.ultimo_error is None
    assert row.message_id == message["Message-ID"]


def test_rollback_queues_and_sends_nothing(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    app = register_routes(mail_app(tmp_path, database_url, smtp_server))
    client = app.test_client()
    assert client.post("/prueba/correo-fallido").status_code == 200
    assert wait_for_deliveries()
    assert rows(app) == []
    # A later commit in another request does not resurrect the rolled-back message.
    assert client.post("/prueba/correo").status_code == 200
    smtp_server.wait_for(1)
    assert wait_for_deliveries()
    assert [m["Subject"] for m in smtp_server.messages] == [
        "[Demostración] Activa tu cuenta en Derechohabiencia"
    ]


def test_a_withdrawn_message_starts_a_delivery_of_nothing(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On SQLite the next message may take the withdrawn one's id: a delivery started for that id
    # would send the next person's message from this request (and log it under this request).
    started: list[int] = []
    real = mail._start_delivery

    def noted(app: Flask, ids: list[int]) -> None:
        started.extend(ids)
        real(app, ids)

    monkeypatch.setattr(mail, "_start_delivery", noted)
    app = register_routes(mail_app(tmp_path, database_url, smtp_server))
    client = app.test_client()
    assert client.post("/prueba/correo-retirado").status_code == 200
    assert wait_for_deliveries()
    assert started == [mail.NO_ROW] and rows(app) == []
    assert client.post("/prueba/correo").status_code == 200
    smtp_server.wait_for(1)
    assert wait_for_deliveries()
    [row] = rows(app)
    assert started == [mail.NO_ROW, row.id] and row.enviado
    assert len(smtp_server.messages) == 1


def test_smtp_down_then_back_delivers_exactly_once(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    app = register_routes(mail_app(tmp_path, database_url, smtp_server))
    smtp_server.stop()
    response = app.test_client().post("/prueba/correo")
    assert response.status_code == 200  # the person is not told about our mail server
    assert wait_for_deliveries()
    [row] = rows(app)
    assert not row.enviado and row.intentos == 1
    assert row.ultimo_error and "ConnectionRefusedError" in row.ultimo_error
    waiting = row.siguiente_intento.replace(tzinfo=None) - row.creado.replace(tzinfo=None)
    assert dt.timedelta(seconds=25) <= waiting <= dt.timedelta(seconds=40)

    runner = app.test_cli_runner()
    early = runner.invoke(args=["outbox", "deliver"])
    assert "Enviados: 0" in early.output  # still backing off: not due yet

    smtp_server.start()
    with app.app_context():  # time passes: the retry is now due
        db.session.execute(sa.update(Correo).values(siguiente_intento=row.creado))
        db.session.commit()
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Enviados: 1" in result.output and "en espera: 0" in result.output
    smtp_server.wait_for(1)
    again = runner.invoke(args=["outbox", "deliver"])
    assert "Enviados: 0" in again.output
    assert len(smtp_server.messages) == 1
    [row] = rows(app)
    assert row.enviado and row.intentos == 2 and row.ultimo_error is None


def test_file_transport_writes_eml_under_instance_outbox(tmp_path: Path, database_url: str) -> None:
    app = register_routes(make_app(tmp_path, database_url))
    assert app.test_client().post("/prueba/correo").status_code == 200
    assert wait_for_deliveries()
    [row] = rows(app)
    stem = row.message_id.strip("<>").partition("@")[0]
    eml = tmp_path / "instance" / "outbox" / f"{stem}.eml"
    assert eml.is_file()
    assert eml.read_bytes() == row.mensaje
    assert row.enviado


def test_dev_correos_lists_and_shows_messages_in_demo_mode(
    tmp_path: Path, database_url: str
) -> None:
    app = register_routes(make_app(tmp_path, database_url))
    client = app.test_client()
    assert "Todavía no hay correos" in client.get("/dev/correos").get_data(as_text=True)
    client.post("/prueba/correo")
    assert wait_for_deliveries()
    [row] = rows(app)
    stem = row.message_id.strip("<>").partition("@")[0]

    listing = client.get("/dev/correos").get_data(as_text=True)
    assert f'href="/dev/correos/{stem}"' in listing
    assert "Activa tu cuenta en Derechohabiencia" in listing and "1 adjunto" in listing

    page = client.get(f"/dev/correos/{stem}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<a href="{LINK}">{LINK}</a>' in html  # the activation link is one click away
    assert "constancia.pdf" in html
    assert client.get(f"/dev/correos/{stem}/html").mimetype == "text/html"
    pdf = client.get(f"/dev/correos/{stem}/adjuntos/0")
    assert pdf.data == PDF and pdf.mimetype == "application/pdf"
    assert client.get(f"/dev/correos/{stem}/adjuntos/1").status_code == 404
    assert client.get("/dev/correos/..%2Fsecret_key").status_code == 404
    assert client.get("/dev/correos/no-existe").status_code == 404


def test_dev_correos_is_404_outside_demo_mode(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, ENV={"DEMO_MODE": "0"})
    client = app.test_client()
    assert client.get("/dev/correos").status_code == 404
    assert client.get("/dev/correos/20261126074612.0a1b2c3d4e5f6071").status_code == 404


def test_logs_never_show_the_address(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    app = register_routes(mail_app(tmp_path, database_url, smtp_server))
    caplog.set_level(logging.DEBUG)
    smtp_server.stop()
    app.test_client().post("/prueba/correo")
    assert wait_for_deliveries()
    smtp_server.start()
    with app.app_context():
        db.session.execute(sa.update(Correo).values(siguiente_intento=dt.datetime(2000, 1, 1)))
        db.session.commit()
    app.test_cli_runner().invoke(args=["outbox", "deliver"])
    smtp_server.wait_for(1)
    # Every record but the test SMTP server's own ("mail.log"), which plays the outside world.
    ours = [record for record in caplog.records if record.name != "mail.log"]
    logged = "\n".join(record.getMessage() for record in ours)
    assert "j***@example.org" in logged  # the failure and the delivery were logged, masked
    assert ADDRESS not in logged and "juana" not in logged
    assert "abc.DEF-123" not in logged  # nor the token in the link


def test_the_delivery_right_after_a_request_logs_under_its_id(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep()
    keep.addFilter(RequestIdFilter())  # as our JSON handler has it
    outbox_log = logging.getLogger(outbox.__name__)
    outbox_log.addHandler(keep)
    level = outbox_log.level
    outbox_log.setLevel(logging.INFO)
    try:
        app = register_routes(mail_app(tmp_path, database_url, smtp_server))
        app.test_client().post("/prueba/correo", headers={"X-Request-ID": "correo-prueba-0001"})
        assert wait_for_deliveries()
    finally:
        outbox_log.removeHandler(keep)
        outbox_log.setLevel(level)
    [delivered] = [r for r in records if "entregado" in r.getMessage()]
    assert delivered.request_id == "correo-prueba-0001"  # type: ignore[attr-defined]


def test_url_publica_builds_absolute_links_without_a_request(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url, ENV={"PUBLIC_BASE_URL": "https://portal.example/"})
    with app.app_context():
        render = app.jinja_env.from_string("{{ url_publica('core.healthz', x='1 2') }}").render
        assert render() == "https://portal.example/healthz?x=1+2"


def test_deliver_exit_code_and_watch_mode(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blueprints import cli_outbox

    app = register_routes(mail_app(tmp_path, database_url, smtp_server))
    smtp_server.stop()
    app.test_client().post("/prueba/correo")
    assert wait_for_deliveries()
    runner = app.test_cli_runner()

    def make_due() -> None:
        with app.app_context():
            db.session.execute(sa.update(Correo).values(siguiente_intento=dt.datetime(2000, 1, 1)))
            db.session.commit()

    make_due()
    failed = runner.invoke(args=["outbox", "deliver"])
    assert failed.exit_code == 1 and "por reintentar: 1" in failed.output

    smtp_server.start()
    make_due()
    rounds = []
    real_round = cli_outbox._deliver_round

    def counted(*args: object) -> object:
        rounds.append(1)
        if len(rounds) == 3:
            raise KeyboardInterrupt
        return real_round(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_outbox, "_deliver_round", counted)
    watched = runner.invoke(args=["outbox", "deliver", "--watch", "--interval", "0.05"])
    assert watched.exit_code == 0, watched.output
    assert "Enviados: 1" in watched.output and watched.output.rstrip().endswith("Detenido.")
    assert len(rounds) == 3 and len(smtp_server.wait_for(1)) == 1


def test_abandoned_messages_go_back_in_line_with_retry(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    app = register_routes(mail_app(tmp_path, database_url, smtp_server))
    smtp_server.stop()
    app.test_client().post("/prueba/correo")
    assert wait_for_deliveries()

    def correo(n: str, intentos: int, hace: dt.timedelta, enviado: bool = False) -> Correo:
        return Correo(
            message_id=f"<{n}@x>", destinatario=f"{n}@example.org", asunto="x", mensaje=b"x",
            creado=utcnow() - hace, enviado=enviado, intentos=intentos,
            siguiente_intento=utcnow(),
        )  # fmt: skip

    with app.app_context():  # the request's message, its attempts spent; and others that stay
        db.session.execute(sa.update(Correo).values(intentos=outbox.MAX_ATTEMPTS))
        db.session.add_all([
            correo("enviado", 1, dt.timedelta(0), enviado=True),
            correo("rechazado", outbox.REFUSED, dt.timedelta(0)),  # refused for good
            correo("viejo", outbox.MAX_ATTEMPTS, dt.timedelta(hours=30)),  # stale by now
        ])  # fmt: skip
        db.session.commit()
    runner = app.test_cli_runner()
    assert "en espera: 0" in runner.invoke(args=["outbox", "deliver"]).output
    smtp_server.start()
    retried = runner.invoke(args=["outbox", "retry"])
    assert retried.exit_code == 0 and "De nuevo en espera: 1" in retried.output
    delivered = runner.invoke(args=["outbox", "deliver"])
    assert delivered.exit_code == 0 and "Enviados: 1" in delivered.output
    assert [m["To"] for m in smtp_server.wait_for(1)] == [ADDRESS]
    assert "De nuevo en espera: 0" in runner.invoke(args=["outbox", "retry"]).output
    # Asked for, an older one comes back too; the refused one never does.
    older = runner.invoke(args=["outbox", "retry", "--horas", "48"])
    assert "De nuevo en espera: 1" in older.output


def test_queue_outside_a_request_and_several_in_one_commit(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    """A CLI command (no request) can queue too; every message of the commit goes out."""
    app = with_test_templates(mail_app(tmp_path, database_url, smtp_server))
    with app.app_context():
        for name in ("Ana", "Luis"):
            queue_email(
                f"{name.lower()}@example.org", "prueba", f"Hola {name}", nombre=name, enlace=LINK
            )
        db.session.commit()
    received = smtp_server.wait_for(2)
    assert wait_for_deliveries()
    assert sorted(m["Subject"] for m in received) == [
        "[Demostración] Hola Ana",
        "[Demostración] Hola Luis",
    ]
    assert all(row.enviado for row in rows(app))

"""JSON logs with a request id and no personal data; metrics only for the operator."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from blueprints.observability_logs import JsonFormatter
from domain.tokens import Contenido, emitir
from tests.conftest import make_app

CURP = "PXNE660720HMCXTN06"
EMAIL = "ana.lopez@example.org"


def test_access_log_is_json_with_request_id_and_no_personal_data(client, logs) -> None:
    with logs() as stream:
        response = client.get(
            f"/curp?curp={CURP}&email=ana.lopez@example.org",
            headers={"X-Request-ID": "abc12345-req"},
        )
        client.get(f"/api/v1/curp/{CURP.lower()}")
    assert response.headers["X-Request-ID"] == "abc12345-req"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [e for e in lines if e["logger"] == "portal.access"]
    assert len(access) == 2
    assert access[0]["request_id"] == "abc12345-req"
    text = stream.getvalue()
    assert CURP not in text and CURP.lower() not in text
    assert "ana.lopez" not in text


@pytest.mark.parametrize(
    "incoming", ["<script>", CURP, "64478000124", "64-47-80-0012-4", f"id-{CURP}"]
)
def test_bad_request_id_is_replaced(client, logs, incoming: str) -> None:
    # Neither junk nor a CURP or NSS a client sends as its request id reaches the log.
    with logs() as stream:
        response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] != incoming
    assert len(response.headers["X-Request-ID"]) == 32
    assert incoming not in stream.getvalue()


def test_metrics_are_hidden_without_the_operator_token(client) -> None:
    assert client.get("/metrics").status_code == 404


def test_metrics_with_token(tmp_path: Path, database_url: str) -> None:
    app = make_app(
        tmp_path, database_url, WTF_CSRF_ENABLED=True, ENV={"METRICS_TOKEN": "s3creto-de-metricas"}
    )
    client = app.test_client()
    client.get("/healthz")
    client.get("/no-existe")
    # Refused by the CSRF check before its view runs: still counted under its route.
    assert client.post("/constancias/no-afiliacion", data={"curp": CURP}).status_code == 400
    assert client.get("/metrics", headers={"Authorization": "Bearer otro"}).status_code == 404
    response = client.get("/metrics", headers={"Authorization": "Bearer s3creto-de-metricas"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'portal_http_requests_total{endpoint="core.healthz"' in body
    assert 'endpoint="sin_ruta",method="GET",status="404"' in body
    assert 'endpoint="constancias.no_afiliacion",method="POST",status="400"' in body
    assert "portal_correo_pendiente" in body
    assert "portal_http_request_seconds_bucket" in body


def test_development_server_request_lines_are_masked(app) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_log.addHandler(handler)
    werkzeug_log.setLevel(logging.INFO)
    try:
        werkzeug_log.info('127.0.0.1 - - "GET /curp?curp=%s HTTP/1.1" 200 -', CURP)
    finally:
        werkzeug_log.removeHandler(handler)
    assert CURP not in stream.getvalue()
    assert "curp=***" in stream.getvalue()


def test_access_line_shows_unicode_paths_and_masks_the_api_path(client, logs) -> None:
    with logs() as stream:
        client.get("/guias/ñandú")
        client.options(f"/api/v1/curp/{CURP}")
        # The API drops spaces and hyphens: this is a CURP, and its whole segment is masked.
        client.get("/api/v1/curp/loo%20a531113-htcpbn07")
        client.get("/api/v1/estatus/loo%20a531113-htcpbn07")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    messages = [e["message"] for e in lines if e["logger"] == "portal.access"]
    assert messages[0].startswith("GET /guias/ñandú 404 ")
    assert messages[1].startswith("OPTIONS /api/v1/curp/*** 200 ")
    assert messages[2].startswith("GET /api/v1/curp/*** 200 ")
    assert messages[3].startswith("GET /api/v1/estatus/*** ")
    assert "htcpbn07" not in stream.getvalue().lower()
    assert all(e["request_id"] for e in lines if e["logger"] == "portal.access")


def test_an_nss_in_groups_and_a_quoted_address_never_reach_the_log(client, logs) -> None:
    with logs() as stream:
        # WSGI hands the path over decoded: the access line holds the spaces.
        client.get("/imss/nss/64%2047%2080%200012%204")
        logging.getLogger("blueprints.imss").warning('NSS 6447-8000-124 para to="ana lopez"@x.mx')
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    messages = [e["message"] for e in lines]
    assert messages[0].startswith("GET /imss/nss/*********** 404 ")
    assert 'NSS *********** para to="***"@x.mx' in messages
    # Every field but the random request id, whose hex digits may spell "0012" by chance.
    logged = json.dumps([{k: v for k, v in e.items() if k != "request_id"} for e in lines])
    assert "0012" not in logged and "lopez" not in logged


@pytest.fixture
def configured_logging() -> Iterator[None]:
    """Logging's process-wide state, as a normal app's configure_logging changes it, put back."""
    root = logging.getLogger()
    handlers, level, factory = root.handlers[:], root.level, logging.getLogRecordFactory()
    multiprocessing = logging.logMultiprocessing
    # So that this test's app sets up its own, whatever an earlier one left.
    root.handlers = [h for h in handlers if not isinstance(h.formatter, JsonFormatter)]
    yield
    root.handlers = handlers
    root.setLevel(level)
    logging.setLogRecordFactory(factory)
    logging.logMultiprocessing = multiprocessing


def test_an_operators_own_handler_never_gets_personal_data(
    tmp_path: Path, database_url: str, configured_logging: None
) -> None:
    app = make_app(tmp_path, database_url, TESTING=False)

    def explode() -> str:
        raise RuntimeError(f"boom: {CURP} de {EMAIL}")

    app.add_url_rule("/_explota", view_func=explode)
    # A plain handler as an operator adds one (syslog, a file), with a common format.
    stream = io.StringIO()
    extra = logging.StreamHandler(stream)
    extra.setFormatter(logging.Formatter("%(process)d %(thread)d %(name)s: %(message)s"))
    logging.getLogger().addHandler(extra)
    client = app.test_client()
    token = emitir("test-secret", "activar", Contenido(7, 0, EMAIL))
    client.get("/api/v1/curp/loo%20a531113-htcpbn07")
    client.get(f"/curp?curp={CURP}&email={EMAIL}")
    client.get(f"/cuenta/activar/{token}")
    logging.getLogger("blueprints.cuenta").info("Enlace /cuenta/activar/%s para %s", token, EMAIL)
    logging.getLogger("blueprints.curp").info("Consulta de %s", "LOOA-531113-HTCPBN07")
    assert client.get("/_explota").status_code == 500
    text = stream.getvalue()
    for secret in (CURP, "htcpbn07", "HTCPBN07", EMAIL, token):
        assert secret not in text
    assert "portal.access: GET /api/v1/curp/*** 200 " in text
    assert "portal.access: GET /curp?curp=***&email=*** 200 " in text
    assert "blueprints.cuenta: Enlace /cuenta/activar/*** para a***@example.org" in text
    assert "blueprints.curp: Consulta de LOOA**************" in text
    assert "RuntimeError: boom: PXNE************** de a***@example.org" in text


def test_alembic_setup_chatter_stays_out_of_the_log(
    tmp_path: Path, database_url: str, configured_logging: None
) -> None:
    plugins = logging.getLogger("alembic.runtime.plugins")
    level = plugins.level
    try:
        plugins.setLevel(logging.NOTSET)
        make_app(tmp_path, database_url, TESTING=False)
        assert not plugins.isEnabledFor(logging.INFO)  # `make run` opened with seven such lines
        assert logging.getLogger("alembic.runtime.migration").isEnabledFor(logging.INFO)
    finally:
        plugins.setLevel(level)

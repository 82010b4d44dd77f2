"""JSON logs with a request id and no personal data; metrics only for the operator."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

from blueprints.observability import JsonFormatter, RequestIdFilter
from tests.conftest import make_app

CURP = "PXNE660720HMCXTN06"


def capture_logs() -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)
    logging.getLogger("portal.access").setLevel(logging.INFO)
    return stream, handler


def test_access_log_is_json_with_request_id_and_no_personal_data(client) -> None:
    stream, handler = capture_logs()
    try:
        response = client.get(
            f"/curp?curp={CURP}&email=ana.lopez@example.org",
            headers={"X-Request-ID": "abc12345-req"},
        )
        client.get(f"/api/v1/curp/{CURP.lower()}")
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.headers["X-Request-ID"] == "abc12345-req"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [e for e in lines if e["logger"] == "portal.access"]
    assert len(access) == 2
    assert access[0]["request_id"] == "abc12345-req"
    text = stream.getvalue()
    assert CURP not in text and CURP.lower() not in text
    assert "ana.lopez" not in text


def test_bad_request_id_is_replaced(client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response.headers["X-Request-ID"] != "<script>"
    assert len(response.headers["X-Request-ID"]) == 32


def test_metrics_are_hidden_without_the_operator_token(client) -> None:
    assert client.get("/metrics").status_code == 404


def test_metrics_with_token(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, ENV={"METRICS_TOKEN": "s3creto"})
    client = app.test_client()
    client.get("/healthz")
    assert client.get("/metrics", headers={"Authorization": "Bearer otro"}).status_code == 404
    response = client.get("/metrics", headers={"Authorization": "Bearer s3creto"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'portal_http_requests_total{endpoint="core.healthz"' in body
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


def test_access_line_shows_unicode_paths_and_masks_the_api_path(client) -> None:
    stream, handler = capture_logs()
    try:
        client.get("/guias/ñandú")
        client.options(f"/api/v1/curp/{CURP}")
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    messages = [e["message"] for e in lines if e["logger"] == "portal.access"]
    assert messages[0].startswith("GET /guias/ñandú 404 ")
    assert messages[1].startswith("OPTIONS /api/v1/curp/*** 200 ")
    assert all(e["request_id"] for e in lines if e["logger"] == "portal.access")

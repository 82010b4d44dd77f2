"""The API's own errors (404, 405, 429, 500, 503) are problem+json in Spanish, whatever the
interface language: the contract /integracion and /api/docs state."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app


def spanish_problem(response: Any, status: int, title: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["title"] == title and body["status"] == status
    return body


@pytest.fixture(params=["query", "cookie"])
def english(request: pytest.FixtureRequest, client: FlaskClient) -> tuple[FlaskClient, str]:
    """A client that asks for the English interface, by ?lang=en or by its cookie."""
    if request.param == "cookie":
        client.set_cookie("lang", "en")
        return client, ""
    return client, "?lang=en"


def test_not_found_and_wrong_method(english: tuple[FlaskClient, str]) -> None:
    client, lang = english
    body = spanish_problem(client.get(f"/api/v1/nada{lang}"), 404, "No encontramos esta página")
    assert body["detail"] == "No encontramos esta página"
    wrong = client.post(f"/api/v1/curp/PXNE660720HMCXTN06{lang}")
    spanish_problem(wrong, 405, "Esta página no acepta esa acción")
    assert wrong.headers["Allow"]
    # The same page in English shows English: only the API keeps to Spanish.
    assert "Page not found" in client.get(f"/no-existe{lang}").get_data(as_text=True)


def test_too_many_requests(tmp_path: Path) -> None:
    app = make_app(tmp_path, f"sqlite:///{tmp_path}/l.sqlite3", RATELIMIT_ENABLED=True)
    client = app.test_client()
    client.set_cookie("lang", "en")
    answers = [client.get("/api/v1/claves?lang=en") for _ in range(61)]  # 60 per minute
    assert answers[59].status_code == 200
    body = spanish_problem(answers[60], 429, "Demasiadas solicitudes")
    assert body["detail"] == "Demasiadas solicitudes"
    assert int(answers[60].headers["Retry-After"]) > 0


def test_database_outage(tmp_path: Path) -> None:
    # Never migrated: every read fails as on a database that is down.
    app = make_app(tmp_path, f"sqlite:///{tmp_path}/nueva.sqlite3")
    client = app.test_client()
    client.set_cookie("lang", "en")
    response = client.get("/api/v1/constancias/NA-2026-000001?c=AAAAAAAAAAAA&lang=en")
    body = spanish_problem(response, 503, "El servicio no está disponible por el momento")
    assert body["detail"] == "El servicio no está disponible por el momento."
    assert response.headers["Retry-After"] == "30"


def test_unexpected_error(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    def falla() -> str:
        raise RuntimeError("prueba")

    app.add_url_rule("/api/v1/prueba-de-falla", view_func=falla)
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/prueba-de-falla?lang=en")
    body = spanish_problem(response, 500, "Algo falló de nuestro lado")
    assert body["detail"] == "Algo falló de nuestro lado. Vuelve a intentarlo en unos minutos."

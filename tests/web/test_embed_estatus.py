"""The optional status lookup (EMBED_STATUS_LOOKUP): the JSON API and the widget, yes or no only,
limited per IP and per embedding site, and documented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask

from blueprints.extensions import db
from domain.models import Afiliacion, Persona
from tests.conftest import make_app
from tests.web.embed_helpers import DEMO_ANCESTORS, INVALID, VALID, html_of


@pytest.fixture
def lookup_app(tmp_path: Path, database_url: str) -> Flask:
    """Status lookup on, with one person who is IMSS-vigente and not ISSSTE-vigente."""
    app = make_app(tmp_path, database_url, ENV={"EMBED_STATUS_LOOKUP": "1"})
    with app.app_context():
        db.session.add(
            Persona(
                curp=VALID,
                nombre="Nestor",
                primer_apellido="Pérez",
                segundo_apellido=None,
                fecha_nacimiento=dt.date(1966, 7, 20),
                sexo="H",
                entidad="MC",
            )
        )
        for institucion, vigente in (("IMSS", True), ("ISSSTE", False)):
            db.session.add(
                Afiliacion(
                    curp=VALID,
                    institucion=institucion,
                    numero_afiliacion="12345678901",
                    tipo="titular",
                    vigente=vigente,
                )
            )
        db.session.commit()
    return app


def test_status_lookup_is_off_by_default(client) -> None:
    response = client.get(f"/api/v1/estatus/{VALID}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert client.get(f"/embed/curp/estatus?curp={VALID}").status_code == 404
    html = html_of(client, f"/embed/curp?curp={VALID}&estatus=1")
    assert "afiliación vigente" not in html.lower()


def test_status_api_answers_yes_or_no_only(lookup_app: Flask) -> None:
    response = lookup_app.test_client().get(f"/api/v1/estatus/{VALID.lower()}")
    assert response.status_code == 200
    assert response.get_json() == {"curp": VALID, "imss_vigente": True, "issste_vigente": False}
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Nestor" not in response.get_data(as_text=True)


def test_status_api_for_an_unknown_or_invalid_curp(lookup_app: Flask) -> None:
    client = lookup_app.test_client()
    unknown = client.get("/api/v1/estatus/GODE561231MDFRNS02").get_json()
    assert unknown == {"curp": "GODE561231MDFRNS02", "imss_vigente": False, "issste_vigente": False}
    invalid = client.get(f"/api/v1/estatus/{INVALID}")
    assert invalid.status_code == 422
    assert invalid.mimetype == "application/problem+json"
    # JSON stays Spanish (the API's contract), even when asked in English.
    client.set_cookie("lang", "en")
    english = client.get(f"/api/v1/estatus/{INVALID}?lang=en").get_json()
    assert english == invalid.get_json() and "El mes 13 no existe" in english["detail"]


def test_widget_status_lookup_without_and_with_javascript(lookup_app: Flask) -> None:
    client = lookup_app.test_client()
    page = html_of(client, f"/embed/curp?curp={VALID}")
    assert "¿Tiene afiliación vigente al IMSS / ISSSTE?" in page
    assert 'data-estatus="/embed/curp/estatus"' in page
    assert "Currently affiliated with IMSS / ISSSTE?" in html_of(
        client, f"/embed/curp?curp={VALID}&lang=en"
    )
    answered = html_of(client, f"/embed/curp?curp={VALID}&estatus=1")
    assert "IMSS: sí tiene afiliación vigente" in answered
    assert "ISSSTE: no tiene afiliación vigente" in answered
    fragment = html_of(client, f"/embed/curp/estatus?curp={VALID}")
    assert "IMSS: sí tiene afiliación vigente" in fragment and "<html" not in fragment
    for html in (answered, fragment):
        assert "Nestor" not in html and "Pérez" not in html and "12345678901" not in html
    assert "afiliación vigente" not in html_of(client, f"/embed/curp?curp={INVALID}&estatus=1")


def test_widget_status_answers_are_never_cached(lookup_app: Flask) -> None:
    # An affiliation can change at any moment, as the JSON lookup says; the widget's page is
    # cacheable only while it answers no status.
    client = lookup_app.test_client()
    for url in (f"/embed/curp?curp={VALID}&estatus=1", f"/embed/curp/estatus?curp={VALID}"):
        assert "no-store" in client.get(url).headers.get("Cache-Control", ""), url
    invalid = client.get(f"/embed/curp/estatus?curp={INVALID}")
    assert invalid.status_code == 422 and "no-store" in invalid.headers["Cache-Control"]
    assert "no-store" not in client.get(f"/embed/curp?curp={VALID}").headers.get(
        "Cache-Control", ""
    )


def test_status_lookup_is_rate_limited_per_ip(tmp_path: Path, database_url: str) -> None:
    app = make_app(
        tmp_path,
        database_url,
        RATELIMIT_ENABLED=True,
        EMBED_STATUS_LIMIT_IP="3 per minute",
        ENV={"EMBED_STATUS_LOOKUP": "1"},
    )
    client = app.test_client()
    for _ in range(5):  # checking a CURP costs nothing from the status budget
        html_of(client, f"/embed/curp?curp={VALID}")
    # One budget for the JSON API and the widget, with and without JavaScript.
    assert client.get(f"/api/v1/estatus/{VALID}").status_code == 200
    html_of(client, f"/embed/curp/estatus?curp={VALID}")
    html_of(client, f"/embed/curp?curp={VALID}&estatus=1")
    api = client.get(f"/api/v1/estatus/{VALID}")
    assert api.status_code == 429 and api.mimetype == "application/problem+json"
    fragment = html_of(client, f"/embed/curp/estatus?curp={VALID}", status=429)
    assert "Espera un minuto" in fragment
    page = client.get(f"/embed/curp?curp={VALID}&estatus=1")
    assert page.status_code == 429 and "Set-Cookie" not in page.headers
    assert page.headers["Content-Security-Policy"].endswith(DEMO_ANCESTORS)  # still framable
    assert int(page.headers["Retry-After"]) > 0
    assert 'id="campo-curp"' in page.get_data(as_text=True)


def test_status_lookup_is_rate_limited_per_embedding_origin(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(
        tmp_path,
        database_url,
        RATELIMIT_ENABLED=True,
        EMBED_STATUS_LIMIT_ORIGIN="2 per minute",
        ENV={"EMBED_STATUS_LOOKUP": "1"},
    )
    client = app.test_client()

    def ask(ip: str, **where: str) -> int:
        environ = {"REMOTE_ADDR": ip}
        if "origin" in where:
            url = f"/embed/curp/estatus?curp={VALID}&origin={where['origin']}"
            return client.get(url, environ_base=environ).status_code
        headers = {"Origin": where["header"]}
        return client.get(
            f"/api/v1/estatus/{VALID}", environ_base=environ, headers=headers
        ).status_code

    # Different people on one site share the site's budget; another site has its own.
    assert ask("10.0.0.1", origin="https://a.example") == 200
    assert ask("10.0.0.2", header="https://a.example") == 200
    assert ask("10.0.0.3", origin="https://a.example") == 429
    assert ask("10.0.0.4", header="https://b.example") == 200


def test_status_api_is_documented(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/estatus/{curp}"]["get"]
    assert set(operation["responses"]) >= {"200", "404", "422", "429"}

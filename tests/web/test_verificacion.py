"""/verificar: the form, what each answer says (authentic, not authentic, expired, revoked), the
limits. Derechos hoy is in test_verificacion_hoy.py, the JSON twin in test_verificacion_api.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints.extensions import db
from domain import demo, verificacion
from domain.models import Constancia
from tests.conftest import make_app
from tests.web.constancias_helpers import download, result_panel


def stored(app: Flask, folio: str) -> Constancia:
    with app.app_context():
        row = db.session.get(Constancia, folio)
        assert row is not None
        db.session.expunge(row)
        return row


def test_page_asks_for_folio_and_code(client: FlaskClient) -> None:
    page = client.get("/verificar").get_data(as_text=True)
    assert 'name="folio"' in page and 'name="c"' in page and "panel" not in page


def test_a_page_with_errors_says_so_first_in_its_title(client: FlaskClient) -> None:
    wrong = client.get("/verificar", query_string={"folio": "x", "c": ""})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "<title>Error: Verificar un documento" in html
    assert "<title>Verificar un documento" in client.get("/verificar").get_data(as_text=True)


def test_qr_link_shows_an_authentic_current_document(app: Flask, client: FlaskClient) -> None:
    seeded = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "7"])
    assert seeded.exit_code == 0
    with app.app_context():
        curp = next(e.curps[0] for e in demo.examples(db.session) if e.key == "sin_afiliacion")
    _, path = download(client, curp)
    response = client.get(path)
    page = response.get_data(as_text=True)
    folio = path.split("/")[2].split("?")[0]
    row = stored(app, folio)
    assert response.status_code == 200 and "Documento auténtico y vigente" in page
    assert "Constancia de No Afiliación (ISSSTE)" in page and folio in page
    assert verificacion.enmascarar_nombre(row.titular_nombre) in page
    assert row.titular_nombre not in page and curp not in page
    assert "no-store" in response.headers["Cache-Control"]


def test_typed_folio_and_code_work_like_the_qr(app: Flask, client: FlaskClient) -> None:
    _, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    code = stored(app, folio).codigo
    typed = client.get("/verificar", query_string={"folio": folio.lower(), "c": code.lower()})
    assert "Documento auténtico" in typed.get_data(as_text=True)
    assert "Sin nombre: la CURP no tenía registro" in typed.get_data(as_text=True)


def test_a_folio_typed_without_hyphens_is_found(app: Flask, client: FlaskClient) -> None:
    _, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    code = stored(app, folio).codigo
    for typed in (folio.replace("-", ""), folio.replace("-", " ").lower()):
        response = client.get("/verificar", query_string={"folio": typed, "c": code})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "Documento auténtico" in page, typed
        assert f'value="{folio}"' in page


def test_wrong_code_and_unknown_folio_say_the_same(app: Flask, client: FlaskClient) -> None:
    _, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    wrong = client.get(f"/verificar/{folio}?c=AAAAAAAAAAAA")
    unknown = client.get("/verificar/NA-2026-999999?c=AAAAAAAAAAAA")
    assert wrong.status_code == unknown.status_code == 200
    assert result_panel(wrong.get_data(as_text=True)) == result_panel(
        unknown.get_data(as_text=True)
    )
    assert "No auténtica" in result_panel(wrong.get_data(as_text=True))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/verificar?folio=&c=", "Escribe el folio"),
        ("/verificar?folio=NA-2026-000001", "Escribe el código"),
        ("/verificar?folio=hola&c=AAAAAAAAAAAA", "dos letras, el año"),
        ("/verificar/NA-2026-000001?c=abc", "12 letras"),
        ("/verificar/NA-2026-000001?c=AAAAAAAAAAAAA", "12 letras"),  # one too many
        ("/verificar/%3Cscript%3E?c=AAAAAAAAAAAA", "dos letras, el año"),
    ],
)
def test_bad_input_is_a_spanish_422(client: FlaskClient, path: str, message: str) -> None:
    response = client.get(path)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)


def test_bad_input_is_english_in_the_english_interface_but_not_in_the_api(
    client: FlaskClient,
) -> None:
    client.set_cookie("lang", "en")
    page = client.get("/verificar/NA-2026-000001?c=abc").get_data(as_text=True)
    assert "The code has 12 letters and digits." in page and "12 letras" not in page
    api = client.get("/api/v1/constancias/NA-2026-000001?c=abc").get_json()
    assert api["errors"]["c"] == "El código tiene 12 letras y números."  # the API is Spanish


def test_folio_without_code_asks_for_the_code(client: FlaskClient) -> None:
    response = client.get("/verificar/na-2026-000001")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="NA-2026-000001"' in page
    assert "No auténtica" not in page


def test_expired_and_revoked_documents(app: Flask, client: FlaskClient) -> None:
    _, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    with app.app_context():
        row = db.session.get(Constancia, folio)
        row.valida_hasta = row.emitida  # the day passed (only the IMSS document expires)
        db.session.commit()
    assert "auténtico, pero vencido" in client.get(path).get_data(as_text=True)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["constancias", "revocar", folio, "--motivo", "Error de captura"])
    assert result.exit_code == 0 and f"{folio} revocada" in result.output
    page = client.get(path).get_data(as_text=True)
    assert "auténtico, pero cancelado" in page and "Error de captura" not in page
    again = runner.invoke(args=["constancias", "revocar", folio, "--motivo", "otra"])
    assert again.exit_code == 1 and "ya estaba revocada" in again.output
    unknown = runner.invoke(args=["constancias", "revocar", "NA-2026-999999", "--motivo", "x"])
    assert unknown.exit_code == 1 and "No hay ninguna constancia" in unknown.output


def test_pages_are_rate_limited(tmp_path: Path, database_url: str) -> None:
    client = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True).test_client()
    codes = [client.get("/verificar/NA-2026-000001?c=AAAAAAAAAAAA").status_code for _ in range(61)]
    assert codes[-1] == 429 and set(codes[:60]) == {200}

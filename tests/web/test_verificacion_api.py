"""/api/v1/constancias/<folio>, the JSON twin of /verificar; /api/v1/claves, the published keys;
both described in the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain import signing, signing_config
from tests.conftest import make_app
from tests.web.constancias_helpers import download


def test_json_twin(app: Flask, client: FlaskClient) -> None:
    _, path = download(client)
    folio, code = path.split("/")[2].split("?c=")
    response = client.get(f"/api/v1/constancias/{folio}?c={code}")
    data = response.get_json()
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    assert data["autentica"] is True and data["folio"] == folio and data["estado"] == "vigente"
    assert data["tipo"] == {
        "clave": "no_afiliacion_issste",
        "titulo": "Constancia de No Afiliación",
        "institucion": "ISSSTE",
    }
    assert data["titular"] == "" and data["valida_hasta"] is None and data["vigente_hoy"] is None
    assert dt.datetime.fromisoformat(data["emitida"]).utcoffset() == dt.timedelta(hours=-6)
    assert "no-store" in response.headers["Cache-Control"]  # nor kept by a cache on the way


def test_json_not_authentic_is_one_problem_for_both_cases(client: FlaskClient) -> None:
    _, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    wrong = client.get(f"/api/v1/constancias/{folio}?c=AAAAAAAAAAAA")
    unknown = client.get("/api/v1/constancias/NA-2026-999999?c=AAAAAAAAAAAA")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.mimetype == "application/problem+json"
    assert wrong.get_data() == unknown.get_data()
    assert wrong.get_json()["title"] == "No auténtica"
    assert "no-store" in wrong.headers["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/constancias/NA-2026-000001",
        "/api/v1/constancias/x?c=1",
        "/api/v1/constancias/NA-2026-000001?c=AAAAAAAAAAAAA",
    ],
)
def test_json_bad_input_is_a_422_problem(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"]


def test_json_is_rate_limited(tmp_path: Path, database_url: str) -> None:
    client = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True).test_client()
    for _ in range(60):
        client.get("/api/v1/constancias/NA-2026-000001?c=AAAAAAAAAAAA")
    response = client.get("/api/v1/constancias/NA-2026-000001?c=AAAAAAAAAAAA")
    assert response.status_code == 429 and response.mimetype == "application/problem+json"


def test_published_keys_include_retired_ones(tmp_path: Path, database_url: str) -> None:
    old = signing.Signer.generate()
    folder = tmp_path / "instance" / signing_config.OLD_KEYS_DIR
    folder.mkdir(parents=True)
    (folder / "2025.pem").write_text(old.public.pem)
    app = make_app(tmp_path, database_url)
    client = app.test_client()
    response = client.get("/api/v1/claves")
    keys = response.get_json()
    assert [k["active"] for k in keys] == [True, False]
    # Caches may keep the list an hour and ask again cheaply.
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    again = client.get("/api/v1/claves", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert keys[1]["kid"] == old.kid and keys[1]["public_key"] == old.public.raw_base64
    assert all(
        k["algorithm"] == "Ed25519" and "BEGIN PUBLIC KEY" in k["public_key_pem"] for k in keys
    )


def test_api_paths_are_described(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/constancias/{folio}" in paths and "/api/v1/claves" in paths


FULL_WIDTH = str.maketrans(
    "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)


def test_a_full_width_folio_and_code_are_read_as_the_printed_ones(client: FlaskClient) -> None:
    # NFKC, as the folio's other spellings (lower case, no hyphens) are read: a keyboard that
    # types full width must not get a genuine document called "no auténtica".
    _, path = download(client)
    folio, code = path.split("/")[2].split("?c=")
    wide = client.get(
        f"/api/v1/constancias/{folio.translate(FULL_WIDTH)}?c={code.translate(FULL_WIDTH)}"
    )
    assert wide.status_code == 200 and wide.get_json()["folio"] == folio
    page = client.get(f"/verificar/{folio.translate(FULL_WIDTH)}?c={code}")
    assert page.status_code == 200


def test_digits_of_other_scripts_are_a_malformed_folio(client: FlaskClient) -> None:
    arabic = "NA-٢٠٢٦-٠٠٠٠٠١"  # Arabic-Indic digits: \d took them, NFKC leaves them
    response = client.get(f"/api/v1/constancias/{arabic}?c=AAAAAAAAAAAA")
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"folio"}


def test_no_folio_at_all_is_the_documented_422(client: FlaskClient) -> None:
    for path in ("/api/v1/constancias/?c=AAAAAAAAAAAA", "/api/v1/constancias/"):
        response = client.get(path)
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        assert response.get_json()["errors"]["folio"].startswith("Escribe el folio")


def test_the_documented_patterns_fit_a_real_folio_and_code(client: FlaskClient) -> None:
    _, path = download(client)
    folio, code = path.split("/")[2].split("?c=")
    operation = client.get("/api/v1/openapi.json").get_json()["paths"][
        "/api/v1/constancias/{folio}"
    ]["get"]
    schemas = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert re.fullmatch(schemas["folio"]["pattern"], folio)
    assert re.fullmatch(schemas["c"]["pattern"], code)
    assert not re.fullmatch(schemas["c"]["pattern"], code[:-1] + "U")

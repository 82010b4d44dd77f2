"""/api/v1/curp/generar: kept out of shared caches, AAAA-MM-DD only, and described as strictly
as the server reads it."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

ANA = {
    "nombre": "Ana",
    "primer_apellido": "Ruiz",
    "fecha_nacimiento": "1990-01-02",
    "sexo": "M",
    "entidad": "NE",
}


def test_generation_stays_in_the_askers_cache_only(client: FlaskClient) -> None:
    # Its URL and its answer hold names and a birth date (issue #3); validation stays shared.
    generated = client.get("/api/v1/curp/generar", query_string=ANA)
    assert generated.status_code == 200
    assert generated.headers["Cache-Control"] == "private, max-age=86400"
    again = client.get(
        "/api/v1/curp/generar",
        query_string=ANA,
        headers={"If-None-Match": generated.headers["ETag"]},
    )
    assert again.status_code == 304 and again.headers["Cache-Control"].startswith("private")
    checked = client.get("/api/v1/curp/PXNE660720HMCXTN06")
    assert checked.headers["Cache-Control"] == "public, max-age=86400"


def test_the_api_takes_only_iso_dates_the_form_still_takes_both(client: FlaskClient) -> None:
    response = client.get(
        "/api/v1/curp/generar", query_string={**ANA, "fecha_nacimiento": "02/01/1990"}
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == {
        "fecha_nacimiento": "Escribe tu fecha de nacimiento como AAAA-MM-DD."
    }
    # A browser without a date picker shows the form's field as text, where people write this.
    page = client.post("/curp/no-la-conozco", data={**ANA, "fecha_nacimiento": "02/01/1990"})
    assert page.status_code == 200 and "RUXA900102MNE" in page.get_data(as_text=True)


def test_a_trailing_slash_is_a_404_not_a_curp_named_generar(client: FlaskClient) -> None:
    response = client.get("/api/v1/curp/generar/", query_string=ANA)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert client.get("/api/v1/curp/generar-no").get_json()["valid"] is False


def parameters(client: FlaskClient, path: str) -> dict[str, dict[str, Any]]:
    spec = client.get("/api/v1/openapi.json").get_json()
    return {p["name"]: p["schema"] for p in spec["paths"][path]["get"]["parameters"]}


def test_the_parameters_are_described_as_the_server_reads_them(client: FlaskClient) -> None:
    generar = parameters(client, "/api/v1/curp/generar")
    assert generar["sexo"]["enum"] == ["H", "M", "X"]
    for sexo in generar["sexo"]["enum"]:
        answer = client.get("/api/v1/curp/generar", query_string={**ANA, "sexo": sexo})
        assert answer.status_code == 200
    assert generar["fecha_nacimiento"]["format"] == "date"
    # Any text answers 200, however long: the spec sets no maximum.
    validar = parameters(client, "/api/v1/curp/{curp}")
    assert "maxLength" not in validar["curp"]
    long = client.get("/api/v1/curp/" + "A" * 1500)
    assert long.status_code == 200 and len(long.get_json()["input"]) == 256

"""The CURP JSON API: shape, CORS, caching, limits and garbage."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from lxml import html as lxml_html

from tests.conftest import make_app


def test_valid_curp_json(client) -> None:
    response = client.get("/api/v1/curp/pxne660720hmcxtn06")
    assert response.status_code == 200
    assert response.get_json() == {
        "input": "pxne660720hmcxtn06",
        "curp": "PXNE660720HMCXTN06",
        "valid": True,
        "errors": [],
        "warnings": [
            {
                "code": "inconvenient_word",
                "positions": [1, 2, 3, 4],
                "message": response.get_json()["warnings"][0]["message"],
            }
        ]
        if response.get_json()["warnings"]
        else [],
        "birth_date": "1966-07-20",
        "sex": "H",
        "state": {"code": "MC", "name": response.get_json()["state"]["name"]},
    }
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_invalid_curp_lists_every_error_with_positions(client) -> None:
    body = client.get("/api/v1/curp/PXNE661320HMCXTN07").get_json()
    assert body["valid"] is False and body["curp"] is None
    codes = {e["code"] for e in body["errors"]}
    assert "date" in codes
    assert all(e["positions"] and e["message"] for e in body["errors"])
    assert body["birth_date"] is None and body["state"] is None


def test_messages_stay_spanish_whatever_the_interface_language(client) -> None:
    # The contract says Spanish; the English interface (query or cookie) translates pages only.
    url = "/api/v1/curp/PXNE661320HMCXTN07"
    spanish = client.get(url).get_json()
    english = client.get(url + "?lang=en").get_json()
    client.set_cookie("lang", "en")
    cookie = client.get(url).get_json()
    assert english == cookie == spanish
    assert spanish["errors"][0]["message"].startswith("El mes 13 no existe: las posiciones 7 y 8")
    warning = client.get("/api/v1/curp/BACA800101HDFLRN05").get_json()["warnings"][0]["message"]
    assert warning.startswith("Las letras 1 a 4 forman «BACA»")


@pytest.mark.parametrize("junk", ["x", "🙂🙂", "%00", "a/b/c", "SELECT * FROM persona", "A" * 2000])
def test_garbage_is_always_200(client, junk: str) -> None:
    response = client.get(f"/api/v1/curp/{junk}")
    assert response.status_code == 200
    assert response.get_json()["valid"] is False


def test_validation_is_cacheable_with_etag(client) -> None:
    first = client.get("/api/v1/curp/PXNE660720HMCXTN06")
    assert "max-age=86400" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = client.get("/api/v1/curp/PXNE660720HMCXTN06", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag and not again.get_data()
    # If-None-Match compares weakly (RFC 9110): a cache may send the tag back marked weak.
    weak = client.get("/api/v1/curp/PXNE660720HMCXTN06", headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    other = client.get("/api/v1/curp/PXNE660720HMCXTN07", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_generation_json(client) -> None:
    response = client.get(
        "/api/v1/curp/generar",
        query_string={
            "nombre": "Carlos",
            "primer_apellido": "Mc Gregor",
            "segundo_apellido": "López",
            "fecha_nacimiento": "1975-01-02",
            "sexo": "H",
            "entidad": "Jalisco",
        },
    )
    body = response.get_json()
    assert response.status_code == 200
    assert body["prefix"].startswith("GELC750102HJC")
    assert len(body["prefix"]) == 16
    assert next(b["positions"] for b in body["explanation"]) == "1-4"


def test_generation_with_bad_data_is_422_problem_in_spanish(client) -> None:
    response = client.get("/api/v1/curp/generar?nombre=Ana&fecha_nacimiento=2999-01-01")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert {"primer_apellido", "fecha_nacimiento", "sexo", "entidad"} <= set(body["errors"])
    # The detail names each parameter, since several messages read alike.
    for field, message in body["errors"].items():
        assert f"{field}: {message}" in body["detail"]


def test_an_empty_curp_is_an_input_too(client) -> None:
    response = client.get("/api/v1/curp/")
    assert response.status_code == 200
    body = response.get_json()
    assert body["input"] == "" and body["valid"] is False and body["errors"]


def test_generation_with_an_unknown_entity_says_how_to_write_one(client) -> None:
    # The API takes names and codes as written, unlike the page's list.
    response = client.get(
        "/api/v1/curp/generar",
        query_string={
            "nombre": "Ana",
            "primer_apellido": "Ruiz",
            "fecha_nacimiento": "1990-01-02",
            "sexo": "M",
            "entidad": "Atlantis",
        },
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["entidad"].startswith("No reconocemos esa entidad")


def test_openapi_describes_every_api_route(app, client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    documented = set(spec["paths"])
    for rule in app.url_map.iter_rules():
        # /api/v1/curp/ is /api/v1/curp/{curp} with nothing typed (its defaults say so), and
        # /api/v1/constancias/ the same with no folio.
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            if rule.defaults and set(rule.defaults.values()) == {""}:
                continue
            path = rule.rule.replace("<path:value>", "{curp}").replace("<", "{").replace(">", "}")
            assert path in documented, path
    too_many = spec["paths"]["/api/v1/curp/{curp}"]["get"]["responses"]["429"]
    assert "Retry-After" in too_many["headers"]  # as every 429 sends it
    docs = client.get("/api/docs").get_data(as_text=True)
    assert "/api/v1/curp/{curp}" in docs
    assert "cdn" not in docs.lower()


def test_docs_in_english_say_the_reference_is_in_spanish(app, client) -> None:
    with app.test_request_context(), force_locale("en"):
        notice = gettext(
            "Esta referencia de la API está en español, como los mensajes que la API devuelve."
        )
    spanish = lxml_html.fromstring(client.get("/api/docs").get_data(as_text=True))
    assert notice not in spanish.text_content()
    client.set_cookie("lang", "en")
    doc = lxml_html.fromstring(client.get("/api/docs").get_data(as_text=True))
    assert doc.get("lang") == "en"
    assert notice in doc.xpath("string(//main)")
    # Every part taken from the OpenAPI document is marked Spanish, for screen readers.
    lead = doc.xpath('//p[@class="lead"]')[0]
    assert lead.get("lang") == "es" and "CURP" in lead.text_content()
    spec = client.get("/api/v1/openapi.json").get_json()
    summaries = [op["summary"] for item in spec["paths"].values() for op in item.values()]
    marked = " ".join(p.text_content() for p in doc.xpath('//section//*[@lang="es"]'))
    assert all(summary in marked for summary in summaries)
    assert doc.xpath('//td[@lang="es"]') and doc.xpath('//li/span[@lang="es"]')


def test_api_is_rate_limited_with_json_429(tmp_path: Path) -> None:
    app = make_app(tmp_path, f"sqlite:///{tmp_path}/l.sqlite3", RATELIMIT_ENABLED=True)
    client = app.test_client()
    responses = [client.get(f"/api/v1/curp/X{i}") for i in range(121)]
    assert all(r.status_code == 200 for r in responses[:120])
    assert "RateLimit-Remaining" in responses[0].headers
    last = responses[120]
    assert last.status_code == 429
    assert last.mimetype == "application/problem+json"
    assert last.get_json()["title"] == "Demasiadas solicitudes"
    assert int(last.headers["Retry-After"]) > 0


def test_ipv6_clients_are_limited_by_their_64_prefix(tmp_path: Path) -> None:
    # One subscriber may use any address of its /64: each one apart would be a fresh budget.
    app = make_app(tmp_path, f"sqlite:///{tmp_path}/l.sqlite3", RATELIMIT_ENABLED=True)
    client = app.test_client()

    def status(address: str) -> int:
        response = client.get("/api/v1/curp/X", environ_base={"REMOTE_ADDR": address})
        return response.status_code

    statuses = [status(f"2001:db8:1:2::{i:x}") for i in range(1, 122)]
    assert statuses[:120] == [200] * 120 and statuses[120] == 429
    assert status("2001:db8:1:2:ffff:ffff:ffff:ffff") == 429
    assert status("2001:db8:1:3::1") == 200  # the next /64 is someone else
    assert status("192.0.2.7") == 200
    # A dual-stack proxy writes IPv4 clients as ::ffff:a.b.c.d: each is its own IPv4 client
    # (all of them share ::/64), and the same client however it is written.
    for _ in range(120):
        status("::ffff:198.51.100.1")
    assert status("::ffff:198.51.100.1") == 429 and status("198.51.100.1") == 429
    assert status("::ffff:198.51.100.2") == 200


def test_cors_preflight_allows_get_with_the_asked_headers(client) -> None:
    response = client.options(
        "/api/v1/curp/PXNE660720HMCXTN06",
        headers={
            "Origin": "https://otro-sitio.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "X-Requested-With",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "X-Requested-With"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_headers_only_on_the_api(client) -> None:
    assert "Access-Control-Allow-Origin" not in client.get("/curp").headers
    exposed = client.get("/api/v1/curp/X").headers["Access-Control-Expose-Headers"]
    assert "RateLimit-Remaining" in exposed

"""The static export's fragment endpoints, fetched from the exported pages' origin: every answer
is readable there, errors included (a limit reached says how long to wait, in place), none
carries a cookie, and the public API lets other origins read what they need to revalidate
(ETag)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from blueprints import curp as curp_views
from blueprints import guides
from tests.conftest import make_app

# As a browser sends a fetch from an exported page (htmx with noHeaders: no HX-Request).
FROM_EXPORT = {"Origin": "https://guias.example", "Sec-Fetch-Dest": "empty"}
ENDPOINTS = [
    ("/curp/resultado?curp=PXNE66&typing=1", curp_views.CHECK_LIMIT),
    ("/preguntas-frecuentes/buscar?q=curp", guides.SEARCH_LIMIT),
]
LIMIT_HEADERS = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"}


@pytest.fixture
def limited_app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, f"sqlite:///{tmp_path}/x.sqlite3", RATELIMIT_ENABLED=True)


def exposed(response: object) -> set[str]:
    value = response.headers["Access-Control-Expose-Headers"]  # type: ignore[attr-defined]
    return {name.strip() for name in value.split(",")}


@pytest.mark.parametrize(("url", "limit"), ENDPOINTS)
def test_a_limit_reached_from_the_export_is_readable_there(
    limited_app: Flask, url: str, limit: str
) -> None:
    client = limited_app.test_client()
    allowed = int(limit.split()[0])
    answered = client.get(url, headers=FROM_EXPORT)
    assert answered.headers["Access-Control-Allow-Origin"] == "*"
    assert LIMIT_HEADERS - {"Retry-After"} <= set(answered.headers.keys())
    assert exposed(answered) >= LIMIT_HEADERS
    for _ in range(allowed - 1):
        client.get(url, headers=FROM_EXPORT)
    refused = client.get(url, headers=FROM_EXPORT)
    assert refused.status_code == 429
    # The same CORS as an answer: without them the page saw a network error, not a 429.
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in refused.headers
    assert exposed(refused) >= LIMIT_HEADERS and "HX-Reswap" in exposed(refused)
    assert int(refused.headers["Retry-After"]) > 0 and "Set-Cookie" not in refused.headers
    # A fragment for the region the answer was going to (the exported page has no #aviso).
    assert refused.headers["HX-Reswap"] == "innerHTML" and "HX-Retarget" not in refused.headers
    fragment = lxml_html.fragment_fromstring(refused.get_data(as_text=True), create_parent="div")
    assert not fragment.xpath("//html|//title")
    assert fragment.xpath("string(//h2)") == "Demasiadas solicitudes"
    assert "Espera un minuto y vuelve a intentarlo." in fragment.text_content()
    # Opened in the address bar, the refusal is a page, as the endpoint's answers are.
    page = client.get(url, headers={"Sec-Fetch-Dest": "document"})
    assert page.status_code == 429 and "<html" in page.get_data(as_text=True)


def test_a_failure_inside_the_endpoint_is_readable_there_too(
    limited_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("roto")

    monkeypatch.setattr(curp_views, "check_context", broken)
    response = limited_app.test_client().get(ENDPOINTS[0][0], headers=FROM_EXPORT)
    assert response.status_code == 500
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "Algo falló de nuestro lado" in response.get_data(as_text=True)


@pytest.mark.parametrize(("url", "_limit"), ENDPOINTS)
def test_a_signed_in_person_s_cookie_never_rides_on_an_answer_caches_keep(
    client: FlaskClient, url: str, _limit: str
) -> None:
    # Served from the portal's own site too (a same-site export, a guide's check), these get our
    # session cookie, and Flask renews a signed-in one on every answer: a shared cache keeping
    # the answer (the FAQ filter's is public) would hand that person's session to the next one.
    with client.session_transaction() as session:
        session.permanent = True
        session["_user_id"] = "1"
    for headers in (FROM_EXPORT, {"Sec-Fetch-Dest": "empty"}, {"Sec-Fetch-Dest": "document"}):
        response = client.get(url, headers=headers)
        assert response.status_code in (200, 302) and "Set-Cookie" not in response.headers
    if url.startswith("/preguntas-frecuentes/"):
        cache = client.get(url, headers=FROM_EXPORT).cache_control
        assert cache.public and cache.max_age == 300
    assert "Set-Cookie" in client.get("/preguntas-frecuentes").headers  # the pages do


def test_other_origins_can_read_the_apis_etag_to_revalidate(client) -> None:
    url, origin = "/api/v1/curp/PXNE660720HMCXTN06", {"Origin": "https://otro-sitio.example"}
    response = client.get(url, headers=origin)
    assert response.headers["ETag"] and "ETag" in exposed(response)
    again = client.get(url, headers={**origin, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and "ETag" in exposed(again)
    assert again.headers["Access-Control-Allow-Origin"] == "*"

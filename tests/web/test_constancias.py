"""/constancias/no-afiliacion, no-derechohabiencia, sin-seguridad-social: outcomes, bad input,
htmx, downloads, the request limit, and 100 downloads at once against a live server."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from domain import sello
from tests.browser.conftest import LiveServer
from tests.conftest import make_app
from tests.web.constancias_helpers import (
    ADDRESS,
    UNKNOWN,
    body,
    imss_form,
    ledger,
    published_keys,
    seed,
)

FOLIO_IN = re.compile(r"NA-\d{4}-\d{6}")
FILENAME = re.compile(r"^attachment; filename=constancia-no-afiliacion-NA-\d{4}-\d{6}\.pdf$")


@pytest.fixture
def curps(app: Flask) -> dict[str, str]:
    return seed(app)


# --- no afiliación -----------------------------------------------------------------------


def test_form_asks_for_the_curp(client: FlaskClient) -> None:
    page = body(client.get("/constancias/no-afiliacion"))
    assert (
        'name="curp"' in page
        and "Buscar" in page
        and 'hx-post="/constancias/no-afiliacion"' in page
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Escribe tu CURP"),
        ("PXNE661320HMCXTN07", "El mes 13 no existe"),
        ("<b>x</b>" * 50, "CURP"),
    ],
)
def test_bad_curp_is_a_spanish_422(client: FlaskClient, value: str, message: str) -> None:
    response = client.post("/constancias/no-afiliacion", data={"curp": value})
    assert response.status_code == 422
    assert message in body(response) and 'href="#campo-curp"' in body(response)
    assert "<b>x</b>" not in body(response)
    swapped = client.post(
        "/constancias/no-afiliacion", data={"curp": value}, headers={"HX-Request": "true"}
    )
    assert swapped.status_code == 200 and message in body(swapped)  # htmx swaps only 2xx
    assert "<html" not in body(swapped)


def test_invalid_curp_reuses_the_curp_explanations(client: FlaskClient) -> None:
    page = body(client.post("/constancias/no-afiliacion", data={"curp": "PXNE661320HMCXTN07"}))
    # The summary names the field and its first problem and counts the rest; beside the
    # field, all of them.
    summary = (
        '<a href="#campo-curp">CURP: El mes 13 no existe: las posiciones 7 y 8 son tu mes de'
        " nacimiento (01 a 12). Tu CURP tiene 1 problema más: lo explicamos junto al campo.</a>"
    )
    assert summary in page
    # Beside the field: its message says the first problem, and the panel the field names as
    # its description marks the characters and explains only the other one: none said twice.
    assert 'aria-describedby="ayuda-curp error-curp detalle-curp"' in page
    assert page.count("El mes 13 no existe") == 2  # the summary and the field's message
    assert page.count("El dígito verificador debería ser 8") == 1
    panel = page.split('id="detalle-curp"', 1)[1].split("</div>", 1)[0]
    assert 'class="curp-chars"' in panel and "El dígito verificador debería ser 8" in panel


def test_a_single_curp_problem_is_said_once_beside_its_field(client: FlaskClient) -> None:
    page = body(client.post("/constancias/no-afiliacion", data={"curp": "PXNE660720HMCXTN07"}))
    assert page.count("El dígito verificador debería ser 6") == 2  # summary and field
    panel = page.split('id="detalle-curp"', 1)[1].split("</div>", 1)[0]
    assert 'class="curp-chars"' in panel and "<ul>" not in panel


def test_english_interface_explains_the_curp_in_english(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    for headers in ({}, {"HX-Request": "true"}):
        page = body(
            client.post(
                "/constancias/no-afiliacion", data={"curp": "PXNE661320HMCXTN07"}, headers=headers
            )
        )
        assert '<a href="#campo-curp">CURP: There is no month 13: positions 7 and 8' in page
        assert "There is no month 13: positions 7 and 8 are your month of birth" in page
        assert "The check digit should be 8: check the letters and numbers before it." in page
        assert "El mes 13" not in page and "dígito verificador" not in page


@pytest.mark.parametrize(
    ("case", "heading"),
    [
        ("sin_afiliacion", "No tienes afiliación vigente al ISSSTE"),
        ("imss_vigente", "No tienes afiliación vigente al ISSSTE"),
        ("issste_baja", "No tienes afiliación vigente al ISSSTE"),
        ("issste_titular", "Tienes afiliación vigente al ISSSTE"),
        ("issste_pensionado", "Tienes afiliación vigente al ISSSTE"),
        ("issste_beneficiario", "Tienes afiliación vigente al ISSSTE"),
        ("issste_familiar_titular_baja", "No tienes afiliación vigente al ISSSTE"),
    ],
)
def test_search_outcomes(
    client: FlaskClient, curps: dict[str, str], case: str, heading: str
) -> None:
    response = client.post("/constancias/no-afiliacion", data={"curp": curps[case].lower()})
    page = body(response)
    assert response.status_code == 200 and heading in page
    offers = 'action="/constancias/no-afiliacion/descargar"' in page
    assert offers is heading.startswith("No tienes")
    if not offers:
        assert "/guias/carnet-digital-issste" in page
        assert "PRUEBA" not in page and "FICTICIO" not in page  # no personal details


def test_unknown_curp_is_no_record_and_can_download(client: FlaskClient) -> None:
    page = body(client.post("/constancias/no-afiliacion", data={"curp": UNKNOWN}))
    assert "No hay registro de esta CURP en el ISSSTE" in page and "descargar" in page


def test_htmx_search_returns_the_fragment(client: FlaskClient, curps: dict[str, str]) -> None:
    response = client.post(
        "/constancias/no-afiliacion",
        data={"curp": curps["sin_afiliacion"]},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in body(response) and "data-focus-on-swap" in body(response)
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_answer_alone_when_the_form_is_clean(
    client: FlaskClient, curps: dict[str, str]
) -> None:
    page = body(client.get("/constancias/no-afiliacion"))
    assert 'hx-target="#resultado"' in page and '<div id="resultado"></div>' in page
    htmx = {"HX-Request": "true", "HX-Target": "resultado"}
    answer = client.post(
        "/constancias/no-afiliacion", data={"curp": curps["sin_afiliacion"]}, headers=htmx
    )
    # The form stays as the person left it: only the answer, with its download form, comes.
    assert answer.status_code == 200 and "HX-Retarget" not in answer.headers
    assert 'name="curp"' in body(answer) and 'type="hidden"' in body(answer)
    assert "Buscar" not in body(answer) and "No tienes afiliación vigente" in body(answer)


def test_htmx_errors_redraw_the_whole_form(client: FlaskClient) -> None:
    htmx = {"HX-Request": "true", "HX-Target": "resultado"}
    wrong = client.post("/constancias/no-afiliacion", data={"curp": "PXNE661320"}, headers=htmx)
    assert wrong.headers["HX-Retarget"] == "#tramite"
    assert "A tu CURP le faltan 8 caracteres" in body(wrong) and "Buscar" in body(wrong)
    # A form showing errors is swapped whole next time, so a good answer clears them.
    assert 'hx-target="#tramite"' in body(wrong)
    fixed = client.post(
        "/constancias/no-afiliacion",
        data={"curp": UNKNOWN},
        headers={"HX-Request": "true", "HX-Target": "tramite"},
    )
    assert "Hay un problema" not in body(fixed) and "No hay registro" in body(fixed)
    assert 'hx-target="#resultado"' in body(fixed)


def test_download_issues_a_signed_pdf(
    app: Flask, client: FlaskClient, curps: dict[str, str]
) -> None:
    response = client.post(
        "/constancias/no-afiliacion/descargar", data={"curp": curps["sin_afiliacion"]}
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert FILENAME.match(response.headers["Content-Disposition"])
    assert "no-store" in response.headers["Cache-Control"]
    [row] = ledger(app)
    assert row.folio in response.headers["Content-Disposition"]
    text = sello.texto(response.data)
    assert row.titular_nombre and row.titular_nombre in text
    assert curps["sin_afiliacion"] in text and row.folio in text
    assert "DOCUMENTO DE DEMOSTRACIÓN — SIN VALIDEZ OFICIAL" in text
    assert sello.verificar_pdf(response.data, published_keys(client)).autentica


def test_unknown_curp_document_has_the_curp_and_no_name(app: Flask, client: FlaskClient) -> None:
    response = client.post("/constancias/no-afiliacion/descargar", data={"curp": UNKNOWN})
    text = sello.texto(response.data)
    assert UNKNOWN in text and "Sin registro en el padrón" in text and "no tiene registro" in text
    assert ledger(app)[0].titular_nombre == ""


def test_download_refused_when_affiliated_or_invalid(
    app: Flask, client: FlaskClient, curps: dict[str, str]
) -> None:
    refused = client.post(
        "/constancias/no-afiliacion/descargar", data={"curp": curps["issste_titular"]}
    )
    assert refused.status_code == 409 and "Tienes afiliación vigente" in body(refused)
    invalid = client.post("/constancias/no-afiliacion/descargar", data={"curp": "ABC"})
    assert invalid.status_code == 422 and "A tu CURP le faltan 15" in body(invalid)
    assert ledger(app) == []


# --- no derechohabiencia (IMSS) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": ADDRESS}, "curp", "Escribe tu CURP"),
        ({"curp": "PXNE660720HMCXTN07", "email": ADDRESS}, "curp", "debería ser 6"),
        ({"curp": UNKNOWN}, "email", "Escribe tu correo electrónico"),
        ({"curp": UNKNOWN, "email": "no-es-correo"}, "email", "Escribe tu correo completo, con @"),
    ],
)
def test_imss_bad_input_is_a_spanish_422(
    client: FlaskClient, fields: dict[str, str], field: str, message: str
) -> None:
    data = imss_form(client, "/constancias/no-derechohabiencia", **fields)
    response = client.post("/constancias/no-derechohabiencia", data=data)
    assert response.status_code == 422
    assert message in body(response) and f'href="#campo-{field}"' in body(response)


def test_imss_bad_captcha_is_a_spanish_422(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/constancias/no-derechohabiencia", data={"curp": UNKNOWN, "email": ADDRESS}
    )
    assert response.status_code == 422 and 'href="#campo-captcha"' in body(response)
    assert ledger(app) == []


def test_imss_vigente_gets_no_document(
    app: Flask, client: FlaskClient, curps: dict[str, str]
) -> None:
    data = imss_form(
        client, "/constancias/no-derechohabiencia", curp=curps["imss_vigente"], email=ADDRESS
    )
    page = body(client.post("/constancias/no-derechohabiencia", data=data))
    assert "Tienes derechos vigentes en el IMSS" in page and "/constancias/vigencia-imss" in page
    assert ledger(app) == []
    assert client.get("/constancias/vigencia-imss").status_code == 200


# --- both at once ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "imss", "issste", "documents"),
    [
        ("imss_baja", "Te enviamos tu constancia", "No tienes afiliación vigente al ISSSTE", 1),
        ("ambas", "Tienes derechos vigentes en el IMSS", "Tienes afiliación vigente al ISSSTE", 0),
        ("issste_titular", "Te enviamos tu constancia", "Tienes afiliación vigente al ISSSTE", 1),
        ("imss_vigente", "Tienes derechos vigentes en el IMSS", "No tienes afiliación", 0),
        # Flagged vigente, but their titular is not: no rights, so documents in both.
        ("imss_familiar_titular_baja", "Te enviamos tu constancia", "No tienes afiliación", 1),
        ("issste_familiar_titular_baja", "Te enviamos tu constancia", "No tienes afiliación", 1),
    ],
)
def test_both_institutions_at_once(
    app: Flask, client: FlaskClient, curps: dict[str, str], case: str, imss: str, issste: str,
    documents: int,
) -> None:  # fmt: skip
    data = imss_form(client, "/constancias/sin-seguridad-social", curp=curps[case], email=ADDRESS)
    response = client.post("/constancias/sin-seguridad-social", data=data)
    page = body(response)
    assert response.status_code == 200 and imss in page and issste in page
    assert len(ledger(app)) == documents
    offers = 'action="/constancias/no-afiliacion/descargar"' in page
    assert offers is issste.startswith("No tienes")


def title(response: Any) -> str:
    return str(lxml_html.fromstring(body(response)).findtext(".//title"))


@pytest.mark.parametrize(
    "path",
    [
        "/constancias/no-afiliacion",
        "/constancias/no-afiliacion/descargar",
        "/constancias/no-derechohabiencia",
        "/constancias/sin-seguridad-social",
    ],
)
def test_a_page_with_errors_says_so_first_in_its_title(client: FlaskClient, path: str) -> None:
    # Screen readers read the title first: as on the account pages, "Error: " leads.
    wrong = client.post(path, data={"curp": "X", "email": "x@"})
    assert wrong.status_code == 422 and title(wrong).startswith("Error: Constancia")
    if path.endswith("/descargar"):
        return
    assert not title(client.get(path)).startswith("Error")


def test_both_with_bad_input(client: FlaskClient) -> None:
    response = client.post("/constancias/sin-seguridad-social", data={"curp": "X"})
    page = body(response)
    assert response.status_code == 422
    assert "A tu CURP le faltan 17" in page and "Escribe tu correo electrónico" in page


# --- limits -------------------------------------------------------------------------------


def test_too_many_requests_get_a_spanish_429(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [
        client.post("/constancias/no-afiliacion", data={"curp": UNKNOWN}).status_code
        for _ in range(31)
    ]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    last = client.post("/constancias/no-afiliacion", data={"curp": UNKNOWN})
    assert last.status_code == 429 and last.headers["Retry-After"]
    assert "Hiciste muchas solicitudes en poco tiempo." in body(last)  # the form, filled in


# --- concurrency over HTTP ------------------------------------------------------------------------


def post_form(url: str, fields: dict[str, str]) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers["Content-Disposition"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, "", b""


def test_one_hundred_concurrent_downloads_over_http(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url)
    curp = seed(app)["sin_afiliacion"]
    with LiveServer(app) as server, ThreadPoolExecutor(max_workers=8) as pool:
        url = server.url + "/constancias/no-afiliacion/descargar"
        results = list(pool.map(lambda _: post_form(url, {"curp": curp}), range(100)))
    assert [status for status, _, _ in results] == [200] * 100
    folios = {FOLIO_IN.search(disposition).group() for _, disposition, _ in results}  # type: ignore[union-attr]
    assert len(folios) == 100
    assert all(sello.extraer(data) for _, _, data in results)
    rows = ledger(app)
    assert len(rows) == 100 and {r.folio for r in rows} == folios
    assert sorted(int(f[-6:]) for f in folios) == list(range(1, 101))


def test_the_constancias_index_lists_every_service(client: FlaskClient) -> None:
    page = body(client.get("/constancias"))
    for url in (
        "/constancias/no-afiliacion",
        "/constancias/no-derechohabiencia",
        "/constancias/sin-seguridad-social",
        "/constancias/vigencia-imss",
        "/imss/nss",
        "/verificar",
    ):
        assert f'href="{url}"' in page, url

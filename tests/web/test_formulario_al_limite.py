"""The public forms a rate limit refuses, sent without JavaScript: the same page again, filled in
with what was sent (never a captcha's answer), an error summary saying how long to wait, 429
and Retry-After; and sent again from there once the wait is over, it works (its CSRF token too).
An htmx post keeps its alert over the page."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from domain.curp_generate import generate
from tests.captcha_helpers import solve_captcha
from tests.web.constancias_helpers import ADDRESS, UNKNOWN, ledger, seed
from tests.web.imss_helpers import nss_of
from tests.web.limite_helpers import (
    agotar,
    app_limitada,
    olvidar_limites,
    otra_vez,
    pagina,
    rechazada,
    token,
)

NO_AFILIACION = "/constancias/no-afiliacion"
WRONG_CAPTCHA = {"captcha_reto": "x", "captcha_respuesta": "3"}  # an answer to check: counted


def test_the_curp_calculation_comes_back_with_the_data_typed(
    tmp_path: Path, database_url: str
) -> None:
    app = app_limitada(tmp_path, database_url)
    client = app.test_client()
    path = "/curp/no-la-conozco"
    datos = {
        "nombre": "María José", "primer_apellido": "de la Peña", "segundo_apellido": "Ñúñez",
        "fecha_nacimiento": "1985-03-27", "sexo": "X", "entidad": "NE",
    }  # fmt: skip
    sent = {"csrf_token": token(client, path), **datos}
    assert agotar(client, path, 60, sent) == [200] * 60  # 60 per minute
    form = rechazada(client.post(path, data=sent), path, datos)
    olvidar_limites(app)
    again = otra_vez(client, form)
    hint = generate("María José", "de la Peña", "Ñúñez", "1985-03-27", "X", "NE").hint
    assert again.status_code == 200 and hint[:16] in pagina(again)


def test_the_issste_lookup_comes_back_with_the_curp_as_typed(
    tmp_path: Path, database_url: str
) -> None:
    app = app_limitada(tmp_path, database_url)
    client = app.test_client()
    sent = {"csrf_token": token(client, NO_AFILIACION), "curp": UNKNOWN}
    assert agotar(client, NO_AFILIACION, 30, sent) == [200] * 30  # 30 per minute
    typed = f" {UNKNOWN.lower()} "  # kept as typed: the person sees their own typing
    refused = client.post(NO_AFILIACION, data={**sent, "curp": typed})
    form = rechazada(refused, NO_AFILIACION, {"curp": typed.strip()})
    olvidar_limites(app)
    again = otra_vez(client, form)
    assert again.status_code == 200 and "No hay registro de esta CURP en el ISSSTE" in pagina(again)


def test_in_english_the_summary_says_it_in_english(tmp_path: Path, database_url: str) -> None:
    app = app_limitada(tmp_path, database_url)
    client = app.test_client()
    client.set_cookie("lang", "en")
    sent = {"csrf_token": token(client, NO_AFILIACION), "curp": UNKNOWN}
    agotar(client, NO_AFILIACION, 30, sent)
    refused = client.post(NO_AFILIACION, data=sent)
    assert refused.status_code == 429
    doc = lxml_html.fromstring(pagina(refused))
    assert doc.findtext(".//title").startswith("Error: ")
    summary = " ".join(doc.get_element_by_id("aviso").text_content().split())
    assert summary == (
        "There is a problem You made many requests in a short time. Wait a minute and try again."
    )


def test_an_htmx_lookup_over_the_limit_keeps_its_alert(tmp_path: Path, database_url: str) -> None:
    app = app_limitada(tmp_path, database_url)
    client = app.test_client()
    sent = {"csrf_token": token(client, NO_AFILIACION), "curp": UNKNOWN}
    agotar(client, NO_AFILIACION, 30, sent)
    htmx = client.post(NO_AFILIACION, data=sent, headers={"HX-Request": "true"})
    assert htmx.status_code == 429 and htmx.headers["HX-Retarget"] == "#aviso"
    html = pagina(htmx)
    assert "<html" not in html and "Demasiadas solicitudes" in html and UNKNOWN not in html


def test_the_issste_download_comes_back_as_the_lookup_with_the_curp(
    tmp_path: Path, database_url: str
) -> None:
    app = app_limitada(tmp_path, database_url)
    client = app.test_client()
    path = f"{NO_AFILIACION}/descargar"
    sent = {"csrf_token": token(client, NO_AFILIACION), "curp": "X"}
    assert agotar(client, path, 10, sent) == [422] * 10  # 10 per minute, mistakes too
    form = rechazada(
        client.post(path, data={**sent, "curp": UNKNOWN}), NO_AFILIACION, {"curp": UNKNOWN}
    )
    assert ledger(app) == []
    olvidar_limites(app)
    assert otra_vez(client, form).status_code == 200


def _imss(tmp_path: Path, database_url: str, path: str, datos: dict[str, str]) -> None:
    """A form that emails an IMSS document: refused on its eleventh post (ISSUE_LIMIT), back
    with what was typed but the captcha's answer, and issued when sent again from there."""
    app = app_limitada(tmp_path, database_url)
    client = app.test_client()
    blank = {"csrf_token": token(client, path)}
    assert agotar(client, path, 10, blank) == [422] * 10  # 10 per minute
    refused = client.post(path, data={**blank, **datos, **WRONG_CAPTCHA})
    form = rechazada(refused, path, datos, secretos=("captcha_respuesta",))
    assert ledger(app) == []
    olvidar_limites(app)
    again = otra_vez(client, form, **solve_captcha(client, pagina(refused)))
    assert again.status_code == 200 and "Te enviamos tu constancia" in pagina(again)
    assert len(ledger(app)) == 1


def test_the_no_derechohabiencia_form_comes_back(tmp_path: Path, database_url: str) -> None:
    datos = {"curp": UNKNOWN, "email": ADDRESS}
    _imss(tmp_path, database_url, "/constancias/no-derechohabiencia", datos)


def test_the_two_constancias_form_comes_back(tmp_path: Path, database_url: str) -> None:
    datos = {"curp": UNKNOWN, "email": ADDRESS}
    _imss(tmp_path, database_url, "/constancias/sin-seguridad-social", datos)


def test_the_imss_vigencia_form_comes_back(tmp_path: Path, database_url: str) -> None:
    path = "/constancias/vigencia-imss"
    app = app_limitada(tmp_path, database_url)
    curp = seed(app)["imss_vigente"]
    datos = {"curp": curp, "nss": nss_of(app, curp), "email": ADDRESS}
    client = app.test_client()
    blank = {"csrf_token": token(client, path)}
    assert agotar(client, path, 10, blank) == [422] * 10
    refused = client.post(path, data={**blank, **datos, **WRONG_CAPTCHA})
    form = rechazada(refused, path, datos, secretos=("captcha_respuesta",))
    olvidar_limites(app)
    again = otra_vez(client, form, **solve_captcha(client, pagina(refused)))
    assert again.status_code == 200 and "Te enviamos tu constancia" in pagina(again)
    assert len(ledger(app)) == 1


def test_the_nss_lookup_comes_back_with_the_curp_and_the_address(
    tmp_path: Path, database_url: str
) -> None:
    path = "/imss/nss"
    app = app_limitada(tmp_path, database_url)
    client = app.test_client()
    answered = {"csrf_token": token(client, path), **WRONG_CAPTCHA}
    assert agotar(client, path, 5, answered) == [422] * 5  # 5 per minute, answers checked
    datos = {"curp": UNKNOWN, "email": ADDRESS}
    refused = client.post(path, data={**answered, **datos})
    form = rechazada(refused, path, datos, secretos=("captcha_respuesta",))
    olvidar_limites(app)
    again = otra_vez(client, form, **solve_captcha(client, pagina(refused)))
    assert again.status_code == 200 and "te lo enviamos a p***@example.org" in pagina(again)

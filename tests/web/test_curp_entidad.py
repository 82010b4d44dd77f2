"""The entity of birth in the CURP explanations: RENAPO's «Nacido en el extranjero» is said as the
pages say it elsewhere, «Fuera de México» («Outside Mexico» in English), in the CURP check's
suggestion, the calculator's explanation and the cotejo's hint (domain.curp_tables.state_label)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from domain import curp
from domain.curp_cotejo import cotejar
from domain.curp_generate import generate

ABROAD_TYPO = "PXNE660720HEXXTN06"  # EX, which people type for NE
ANA = {
    "nombre": "Ana",
    "primer_apellido": "López",
    "segundo_apellido": "Pérez",
    "fecha_nacimiento": "1990-01-02",
    "sexo": "M",
    "entidad": "NE",
}
WORDS = {
    "es": ("¿Quisiste decir NE (Fuera de México)?", "NE: entidad de nacimiento, Fuera de México."),
    "en": ("Did you mean NE (Outside Mexico)?", "NE: state of birth, Outside Mexico."),
}


def test_the_domain_says_fuera_de_mexico_in_spanish() -> None:
    [state, _digit] = curp.report(ABROAD_TYPO).errors
    assert state.message.endswith(WORDS["es"][0])
    [block] = [b for b in generate(**ANA).explanation if b.positions == "12-13"]
    assert block.text == WORDS["es"][1]
    [hint] = cotejar("PXNE660720HMCXTN06", "Enrique", "Peña", "Nieto", "1966-07-20", "H", "NE")
    assert "Fuera de México" in hint.message
    # With no near code to suggest, the example of valid codes says it too.
    [unknown, _digit] = curp.report("PXNE660720HZZXTN06").errors
    assert "NE, si naciste fuera de México" in unknown.message
    for message in (state.message, block.text, hint.message, unknown.message):
        assert "extranjero" not in message


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_check_and_the_calculator_name_it_in_the_page_s_language(
    client: FlaskClient, lang: str
) -> None:
    suggestion, explanation = WORDS[lang]
    check = client.get("/curp", query_string={"curp": ABROAD_TYPO, "lang": lang})
    html = check.get_data(as_text=True)
    assert suggestion in html
    calculated = client.post("/curp/no-la-conozco", query_string={"lang": lang}, data=ANA)
    calculator = calculated.get_data(as_text=True)
    assert calculated.status_code == 200 and explanation in calculator
    for page in (html, calculator):
        assert "extranjero" not in page.lower()


def test_the_api_keeps_renapo_s_name_and_says_the_suggestion_in_spanish(
    client: FlaskClient,
) -> None:
    valid = client.get("/api/v1/curp/BADD110313MNEXNS02").get_json()
    assert valid["state"] == {"code": "NE", "name": "Nacido en el extranjero"}  # the catalogue
    problems = client.get(f"/api/v1/curp/{ABROAD_TYPO}?lang=en").get_json()
    assert WORDS["es"][0] in str(problems)

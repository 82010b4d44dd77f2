"""/curp and /curp/no-la-conozco: plain forms first, htmx fragments when asked."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from domain import curp
from tests.conftest import make_app

HX = {"HX-Request": "true"}
VALID = "PXNE660720HMCXTN06"


def test_check_page_without_javascript_shows_the_form(client) -> None:
    response = client.get("/curp")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="curp"' in html
    for attr in (
        'autocapitalize="characters"',
        'autocomplete="off"',
        'spellcheck="false"',
        'inputmode="text"',
    ):
        assert attr in html
    assert 'aria-live="polite"' in html


def test_valid_curp_shows_its_facts_and_next_steps(client) -> None:
    html = client.get("/curp?curp=pxne660720hmcxtn06").get_data(as_text=True)
    assert "PXNE660720HMCXTN06 está bien formada" in html
    doc = lxml_html.fromstring(html)
    facts = {
        term.text_content(): term.getnext().text_content()
        for term in doc.xpath('//dl[@class="summary-list"]/dt')
    }
    assert facts["Fecha de nacimiento"] == "20 de julio de 1966"
    # MC, not DF: "Ciudad de México" must not pass for "Estado de México".
    assert facts["Entidad de nacimiento"] == "Estado de México (MC)"
    assert facts["Sexo"] == "Hombre (H)"
    assert facts["Siglo de nacimiento"] == "1900–1999"
    assert doc.xpath('//a[@href="/constancias/no-afiliacion"]')


def test_invalid_curp_marks_the_wrong_characters(client) -> None:
    html = client.get("/curp?curp=PXNE661320HMCXTN06").get_data(as_text=True)
    assert "La CURP tiene" in html
    assert re.search(r'<span class="bad"[^>]*>1</span>', html)  # month 13: positions 7-8
    assert "mes" in html.lower()


def test_htmx_request_gets_only_the_fragment(client) -> None:
    response = client.get("/curp?curp=PXNE660720HMCXTN06", headers=HX)
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "bien formada" in html
    assert "HX-Request" in response.headers.get("Vary", "")


def test_boosted_request_gets_the_full_page(client) -> None:
    html = client.get("/curp?curp=X", headers={**HX, "HX-Boosted": "true"}).get_data(as_text=True)
    assert "<html" in html


def test_typing_a_short_value_is_progress_not_an_error(client) -> None:
    html = client.get("/curp?curp=PXNE66", headers={**HX, "HX-Trigger-Name": "curp"}).get_data(
        as_text=True
    )
    assert "Llevas 6 de 18 caracteres" in html
    assert "problema" not in html


def test_cross_origin_result_is_the_fragment_with_absolute_links(client) -> None:
    """What the CURP check of the static export's guides asks, from another origin."""
    response = client.get(
        "/curp/resultado?curp=PXNE660720HMCXTN06", headers={"Origin": "https://guias.example"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "HX-Trigger" in response.headers["Access-Control-Expose-Headers"]
    assert "Set-Cookie" not in response.headers
    assert "<html" not in html and "PXNE660720HMCXTN06 está bien formada" in html
    links = re.findall(r'href="([^"]+)"', html)
    assert links and all(link.startswith("http://127.0.0.1:5000/") for link in links), links


def test_cross_origin_result_varies_on_the_language_cookie(client) -> None:
    """Its words follow the "lang" cookie, so a shared cache must keep one copy per cookie,
    as for the guide pages (test_guides_cache.py); opened as a page, the URL is a redirect."""
    url = "/curp/resultado?curp=PXNE66"
    spanish = client.get(url)
    client.set_cookie("lang", "en")
    english = client.get(url)
    assert spanish.get_data() != english.get_data()
    for response in (spanish, english):
        vary = {v.strip() for v in response.headers.get("Vary", "").split(",")}
        assert {"Cookie", "Sec-Fetch-Dest"} <= vary
        assert "public" not in response.headers.get("Cache-Control", "")


def test_cross_origin_result_says_typing_in_the_query(client) -> None:
    # No HX-Trigger-Name crosses origins: the exported input sends typing=1 itself.
    typing = client.get("/curp/resultado?curp=PXNE66&typing=1").get_data(as_text=True)
    assert "Llevas 6 de 18 caracteres" in typing and "problema" not in typing
    submitted = client.get("/curp/resultado?curp=PXNE66").get_data(as_text=True)
    assert "La CURP tiene un problema" in submitted


def test_cross_origin_result_opened_directly_shows_the_page(client) -> None:
    response = client.get(
        "/curp/resultado?curp=PXNE660720HMCXTN06", headers={"Sec-Fetch-Dest": "document"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/curp?curp=PXNE660720HMCXTN06"


def test_garbage_never_breaks_the_page(client) -> None:
    for junk in ("🙂" * 30, "\x00\x01", "<script>alert(1)</script>", "A" * 5000, "%"):
        response = client.get("/curp", query_string={"curp": junk})
        assert response.status_code == 200
        assert "<script>alert" not in response.get_data(as_text=True)


# The Instructivo's worked example (PXDO: an inconvenient word gets X in position 2).
OFELIA = {
    "nombre": "Ofelia",
    "primer_apellido": "Pedrero",
    "segundo_apellido": "Domínguez",
    "fecha_nacimiento": "1980-04-05",
    "sexo": "M",
    "entidad": "JC",
}


def test_generate_page_explains_each_block(client) -> None:
    response = client.post("/curp/no-la-conozco", data=OFELIA)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "PXDO800405MJCDMF" in html
    assert "RENAPO" in html
    assert "https://www.gob.mx/curp/" in html


def test_generate_page_in_english_translates_labels_errors_and_explanation(client) -> None:
    client.set_cookie("lang", "en")
    html = client.post("/curp/no-la-conozco", data=OFELIA).get_data(as_text=True)
    assert "PXDO800405MJCDMF" in html
    assert "X: with E, letters 1 to 4 would spell PEDO" in html
    assert "Your date of birth (YYMMDD): April 5, 1980." in html
    assert "M: sex, “Woman”." in html and "> Non-binary</label>" in html
    assert "RENAPO assigns them, so we do not show them." in html
    assert "sexo, Mujer" not in html and "inicial de" not in html
    html = client.post("/curp/no-la-conozco", data={"nombre": "Ana"}).get_data(as_text=True)
    assert "Enter your first surname." in html and "YYYY-MM-DD" not in html
    html = client.get("/curp", query_string={"curp": "PXNE660720HMCXTN06"}).get_data(as_text=True)
    assert "Man (H)" in html


def test_generate_with_missing_data_lists_each_field(client) -> None:
    response = client.post("/curp/no-la-conozco", data={"nombre": "Ana"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Hay un problema" in html
    for name in ("primer_apellido", "fecha_nacimiento", "sexo", "entidad"):
        assert f'href="#campo-{name}"' in html


def test_generate_with_errors_says_so_first_in_its_title(client) -> None:
    html = client.post("/curp/no-la-conozco", data={"nombre": "Ana"}).get_data(as_text=True)
    assert "<title>Error: ¿No conoces tu CURP?" in html
    html = client.get("/curp/no-la-conozco").get_data(as_text=True)
    assert "<title>¿No conoces tu CURP?" in html


def test_generate_without_token_comes_back_filled_in_not_calculated(tmp_path, database_url) -> None:
    # The form left open over the token's hour: the data comes back to confirm, not calculated.
    client = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True).test_client()
    # From our own page (the browser says so): the expired case, refilled.
    response = client.post(
        "/curp/no-la-conozco", data=OFELIA, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 400
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    assert "Confirma tus datos" in doc.get_element_by_id("aviso").text_content()
    for name in ("nombre", "primer_apellido", "segundo_apellido", "fecha_nacimiento"):
        assert doc.xpath(f'//input[@name="{name}"]/@value') == [OFELIA[name]], name
    assert doc.xpath('//input[@name="sexo"][@checked]/@value') == [OFELIA["sexo"]]
    assert doc.xpath('//select[@name="entidad"]/option[@selected]/@value') == [OFELIA["entidad"]]
    assert doc.xpath('//input[@name="csrf_token"]/@value') != [""]
    assert "PXDO800405MJCDMF" not in response.get_data(as_text=True)
    htmx = client.post("/curp/no-la-conozco", data=OFELIA, headers=HX)
    assert htmx.status_code == 400 and htmx.headers["HX-Retarget"] == "#aviso"


# The rules' messages follow the interface language; what the person typed stays as typed.
ENGLISH_PROBLEMS = [
    ("PXNE661320HMCXTN06", "There is no month 13: positions 7 and 8 are your month of birth"),
    ("LOOA531131HTCPBN07", "November has no day 31: check positions 7 to 10."),
    ("PXNE660720HMCXTN07", "The check digit should be 6: check the letters and numbers before it."),
    (
        "PXNE660720HMCXTN0",
        "Your CURP is missing 1 character: it has 18 and you typed 17. If the last one, the"
        " check digit, is missing, it should be 6.",
    ),
    ("PXNE660720HMCXTN0612", "Your CURP has 2 characters too many: it has 18 and you typed 20."),
    (
        "PXNE660720HZZXTN06",
        "Positions 12 and 13 are the state where you were born, and ZZ is not a valid code."
        " For example, DF is Mexico City and NE means born abroad.",
    ),
    ("PXNE660720HCXXTN06", "and CX is not a valid code. Did you mean DF (Mexico City)?"),
    ("PXNE660720HMCAEI06", "Positions 14 to 16 take consonants or X, not vowels"),
    ("P0N3660720HMCXTN06", "Positions 2 and 4 take letters, not numbers. Did you type a zero"),
]


@pytest.mark.parametrize(("value", "english"), ENGLISH_PROBLEMS)
def test_invalid_curp_is_explained_in_english_on_the_page_and_the_fragment(
    client, value: str, english: str
) -> None:
    spanish = [str(problem.message) for problem in curp.report(value).errors]
    page = client.get("/curp", query_string={"curp": value, "lang": "en"}).get_data(as_text=True)
    client.set_cookie("lang", "en")
    fragment = client.get("/curp", query_string={"curp": value}, headers=HX)
    assert "<html" in page and "<html" not in fragment.get_data(as_text=True)
    for html in (page, fragment.get_data(as_text=True)):
        assert english in html
        assert not [message for message in spanish if message in html]


# --- an empty field sent with "Revisar" -------------------------------------------------------


def field_input(html: str) -> str:
    match = re.search(r'<input[^>]*id="campo-curp"[^>]*>', html)
    assert match, html
    return match.group()


def test_first_visit_shows_no_error(client) -> None:
    html = client.get("/curp").get_data(as_text=True)
    assert "Escribe tu CURP." not in html and "Hay un problema" not in html
    assert "aria-invalid" not in field_input(html)


@pytest.mark.parametrize("blank", ["", "   "])
def test_empty_check_without_javascript_marks_the_field(client, blank: str) -> None:
    response = client.get("/curp", query_string={"curp": blank})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hay un problema" in html and 'href="#campo-curp"' in html
    assert '<span class="error-message" id="error-curp">' in html and "Escribe tu CURP." in html
    field = field_input(html)
    assert 'aria-invalid="true"' in field and "error-curp" in field


def test_empty_check_with_htmx_brings_the_form_back_marked(client) -> None:
    response = client.get("/curp?curp=", headers={**HX, "HX-Target": "resultado"})
    html = response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#revision"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "<html" not in html and "Hay un problema" in html and "data-focus-on-swap" in html
    assert 'aria-invalid="true"' in field_input(html)
    assert 'hx-target="#revision"' in html  # so the next answer clears the error
    assert "HX-Target" in response.headers["Vary"] and "HX-Request" in response.headers["Vary"]


def test_emptying_the_field_while_typing_is_no_error(client) -> None:
    headers = {**HX, "HX-Target": "resultado", "HX-Trigger-Name": "curp"}
    response = client.get("/curp?curp=", headers=headers)
    assert "HX-Retarget" not in response.headers
    html = response.get_data(as_text=True)  # nothing but the page's title (not an error one)
    assert re.sub(r"^<title>Revisa tu CURP · Derechohabiencia</title>", "", html).strip() == ""


def test_the_page_input_says_it_is_typing(client) -> None:
    # htmx names the element that asks (HX-Trigger-Name): the input, not the form.
    field = field_input(client.get("/curp").get_data(as_text=True))
    assert 'hx-trigger="input changed delay:400ms"' in field and 'hx-get="/curp"' in field


def test_after_an_error_the_next_answer_clears_it(client) -> None:
    response = client.get(f"/curp?curp={VALID}", headers={**HX, "HX-Target": "revision"})
    html = response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#revision"
    assert "bien formada" in html and "Hay un problema" not in html
    assert "aria-invalid" not in field_input(html) and 'hx-target="#resultado"' in html


def test_empty_check_in_a_guide_answers_in_its_result_region(client) -> None:
    response = client.get("/curp?curp=", headers={**HX, "HX-Target": "resultado-curp"})
    html = response.get_data(as_text=True)
    assert "HX-Retarget" not in response.headers
    assert "Escribe tu CURP." in html and "<form" not in html
    exported = client.get("/curp/resultado?curp=").get_data(as_text=True)
    assert "Escribe tu CURP." in exported
    assert "Escribe tu CURP." not in client.get("/curp/resultado?curp=&typing=1").get_data(
        as_text=True
    )
    client.set_cookie("lang", "en")
    assert "Enter your CURP." in client.get("/curp/resultado?curp=").get_data(as_text=True)


def test_empty_check_opened_as_a_page_keeps_the_question(client) -> None:
    response = client.get("/curp/resultado?curp=", headers={"Sec-Fetch-Dest": "document"})
    assert response.headers["Location"] == "/curp?curp="


# --- /curp/no-la-conozco with htmx: errors on each field, as without JavaScript -------------


def test_generate_errors_with_htmx_bring_the_form_back_marked(client) -> None:
    response = client.post(
        "/curp/no-la-conozco", data={"nombre": "Ana"}, headers={**HX, "HX-Target": "resultado"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert response.headers["HX-Retarget"] == "#calculo"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "<html" not in html and "Hay un problema" in html
    assert re.search(r'<input[^>]*id="campo-primer_apellido"[^>]*aria-invalid="true"', html)
    assert re.search(r'<select[^>]*id="campo-entidad"[^>]*aria-invalid="true"', html)
    assert 'id="error-primer_apellido"' in html and 'id="error-sexo"' in html
    assert 'value="Ana"' in html and 'hx-target="#calculo"' in html


def test_generate_after_errors_swaps_the_whole_form_clean(client) -> None:
    response = client.post(
        "/curp/no-la-conozco", data=OFELIA, headers={**HX, "HX-Target": "calculo"}
    )
    html = response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#calculo"
    assert "PXDO800405MJCDMF" in html and "aria-invalid" not in html
    assert 'hx-target="#resultado"' in html


def test_generate_from_a_clean_form_swaps_only_the_answer(client) -> None:
    response = client.post(
        "/curp/no-la-conozco", data=OFELIA, headers={**HX, "HX-Target": "resultado"}
    )
    html = response.get_data(as_text=True)
    assert "HX-Retarget" not in response.headers
    assert "PXDO800405MJCDMF" in html and "<form" not in html


@pytest.mark.parametrize("lang", ["es", "en"])
def test_generate_asks_to_choose_an_entity_from_the_list(client, lang: str) -> None:
    client.set_cookie("lang", lang)
    html = client.post("/curp/no-la-conozco", data={"nombre": "Ana"}).get_data(as_text=True)
    doc = lxml_html.fromstring(html)
    [message] = doc.xpath('//*[@id="error-entidad"]')
    assert "escribe su nombre (Jalisco)" not in html
    # The option it names is the list's own, in the page's language (not RENAPO's name).
    [abroad] = doc.xpath('//select[@name="entidad"]/option[@value="NE"]')
    assert f"«{abroad.text_content()}»" in message.text_content() or (
        f"“{abroad.text_content()}”" in message.text_content()
    )


def test_an_empty_check_says_so_first_in_the_title(client) -> None:
    assert "<title>Error: Revisa tu CURP" in client.get("/curp?curp=").get_data(as_text=True)
    assert "<title>Revisa tu CURP" in client.get("/curp").get_data(as_text=True)

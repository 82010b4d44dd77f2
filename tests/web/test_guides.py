"""/ (which document?), /guias/<slug>, /preguntas-frecuentes, the legal pages, sitemap, robots."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from blueprints import guides, guides_contenido
from domain import eleccion
from domain.guides import load_library
from domain.guides_enlaces import PORTAL_PATHS, check_links

CONTENT = Path(__file__).resolve().parents[2] / "content"
LIBRARY = load_library(CONTENT)
CONTENT_URLS = sorted(p.url for p in LIBRARY.pages.values())
GUIDE_URLS = sorted(g.url for g in LIBRARY.guides)
BASE = "http://127.0.0.1:5000"  # PUBLIC_BASE_URL's default, which the test app keeps
HX = {"HX-Request": "true"}


def page(client: FlaskClient, url: str, status: int = 200) -> Any:
    """GET `url`, check the status, and return the parsed document for selector asserts."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return lxml_html.fromstring(response.get_data(as_text=True))


def meta(doc: Any, prop: str) -> str:
    found = doc.xpath(f'//meta[@property="{prop}"]/@content')
    assert len(found) == 1, prop
    return str(found[0])


def test_content_is_parsed_once_at_startup(app: Flask, client: FlaskClient, monkeypatch) -> None:
    site = app.extensions["guides"]
    assert set(site.library.pages) == set(LIBRARY.pages)
    monkeypatch.setattr(
        guides_contenido, "load_library", lambda *_: pytest.fail("parsed per request")
    )
    for url in ["/", GUIDE_URLS[0], "/preguntas-frecuentes", "/accesibilidad"]:
        assert client.get(url).status_code == 200
    assert app.extensions["guides"] is site


def test_every_legal_page_of_the_content_has_a_route() -> None:
    legal = {p.slug for p in LIBRARY.pages.values() if p.kind == "legal"}
    assert legal == set(guides.LEGAL_SLUGS)


@pytest.mark.parametrize("url", CONTENT_URLS)
def test_content_page_has_its_furniture(client: FlaskClient, url: str) -> None:
    content = LIBRARY.by_url(url)
    assert content is not None
    doc = page(client, url)
    assert [h.text_content() for h in doc.xpath("//h1")] == [content.title]
    assert doc.xpath('//meta[@name="description"]/@content') == [content.description]
    assert doc.xpath('//link[@rel="canonical"]/@href') == [BASE + url]
    assert meta(doc, "og:title") == content.title
    assert meta(doc, "og:description") == content.description
    assert meta(doc, "og:url") == BASE + url
    assert meta(doc, "og:locale") == "es_MX"
    assert meta(doc, "og:type") in {"article", "website"}
    crumbs = doc.xpath('//nav[@aria-label="Ruta de navegación"]/ol/li')
    assert crumbs[0].xpath("a/@href") == ["/"]
    assert crumbs[-1].get("aria-current") == "page"
    assert crumbs[-1].text_content() == content.title
    updated = doc.xpath('//p[@class="updated"]/time')
    assert updated[0].get("datetime") == content.updated.isoformat()
    assert updated[0].text_content() == format_date(content.updated, "long", locale="es")
    if content.kind != "faq":  # the FAQ's questions are its list; it has search instead
        toc = doc.xpath('//nav[@class="toc"]//a/@href')
        assert toc == [f"#{anchor}" for anchor, _text in content.toc]
        assert all(doc.xpath(f'//*[@id="{anchor}"]') for anchor, _text in content.toc)


def test_guide_shows_related_and_previous_next(client: FlaskClient) -> None:
    first, second = LIBRARY.guides[0], LIBRARY.guides[1]
    doc = page(client, second.url)
    assert doc.xpath('//a[@rel="prev"]/@href') == [first.url]
    assert doc.xpath('//a[@rel="next"]/@href') == [LIBRARY.guides[2].url]
    related = doc.xpath('//h2[@id="guias-relacionadas"]/following-sibling::ul[1]//a/@href')
    assert related == [g.url for g in LIBRARY.related(second.slug)]
    assert "<script>" not in page_text(client, second.url).split("<main", 1)[1]


def page_text(client: FlaskClient, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def test_unknown_guide_is_a_spanish_404(client: FlaskClient) -> None:
    for url in ["/guias/no-existe", "/guias/aviso-de-privacidad", "/guias/preguntas-frecuentes"]:
        doc = page(client, url, 404)
        assert doc.xpath("//h1")[0].text_content() == "No encontramos esta página"


def test_start_page_asks_what_the_document_is_for(client: FlaskClient) -> None:
    doc = page(client, "/")
    assert [h.text_content() for h in doc.xpath("//h1")] == ["¿Qué documento necesitas?"]
    assert doc.xpath('//link[@rel="canonical"]/@href') == [BASE + "/"]
    assert meta(doc, "og:type") == "website"
    form = doc.xpath('//div[@id="eleccion"]//form')[0]
    assert form.get("method") == "get" and form.get("action") == "/"
    assert form.get("hx-get") == "/" and form.get("hx-push-url") == "true"
    radios = form.xpath('.//input[@type="radio"][@name="para"]/@value')
    assert radios == ["tengo", "no-tengo", "nss"]
    assert doc.xpath('//*[@id="estado-eleccion"][@role="status"]')
    text = doc.text_content()
    for promise in ["gratuitos", "CURP", "correo electrónico", "en persona"]:
        assert promise in text
    for documento in eleccion.DOCUMENTOS.values():
        assert doc.xpath(f'//a[@href="{documento.tramite}"]'), documento.clave


def test_start_page_without_an_answer_shows_an_error(client: FlaskClient) -> None:
    doc = page(client, "/?paso=para")
    assert doc.xpath("//title")[0].text_content().startswith("Error:")
    assert doc.xpath('//div[@class="error-summary"]//a/@href') == ["#campo-para"]
    assert doc.xpath('//input[@id="campo-para"]')
    assert not page(client, "/").xpath('//div[@class="error-summary"]')


def test_second_question_keeps_the_first_answer(client: FlaskClient) -> None:
    doc = page(client, "/?para=tengo&paso=para")
    form = doc.xpath('//div[@id="eleccion"]//form')[0]
    assert form.xpath('.//input[@type="hidden"][@name="para"]/@value') == ["tengo"]
    assert form.xpath('.//input[@type="radio"]/@name')[0] == "trabajo"
    assert "gobierno" in form.text_content()


TRABAJO = "¿Trabajas o trabajaste para el gobierno o para una empresa?"


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("", "¿Qué documento necesitas?"),
        ("?paso=para", "Error: ¿Qué documento necesitas?"),
        ("?para=tengo&paso=para", f"{TRABAJO} · ¿Qué documento necesitas?"),
        ("?para=tengo&paso=trabajo", f"Error: {TRABAJO} · ¿Qué documento necesitas?"),
        ("?para=tengo&trabajo=gobierno", "Lo que necesitas · ¿Qué documento necesitas?"),
    ],
)
def test_each_step_of_the_start_page_has_its_own_title(
    client: FlaskClient, query: str, title: str
) -> None:
    # Each step is a page in the history (no JavaScript or htmx's pushed URL): its title says
    # which one, and an htmx swap brings the same title along.
    full = page(client, "/" + query).xpath("//title")[0].text_content()
    assert full == f"{title} · Derechohabiencia"
    swap = lxml_html.fromstring(client.get("/" + query, headers=HX).get_data(as_text=True))
    assert swap.xpath("//title")[0].text_content() == full


def test_the_start_page_s_step_titles_are_translated(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    title = page(client, "/?para=no-tengo").xpath("//title")[0].text_content()
    assert title.startswith("Which document were you asked for? · ") and "¿" not in title


@pytest.mark.parametrize(("answers", "claves"), sorted(eleccion.RESPUESTAS.items()))
def test_each_answer_leads_to_its_documents(
    client: FlaskClient, answers: tuple[str, str], claves: tuple[str, ...]
) -> None:
    para, detalle = answers
    query = f"para={para}" + (f"&{eleccion.SEGUNDA[para]}={detalle}" if detalle else "")
    doc = page(client, f"/?{query}")
    answer = doc.xpath('//div[@id="eleccion"]')[0]
    assert answer.xpath('.//h2[@id="respuesta"]')
    starts = answer.xpath('.//a[contains(@class, "button--start")]/@href')
    assert starts == [eleccion.DOCUMENTOS[c].tramite for c in claves]
    for clave in claves:
        guide = LIBRARY.pages[eleccion.DOCUMENTOS[clave].guia]
        assert answer.xpath(f'.//a[@href="{guide.url}"]'), clave
    assert "Nada. Es gratis." in answer.text_content()


@pytest.mark.parametrize(
    ("detalle", "dicho"), [("gobierno", True), ("no-se", True), ("empresa", False)]
)
def test_family_members_learn_the_titular_gets_their_carnet_before_starting(
    client: FlaskClient, detalle: str, dicho: bool
) -> None:
    doc = page(client, f"/?para=tengo&trabajo={detalle}")
    answer = doc.xpath('//div[@id="eleccion"]')[0]
    notes = answer.xpath('.//p[contains(., "familiar (beneficiario)")]')
    assert len(notes) == int(dicho)
    if dicho:
        words = " ".join(notes[0].text_content().split())
        assert "no necesitas una cuenta" in words and "(el titular) saca tu carnet" in words
        guide = LIBRARY.pages["carnet-digital-issste"].url
        assert notes[0].xpath(".//a/@href") == [f"{guide}#constancias-para-tus-beneficiarios"]
        [start] = answer.xpath('.//a[@href="/cuenta/registro"]')
        order = list(answer.iter())
        assert order.index(notes[0]) < order.index(start)
    entry = doc.xpath('//h3[@id="documento-carnet-issste"]/following-sibling::*[position()<=2]')
    assert "familiar (beneficiario)" in entry[-1].text_content()  # the full list, as exported


def test_every_document_starts_at_a_known_procedure() -> None:
    for documento in eleccion.DOCUMENTOS.values():
        assert documento.tramite in PORTAL_PATHS
        assert LIBRARY.pages[documento.guia].kind == "guia"
    used = {c for claves in eleccion.RESPUESTAS.values() for c in claves}
    assert used == set(eleccion.DOCUMENTOS)


def test_htmx_choice_returns_the_fragment_and_announces_it(client: FlaskClient) -> None:
    response = client.get("/?para=nss", headers=HX)
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert 'hx-swap-oob="innerHTML:#estado-eleccion"' in body
    assert "Tu respuesta:" in body and "/imss/nss" in body
    assert "HX-Request" in response.headers["Vary"]
    boosted = client.get("/?para=nss", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_faq_has_an_anchor_per_question_and_valid_json_ld(client: FlaskClient) -> None:
    doc = page(client, "/preguntas-frecuentes")
    ids = doc.xpath('//div[@id="resultados-faq"]/h2/@id')
    assert ids == [e.id for e in LIBRARY.faq_entries]
    blocks = doc.xpath('//script[@type="application/ld+json"]')
    assert len(blocks) == 1
    data = json.loads(blocks[0].text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    questions = data["mainEntity"]
    assert [q["name"] for q in questions] == [e.question for e in LIBRARY.faq_entries]
    assert all(q["@type"] == "Question" and q["acceptedAnswer"]["text"] for q in questions)
    assert doc.xpath('//*[@id="conteo-faq"][@role="status"]')[0].text_content() == (
        f"{len(LIBRARY.faq_entries)} preguntas."
    )


@pytest.mark.parametrize("query", ["contrasena", "CONTRASEÑA", "olvide contraseña"])
def test_faq_plain_search_ignores_accents(client: FlaskClient, query: str) -> None:
    doc = page(client, f"/preguntas-frecuentes?q={query}")
    ids = doc.xpath('//div[@id="resultados-faq"]/h2/@id')
    assert "que-hago-si-olvide-mi-contrasena" in ids
    assert len(ids) < len(LIBRARY.faq_entries)
    assert doc.xpath('//input[@id="campo-q"]/@value') == [query]
    assert "contiene" in doc.xpath('//*[@id="conteo-faq"]')[0].text_content()


def test_faq_search_with_no_match_offers_every_question(client: FlaskClient) -> None:
    doc = page(client, "/preguntas-frecuentes?q=zzzxxy")
    assert not doc.xpath('//div[@id="resultados-faq"]/h2')
    assert "Ninguna pregunta contiene “zzzxxy”." in doc.text_content()
    assert doc.xpath('//div[@id="resultados-faq"]//a/@href') == ["/preguntas-frecuentes"]


def test_faq_htmx_filter_returns_the_results_and_their_count(client: FlaskClient) -> None:
    response = client.get("/preguntas-frecuentes?q=afiliacion", headers=HX)
    body = response.get_data(as_text=True)
    assert "<html" not in body and "HX-Request" in response.headers["Vary"]
    fragment = lxml_html.fragment_fromstring(body, create_parent="div")
    count = fragment.xpath('//span[@hx-swap-oob="innerHTML:#conteo-faq"]')[0].text_content()
    ids = fragment.xpath("//h2/@id")
    assert count == f"{len(ids)} preguntas contienen “afiliacion”."
    assert ids == [e.id for e in LIBRARY.search_faq("afiliación")]
    form = page(client, "/preguntas-frecuentes").xpath('//form[@role="search"]')[0]
    assert form.get("hx-get") == form.get("action") == "/preguntas-frecuentes"
    assert "delay:" in form.get("hx-trigger") and form.get("hx-replace-url") == "true"


def test_cross_origin_faq_fragment_is_cookieless_and_its_links_fit_the_export(
    client: FlaskClient,
) -> None:
    response = client.get(
        "/preguntas-frecuentes/buscar?q=cuenta", headers={"Origin": "https://guias.example"}
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    # htmx reads HX-Trigger & co. on every response; exposed, the browser logs no error.
    assert "HX-Trigger" in response.headers["Access-Control-Expose-Headers"]
    assert "Set-Cookie" not in response.headers
    fragment = lxml_html.fragment_fromstring(response.get_data(as_text=True), "div")
    assert fragment.xpath('//span[@hx-swap-oob="innerHTML:#conteo-faq"]')
    # It lands in the exported FAQ page: the export's own pages relative to it, the rest on
    # the backend.
    links = fragment.xpath("//a/@href")
    assert "../guias/carnet-digital-issste/index.html#constancias-para-tus-beneficiarios" in links
    assert f"{BASE}/cuenta/recuperar" in links
    exported = {"/", *CONTENT_URLS}
    for href in links:
        if href.startswith(BASE + "/"):
            assert urlsplit(href).path not in exported, href
        else:
            assert href.startswith("../") and href.split("#")[0].endswith("/index.html"), href


def test_live_faq_filter_keeps_the_site_s_own_links(client: FlaskClient) -> None:
    # The same fragment template answers the live page's filter: root-relative links there.
    body = client.get("/preguntas-frecuentes?q=cuenta", headers=HX).get_data(as_text=True)
    links = lxml_html.fragment_fromstring(body, create_parent="div").xpath("//a/@href")
    assert "/guias/carnet-digital-issste#constancias-para-tus-beneficiarios" in links
    assert all(h.startswith("/") or urlsplit(h).netloc == "www.gob.mx" for h in links), links


def test_cross_origin_faq_fragment_opened_directly_shows_the_page(client: FlaskClient) -> None:
    response = client.get(
        "/preguntas-frecuentes/buscar?q=curp", headers={"Sec-Fetch-Dest": "document"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/preguntas-frecuentes?q=curp"
    # The fragment a shared cache keeps for 5 minutes must not answer an address-bar visit.
    fetched = client.get("/preguntas-frecuentes/buscar?q=curp")
    assert "public" in fetched.headers["Cache-Control"]
    assert "Sec-Fetch-Dest" in fetched.headers["Vary"]


def test_curp_guide_checks_a_curp_in_place(client: FlaskClient) -> None:
    doc = page(client, "/guias/que-es-la-curp")
    form = doc.xpath('//section[@aria-labelledby="revisa-tu-curp"]//form')[0]
    # Without JavaScript a plain GET to /curp; with htmx, /curp's own fragment.
    assert (form.get("action"), form.get("method"), form.get("hx-get")) == ("/curp", "get", "/curp")
    assert form.get("hx-target") == "#resultado-curp" and not form.get("hx-request")
    field = form.xpath('.//input[@name="curp"]')[0]
    assert doc.xpath(f'//label[@for="{field.get("id")}"]/text()') == ["CURP"]
    assert doc.get_element_by_id(field.get("aria-describedby")).text.startswith("Ejemplo:")
    assert field.get("hx-get") == "/curp" and json.loads(field.get("hx-vals")) == {"typing": "1"}
    result = doc.get_element_by_id("resultado-curp")
    assert result.get("aria-live") == "polite"
    fallback = doc.get_element_by_id(form.get("data-sin-conexion"))
    assert fallback.tag == "template" and fallback.xpath(".//a/@href") == ["/curp"]
    answer = client.get(form.get("hx-get"), query_string={"curp": "PXNE660720HMCXTN06"}, headers=HX)
    assert "bien formada" in answer.get_data(as_text=True)


def test_other_guides_carry_no_curp_check(client: FlaskClient) -> None:
    for url in GUIDE_URLS:
        if url != "/guias/que-es-la-curp":
            assert not page(client, url).xpath('//input[@name="curp"]'), url


def test_live_pages_keep_htmx_on_their_own_origin(client: FlaskClient) -> None:
    for url in ["/", "/preguntas-frecuentes", GUIDE_URLS[0]]:
        doc = page(client, url)
        configs = doc.xpath('//meta[@name="htmx-config"]/@content')
        assert len(configs) == 1 and "selfRequestsOnly" not in configs[0], url


def test_sitemap_lists_every_page_with_lastmod(client: FlaskClient) -> None:
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    assert sorted(locs) == sorted(BASE + url for url in ["/", *CONTENT_URLS])
    lastmods = {u.findtext("s:lastmod", namespaces=ns) for u in root.findall("s:url", ns)}
    assert lastmods == {p.updated.isoformat() for p in LIBRARY.pages.values()}


def test_robots_txt_allows_content_and_points_at_the_sitemap(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for path in ["/oficina", "/cuenta", "/api/", "/embed/"]:
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_english_interface_on_the_start_page(client: FlaskClient) -> None:
    client.get("/idioma?lang=en")
    doc = page(client, "/")
    assert doc.get("lang") == "en"
    assert doc.xpath("//h1")[0].text_content() == "What document do you need?"
    assert "What do you need it for?" in doc.text_content()
    assert doc.xpath('//a[@class="skip-link"]')[0].text_content() == "Skip to main content"
    assert meta(doc, "og:locale") == "en_US"
    doc = page(client, "/?para=tengo&trabajo=empresa")
    assert "Start now" in doc.text_content() and "It is free." in doc.text_content()


def test_english_interface_says_guides_are_only_in_spanish(client: FlaskClient) -> None:
    assert "solo está disponible en español" not in page_text(client, GUIDE_URLS[0])
    client.get("/idioma?lang=en")
    doc = page(client, GUIDE_URLS[0])
    assert "This guide is only available in Spanish for now." in doc.text_content()
    assert doc.xpath('//div[@class="content"]/@lang') == ["es"]
    assert doc.xpath("//h1/@lang") == ["es"]
    assert doc.xpath('//nav[@class="toc"]/h2')[0].text_content() == "Contents"
    assert "Last updated:" in doc.text_content()
    faq = page(client, "/preguntas-frecuentes")
    assert "This page is only available in Spanish for now." in faq.text_content()
    assert page(client, "/no-existe", 404).xpath("//h1")[0].text_content() == "Page not found"


def known_get_paths(app: Flask) -> set[str]:
    rules = app.url_map.iter_rules()
    return {r.rule for r in rules if "GET" in (r.methods or set()) and not r.arguments}


def test_content_links_resolve(app: Flask) -> None:
    # Procedures not built yet are known through the engine's PORTAL_PATHS.
    assert check_links(app.extensions["guides"].library, known_get_paths(app) | PORTAL_PATHS) == []


def test_every_internal_link_to_an_existing_route_answers(app: Flask, client: FlaskClient) -> None:
    """Every root-relative link on every content page: either a route that answers 200, or
    redirects to a page of this site that does, or a procedure the engine knows is coming
    (PORTAL_PATHS)."""
    adapter = app.url_map.bind("localhost")
    hrefs: set[str] = set()
    for url in ["/", *CONTENT_URLS]:
        hrefs |= {h for h in page(client, url).xpath("//a/@href") if h.startswith("/")}
    checked = 0
    for href in sorted(hrefs):
        path = href.partition("#")[0]
        try:
            adapter.match(path.partition("?")[0], method="GET")
        except (NotFound, MethodNotAllowed, RequestRedirect):
            assert path.partition("?")[0] in PORTAL_PATHS, href
            continue
        response = client.get(path)
        if response.status_code == 302:  # the language switch, a page behind sign-in
            target = response.headers["Location"]
            parts = urlsplit(target)
            assert not parts.scheme and not parts.netloc and target.startswith("/"), href
            if path.startswith("/idioma?"):  # back to the page it was chosen on
                assert target == parse_qs(urlsplit(path).query)["next"][0], href
            response = client.get(target)
        assert response.status_code == 200, href
        checked += 1
    assert checked >= len(CONTENT_URLS)


def test_guide_pages_are_the_same_for_everyone_and_set_no_cookie(client: FlaskClient) -> None:
    first = client.get(GUIDE_URLS[0])
    assert "X-CSRFToken" not in first.get_data(as_text=True)  # they post nothing
    assert "Set-Cookie" not in first.headers
    assert client.get(GUIDE_URLS[0]).get_data() == first.get_data()
    client.get("/idioma?lang=en")
    english = client.get(GUIDE_URLS[0]).get_data(as_text=True)
    assert "This guide is only available in Spanish for now." in english
    client.get("/idioma?lang=es")
    assert client.get(GUIDE_URLS[0]).get_data() == first.get_data()


def test_forms_keep_their_csrf_header_for_htmx(client: FlaskClient) -> None:
    assert "X-CSRFToken" in client.get("/constancias/no-afiliacion").get_data(as_text=True)

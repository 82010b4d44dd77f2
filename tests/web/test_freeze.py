"""`flask freeze`: the static export, served from its own port, links and all."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from lxml import html as lxml_html

from blueprints.freeze_links import backend_link, static_link
from domain.eleccion import arbol
from domain.guides import load_library
from tests.conftest import make_app
from tests.static_host import static_host as serve_export
from tests.web.cli_helpers import flask_command

BACKEND = "https://derechohabiencia.example.gob.mx"
PRIVACY = "https://transparencia.example.gob.mx/datos-personales"
EXTERNAL = {"https://www.gob.mx/curp/", PRIVACY}
CONTACT = {
    "ISSUER_ADDRESS": "Av. Siempre Viva 742, Col. Centro, 06000 Ciudad de México",
    "ISSUER_CONTACT": "contacto@example.gob.mx",
    "PRIVACY_CONTACT": PRIVACY,
}
LIBRARY = load_library(Path(__file__).resolve().parents[2] / "content")
PAGES = frozenset({"/", *(p.url for p in LIBRARY.pages.values())})
URL_ATTRIBUTES = ("href", "src", "action", "hx-get")


def export(tmp: Path, destination: Path, **env: str) -> Any:
    app = make_app(
        tmp, f"sqlite:///{tmp / 'export.sqlite3'}", ENV={"PUBLIC_BASE_URL": BACKEND, **env}
    )
    return app.test_cli_runner().invoke(args=["freeze", "--destination", str(destination)])


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An institution's export: DEMO_MODE off, as an operator runs it."""
    tmp = tmp_path_factory.mktemp("freeze")
    result = export(tmp, tmp / "build", DEMO_MODE="0", **CONTACT)
    assert result.exit_code == 0, result.output
    assert "demostración" not in result.output
    return tmp / "build"


@pytest.fixture(scope="module")
def static_host(build: Path) -> Iterator[str]:
    """The export served by a plain static file server on its own port."""
    with serve_export(build) as url:
        yield url


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urlopen(url, timeout=10) as response:  # the static host only: http on loopback
            return response.status, response.headers.get_content_type(), response.read()
    except HTTPError as exc:
        with exc:
            return exc.code, exc.headers.get_content_type(), exc.read()


def exported_file(url: str) -> str:
    return "index.html" if url == "/" else url.strip("/") + "/index.html"


def html_files(build: Path) -> list[Path]:
    return sorted(build.rglob("*.html"))


def test_export_has_every_content_page_and_only_the_assets_they_load(build: Path) -> None:
    for url in PAGES:
        assert (build / exported_file(url)).is_file(), url
    # Only content (and the page for missing paths): no procedures, API or health checks.
    assert len(html_files(build)) == len(PAGES) + 1 and (build / "404.html").is_file()
    assert not (build / "curp").exists() and not (build / "healthz").exists()
    loaded = set()
    for file in html_files(build):
        doc = lxml_html.fromstring(file.read_text("utf-8"))
        for value in doc.xpath("//link/@href | //script/@src | //img/@src"):
            if not urlsplit(value).scheme:  # the canonical link names the backend's page
                loaded.add((file.parent / value).resolve().relative_to(build).as_posix())
    assert loaded == {
        "static/css/site.css",
        "static/js/site.js",
        "static/img/emblema.svg",
        "static/vendor/htmx-2.0.11.min.js",
    }
    # Nothing else of static/: embed.js, for one, would ask the static host for /embed/curp.
    exported = {f.relative_to(build).as_posix() for f in (build / "static").rglob("*")}
    assert {f for f in exported if (build / f).is_file()} == loaded


def test_nothing_points_at_a_development_server(build: Path) -> None:
    for file in html_files(build):
        text = file.read_text("utf-8")
        for needle in ["127.0.0.1", "localhost", ":5000"]:
            assert needle not in text, (file, needle)


def demo_links(doc: Any) -> list[str]:
    paths = (urlsplit(href).path for href in doc.xpath("//a/@href"))
    return [path for path in paths if path == "/demo" or path.startswith("/dev/")]


def test_an_institution_export_has_no_demo_chrome(build: Path) -> None:
    for file in html_files(build):
        doc = lxml_html.fromstring(file.read_text("utf-8"))
        assert not doc.xpath('//*[contains(@class, "demo-banner")]'), file
        assert "ficticios y los documentos no tienen validez" not in doc.text_content(), file
        assert demo_links(doc) == [], file


def test_a_demo_export_keeps_the_demo_chrome_and_says_so(tmp_path: Path) -> None:
    result = export(tmp_path, tmp_path / "build", DEMO_MODE="1")
    assert result.exit_code == 0, result.output
    assert "exportación de demostración" in result.output
    doc = lxml_html.fromstring((tmp_path / "build" / "index.html").read_text("utf-8"))
    assert doc.xpath('//*[contains(@class, "demo-banner")]')
    assert demo_links(doc) == ["/demo", "/dev/correos"]


def test_make_freeze_takes_demo_mode_from_the_environment() -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text("utf-8")
    recipe = makefile.split("\nfreeze:", 1)[1].split("\n\n", 1)[0]
    assert "freeze" in recipe and "DEMO_MODE" not in recipe
    # A throwaway key only when the operator set none: the export signs nothing.
    assert 'SECRET_KEY="$${SECRET_KEY:-' in recipe


def test_exported_pages_hold_no_session_forms(build: Path) -> None:
    for file in html_files(build):
        doc = lxml_html.fromstring(file.read_text("utf-8"))
        assert not doc.xpath('//form[@method="post"]'), file
        assert not doc.xpath('//input[@name="csrf_token"]'), file


def test_every_exported_page_shows_where_and_how_to_reach_the_institution(build: Path) -> None:
    # The privacy notice and the accessibility statement send people to the footer.
    for file in html_files(build):
        address = lxml_html.fromstring(file.read_text("utf-8")).xpath("//footer//address")
        assert len(address) == 1, file
        assert CONTACT["ISSUER_ADDRESS"] in address[0].text_content()
        assert address[0].xpath(".//a/@href") == ["mailto:contacto@example.gob.mx", PRIVACY]


def test_every_link_of_every_page_works_on_the_static_host(static_host: str) -> None:
    seen: dict[str, int] = {}
    for url in sorted(PAGES):
        page_url = f"{static_host}/{exported_file(url)}"
        status, content_type, body = fetch(page_url)
        assert (status, content_type) == (200, "text/html"), page_url
        doc = lxml_html.fromstring(body)
        for attribute in URL_ATTRIBUTES:
            for value in doc.xpath(f"//@{attribute}"):
                link = urldefrag(urljoin(page_url, value)).url
                if link.startswith(static_host):
                    if link not in seen:
                        seen[link] = fetch(link)[0]
                    assert seen[link] == 200, (url, attribute, value)
                elif not link.startswith("mailto:"):
                    assert link.startswith(BACKEND + "/") or link in EXTERNAL, (url, value)
    assert any(link.endswith("/static/css/site.css") for link in seen)


def test_links_to_exported_pages_stay_on_the_static_host(build: Path) -> None:
    doc = lxml_html.fromstring((build / "guias/nss-imss/index.html").read_text("utf-8"))
    hrefs = set(doc.xpath("//a/@href"))
    assert "../vigencia-imss/index.html" in hrefs  # a guide linking a guide
    assert "../../preguntas-frecuentes/index.html" in hrefs
    assert f"{BACKEND}/imss/nss" in hrefs  # a procedure lives on the backend
    assert doc.xpath('//link[@rel="stylesheet"]/@href') == ["../../static/css/site.css"]
    assert doc.xpath('//link[@rel="canonical"]/@href') == [f"{BACKEND}/guias/nss-imss"]


def test_exported_faq_filters_through_the_backend(build: Path) -> None:
    doc = lxml_html.fromstring((build / "preguntas-frecuentes/index.html").read_text("utf-8"))
    form = doc.xpath('//form[@role="search"]')[0]
    assert form.get("action") == f"{BACKEND}/preguntas-frecuentes"  # plain GET fallback
    assert form.get("hx-get") == f"{BACKEND}/preguntas-frecuentes/buscar"
    assert form.get("hx-request") == '{"noHeaders": true}'  # a simple CORS request
    # The answer is cached by URL, so the URL names the page's language, not a cookie.
    assert json.loads(form.get("hx-vals")) == {"lang": "es"}
    assert not form.get("hx-replace-url")
    # htmx reads the first htmx-config: the export's, which allows other origins.
    config = doc.xpath('//meta[@name="htmx-config"]/@content')[0]
    assert '"selfRequestsOnly":false' in config and '"allowEval":false' in config
    assert len(doc.xpath('//div[@id="resultados-faq"]/h2')) == len(LIBRARY.faq_entries)


def test_exported_curp_guide_checks_a_curp_through_the_backend(build: Path) -> None:
    doc = lxml_html.fromstring((build / "guias/que-es-la-curp/index.html").read_text("utf-8"))
    form = doc.xpath('//section[@aria-labelledby="revisa-tu-curp"]//form')[0]
    assert form.get("action") == f"{BACKEND}/curp" and form.get("method") == "get"
    assert form.get("hx-get") == f"{BACKEND}/curp/resultado"
    assert form.get("hx-request") == '{"noHeaders": true}'  # a simple CORS request
    field = form.xpath('.//input[@name="curp"]')[0]
    assert field.get("hx-get") == f"{BACKEND}/curp/resultado"
    assert doc.xpath(f'//label[@for="{field.get("id")}"]')
    assert doc.get_element_by_id("resultado-curp").get("aria-live") == "polite"
    # With the backend unreachable, site.js shows this: a plain link to the backend's check.
    fallback = doc.get_element_by_id(form.get("data-sin-conexion"))
    assert fallback.tag == "template" and fallback.xpath(".//a/@href") == [f"{BACKEND}/curp"]
    config = doc.xpath('//meta[@name="htmx-config"]/@content')[0]
    assert '"selfRequestsOnly":false' in config


def test_exported_start_page_choice_works_without_the_backend(build: Path) -> None:
    doc = lxml_html.fromstring((build / "index.html").read_text("utf-8"))
    assert not doc.xpath("//form")  # nothing that needs the backend to answer
    choice = doc.xpath('//ul[@class="eleccion-arbol"]')[0]
    # Every answer the live form accepts, each leading to its documents on this very page.
    outcomes = [docs for _second, answers in arbol().values() for docs in answers.values()]
    leaves = choice.xpath(".//li[not(.//li)][a] | .//li/p[a]")
    assert len(leaves) == len(outcomes) == 7
    for leaf, docs in zip(leaves, outcomes, strict=True):
        assert leaf.xpath("a/@href") == [f"#documento-{d.clave}" for d in docs]
    for key in {d.clave for docs in outcomes for d in docs}:
        heading = doc.get_element_by_id(f"documento-{key}")
        guide = heading.xpath("following-sibling::ul[1]//a/@href")[1]
        assert guide.startswith("guias/") and (build / guide).is_file(), key


def test_export_has_no_feeds_of_its_own(build: Path) -> None:
    # Its host is unknown: a sitemap would list the backend's URLs, and robots.txt counts only
    # at a host's root. Each page names the backend's as canonical; the backend has both.
    assert not (build / "sitemap.xml").exists() and not (build / "robots.txt").exists()


def test_a_missing_path_at_any_depth_gets_the_portal_s_404_page(
    static_host: str, tmp_path: Path
) -> None:
    """Static hosts answer any missing path with the export's 404.html: from that path, deep or
    under whatever folder the export is published, every link of it must still work."""
    status, content_type, body = fetch(f"{static_host}/guias/no-existe/otra.html")
    assert (status, content_type) == (404, "text/html")
    doc = lxml_html.fromstring(body)
    assert doc.get("lang") == "es"
    assert [h.text_content() for h in doc.xpath("//h1")] == ["No encontramos esta página"]
    # Spanish, with the way to the English start page.
    assert doc.xpath('//nav[@class="lang-switch"]/a/@href') == [f"{BACKEND}/idioma?lang=en&next=/"]
    backend = make_app(
        tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", ENV={"PUBLIC_BASE_URL": BACKEND}
    ).test_client()
    links = [value for attribute in URL_ATTRIBUTES for value in doc.xpath(f"//@{attribute}")]
    assert f"{BACKEND}/static/css/site.css" in links and "#contenido" in links
    for value in links:
        if value.startswith(("#", "mailto:")) or value in EXTERNAL:
            continue
        assert value.startswith(BACKEND + "/"), value  # the same link from any path
        target = urlsplit(value)
        with backend.get(target.path, query_string=target.query) as answer:
            expected = 302 if target.path == "/idioma" else 200
            assert answer.status_code == expected, value


def test_the_command_sums_up_instead_of_logging_each_page(tmp_path: Path) -> None:
    """Whoever runs the export reads its warnings and one summary line, not an access line for
    each of its own requests."""
    left_out = {"SECRET_KEY", "DEMO_MODE", "ISSUER_ADDRESS", "ISSUER_CONTACT", "PRIVACY_CONTACT"}
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    env.update(SECRET_KEY="cualquiera", INSTANCE_PATH=str(tmp_path), PUBLIC_BASE_URL=BACKEND)
    destination = tmp_path / "build"
    result = flask_command("freeze", "-d", str(destination), env=env)
    assert result.returncode == 0, result.stderr
    summary = f"{len(PAGES)} páginas, 404.html y 4 archivos de static/ escritos en {destination}"
    assert result.stdout == summary + "\n"
    assert '"logger":"portal.access"' not in result.stderr
    # Warnings still show: here, the footer's missing contact.
    assert '"level":"WARNING"' in result.stderr and "ISSUER_ADDRESS" in result.stderr


def test_export_again_replaces_the_previous_one(tmp_path: Path) -> None:
    destination = tmp_path / "build"
    assert export(tmp_path, destination).exit_code == 0
    stale = destination / "guias" / "retirada" / "index.html"
    stale.parent.mkdir()
    stale.write_text("old", "utf-8")
    # What exports before this one also wrote.
    older = ["sitemap.xml", "robots.txt", "static/embed.js", "static/vendor/altcha-3.2.2.min.js"]
    for name in older:
        (destination / name).write_text("old", "utf-8")
    assert export(tmp_path, destination).exit_code == 0
    assert not stale.exists()
    assert [name for name in older if (destination / name).exists()] == []
    assert (destination / "static/css/site.css").read_text("utf-8") != "old"


def test_each_page_s_language_switch_brings_back_the_same_page(build: Path) -> None:
    for url in PAGES:
        doc = lxml_html.fromstring((build / exported_file(url)).read_text("utf-8"))
        (switch,) = doc.xpath('//nav[@class="lang-switch"]/a/@href')
        parts = urlsplit(switch)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{BACKEND}/idioma", url
        assert parse_qs(parts.query) == {"lang": ["en"], "next": [url]}, url


def test_faq_filter_links_stay_in_the_export(tmp_path: Path, static_host: str) -> None:
    """The fragment lands in the exported FAQ page: its links to exported pages must open the
    export's files from there, and the rest the backend."""
    app = make_app(
        tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", ENV={"PUBLIC_BASE_URL": BACKEND}
    )
    client = app.test_client()
    faq_page = f"{static_host}/preguntas-frecuentes/index.html"
    hrefs = []
    for q in ["", "zzzxxy"]:  # every answer, then none: "ve todas las preguntas"
        body = client.get("/preguntas-frecuentes/buscar", query_string={"q": q}).get_data()
        hrefs += lxml_html.fragment_fromstring(body, "div").xpath("//a/@href")
    assert "index.html" in hrefs and "../guias/nss-imss/index.html" in hrefs
    for href in hrefs:
        link, anchor = urldefrag(urljoin(faq_page, href))
        if href.startswith(BACKEND + "/"):
            assert urlsplit(link).path not in PAGES, href  # never the backend's copy of a page
            continue
        if link in EXTERNAL:
            continue
        assert link.startswith(static_host + "/"), href
        status, _type, target = fetch(link)
        assert status == 200, href
        if anchor:
            assert lxml_html.fromstring(target).get_element_by_id(anchor) is not None, href


def test_export_refuses_a_folder_that_is_not_an_export(tmp_path: Path) -> None:
    destination = tmp_path / "documentos"
    destination.mkdir()
    (destination / "importante.txt").write_text("no borrar", "utf-8")
    result = export(tmp_path, destination)
    assert result.exit_code != 0 and "no es una exportación anterior" in result.output
    assert (destination / "importante.txt").read_text("utf-8") == "no borrar"


def test_export_warns_when_the_backend_is_a_local_address(tmp_path: Path) -> None:
    result = export(tmp_path, tmp_path / "build", PUBLIC_BASE_URL="http://127.0.0.1:5000")
    assert result.exit_code == 0
    assert "Aviso: PUBLIC_BASE_URL" in result.output


PAGES_FOR_LINKS = frozenset({"/", "/guias/a", "/guias/b", "/preguntas-frecuentes"})


@pytest.mark.parametrize(
    ("value", "page", "expected"),
    [
        ("/guias/b", "/guias/a", "../b/index.html"),
        ("/guias/b#paso-2", "/guias/a", "../b/index.html#paso-2"),
        ("/", "/guias/a", "../../index.html"),
        ("../index.html", "/guias/a", "../../index.html"),  # Frozen-Flask's relative url_for("/")
        ("guias/a", "/", "guias/a/index.html"),
        ("/static/css/site.css", "/", "static/css/site.css"),
        ("/sitemap.xml", "/guias/a", f"{BACKEND}/sitemap.xml"),  # the export has none
        ("#arriba", "/guias/a", "#arriba"),
        ("/imss/nss", "/guias/a", f"{BACKEND}/imss/nss"),
        ("/preguntas-frecuentes?q=curp", "/", f"{BACKEND}/preguntas-frecuentes?q=curp"),
        ("../idioma?lang=en&amp;next=/", "/guias/a", f"{BACKEND}/idioma?lang=en&amp;next=/"),
        ("https://www.gob.mx/curp/", "/", "https://www.gob.mx/curp/"),
        ("mailto:ayuda@example.org", "/", "mailto:ayuda@example.org"),
    ],
)
def test_static_link(value: str, page: str, expected: str) -> None:
    assert static_link(value, page, PAGES_FOR_LINKS, BACKEND) == expected
    assert urlsplit(expected).scheme in ("", "https", "mailto")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/static/css/site.css", f"{BACKEND}/static/css/site.css"),
        ("static/css/site.css", f"{BACKEND}/static/css/site.css"),
        ("/", f"{BACKEND}/"),
        ("/idioma?lang=en&amp;next=/", f"{BACKEND}/idioma?lang=en&amp;next=/"),
        ("#contenido", "#contenido"),
        (f"{BACKEND}/curp", f"{BACKEND}/curp"),
        ("mailto:ayuda@example.org", "mailto:ayuda@example.org"),
    ],
)
def test_backend_link(value: str, expected: str) -> None:
    assert backend_link(value, "/404.html", BACKEND) == expected

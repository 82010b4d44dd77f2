"""/embed/curp (the widget) and its fragments: framing, no cookies, options, the CURP check,
weight, the script, and the error page for unrouted widget paths."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html

from tests.conftest import make_app
from tests.web.embed_helpers import DEMO_ANCESTORS, INVALID, VALID, html_of

BUDGET = 15 * 1024


# Framing and cookies


def test_widget_is_framable_by_any_https_site_and_localhost_in_demo(client) -> None:
    response = client.get("/embed/curp")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert csp.endswith(DEMO_ANCESTORS)
    assert "X-Frame-Options" not in response.headers
    assert "script-src 'self'" in csp and "style-src 'self'" in csp


def test_operator_restricts_who_may_frame_the_widget(tmp_path: Path) -> None:
    origins = "https://a.example, https://b.example"
    app = make_app(
        tmp_path, f"sqlite:///{tmp_path}/o.sqlite3", ENV={"EMBED_ALLOWED_ORIGINS": origins}
    )
    csp = app.test_client().get("/embed/curp").headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors 'self' https://a.example https://b.example")


def test_outside_demo_only_https_sites_may_frame_it(tmp_path: Path) -> None:
    app = make_app(tmp_path, f"sqlite:///{tmp_path}/p.sqlite3", ENV={"DEMO_MODE": "0"})
    csp = app.test_client().get("/embed/curp").headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors 'self' https:")


@pytest.mark.parametrize(
    "url", ["/integracion", "/embed/curp/resultado?curp=X", "/api/v1/estatus/" + VALID]
)
def test_every_other_route_refuses_framing(client, url: str) -> None:
    response = client.get(url)
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "url",
    [
        "/embed/curp",
        "/embed/curp?lang=en&theme=dark&compact=1",
        f"/embed/curp?curp={VALID}&origin=https://a.example&share_curp=1",
        f"/embed/curp/resultado?curp={INVALID}&lang=en",
        "/embed/curp/resultado?curp=PXNE66&typing=1",
    ],
)
def test_widget_sets_no_cookie_at_all(client, url: str) -> None:
    # Safari blocks third-party cookies: nothing here may depend on one, so none is set.
    html_of(client, url)


def test_widget_never_renews_a_signed_in_session(client) -> None:
    # A same-site embed (or the preview on /integracion) sends our session cookie along.
    with client.session_transaction() as session:
        session.permanent = True
        session["_user_id"] = "1"
    for url in ("/embed/curp", "/embed/curp/resultado?curp=X", "/api/v1/estatus/X"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
    assert "Set-Cookie" in client.get("/integracion").headers  # the rest of the site does


def test_language_comes_from_the_query_not_from_a_cookie(client) -> None:
    client.set_cookie("lang", "en")
    assert 'lang="es"' in html_of(client, "/embed/curp")
    assert "Revisa tu CURP" in html_of(client, "/embed/curp")


# Options


def test_defaults_spanish_light_full_with_links(client) -> None:
    html = html_of(client, f"/embed/curp?curp={VALID}")
    assert '<html lang="es" class="theme-light">' in html
    assert "<h1>Revisa tu CURP</h1>" in html
    assert "data-parent-origin" not in html and "data-events" not in html
    assert 'href="http://127.0.0.1:5000/constancias/no-afiliacion" target="_blank"' in html
    assert "htmx" not in html
    assert 'aria-live="polite"' in html
    assert 'aria-describedby="ayuda-curp"' in html


def test_every_option_is_honoured_and_kept_by_the_form(client) -> None:
    url = (
        f"/embed/curp?curp={VALID}&lang=en&theme=dark&compact=1&links=0"
        "&origin=https://Sitio.example:8443/&events=1"
    )
    html = html_of(client, url)
    assert '<html lang="en" class="theme-dark compact"' in html
    assert 'data-parent-origin="https://sitio.example:8443"' in html
    assert 'data-events="valid"' in html
    assert "Check your CURP" in html
    assert '<h1 class="visually-hidden">' in html
    assert "/constancias/" not in html
    assert "data-curp" not in html  # the CURP is shared only when the page opted in
    for name, value in (
        ("lang", "en"),
        ("theme", "dark"),
        ("compact", "1"),
        ("links", "0"),
        ("origin", "https://sitio.example:8443"),
        ("events", "1"),
    ):
        assert f'<input type="hidden" name="{name}" value="{value}">' in html


def test_shared_curp_only_when_asked(client) -> None:
    html = html_of(client, f"/embed/curp/resultado?curp={VALID}&share_curp=1")
    assert f'data-valid="true" data-curp="{VALID}"' in html
    assert "data-curp" not in html_of(client, f"/embed/curp/resultado?curp={VALID}&events=1")


@pytest.mark.parametrize(
    "origin",
    ["*", "javascript:alert(1)", "https://a.example/ruta", "null", "https://a b", "ftp://x"],
)
def test_a_bad_parent_origin_is_ignored(client, origin: str) -> None:
    html = html_of(client, "/embed/curp", query_string={"origin": origin, "events": "1"})
    assert "data-parent-origin" not in html
    assert 'name="origin"' not in html


def test_unknown_option_values_fall_back_to_defaults(client) -> None:
    html = html_of(client, "/embed/curp?lang=fr&theme=pink&compact=maybe")
    assert '<html lang="es" class="theme-light">' in html


# The same check as /curp


def test_same_explanations_as_the_curp_page(client) -> None:
    page = client.get(f"/curp?curp={INVALID}").get_data(as_text=True)
    widget = html_of(client, f"/embed/curp?curp={INVALID}")
    messages = re.findall(r"<li>([^<]*(?:posici|revisa)[^<]*)</li>", page, flags=re.I)
    assert messages
    for message in messages:
        assert message in widget
    assert 'data-valid="false"' in widget
    assert re.search(r'<span class="bad"[^>]*>1</span>', widget)


def test_english_widget_explains_the_problems_in_english(client) -> None:
    english = "There is no month 13: positions 7 and 8 are your month of birth (01 to 12)."
    for url in (
        f"/embed/curp?curp={INVALID}&lang=en",
        f"/embed/curp/resultado?curp={INVALID}&lang=en",
    ):
        html = html_of(client, url)
        assert english in html and "The check digit should be 8" in html
        assert "El mes 13" not in html and "dígito verificador" not in html
    assert "El mes 13 no existe" in html_of(client, f"/embed/curp?curp={INVALID}")


def test_english_widget_opens_the_portal_in_english(client) -> None:
    for url in (f"/embed/curp?curp={VALID}&lang=en", f"/embed/curp/resultado?curp={VALID}&lang=en"):
        doc = lxml_html.fromstring(html_of(client, url))
        hrefs = doc.xpath('//a[@target="_blank"]/@href')
        assert "http://127.0.0.1:5000/idioma?lang=en&next=%2Fconstancias%2Fno-afiliacion" in hrefs
        assert len(hrefs) >= 4 and all(
            h.startswith("http://127.0.0.1:5000/idioma?lang=en&next=%2F") for h in hrefs
        ), hrefs
    assert 'href="http://127.0.0.1:5000/idioma?lang=en&amp;next=%2Fcurp"' in html_of(
        client, "/embed/curp?lang=en"
    )  # the credit line too
    # The language switch keeps English for the rest of the visit, not only the first page.
    opened = client.get("/idioma?lang=en&next=%2Fconstancias%2Fno-afiliacion")
    assert (opened.status_code, opened.headers["Location"]) == (302, "/constancias/no-afiliacion")
    assert "lang=en" in opened.headers["Set-Cookie"]
    spanish = lxml_html.fromstring(html_of(client, f"/embed/curp?curp={VALID}"))
    assert "http://127.0.0.1:5000/constancias/no-afiliacion" in spanish.xpath("//a/@href")
    assert not [h for h in spanish.xpath("//a/@href") if "idioma" in h]


def test_fragment_is_progress_while_typing_and_an_error_on_submit(client) -> None:
    typing = html_of(client, "/embed/curp/resultado?curp=PXNE66&typing=1")
    assert "Llevas 6 de 18 caracteres" in typing and "data-valid" not in typing
    assert "<html" not in typing
    submitted = html_of(client, "/embed/curp/resultado?curp=PXNE66")
    assert 'data-valid="false"' in submitted


def widget_input(html: str) -> str:
    match = re.search(r'<input[^>]*id="campo-curp"[^>]*>', html)
    assert match, html
    return match.group()


def test_an_empty_check_asks_for_the_curp_with_and_without_javascript(client) -> None:
    first = html_of(client, "/embed/curp")
    assert "Escribe tu CURP." not in first and "aria-invalid" not in widget_input(first)
    page = html_of(client, "/embed/curp?curp=&theme=dark")
    assert '<p class="panel panel--error" id="error-curp">' in page and "Escribe tu CURP." in page
    field = widget_input(page)
    assert 'aria-invalid="true"' in field and 'aria-describedby="ayuda-curp error-curp"' in field
    fragment = html_of(client, "/embed/curp/resultado?curp=+")
    assert 'id="error-curp"' in fragment and "data-valid" not in fragment  # no event to the host
    assert "Escribe tu CURP." not in html_of(client, "/embed/curp/resultado?curp=&typing=1")
    assert "Enter your CURP." in html_of(client, "/embed/curp/resultado?curp=&lang=en")


def test_widget_script_marks_the_field_from_the_answer() -> None:
    source = (Path(__file__).resolve().parents[2] / "static/js/widget.js").read_text()
    assert 'getElementById("error-curp")' in source and '"aria-invalid"' in source


def test_valid_fragment_shows_facts(client) -> None:
    html = html_of(client, f"/embed/curp/resultado?curp={VALID.lower()}")
    assert f"La CURP {VALID} está bien formada" in html
    assert "20 de julio de 1966" in html


def test_garbage_never_breaks_the_widget(client) -> None:
    for junk in ("🙂" * 30, "\x00", "<script>alert(1)</script>", "A" * 5000):
        for url in ("/embed/curp", "/embed/curp/resultado"):
            html = html_of(client, url, query_string={"curp": junk, "origin": junk, "lang": junk})
            assert "<script>alert" not in html


# Weight


def test_widget_with_everything_it_loads_weighs_under_15_kb_gzipped(client) -> None:
    # The heaviest state: a valid CURP with its facts and links, as the no-JS page renders it.
    page = client.get(f"/embed/curp?curp={VALID}&lang=en&origin=https://a.example")
    html = page.get_data()
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    assert {a.rsplit(b"/", 1)[-1] for a in assets} == {b"widget.css", b"widget.js"}
    total = len(gzip.compress(html, compresslevel=6))
    for asset in assets:
        with client.get(asset.decode()) as response:
            assert response.status_code == 200
            total += len(gzip.compress(response.get_data(), compresslevel=6))
    assert not re.search(rb'<(?:img|iframe|link)[^>]+(?:src|href)="https?:', html)
    assert total <= BUDGET, f"{total} bytes gzipped"


def test_widget_script_never_posts_to_any_origin() -> None:
    source = (Path(__file__).resolve().parents[2] / "static/js/widget.js").read_text()
    assert '"*"' not in source.replace('never "*"', "")
    assert "postMessage(message, parentOrigin)" in source


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/embed/curp/", 404),
        ("get", "/embed/curp/x", 404),
        ("get", "/embed/curp/resultado/", 404),
        ("post", "/embed/curp", 405),
        ("post", "/embed/curp/resultado", 405),
    ],
)
def test_unrouted_widget_paths_get_the_spanish_error_page(
    client: FlaskClient, method: str, path: str, status: int
) -> None:
    # These have no session (cookie-less paths): the error page must not need one.
    response = getattr(client, method)(path)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "<title>" in html and "Internal Server Error" not in html
    assert "Content-Security-Policy" in response.headers
    assert "Set-Cookie" not in response.headers

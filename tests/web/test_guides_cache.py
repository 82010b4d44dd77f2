"""What caches may keep of the content pages: every answer names what its words depend on, so a
shared cache never gives one reader's language to another."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html

from domain.guides import load_library

LIBRARY = load_library(Path(__file__).resolve().parents[2] / "content")
CONTENT_URLS = sorted(p.url for p in LIBRARY.pages.values())
SEARCH = "/preguntas-frecuentes/buscar?q=curp"


def count_of(body: str) -> str:
    fragment = lxml_html.fragment_fromstring(body, create_parent="div")
    return str(fragment.xpath('string(//span[@hx-swap-oob="innerHTML:#conteo-faq"])'))


def test_the_export_s_faq_filter_answers_in_spanish_whatever_the_cookie(
    client: FlaskClient,
) -> None:
    spanish = client.get(SEARCH)
    client.set_cookie("lang", "en")
    with_cookie = client.get(SEARCH)
    # One URL, one answer: what a shared cache keeps for 5 minutes is right for every reader.
    assert "public" in with_cookie.headers["Cache-Control"]
    assert "Cookie" not in with_cookie.headers.get("Vary", "")
    assert with_cookie.get_data() == spanish.get_data()
    assert count_of(with_cookie.get_data(as_text=True)).endswith("preguntas contienen “curp”.")


def test_the_export_s_faq_filter_answers_in_the_language_its_url_names(
    client: FlaskClient,
) -> None:
    english = client.get(SEARCH + "&lang=en").get_data(as_text=True)
    assert count_of(english).endswith("questions contain “curp”.")
    none = client.get("/preguntas-frecuentes/buscar?q=zzzxxy&lang=en").get_data(as_text=True)
    assert '<p lang="en">Try other words' in none
    # Anything but a language the portal speaks is the export's Spanish.
    client.set_cookie("lang", "en")
    assert "contienen" in count_of(client.get(SEARCH + "&lang=fr").get_data(as_text=True))


@pytest.mark.parametrize("url", ["/", "/preguntas-frecuentes", *CONTENT_URLS])
def test_content_pages_vary_on_the_language_cookie(client: FlaskClient, url: str) -> None:
    spanish = client.get(url)
    client.set_cookie("lang", "en")
    english = client.get(url)
    assert lxml_html.fromstring(english.get_data()).get("lang") == "en"
    assert spanish.get_data() != english.get_data()
    # Without Cache-Control a shared cache may still keep them (heuristic freshness).
    assert "Cookie" in {v.strip() for v in english.headers["Vary"].split(",")}, url
    assert "public" not in english.headers.get("Cache-Control", "")

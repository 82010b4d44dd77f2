"""The official Spanish names of the documents inside English sentences are marked lang="es",
so a screen reader says them in Spanish ("Constancia de No Afiliación", as the PDF and the
offices call it) and a spell checker leaves them alone.

The English catalog marks them itself, in messages whose Spanish has no markup: that is safe only
where the message is rendered as HTML text (Jinja's gettext gives markup then). So such a message
is never used in plain text (a .txt email, Python), in a meta description or in an attribute; a
<title> keeps the words without the markup (titulo_completo)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from lxml import html as lxml_html

from tests.web.constancias_helpers import download

ROOT = Path(__file__).resolve().parents[2]
ES = '<span lang="es">'
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None}


def marked_in_english() -> set[str]:
    """The msgids whose English adds a lang="es" mark their Spanish does not have."""
    with (ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return {
            m.id
            for m in read_po(po)
            if isinstance(m.string, str) and ES in m.string and ES not in m.id
        }


def uses() -> list[tuple[str, int, str]]:
    """(file, line, msgid) of every message the code and the templates mark."""
    found = []
    for folder, methods in (
        ("templates", [("**.html", "jinja2"), ("**.txt", "jinja2")]),
        ("blueprints", [("**.py", "python")]),
        ("domain", [("**.py", "python")]),
    ):
        for name, line, message, _c, _ctx in extract_from_dir(
            ROOT / folder, method_map=methods, keywords=KEYWORDS
        ):
            plural = isinstance(message, tuple)
            found += [(f"{folder}/{name}", line, m) for m in (message if plural else (message,))]
    return found


def test_english_marked_names_are_only_rendered_as_html_text() -> None:
    marked = marked_in_english()
    assert "Constancia de No Afiliación al ISSSTE" in marked
    wrong = []
    for name, line, message in uses():
        if message not in marked:
            continue
        source = (ROOT / name).read_text("utf-8").splitlines()[line - 1]
        in_attribute = re.search(r"""=["']\{\{-?\s*_\(\s*["']""" + re.escape(message), source)
        if not name.endswith(".html") or "block description" in source or in_attribute:
            wrong.append((name, line, message))
    assert wrong == []


def spanish_names(doc: lxml_html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(s.text_content().split()) for s in doc.xpath(f"{xpath}//span[@lang='es']")]


def test_english_pages_mark_the_spanish_names(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    doc = lxml_html.fromstring(client.get("/constancias/no-afiliacion").get_data(as_text=True))
    assert spanish_names(doc, "//h1") == ["Constancia de No Afiliación"]
    # The title says the same words, without the mark a <title> cannot hold.
    [title] = doc.xpath("//title")
    assert title.text == (
        "ISSSTE certificate of non-affiliation (Constancia de No Afiliación) · Derechohabiencia"
    )
    index = lxml_html.fromstring(client.get("/constancias").get_data(as_text=True))
    assert spanish_names(index, "//h2/a") == [
        "Constancia de No Afiliación",
        "Constancia de No Derechohabiencia",
        "Constancia de Vigencia de Derechos",
    ]
    assert spanish_names(index, "//p") == ["Constancia de Vigencia de Derechos"]


def test_the_verified_document_s_spanish_title_is_marked_in_english(client: FlaskClient) -> None:
    _pdf, path = download(client)
    spanish = lxml_html.fromstring(client.get(path).get_data(as_text=True))
    assert spanish_names(spanish, "//dd") == []  # a Spanish page needs no mark
    client.set_cookie("lang", "en")
    english = lxml_html.fromstring(client.get(path).get_data(as_text=True))
    assert spanish_names(english, "//dd") == ["Constancia de No Afiliación"]

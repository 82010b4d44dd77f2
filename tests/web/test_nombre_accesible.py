"""WCAG 2.5.3 (label in name): a link's or button's visible words start its accessible name,
in one unbroken run, so "click Descargar constancia (PDF)" said to voice control finds it.
Words only screen readers hear go at the end, never in the middle."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from lxml import html as lxml_html

from tests.web.constancias_helpers import UNKNOWN

ROOT = Path(__file__).resolve().parents[2]
HIDDEN = '<span class="visually-hidden">'


def words(node: Any) -> str:
    return " ".join(node.text_content().split())


def visible(node: Any) -> str:
    shown = copy.deepcopy(node)
    for hidden in shown.xpath('.//*[contains(concat(" ", @class, " "), " visually-hidden ")]'):
        hidden.drop_tree()
    return words(shown)


def names(html: str) -> list[tuple[str, str]]:
    """(visible words, accessible name) of every link and button with words hidden inside."""
    doc = lxml_html.fromstring(html)
    return [
        (visible(node), words(node))
        for node in doc.xpath('//a[.//*[contains(@class, "visually-hidden")]] | //button')
        if visible(node) != words(node)
    ]


@pytest.mark.parametrize(
    ("lang", "label"), [("es", "Descargar constancia (PDF)"), ("en", "Download certificate (PDF)")]
)
def test_the_no_afiliacion_download_s_name_starts_with_its_label(
    client: FlaskClient, lang: str, label: str
) -> None:
    client.set_cookie("lang", lang)
    html = client.post("/constancias/no-afiliacion", data={"curp": UNKNOWN}).get_data(as_text=True)
    doc = lxml_html.fromstring(html)
    [button] = doc.xpath('//form[@action="/constancias/no-afiliacion/descargar"]//button')
    assert visible(button) == label
    assert words(button).startswith(label + ":")  # then what it is, for screen readers
    assert all(name.startswith(shown) for shown, name in names(html))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_start_page_s_links_start_with_their_label(client: FlaskClient, lang: str) -> None:
    client.set_cookie("lang", lang)
    found = names(client.get("/").get_data(as_text=True))
    assert found  # "Empezar: …" links hide what they start
    assert all(name.startswith(shown) for shown, name in found)


def test_hidden_words_end_every_message_that_has_them() -> None:
    """In the templates' messages and in their English, hidden words close the message."""
    messages = {
        str(message)
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "templates", method_map=[("**.html", "jinja2")]
        )
    }
    with (ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        english = {str(m.string) for m in read_po(po) if m.id and isinstance(m.string, str)}
    for text in messages | english:
        if HIDDEN in text:
            assert text.endswith("</span>") and text.count(HIDDEN) == 1, text

"""Lists in the reader's language (the |lista filter): "A, B y C" in Spanish, "A, B, and C" in
English, as CLDR joins them, never a bare "y" glued between items."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from flask import Flask, render_template_string
from flask_babel import force_locale
from lxml import html as lxml_html

from domain.eleccion import arbol

ROOT = Path(__file__).resolve().parents[2]


def joined(app: Flask, lang: str, template: str, **context: object) -> str:
    with app.test_request_context(), force_locale(lang):
        return render_template_string(template, **context)


@pytest.mark.parametrize(
    ("lang", "two", "three"),
    [
        ("es", "IMSS y ISSSTE", "IMSS, ISSSTE y RENAPO"),
        ("en", "IMSS and ISSSTE", "IMSS, ISSSTE, and RENAPO"),
    ],
)
def test_each_language_joins_a_list_its_own_way(
    app: Flask, lang: str, two: str, three: str
) -> None:
    names = ["IMSS", "ISSSTE", "RENAPO"]
    assert joined(app, lang, "{{ names|lista }}", names=names[:2]) == two
    assert joined(app, lang, "{{ names|lista }}", names=names) == three
    assert joined(app, lang, "{{ names|lista }}", names=names[:1]) == "IMSS"
    assert joined(app, lang, "{{ names|lista }}", names=[]) == ""


def test_items_are_escaped_unless_they_are_markup(app: Flask) -> None:
    template = (
        '{% macro enlace(x) %}<a href="#{{ x }}">{{ x }}</a>{% endmacro %}{{ xs|lista(enlace) }}'
    )
    assert joined(app, "es", template, xs=["a<b", "c"]) == (
        '<a href="#a&lt;b">a&lt;b</a> y <a href="#c">c</a>'
    )
    assert joined(app, "en", "{{ xs|lista }}", xs=["<b>", "&"]) == "&lt;b&gt; and &amp;"


def test_the_exported_choice_lists_its_documents_with_the_filter(app: Flask) -> None:
    template = ROOT / "templates" / "guides" / "_eleccion_estatica.html"
    msgids = {message for _line, message, _c, _ctx in extract_from_file("jinja2", template)}
    assert "y" not in msgids  # the bare conjunction glued between names
    html = joined(app, "en", '{% include "guides/_eleccion_estatica.html" %}', arbol=arbol())
    both = lxml_html.fragment_fromstring(html, create_parent="div").xpath(
        '//li[count(a)=2][a[@href="#documento-vigencia-imss"]]'
    )
    assert [a.tail.strip() for a in both[0].xpath("a")] == ["and", "."]

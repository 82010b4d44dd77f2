"""The guide engine on small content directories written by each test."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from domain.guides import Library, load_library
from domain.guides_enlaces import PORTAL_PATHS, check_links
from domain.guides_front_matter import ContentError

FIELDS = {
    "title": "Una guía",
    "description": "Descripción corta.",
    "slug": "una-guia",
    "kind": "guia",
    "institution": "IMSS",
    "updated": "2026-11-26",
    "order": "1",
}


def write(directory: Path, name: str, body: str, **fields: str | None) -> Path:
    """Write a content file; a field set to None is left out of the front matter."""
    meta = {**FIELDS, "slug": name.removesuffix(".md"), **fields}
    lines = [f"{key}: {value}" for key, value in meta.items() if value is not None]
    path = directory / name
    path.write_text("---\n" + "\n".join(lines) + "\n---\n" + body, encoding="utf-8")
    return path


def load_one(tmp_path: Path, body: str, **fields: str | None) -> Library:
    write(tmp_path, "pagina.md", body, **fields)
    return load_library(tmp_path)


def test_page_fields_come_from_front_matter(tmp_path: Path) -> None:
    page = load_one(tmp_path, "Hola.\n", title="Título", order="7").pages["pagina"]
    assert (page.title, page.kind, page.institution, page.order) == ("Título", "guia", "IMSS", 7)
    assert page.updated == dt.date(2026, 11, 26)
    assert page.url == "/guias/pagina"
    assert page.source == "pagina.md"


@pytest.mark.parametrize(
    ("kind", "url"),
    [("guia", "/guias/pagina"), ("faq", "/preguntas-frecuentes"), ("legal", "/pagina")],
)
def test_url_depends_on_kind(tmp_path: Path, kind: str, url: str) -> None:
    assert load_one(tmp_path, "Texto.\n", kind=kind).pages["pagina"].url == url


def test_raw_html_is_escaped(tmp_path: Path) -> None:
    body = '<script>alert("x")</script>\n\nTexto <b onclick="x()">hola</b>\n'
    html = load_one(tmp_path, body).pages["pagina"].html
    assert "<script" not in html
    assert "<b " not in html
    assert "&lt;script&gt;" in html


def test_headings_get_unique_ascii_ids_and_h2_toc(tmp_path: Path) -> None:
    body = "## ¿Qué es?\n\n### Año y Niño\n\n## ¿Qué es?\n\n## Paso 1: entra\n"
    page = load_one(tmp_path, body).pages["pagina"]
    assert page.toc == (
        ("que-es", "¿Qué es?"),
        ("que-es-2", "¿Qué es?"),
        ("paso-1-entra", "Paso 1: entra"),
    )
    assert page.anchors == {"que-es", "ano-y-nino", "que-es-2", "paso-1-entra"}
    assert '<h3 id="ano-y-nino">Año y Niño</h3>' in page.html
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a) for a in page.anchors)


def test_tables_render_with_column_headers(tmp_path: Path) -> None:
    body = "| Posición | Qué es |\n|---|---|\n| 1 | Letra |\n"
    html = load_one(tmp_path, body).pages["pagina"].html
    assert '<th scope="col">Posición</th>' in html
    assert "<td>Letra</td>" in html


@pytest.mark.parametrize("body", ["# Título\n", "Título\n======\n"])
def test_h1_is_rejected(tmp_path: Path, body: str) -> None:
    with pytest.raises(ContentError, match=r"pagina\.md.*h1"):
        load_one(tmp_path, body)


def test_links_are_split_and_plain_text_kept(tmp_path: Path) -> None:
    body = "Ve a [tu CURP](/curp) o a [RENAPO](https://www.gob.mx/curp/). Ver [abajo](#fin).\n"
    page = load_one(tmp_path, body).pages["pagina"]
    assert page.internal_links == ("/curp", "#fin")
    assert page.external_links == ("https://www.gob.mx/curp/",)
    assert '<a href="https://www.gob.mx/curp/">RENAPO</a>' in page.html
    assert "target" not in page.html
    assert page.text == "Ve a tu CURP o a RENAPO. Ver abajo."


@pytest.mark.parametrize("field", list(FIELDS))
def test_missing_field_names_the_field(tmp_path: Path, field: str) -> None:
    with pytest.raises(ContentError, match=rf"pagina\.md: field '{field}'") as caught:
        load_one(tmp_path, "Texto.\n", **{field: None})
    assert caught.value.field == field
    assert caught.value.source == "pagina.md"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("order", "uno"),
        ("order", "true"),
        ("updated", "ayer"),
        ("title", "[1, 2]"),
        ("kind", "blog"),
        ("institution", "IMSS-Bienestar"),
        ("slug", "Con Espacios"),
        ("description", "x" * 161),
    ],
)
def test_wrong_field_names_the_field(tmp_path: Path, field: str, value: str) -> None:
    with pytest.raises(ContentError, match=rf"field '{field}'"):
        load_one(tmp_path, "Texto.\n", **{field: value})


def test_missing_front_matter_and_bad_yaml(tmp_path: Path) -> None:
    (tmp_path / "sin.md").write_text("## Hola\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"sin\.md: front matter"):
        load_library(tmp_path)
    (tmp_path / "sin.md").write_text("---\ntitle: a: b\n---\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"sin\.md: front matter is not valid YAML"):
        load_library(tmp_path)


def test_duplicate_slug_and_missing_directory(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "A.\n", slug="igual")
    write(tmp_path, "b.md", "B.\n", slug="igual")
    with pytest.raises(ContentError, match="duplicate slug"):
        load_library(tmp_path)
    with pytest.raises(ContentError, match="not found"):
        load_library(tmp_path / "no-existe")


FAQ = """Introducción que no es una pregunta.

## ¿Cuánto cuesta?

Es **gratis**.

## ¿Olvidé mi contraseña?

Ve a [recuperar](/cuenta/recuperar).

## ¿Qué es la afiliación?

Estar registrado en el ISSSTE.
"""


def faq_library(tmp_path: Path) -> Library:
    write(tmp_path, "preguntas-frecuentes.md", FAQ, kind="faq", institution="ambas")
    return load_library(tmp_path)


def test_faq_entries_split_on_h2(tmp_path: Path) -> None:
    entries = faq_library(tmp_path).faq_entries
    assert [e.id for e in entries] == [
        "cuanto-cuesta",
        "olvide-mi-contrasena",
        "que-es-la-afiliacion",
    ]
    first = entries[0]
    assert first.question == "¿Cuánto cuesta?"
    assert first.answer_html == "<p>Es <strong>gratis</strong>.</p>\n"
    assert first.answer_text == "Es gratis."
    assert '<a href="/cuenta/recuperar">recuperar</a>' in entries[1].answer_html


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("afiliacion", ["que-es-la-afiliacion"]),
        ("AFILIACIÓN issste", ["que-es-la-afiliacion"]),
        ("contrasena", ["olvide-mi-contrasena"]),
        ("¿recuperar?", ["olvide-mi-contrasena"]),
        ("gratis cuesta", ["cuanto-cuesta"]),
        ("gratis issste", []),
        ("", ["cuanto-cuesta", "olvide-mi-contrasena", "que-es-la-afiliacion"]),
    ],
)
def test_search_faq_ignores_accents_and_case(tmp_path: Path, query: str, ids: list[str]) -> None:
    assert [e.id for e in faq_library(tmp_path).search_faq(query)] == ids


def test_check_links_reports_unknown_paths_and_anchors(tmp_path: Path) -> None:
    write(tmp_path, "uno.md", "## Inicio\n\n[a](/guias/dos#fin) [b](/curp) [c](#inicio)\n")
    body = "## Fin\n\n[d](/guias/uno#nada) [e](/no-existe) [f](/curp#x) [g](#tampoco)\n"
    write(tmp_path, "dos.md", body, order="2")
    library = load_library(tmp_path)
    assert check_links(library) == [
        "dos: /guias/uno#nada",
        "dos: /no-existe",
        "dos: /curp#x",
        "dos: #tampoco",
    ]
    assert check_links(library, PORTAL_PATHS | {"/no-existe"})[1:2] == ["dos: /curp#x"]


def test_related_and_previous_next(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "A.\n", order="1", institution="IMSS")
    write(tmp_path, "b.md", "B.\n", order="2", institution="ISSSTE")
    write(tmp_path, "c.md", "C.\n", order="3", institution="ambas")
    write(tmp_path, "d.md", "D.\n", order="4", institution="IMSS")
    write(tmp_path, "e.md", "E.\n", order="5", institution="ninguna")
    write(tmp_path, "aviso.md", "Legal.\n", kind="legal", institution="IMSS")
    library = load_library(tmp_path)
    assert [g.slug for g in library.guides] == ["a", "b", "c", "d", "e"]
    assert [p.slug for p in library.related("a")] == ["d", "c"]
    assert [p.slug for p in library.related("c")] == ["a", "b", "d"]
    assert [p.slug for p in library.related("e")] == ["c"]
    before, after = library.previous_next("a")
    assert before is None
    assert after is not None and after.slug == "b"
    assert library.previous_next("aviso") == (None, None)
    assert library.by_url("/aviso") is library.pages["aviso"]
    assert [p.slug for p in library.of_kind("legal")] == ["aviso"]

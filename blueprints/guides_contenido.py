"""The guides' content: the Markdown in content/, parsed once when the blueprint is registered
into a GuideSite kept in ``app.extensions["guides"]``; how a content page is rendered (once per
language, then kept); and what the static export changes (see blueprints/freeze.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Response, current_app, render_template, request, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from blueprints.freeze_links import static_link, static_links
from blueprints.templating import current_lang
from domain.guides import FaqEntry, Library, Page, load_library

# Guides that end with a working tool, not only a link to it: slug -> the template included.
HERRAMIENTAS = {"que-es-la-curp": "guides/_revisar_curp.html"}
FAQ_PATH = "/preguntas-frecuentes"


@dataclass(frozen=True)
class GuideSite:
    """The parsed content plus what every request would otherwise recompute."""

    library: Library
    faq_jsonld: Markup
    # (path, last modified) of every content page, start page first.
    sitemap: tuple[tuple[str, dt.date], ...]
    # Finished HTML of content pages by (path, language): see render_content.
    rendered: dict[tuple[str, str], bytes] = field(default_factory=dict)

    @property
    def paths(self) -> frozenset[str]:
        """The URL paths of the pages the static export writes: all of the sitemap's."""
        return frozenset(path for path, _updated in self.sitemap)


def load_site(content_dir: Path) -> GuideSite:
    library = load_library(content_dir)
    pages = sorted(library.pages.values(), key=lambda p: (p.kind != "guia", p.order, p.url))
    return GuideSite(
        library=library,
        faq_jsonld=htmlsafe_json_dumps(faq_structured_data(library.faq_entries)),
        sitemap=(("/", max(p.updated for p in pages)), *((p.url, p.updated) for p in pages)),
    )


def faq_structured_data(entries: tuple[FaqEntry, ...]) -> dict[str, Any]:
    """schema.org FAQPage, so that search engines can show the answers."""
    questions = [
        {
            "@type": "Question",
            "name": e.question,
            "acceptedAnswer": {"@type": "Answer", "text": e.answer_text},
        }
        for e in entries
    ]
    return {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": questions}


def guide_site() -> GuideSite:
    site: GuideSite = current_app.extensions["guides"]
    return site


# --- Static export helpers (see blueprints/freeze.py) ----------------------------------------


def is_frozen() -> bool:
    """True while `flask freeze` renders the pages of the static export."""
    return bool(current_app.config.get("FROZEN"))


def backend_url(target: str, **values: Any) -> str:
    """A URL that only the backend answers (a form, an htmx request, a procedure): absolute to
    PUBLIC_BASE_URL in the static export. `target` is a path ("/imss/nss") or an endpoint."""
    # flask.url_for, not the template's: Frozen-Flask makes that one return relative URLs.
    path = target if target.startswith("/") else url_for(target, **values)
    return current_app.config["PUBLIC_BASE_URL"] + path if is_frozen() else path


def exported_faq_link(path: str) -> Markup:
    """A link of the export's FAQ filter, whose fragment lands in the exported FAQ page: to an
    exported page, relative to that page ("../guias/x/index.html"); to anything else, absolute
    to the backend, since "/constancias/..." does not exist on the static host."""
    site = guide_site()
    backend = current_app.config["PUBLIC_BASE_URL"]
    return Markup(static_link(escape(path), FAQ_PATH, site.paths, backend))  # noqa: S704


def exported_faq_answers(entries: tuple[FaqEntry, ...]) -> dict[str, Markup]:
    """FAQ answers for the export's filter, their links fixed as ``exported_faq_link``'s."""
    site = guide_site()
    backend = current_app.config["PUBLIC_BASE_URL"]
    return {
        # answer_html is markdown-it "js-default" output: raw HTML in content is escaped.
        e.id: Markup(static_links(e.answer_html, FAQ_PATH, site.paths, backend))  # noqa: S704
        for e in entries
    }


def page_meta(title: str, description: str, path: str, kind: str = "article") -> dict[str, str]:
    """Canonical URL and Open Graph tags; the canonical URL is always the backend's."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return {"title": title, "description": description, "url": base + path, "type": kind}


def with_vary(body: str) -> Response:
    # One URL answers with a page or a fragment, so caches must key on the header.
    response = Response(body, mimetype="text/html")
    response.vary.add("HX-Request")
    response.vary.add("Cookie")  # the language: see render_content
    return response


def render_content(page: Page) -> Response:
    """A guide or legal page, the same for every visitor in one language.

    These pages post nothing, so they carry no CSRF token, and nothing in them depends on who
    asks: each is rendered once per language and kept, as a static export would be. A query
    string (only the language switch reads it) bypasses the store, so it cannot grow.
    """
    site = guide_site()
    key = (page.url, current_lang())
    keep = not request.query_string and not current_app.debug and not is_frozen()
    html = site.rendered.get(key) if keep else None
    if html is None:
        library = site.library
        before, after = library.previous_next(page.slug)
        related = library.related(page.slug) if page.kind == "guia" else ()
        meta = page_meta(page.title, page.description, page.url)
        html = render_template(
            "guides/page.html",
            page=page,
            related=related,
            before=before,
            after=after,
            meta=meta,
            herramienta=HERRAMIENTAS.get(page.slug),
            posts_nothing=True,
        ).encode()
        if keep:
            site.rendered[key] = html
    response = Response(html, mimetype="text/html")
    # The interface around the page follows the "lang" cookie. Nothing forbids a shared cache
    # from keeping an answer without Cache-Control (heuristic freshness), so say it depends on
    # the cookie, or Spanish readers could be served the English copy.
    response.vary.add("Cookie")
    return response

"""/ (which document do I need?), /guias/<slug>, /preguntas-frecuentes, the legal pages,
/sitemap.xml and /robots.txt.

The Markdown in content/ is parsed once, when the blueprint is registered, into a Library kept in
``app.extensions["guides"]``; requests only render templates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from blueprints.extensions import limiter
from blueprints.htmx_util import (
    for_other_origins,
    opened_as_page,
    page_or_fragment,
    swaps_land_on,
    wants_fragment,
)
from blueprints.templating import current_lang
from domain.eleccion import DOCUMENTOS, arbol, elegir
from domain.guides import FaqEntry, Library, Page, load_library

bp = Blueprint("guides", __name__)

LEGAL_SLUGS = ("aviso-de-privacidad", "terminos-de-uso", "accesibilidad")
# Guides that end with a working tool, not only a link to it: slug -> the template included.
HERRAMIENTAS = {"que-es-la-curp": "guides/_revisar_curp.html"}
ROBOTS_DISALLOW = ("/oficina", "/cuenta", "/api/", "/embed/")
SEARCH_LIMIT = "120 per minute"
_ROOT_RELATIVE_HREF = re.compile(r'href="/(?!/)')


# --- Content, loaded once ------------------------------------------------------------------


@dataclass(frozen=True)
class GuideSite:
    """The parsed content plus what every request would otherwise recompute."""

    library: Library
    faq_jsonld: Markup
    # (path, last modified) of every content page, start page first.
    sitemap: tuple[tuple[str, dt.date], ...]
    # Finished HTML of content pages by (path, language): see render_content.
    rendered: dict[tuple[str, str], bytes] = field(default_factory=dict)


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


@bp.record_once
def _load_content(state: BlueprintSetupState) -> None:
    app = state.app
    content_dir = app.config.get("CONTENT_DIR") or Path(app.root_path) / "content"
    app.extensions["guides"] = load_site(Path(content_dir))


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


@bp.app_context_processor
def _export_context() -> dict[str, Any]:
    return {"frozen": is_frozen(), "backend_url": backend_url}


def page_meta(title: str, description: str, path: str, kind: str = "article") -> dict[str, str]:
    """Canonical URL and Open Graph tags; the canonical URL is always the backend's."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return {"title": title, "description": description, "url": base + path, "type": kind}


def with_vary(body: str) -> Response:
    # One URL answers with a page or a fragment, so caches must key on the header.
    response = Response(body, mimetype="text/html")
    response.vary.add("HX-Request")
    return response


# --- Start page: which document do I need? -------------------------------------------------
# The flow lives here; its words live in templates/guides/_textos.html, so they are translated.


# --- Routes --------------------------------------------------------------------------------


def index_meta() -> dict[str, str]:
    description = _(
        "Elige la constancia del IMSS o del ISSSTE que necesitas y pídela en línea, gratis. "
        "Te decimos qué necesitas y cuánto tarda."
    )
    return page_meta(_("¿Qué documento necesitas?"), description, "/", "website")


@bp.get("/")
def index() -> ResponseReturnValue:
    body = page_or_fragment(
        "guides/index.html",
        "guides/_eleccion.html",
        paso=elegir(request.args),
        meta=index_meta(),
        documentos=DOCUMENTOS.values(),
        pages=guide_site().library.pages,
        oob=wants_fragment(),
        arbol=arbol() if is_frozen() else None,
    )
    return with_vary(body)


# An alert's title: the first question's, which asks nothing yet (its error is the alert's).
swaps_land_on(
    "guides/index.html", "guides.index", context=lambda: {"paso": elegir({}), "meta": index_meta()}
)


@bp.get("/guias/<slug>")
def guide(slug: str) -> ResponseReturnValue:
    page = guide_site().library.pages.get(slug)
    if page is None or page.kind != "guia":
        abort(404)
    return render_content(page)


def legal() -> ResponseReturnValue:
    page = guide_site().library.by_url(request.path)
    if page is None or page.kind != "legal":
        abort(404)
    return render_content(page)


# One plain rule per page, without "/<slug>" or defaults: the footer looks each path up in the
# URL map, and code that lists routes takes rule arguments for placeholders in the path.
for _slug in LEGAL_SLUGS:
    bp.add_url_rule(f"/{_slug}", "legal", legal, methods=["GET"])


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
    return Response(html, mimetype="text/html")


@bp.get("/preguntas-frecuentes")
@limiter.limit(SEARCH_LIMIT)
def faq() -> ResponseReturnValue:
    site = guide_site()
    page = site.library.by_url("/preguntas-frecuentes")
    if page is None:
        abort(404)
    q = request.args.get("q", "")[:100]
    entries = site.library.search_faq(q)
    # The page's title comes with the results, so one after an alert (a limit) takes its
    # "Error: " away.
    body = page_or_fragment(
        "guides/faq.html",
        "guides/_faq_results.html",
        page=page,
        q=q,
        entries=entries,
        conteo=count_message(len(entries), q),
        oob=wants_fragment(),
        jsonld=site.faq_jsonld,
        meta=page_meta(page.title, page.description, page.url, "website"),
    )
    return with_vary(body)


swaps_land_on(
    "guides/faq.html",
    "guides.faq",
    context=lambda: {"page": guide_site().library.by_url("/preguntas-frecuentes")},
)


@bp.get("/preguntas-frecuentes/buscar")
@for_other_origins
@limiter.limit(SEARCH_LIMIT)
def faq_search() -> ResponseReturnValue:
    """The FAQ filter of the static export: always a fragment, open to any origin, no cookies."""
    q = request.args.get("q", "")[:100]
    if opened_as_page():
        # Opened in the address bar: the real page rather than a bare fragment.
        return redirect(url_for(".faq", q=q or None))
    base = current_app.config["PUBLIC_BASE_URL"]
    entries = guide_site().library.search_faq(q)
    # The fragment lands on another origin, where "/constancias/..." would not exist.
    answers = {
        # answer_html is markdown-it "js-default" output: raw HTML in content is escaped.
        e.id: Markup(_ROOT_RELATIVE_HREF.sub(f'href="{base}/', e.answer_html))  # noqa: S704
        for e in entries
    }
    html = render_template(
        "guides/_faq_results.html",
        q=q,
        entries=entries,
        answers=answers,
        oob=True,
        conteo=count_message(len(entries), q),
        faq_url=base + url_for(".faq"),
    )
    response = Response(html, mimetype="text/html")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    # The same URL opened in the address bar is a redirect: a shared cache must tell them apart.
    response.vary.add("Sec-Fetch-Dest")
    return response


def count_message(found: int, q: str) -> str:
    q = q.strip()
    if not q:
        return ngettext("%(num)s pregunta.", "%(num)s preguntas.", found)
    if not found:
        return _("Ninguna pregunta contiene “%(q)s”.", q=q)
    return ngettext(
        "%(num)s pregunta contiene “%(q)s”.", "%(num)s preguntas contienen “%(q)s”.", found, q=q
    )


@bp.get("/sitemap.xml")
def sitemap() -> ResponseReturnValue:
    base = current_app.config["PUBLIC_BASE_URL"]
    xml = render_template("guides/sitemap.xml", base=base, entries=guide_site().sitemap)
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> ResponseReturnValue:
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {current_app.config['PUBLIC_BASE_URL']}/sitemap.xml")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")

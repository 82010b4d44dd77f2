"""/ (which document do I need?), /guias/<slug>, /preguntas-frecuentes, the legal pages,
/sitemap.xml and /robots.txt.

The Markdown in content/ is parsed once, when the blueprint is registered (blueprints/
guides_contenido.py); requests only render templates.
"""

from __future__ import annotations

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
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from blueprints.extensions import LANGUAGES, limiter
from blueprints.guides_contenido import (
    FAQ_PATH,
    backend_url,
    exported_faq_answers,
    exported_faq_link,
    guide_site,
    is_frozen,
    load_site,
    page_meta,
    render_content,
    with_vary,
)
from blueprints.htmx_util import (
    for_other_origins,
    opened_as_page,
    page_or_fragment,
    swaps_land_on,
    wants_fragment,
)
from domain.eleccion import DOCUMENTOS, arbol, elegir

bp = Blueprint("guides", __name__)

LEGAL_SLUGS = ("aviso-de-privacidad", "terminos-de-uso", "accesibilidad")
ROBOTS_DISALLOW = ("/oficina", "/cuenta", "/api/", "/embed/")
SEARCH_LIMIT = "120 per minute"


@bp.record_once
def _load_content(state: BlueprintSetupState) -> None:
    app = state.app
    content_dir = app.config.get("CONTENT_DIR") or Path(app.root_path) / "content"
    app.extensions["guides"] = load_site(Path(content_dir))


@bp.app_context_processor
def _export_context() -> dict[str, Any]:
    return {"frozen": is_frozen(), "backend_url": backend_url}


# --- Start page: which document do I need? -------------------------------------------------
# The flow lives in domain/eleccion.py; its words in templates/guides/_textos.html, translated.


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
    # Shared caches keep the answer: its language comes from the URL alone (the export's form
    # names it), never from a cookie, so every reader of one URL gets the same words.
    lang = request.args.get("lang")
    with force_locale(lang if lang in LANGUAGES else "es"):
        entries = guide_site().library.search_faq(q)
        html = render_template(
            "guides/_faq_results.html",
            q=q,
            entries=entries,
            answers=exported_faq_answers(entries),
            oob=True,
            conteo=count_message(len(entries), q),
            faq_url=exported_faq_link(FAQ_PATH),
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

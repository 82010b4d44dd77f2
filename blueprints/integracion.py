"""/integracion: how to embed the CURP widget (a snippet builder with a live preview), and
/api/v1/estatus/<curp>, the status lookup's JSON answer for sites that call it themselves."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import escape

from blueprints.embed_estatus import afiliacion_vigente, lookup_enabled, with_status_limits
from blueprints.embed_opciones import WidgetOptions
from blueprints.errors import problem
from blueprints.htmx_util import page_or_fragment, swaps_land_on
from blueprints.mail import url_publica
from domain import curp

bp = Blueprint("integracion", __name__)

EVENT_CHOICES = ("no", "valid", "curp")
SANDBOX = "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox"
FRAME_TITLES = {"es": "Revisa tu CURP", "en": "Check your CURP"}  # as embed.js writes them


@bp.get("/api/v1/estatus/<path:value>")
@with_status_limits
def status_api(value: str) -> ResponseReturnValue:
    if not lookup_enabled():
        return problem(404, "No encontramos esta página", "La consulta de estatus está apagada.")
    result = curp.report(value[:1024])
    estatus = afiliacion_vigente(result)
    if estatus is None:
        # Spanish like the rest of the JSON API (its contract); only the widget's HTML translates.
        detail = " ".join(p.message for p in result.errors)
        return problem(422, "La CURP no es válida", detail or "La CURP no es válida.")
    response = jsonify(
        curp=result.curp, imss_vigente=estatus["IMSS"], issste_vigente=estatus["ISSSTE"]
    )
    response.cache_control.no_store = True  # an affiliation can change at any moment
    return response


def script_snippet(src: str, opts: WidgetOptions) -> str:
    """The script tag for the builder: only the data attributes that differ from the defaults."""
    data = {
        "lang": opts.lang if opts.lang != "es" else None,
        "theme": opts.theme if opts.theme != "light" else None,
        "compact": "true" if opts.compact else None,
        "links": None if opts.links else "false",
        "events": "true" if opts.events and not opts.share_curp else None,
        "share-curp": "true" if opts.share_curp else None,
    }
    attrs = "".join(f'\n  data-{name}="{escape(v)}"' for name, v in data.items() if v)
    return f'<script src="{escape(src)}" async{attrs}></script>'


def iframe_snippet(src: str, opts: WidgetOptions) -> str:
    """The plain iframe: a fixed height tall enough for a valid CURP's answer."""
    height = 480 if opts.compact else 640
    return (
        f'<iframe src="{escape(src)}"\n  title="{FRAME_TITLES[opts.lang]}" width="100%" '
        f'height="{height}" style="border:0"\n  sandbox="{SANDBOX}"></iframe>'
    )


@bp.get("/integracion")
def index() -> ResponseReturnValue:
    """The snippet builder: a plain GET form; htmx swaps only the snippets and the preview."""
    eventos = request.args.get("eventos", "no")
    eventos = eventos if eventos in EVENT_CHOICES else "no"
    origen_texto = request.args.get("origen", "")[:200].strip()
    opts = WidgetOptions.from_args(
        {
            "lang": request.args.get("idioma", "es"),
            "theme": request.args.get("tema", "light"),
            "compact": request.args.get("compacto", ""),
            "links": request.args.get("enlaces", "1"),
            "events": "1" if eventos != "no" else "",
            "share_curp": "1" if eventos == "curp" else "",
            "origin": origen_texto,
        }
    )
    # The script tag learns the parent origin by itself; the plain iframe needs it written,
    # and the preview has no listener on this page.
    iframe_opts = opts if opts.origin else replace(opts, events=False, share_curp=False)
    preview_opts = replace(opts, origin=None, events=False, share_curp=False)
    return page_or_fragment(
        "integracion/index.html",
        "integracion/_snippet.html",
        opts=opts,
        eventos=eventos,
        origen_texto=origen_texto,
        origen_error=bool(origen_texto) and not opts.origin,
        # Snippets to paste into other sites name the configured address, never the Host header.
        script_code=script_snippet(url_publica("static", filename="embed.js"), opts),
        iframe_code=iframe_snippet(url_publica("embed.widget", **iframe_opts.query()), iframe_opts),
        preview_src=url_for("embed.widget", **preview_opts.query()),
        frame_ancestors=current_app.extensions["settings"].embed_allowed_origins,
        lookup=lookup_enabled(),
    )


swaps_land_on("integracion/index.html", "integracion.index")

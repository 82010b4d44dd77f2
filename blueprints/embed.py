"""/embed/curp: the CURP check as a widget for other sites; /integracion: how to embed it.

The widget page is framable (``@embeddable``), loads no htmx and never opens the session, so it
stays small and works in Safari with third-party cookies blocked: its forms are plain GETs that
need no token. The optional status lookup (EMBED_STATUS_LOOKUP=1) answers yes or no only, and is
rate limited per IP and per embedding site, with one budget for the widget and the JSON API.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Request,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.sessions import SecureCookieSessionInterface, SessionInterface, SessionMixin
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from blueprints.caida_de_base import RETRY_CAIDA, es_caida_de_base, registrar_caida_de_base
from blueprints.curp import check_context, submitted_curp
from blueprints.errors import cuanto_esperar, problem
from blueprints.extensions import LANGUAGES, db, limiter
from blueprints.htmx_util import page_or_fragment, swaps_land_on
from blueprints.mail import url_publica
from blueprints.security import embeddable, mark_embeddable
from domain import curp, registry

bp = Blueprint("embed", __name__)  # the framed widget: its errors stay inside the widget
pages = Blueprint("integracion", __name__)  # the builder page and the JSON status API
log = logging.getLogger(__name__)

CHECK_LIMIT = "120 per minute"  # the same budget as /curp
# Tests lower these through app.config; an operator has no reason to.
STATUS_LIMIT_IP = "10 per minute;100 per day"
STATUS_LIMIT_ORIGIN = "600 per hour"
ORIGIN_RE = re.compile(r"https?://(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:]+\])(?::\d{1,5})?")
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "si", "sí"})
THEMES = ("light", "dark")
EVENT_CHOICES = ("no", "valid", "curp")
SANDBOX = "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox"
FRAME_TITLES = {"es": "Revisa tu CURP", "en": "Check your CURP"}  # as embed.js writes them
# The widget and the whole public JSON API: stateless, so no session is read or written.
COOKIELESS = ("/embed/curp", "/embed/curp/", "/api/v1/")


def parent_origin(value: str | None) -> str | None:
    """A declared origin as browsers write it (``https://host[:port]``), or None."""
    text = (value or "").strip().lower().rstrip("/")
    return text if ORIGIN_RE.fullmatch(text) else None


def _flag(value: str | None, default: bool = False) -> bool:
    return default if value is None or not value.strip() else value.strip().lower() in TRUE_WORDS


@dataclass(frozen=True, slots=True)
class WidgetOptions:
    """What an embedding site may choose, read from the widget's query string."""

    lang: str = "es"
    theme: str = "light"
    compact: bool = False
    links: bool = True
    origin: str | None = None  # the parent page: the only target of postMessage
    events: bool = False
    share_curp: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> WidgetOptions:
        share = _flag(args.get("share_curp"))
        return cls(
            lang=args.get("lang", "es") if args.get("lang") in LANGUAGES else "es",
            theme=args.get("theme", "light") if args.get("theme") in THEMES else "light",
            compact=_flag(args.get("compact")),
            links=_flag(args.get("links"), default=True),
            origin=parent_origin(args.get("origin")),
            events=_flag(args.get("events")) or share,
            share_curp=share,
        )

    def query(self) -> dict[str, str]:
        """Only what differs from the defaults: the widget's query string and hidden fields."""
        pairs = {
            "lang": self.lang if self.lang != "es" else None,
            "theme": self.theme if self.theme != "light" else None,
            "compact": "1" if self.compact else None,
            "links": None if self.links else "0",
            "origin": self.origin,
            "events": "1" if self.events and not self.share_curp else None,
            "share_curp": "1" if self.share_curp else None,
        }
        return {k: v for k, v in pairs.items() if v}


class CookielessWidget(SessionInterface):
    """Wraps the app's sessions: widget and public API requests get none, so no Set-Cookie.

    A same-site embed (or the preview on /integracion) does send our cookie; with a session open,
    flask-login would mark it non-fresh and Flask would renew a signed-in one on every response.
    """

    def __init__(self, inner: SessionInterface) -> None:
        self.inner = inner

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path == COOKIELESS[0] or request.path.startswith(COOKIELESS[1:]):
            return None  # Flask uses a null session instead, and never saves it
        if isinstance(self.inner, SecureCookieSessionInterface) and (
            # Most requests carry no cookie: an empty session needs no signing serializer, nor
            # a parse of the headers for a Cookie that is not there.
            "HTTP_COOKIE" not in request.environ
            or app.config["SESSION_COOKIE_NAME"] not in request.cookies
        ):
            return self.inner.session_class()
        return self.inner.open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        self.inner.save_session(app, session, response)


@bp.record_once
def _install_cookieless_sessions(state: BlueprintSetupState) -> None:
    state.app.session_interface = CookielessWidget(state.app.session_interface)


def lookup_enabled() -> bool:
    return bool(current_app.extensions["settings"].embed_status_lookup)


def embedding_origin() -> str:
    """Rate-limit key: the declared parent origin, else the Origin header, else the Referer's."""
    referer = urlsplit(request.headers.get("Referer", ""))
    for candidate in (
        request.args.get("origin"),
        request.headers.get("Origin"),
        f"{referer.scheme}://{referer.netloc}",
    ):
        found = parent_origin(candidate)
        if found:
            return found
    return "desconocido"


def _status_not_asked() -> bool:
    """Exempts a request from the status budget: lookup off, or a widget page without it."""
    if not lookup_enabled():
        return True
    return request.endpoint == "embed.widget" and request.args.get("estatus") != "1"


def _limit(name: str, default: str) -> Any:
    return lambda: current_app.config.get(name, default)


def with_status_limits(view: Any) -> Any:
    """One budget per IP and one per embedding site, shared by the widget and the JSON API."""
    view = limiter.shared_limit(
        _limit("EMBED_STATUS_LIMIT_IP", STATUS_LIMIT_IP),
        scope="estatus-ip",
        exempt_when=_status_not_asked,
    )(view)
    return limiter.shared_limit(
        _limit("EMBED_STATUS_LIMIT_ORIGIN", STATUS_LIMIT_ORIGIN),
        scope="estatus-origen",
        key_func=embedding_origin,
        exempt_when=_status_not_asked,
    )(view)


def afiliacion_vigente(result: curp.CurpReport | None) -> dict[str, bool] | None:
    """Yes or no per institution (rights today, ``domain.derechos``); only booleans leave
    here, never a name."""
    if not (result and result.valid and result.curp):
        return None
    situacion = registry.situacion(db.session, result.curp, curp.today_in_mexico())
    return {"IMSS": bool(situacion.imss_vigente), "ISSSTE": bool(situacion.issste_vigente)}


def _render(template: str, opts: WidgetOptions, **context: Any) -> str:
    # Forced from the query string: inside a third-party frame a `lang` cookie may be absent.
    with force_locale(opts.lang):
        return render_template(
            template,
            opts=opts,
            # The configured address, not the request's Host: a forged Host header must not
            # put another site's links in an answer a shared cache might keep.
            portal=current_app.extensions["settings"].public_base_url.rstrip("/"),
            lookup=lookup_enabled(),
            **context,
        )


@bp.get("/embed/curp")
@embeddable
@with_status_limits
@limiter.limit(CHECK_LIMIT)
def widget() -> ResponseReturnValue:
    opts = WidgetOptions.from_args(request.args)
    value, submitted = submitted_curp()
    context = check_context(value, typing=False, submitted=submitted)
    estatus = None if _status_not_asked() else afiliacion_vigente(context["result"])
    response = make_response(_render("embed/curp.html", opts, estatus=estatus, **context))
    if estatus is not None:
        response.cache_control.no_store = True  # an affiliation can change at any moment
    return response


@bp.get("/embed/curp/resultado")
@limiter.limit(CHECK_LIMIT)
def result_fragment() -> ResponseReturnValue:
    """What widget.js swaps in as the person types (the widget page works without it)."""
    opts = WidgetOptions.from_args(request.args)
    value, submitted = submitted_curp()
    context = check_context(value, request.args.get("typing") == "1", submitted)
    return _render("embed/_result.html", opts, **context)


@bp.get("/embed/curp/estatus")
@with_status_limits
def status_fragment() -> ResponseReturnValue:
    if not lookup_enabled():
        return Response(status=404)
    opts = WidgetOptions.from_args(request.args)
    estatus = afiliacion_vigente(curp.report(request.args.get("curp", "")[:256]))
    response = make_response(_render("embed/_estatus.html", opts, estatus=estatus))
    response.status_code = 200 if estatus else 422
    response.cache_control.no_store = True  # an affiliation can change at any moment
    return response


@pages.get("/api/v1/estatus/<path:value>")
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


@bp.errorhandler(Exception)
def widget_error(exc: Exception) -> ResponseReturnValue:
    """Errors stay framable, cookie-less and in the widget's language (no base.html here)."""
    # Flask asks this handler before the app's, so a database outage is told apart here too.
    status = (exc.code or 500) if isinstance(exc, HTTPException) else 500
    retry: str | None = None
    if es_caida_de_base(exc):
        registrar_caida_de_base(exc)
        status, retry = 503, RETRY_CAIDA
    elif status == 500:
        rule = request.url_rule.rule if request.url_rule else "(sin ruta)"
        log.exception("Error no controlado en %s %s", request.method, rule)
    elif status == 429:
        retry = str(getattr(exc, "retry_after", None) or 60)
    opts = WidgetOptions.from_args(request.args)
    framed = request.endpoint == "embed.widget"
    mark_embeddable(framed)
    template = "embed/curp.html" if framed else "embed/_error.html"
    with force_locale(opts.lang):
        espera = cuanto_esperar(int(retry) if retry else None)
    context = check_context("", typing=False)
    html = _render(template, opts, error=status, espera=espera, **context)
    response = Response(html, status=status)
    if retry:
        response.headers["Retry-After"] = retry
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


@pages.get("/integracion")
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

"""/embed/curp: the CURP check as a widget for other sites (blueprints/integracion.py says how
to embed it).

The widget page is framable (``@embeddable``), loads no htmx and never opens the session, so it
stays small and works in Safari with third-party cookies blocked: its forms are plain GETs that
need no token. The optional status lookup is in blueprints/embed_estatus.py.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Request,
    Response,
    current_app,
    make_response,
    render_template,
    request,
)
from flask.blueprints import BlueprintSetupState
from flask.sessions import SecureCookieSessionInterface, SessionInterface, SessionMixin
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException

from blueprints.caida_de_base import RETRY_CAIDA, es_caida_de_base, registrar_caida_de_base
from blueprints.curp import check_context, submitted_curp
from blueprints.embed_estatus import (
    afiliacion_vigente,
    lookup_enabled,
    status_not_asked,
    with_status_limits,
)
from blueprints.embed_opciones import WidgetOptions
from blueprints.errors import cuanto_esperar
from blueprints.extensions import limiter
from blueprints.security import embeddable, mark_embeddable
from domain import curp

bp = Blueprint("embed", __name__)  # the framed widget: its errors stay inside the widget
log = logging.getLogger(__name__)

CHECK_LIMIT = "120 per minute"  # the same budget as /curp
# The widget, the whole public JSON API and the static export's fragments (for_other_origins):
# stateless, so no session is read or written. Shared caches keep some of their answers (the
# API's, the FAQ filter's: Cache-Control public), which must never carry a person's cookie.
COOKIELESS = frozenset({"/embed/curp", "/preguntas-frecuentes/buscar", "/curp/resultado"})
COOKIELESS_UNDER = ("/embed/curp/", "/api/v1/")


class CookielessWidget(SessionInterface):
    """Wraps the app's sessions: COOKIELESS requests get none, so no Set-Cookie.

    A same-site embed (or the preview on /integracion) does send our cookie; with a session open,
    flask-login would mark it non-fresh and Flask would renew a signed-in one on every response.
    """

    def __init__(self, inner: SessionInterface) -> None:
        self.inner = inner

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path in COOKIELESS or request.path.startswith(COOKIELESS_UNDER):
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
    estatus = None if status_not_asked() else afiliacion_vigente(context["result"])
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

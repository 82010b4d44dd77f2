"""Spanish error pages (and problem+json under /api/), never a traceback."""

from __future__ import annotations

import json
import logging
import math

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError
from werkzeug.exceptions import HTTPException

from blueprints import formulario_al_limite, formulario_sin_token
from blueprints.caida_de_base import (
    RETRY_CAIDA,
    es_caida_de_base,
    registrar_caida_de_base,
    remove_session_safely,
)
from blueprints.htmx_util import alert_title, answering_other_origins, wants_fragment

log = logging.getLogger(__name__)

TITLES = {
    400: _l("La solicitud no es válida"),
    403: _l("No tienes permiso para ver esta página"),
    404: _l("No encontramos esta página"),
    405: _l("Esta página no acepta esa acción"),
    413: _l("Enviaste demasiados datos"),
    429: _l("Demasiadas solicitudes"),
    500: _l("Algo falló de nuestro lado"),
    503: _l("El servicio no está disponible por el momento"),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str) -> Response:
    response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail})
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


# Where an error answering an htmx request is drawn: base.html's alert region. htmx leaves a
# 4xx/5xx answer unswapped, so without this a person who hit a limit or an expired form would
# see nothing happen; static/js/site.js swaps only the answers retargeted here.
AVISO = {"HX-Retarget": "#aviso", "HX-Reswap": "innerHTML"}
# The static export's pages have no alert region, and ask without htmx's headers: an error
# answering them is drawn where their answer was going (the CURP check's result, the FAQ's).
EN_SU_LUGAR = {"HX-Reswap": "innerHTML"}


def cuanto_esperar(seconds: int | None) -> str:
    """How long to wait, in words: a limit's window may be a minute, an hour or a day.

    >>> from flask import Flask
    >>> from flask_babel import Babel
    >>> app = Flask(__name__); _ = Babel(app)
    >>> with app.test_request_context():
    ...     cuanto_esperar(25), cuanto_esperar(3599), cuanto_esperar(80000)
    ('Espera un minuto y vuelve a intentarlo.', 'Espera 60 minutos y vuelve a intentarlo.', \
'Espera 23 horas y vuelve a intentarlo.')
    """
    if not seconds or seconds <= 60:
        return _("Espera un minuto y vuelve a intentarlo.")
    if seconds <= 3600:
        return ngettext(
            "Espera %(num)s minuto y vuelve a intentarlo.",
            "Espera %(num)s minutos y vuelve a intentarlo.",
            math.ceil(seconds / 60),
        )
    return ngettext(
        "Espera %(num)s hora y vuelve a intentarlo.",
        "Espera %(num)s horas y vuelve a intentarlo.",
        math.ceil(seconds / 3600),
    )


def render_error(status: int, template: str = "errors/error.html", **context: object) -> Response:
    """The error page, its htmx alert, or under /api/ a problem+json. Pass a translated
    ``detail`` lazily (``_l``): the problem reads it in Spanish, whatever the interface's."""
    if wants_json():
        # Spanish, as /integracion and /api/docs promise: clients match on these texts.
        with force_locale("es"):
            titulo = str(TITLES.get(status, TITLES[500]))
            return problem(status, titulo, str(context.get("detail") or titulo))
    title = str(TITLES.get(status, TITLES[500]))
    context.setdefault("espera", cuanto_esperar(None))
    drawn = AVISO if wants_fragment() else EN_SU_LUGAR if answering_other_origins() else None
    if drawn is not None:
        kind = "csrf" if template == "errors/csrf.html" else "error"
        headers = dict(drawn)
        if kind == "csrf":
            # The page is still on screen with what was typed: a fresh token for it (site.js
            # puts it in the page's forms), so sending again works and nothing is retyped. Only
            # this page's own scripts can read it: htmx's header cannot cross origins.
            headers["HX-Trigger"] = json.dumps({"token-renovado": {"token": generate_csrf()}})
        # The page stays, now showing an error: its title says so, as a page with errors does.
        html = str(alert_title()) + render_template(
            "errors/_aviso.html", status=status, title=title, kind=kind, **context
        )
        return Response(html, status=status, headers=headers)
    # posts_nothing: an error page has no form, so no CSRF token and no session to carry one;
    # under the cookie-less widget paths (blueprints/embed.py) there is no session at all.
    html = render_template(template, status=status, title=title, posts_nothing=True, **context)
    return Response(html, status=status)


def handle_http(exc: HTTPException) -> Response:
    status = exc.code or 500
    retry = (getattr(exc, "retry_after", None) or 60) if status == 429 else None
    espera = cuanto_esperar(retry)
    # A form refused without JavaScript comes back filled in (blueprints/formulario_al_limite).
    form = formulario_al_limite.responder(espera) if retry and not wants_json() else None
    response = form or render_error(status, espera=espera)
    if retry:
        response.headers["Retry-After"] = str(retry)
    if status == 405 and exc.get_response().headers.get("Allow"):
        response.headers["Allow"] = exc.get_response().headers["Allow"]
    return response


def handle_csrf(_exc: CSRFError) -> Response:
    # A form that can come back, filled in or empty, does (blueprints/formulario_sin_token.py).
    response = formulario_sin_token.responder()
    if response is not None:
        return response
    return render_error(400, "errors/csrf.html", detail=_l("El formulario caducó."))


def handle_programming_error(exc: ProgrammingError) -> Response:
    if es_caida_de_base(exc):
        return handle_database_down(exc)
    return handle_unexpected(exc)  # our own SQL is wrong: a bug, not an outage


def handle_database_down(exc: Exception) -> Response:
    registrar_caida_de_base(exc)
    response = render_error(503, detail=_l("El servicio no está disponible por el momento."))
    response.headers["Retry-After"] = RETRY_CAIDA
    return response


def handle_unexpected(exc: Exception) -> Response:
    # The route pattern, not the path: paths can hold a CURP or a folio.
    rule = request.url_rule.rule if request.url_rule else "(sin ruta)"
    log.exception("Error no controlado en %s %s", request.method, rule)
    return render_error(
        500, detail=_l("Algo falló de nuestro lado. Vuelve a intentarlo en unos minutos.")
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(InterfaceError, handle_database_down)
    app.register_error_handler(ProgrammingError, handle_programming_error)
    app.register_error_handler(Exception, handle_unexpected)
    from blueprints.extensions import db

    # In place of Flask-SQLAlchemy's own teardown, which would only remove the session again.
    if db._teardown_session in app.teardown_appcontext_funcs:
        app.teardown_appcontext_funcs.remove(db._teardown_session)
    app.teardown_appcontext(remove_session_safely)

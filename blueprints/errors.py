"""Spanish error pages (and problem+json under /api/), never a traceback."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

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
    response = render_error(status, espera=cuanto_esperar(retry))
    if retry:
        response.headers["Retry-After"] = str(retry)
    if status == 405 and exc.get_response().headers.get("Allow"):
        response.headers["Allow"] = exc.get_response().headers["Allow"]
    return response


# A form posted without a good token (another site's form, a form left open over the token's
# hour, a session lost) gets its own page back, filled in with what came, to confirm here:
# nothing is done with it, and nothing typed is lost. The constancias flows take posts from
# other sites (their fields are named curp and email for that: ``otros_sitios``); the account,
# NSS and CURP forms are refilled only for a post from our own pages (the expired case), since
# a look-alike site could otherwise hand a person our registration form with its own address
# in it. A password, a captcha answer or a consent is never written back: the page asks for
# them again (``confirmar_contrasena``). A form may also register its empty page for a post
# that plainly came from another site (``desde_otro_sitio``): "the form expired, go back" means
# nothing to someone who never had ours. An htmx post, or any other post, is told only that the
# form expired (its page is still on screen, with what was typed).
# A signed-in person's form (``con_sesion``) can come back only while the session lives: sent
# after it ended, it lost its token with it, and what was typed could only be kept in that
# session. The answer then is the sign-in page, back to the same page afterwards.
_CONFIRMAR: dict[str, tuple[Callable[[], ResponseReturnValue], bool, bool]] = {}
_DESDE_FUERA: dict[str, Callable[[], ResponseReturnValue]] = {}


def confirmar_sin_token(
    *endpoints: str, otros_sitios: bool = False, con_sesion: bool = False
) -> Callable[[Callable[[], ResponseReturnValue]], Callable[[], ResponseReturnValue]]:
    """Register the view that renders ``endpoints``' form, filled in, for a post without token
    (from any site when ``otros_sitios``, else only from this site's own pages); with
    ``con_sesion``, a post without a signed-in session goes to the sign-in page instead."""

    def register(render: Callable[[], ResponseReturnValue]) -> Callable[[], ResponseReturnValue]:
        _CONFIRMAR.update(dict.fromkeys(endpoints, (render, otros_sitios, con_sesion)))
        return render

    return register


def desde_otro_sitio(
    *endpoints: str,
) -> Callable[[Callable[[], ResponseReturnValue]], Callable[[], ResponseReturnValue]]:
    """Register the view that renders ``endpoints``' form empty, with a word on where the
    person is, for a post without token that the browser says came from another site."""

    def register(render: Callable[[], ResponseReturnValue]) -> Callable[[], ResponseReturnValue]:
        _DESDE_FUERA.update(dict.fromkeys(endpoints, render))
        return render

    return register


def desde_este_sitio() -> bool:
    """Whether the browser says this post came from one of our own pages.

    Sec-Fetch-Site where the browser sends it (all current ones), else Origin; a post with
    neither (an old browser, a script) is not taken as ours.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin", "").rstrip("/")
    if not origin:
        return False
    public = urlsplit(current_app.config.get("PUBLIC_BASE_URL") or "")
    ours = {request.host_url.rstrip("/"), f"{public.scheme}://{public.netloc}"}
    return origin in ours


def de_otro_sitio() -> bool:
    """Whether the browser says this post came from another site: not merely "not ours" (a post
    with neither header may be our own page in an old browser)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("cross-site", "same-site")  # same-site: a neighbour, not our page
    return "Origin" in request.headers and not desde_este_sitio()


def enviado(field: str) -> str:
    """What a form without token sent in ``field``, fit to show back in our form."""
    return "".join(c for c in request.form.get(field, "")[:254] if c.isprintable()).strip()


def handle_csrf(_exc: CSRFError) -> Response:
    endpoint = request.endpoint or ""
    render, otros_sitios, con_sesion = _CONFIRMAR.get(endpoint, (None, False, False))
    vacio = _DESDE_FUERA.get(endpoint)
    if wants_fragment():
        render = vacio = None
    elif con_sesion and not current_user.is_authenticated:
        return _entrar_otra_vez()
    if render is not None and (otros_sitios or desde_este_sitio()):
        return _sin_hacer(render)
    if vacio is not None and de_otro_sitio():
        return _sin_hacer(vacio)
    return render_error(400, "errors/csrf.html", detail=_l("El formulario caducó."))


def _entrar_otra_vez() -> Response:
    if desde_este_sitio():
        flash(
            _(
                "Tu sesión se cerró, así que no hicimos nada con lo que enviaste. Si escribiste "
                "algo, no pudimos guardarlo sin tu sesión: entra otra vez y vuelve a escribirlo."
            ),
            "info",
        )
    else:  # not a page of ours that was left open: only the usual word
        flash(_("Entra a tu cuenta para ver esa página."), "info")
    return redirect(url_for("cuenta.entrar", next=request.path), 303)


def _sin_hacer(render: Callable[[], ResponseReturnValue]) -> Response:
    response = make_response(render())
    response.status_code = 400  # not done: the person confirms on this site
    return response


# What PostgreSQL says of a table, column, type or schema the code expects and the database
# lacks (migrations not run, or one pending); SQLite says it with an OperationalError.
ESQUEMA_DESFASADO = frozenset({"42P01", "42703", "42704", "3F000"})
_MAX_CAUSA = 2000
RETRY_CAIDA = "30"  # seconds; short: the pool reconnects by itself once the server is back


def es_caida_de_base(exc: BaseException) -> bool:
    """Whether ``exc`` is the database away or behind the code (a 503), not a bug (a 500)."""
    if isinstance(exc, ProgrammingError):
        return getattr(exc.orig, "sqlstate", None) in ESQUEMA_DESFASADO
    return isinstance(exc, OperationalError | InterfaceError)


def handle_programming_error(exc: ProgrammingError) -> Response:
    if es_caida_de_base(exc):
        return handle_database_down(exc)
    return handle_unexpected(exc)  # our own SQL is wrong: a bug, not an outage


def handle_database_down(exc: Exception) -> Response:
    registrar_caida_de_base(exc)
    response = render_error(503, detail=_l("El servicio no está disponible por el momento."))
    response.headers["Retry-After"] = RETRY_CAIDA
    return response


def registrar_caida_de_base(exc: Exception) -> None:
    """Roll back and log a database outage, for every handler that answers one."""
    # Lost connection, server restarting, or a schema behind the code: the pool's pre-ping
    # recovers from the first two on its own, `db upgrade` from the last; until then say so
    # plainly. Nothing committed is lost, and an uncommitted change is rolled back.
    from blueprints.extensions import db

    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("No se pudo deshacer la transacción tras perder la base de datos")
    # The cause tells an outage from a missing table. Its text has the SQL but never the
    # values: the engine hides parameters (app.py), and every log line is masked as well.
    log.error(
        "Base de datos no disponible durante %s: %s: %s",
        request.url_rule or "(sin ruta)",
        type(exc).__name__,
        str(exc)[:_MAX_CAUSA],
    )


def remove_session_safely(_exc: BaseException | None) -> None:
    """End the request's session even when the database went away mid-transaction.

    Flask-SQLAlchemy's own teardown rolls back on the dead connection and raises, which turns
    an answered request into a 500; this replaces it and drops such a connection instead.
    """
    from blueprints.extensions import db

    if not db.session.registry.has():
        return  # the request never opened one (most pages)
    try:
        db.session.remove()
    except SQLAlchemyError:
        log.warning("Conexión perdida al cerrar la sesión de base de datos; se descarta")
        try:
            db.session.registry().invalidate()
        except SQLAlchemyError:
            log.warning("No se pudo invalidar la conexión perdida")
        db.session.registry.clear()


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

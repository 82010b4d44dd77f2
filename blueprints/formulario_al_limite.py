"""A form a rate limit refused, sent without JavaScript: its page again, as the person left it.

GOV.UK's pattern for a form that cannot go on: the same page, an error summary at its top that
says what happened and how long to wait (base.html, with "Error: " first in the title), the
fields filled in with what was sent, 429 and Retry-After as before. The views that draw a form
filled in from a post are the ones a post without a good token gets back to confirm
(blueprints/formulario_sin_token.py): they never write back a password, a captcha's answer or a
consent, so neither does this. A form without one registers its view here (``al_limite``).

An htmx request keeps its alert drawn over the page, which never left the screen, and the API
and the static export's fragments their own answers (blueprints/errors.py). A page that cannot
be drawn (its data failed to load, or its view answers something other than the form: a link
gone dead) leaves the general "Demasiadas solicitudes" page, which loses nothing saved either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Response, make_response, request
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from blueprints import formulario_sin_token
from blueprints.extensions import db
from blueprints.formulario_sin_token import Render
from blueprints.htmx_util import answering_other_origins, wants_fragment

log = logging.getLogger(__name__)

# The forms that only come back after a limit: a post without a good token to them is just
# "the form expired" (their page is one link away, the token in its address).
_AL_LIMITE: dict[str, Render] = {}


def al_limite(*endpoints: str) -> Callable[[Render], Render]:
    """Register the view that draws ``endpoints``' form again after a limit refused it; it
    passes its keywords on to the page's template. What it answers with another status than
    200 (a link gone dead) is not the form: the general page answers instead."""

    def register(render: Render) -> Render:
        _AL_LIMITE.update(dict.fromkeys(endpoints, render))
        return render

    return register


def responder(espera: str) -> Response | None:
    """The refused form's page, filled in, with 429; None where the general page is the answer.

    ``espera``: how long to wait, in words (blueprints/errors.cuanto_esperar).
    """
    if request.method != "POST" or wants_fragment() or answering_other_origins():
        return None
    endpoint = request.endpoint or ""
    mensaje = f"{_('Hiciste muchas solicitudes en poco tiempo.')} {espera}"
    try:
        # Inside: whether a session's form can come back reads the session's account.
        render = _AL_LIMITE.get(endpoint) or formulario_sin_token.rellenar(endpoint)
        if render is None:
            return None
        response = make_response(render(limite_superado=mensaje))
    except Exception as exc:  # the general page still answers: never a 500 here
        _no_redibujado(exc)
        return None
    if response.status_code != 200:
        return None  # its view answered something other than the form: a link gone dead, ...
    response.status_code = 429
    return response


def _no_redibujado(exc: Exception) -> None:
    # The route's pattern and the exception's type only: its message may quote a CURP or an
    # address (a database error carries the query's parameters).
    rule = request.url_rule.rule if request.url_rule else "(sin ruta)"
    log.warning("Formulario no redibujado tras un límite en %s: %s", rule, type(exc).__name__)
    try:
        db.session.rollback()  # the general page may need the session: not in a failed state
    except SQLAlchemyError:
        log.warning("No se pudo deshacer la transacción tras el límite")

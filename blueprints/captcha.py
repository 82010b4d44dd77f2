"""Captcha for public forms: /captcha/reto for the widget, and ``check_captcha`` for views.

In a form template::

    {% from "components/captcha.html" import captcha_field %}
    {{ captcha_field(errors) }}

In the view, before writing anything::

    error = check_captcha(request.form)
    if error:
        errors["captcha"] = error

``check_captcha`` returns None when solved, else the message to show (in the page's language).
A solved captcha is spent at once, in its own short transaction, so it is refused on any server
afterwards even if the rest of the request fails. (On SQLite call it before the view's own
writes: the separate transaction would otherwise wait for them.)
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from blueprints import caducados
from blueprints.extensions import csrf, db, limiter
from blueprints.secretos import secretos
from domain import captcha
from domain.captcha import Resultado

bp = Blueprint("captcha", __name__)

# Effort of the proof of work: KDF iterations per try, and how many tries (drawn per challenge).
# About one to three seconds on a phone; tests may lower it but never turn the captcha off.
DEFAULT_COST = 1000
DEFAULT_COUNTER = (500, 2000)

SOLVE = _l("Resuelve la verificación para continuar.")
EXPIRED = _l("La verificación caducó, vuelve a intentarlo.")
WRONG = _l("La respuesta no es correcta: escribe el resultado de la suma, por ejemplo 12 o doce.")
EMPTY = _l("Escribe el resultado de la suma, con cifras o con letras.")
MESSAGES = {
    Resultado.FALTA: SOLVE,
    Resultado.INVALIDO: SOLVE,
    Resultado.CADUCADO: EXPIRED,
    Resultado.INCORRECTO: WRONG,
}
# The ALTCHA widget's own words (its i18n keys), in the page's language: the template hands
# them to static/js/captcha.js, so translators keep them with the rest of the page's strings.
WIDGET_TEXTOS = {
    "ariaLinkLabel": _l("ALTCHA (sitio oficial)"),
    "cancel": _l("Cancelar"),
    "enterCode": _l("Escribe el código"),
    "enterCodeAria": _l("Escribe el código que escuchas. Pulsa Espacio para oír el audio."),
    "enterCodeFromImage": _l("Para continuar, escribe el código de la imagen."),
    "error": _l("No se pudo completar la verificación. Inténtalo de nuevo."),
    "expired": _l("La verificación caducó. Vuelve a marcar la casilla."),
    "footer": _l("Protegido por ALTCHA"),
    "getAudioChallenge": _l("Escuchar un código"),
    "label": _l("No soy un programa automático"),
    "loading": _l("Cargando…"),
    "reload": _l("Volver a intentar"),
    "verify": _l("Verificar"),
    "verificationRequired": _l("Marca la casilla para continuar."),
    "verified": _l("Verificación completa"),
    "verifying": _l("Verificando, espera unos segundos…"),
    "waitAlert": _l("Verificando, espera unos segundos."),
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


@bp.get("/captcha/reto")
@csrf.exempt
@limiter.limit("30 per minute")
def reto() -> ResponseReturnValue:
    low, high = current_app.config.get("CAPTCHA_POW_COUNTER", DEFAULT_COUNTER)
    counter = low + secrets.randbelow(high - low + 1)
    cost = current_app.config.get("CAPTCHA_POW_COST", DEFAULT_COST)
    response = jsonify(captcha.new_challenge(_secret(), utcnow(), cost, counter))
    response.headers["Cache-Control"] = "no-store"
    return response


def check_captcha(
    form: Mapping[str, str], al_revisar: Callable[[], None] | None = None
) -> str | None:
    """None when the captcha in this form is solved (and now spent), else the error to show.

    ``al_revisar`` runs just before an answer is checked (a per-address limit: it may raise
    the 429), never for a form that brought none, which is only asked for it.
    """
    return revisar_captcha(form, al_revisar).error


@dataclass(frozen=True, slots=True)
class Revision:
    """``check_captcha``'s answer, and the one-time value it spent or found spent."""

    error: str | None
    clave: str | None = None  # the replay key of a solved captcha
    gastada: bool = False  # spent before this request: a replay, or the same form sent twice


def revisar_captcha(
    form: Mapping[str, str],
    al_revisar: Callable[[], None] | None = None,
    al_gastar: Callable[[Session, str], None] | None = None,
) -> Revision:
    """``check_captcha``, saying which value was spent (blueprints/envio_repetido).

    ``al_gastar(session, clave)`` adds to the transaction that spends a solved captcha: what
    it adds is committed if and only if this request is the one that spent it.
    """
    now = utcnow()
    payload = (form.get("captcha") or "").strip()
    token = (form.get("captcha_reto") or "").strip()
    answer = (form.get("captcha_respuesta") or "")[:40]
    if token and not payload and not answer.strip():
        # Nothing was answered, so nothing was guessed: the question is not spent, and the
        # page asks for the answer rather than saying it is wrong.
        return Revision(str(EMPTY))
    if not (payload or token):
        return Revision(str(MESSAGES[Resultado.FALTA]))
    if al_revisar:
        al_revisar()
    if payload:
        verdict = _any_key(
            lambda key: captcha.verify_solution(payload, key, now), Resultado.INVALIDO
        )
    else:
        verdict = _any_key(
            lambda key: captcha.check_answer(key, token, answer, now), Resultado.INCORRECTO
        )
    solved = verdict.resultado is Resultado.RESUELTO
    gastar = al_gastar if solved else None
    if verdict.clave and verdict.expira and not _spend(verdict.clave, verdict.expira, now, gastar):
        # Already used: a replay, or the same form sent twice (which a solved one may be).
        return Revision(str(EXPIRED), verdict.clave if solved else None, gastada=True)
    if verdict.resultado is Resultado.RESUELTO:
        return Revision(None, verdict.clave)
    return Revision(str(MESSAGES[verdict.resultado]))


def _any_key(check: Callable[[str], captcha.Verificacion], miss: Resultado) -> captcha.Verificacion:
    """The newest key's verdict, unless a key kept after a rotation recognises the signature
    (a captcha lasts up to an hour: one shown before the rotation is still being answered)."""
    keys = secretos()
    verdict = check(keys[-1])
    for key in reversed(keys[:-1]):
        if verdict.resultado is not miss:
            break
        verdict = check(key)
    return verdict


def _spend(
    clave: str,
    expira: dt.datetime,
    now: dt.datetime,
    al_gastar: Callable[[Session, str], None] | None = None,
) -> bool:
    # Its own session and transaction: the spend stands whatever the caller does next.
    with Session(db.engine) as session:
        if secrets.randbelow(caducados.PURGE_ONE_IN) == 0:
            caducados.purgar(session, now)
        if al_gastar:
            al_gastar(session, clave)
        return captcha.spend(session, clave, expira)


def nueva_pregunta() -> captcha.Pregunta:
    """The question in words for the form being rendered (template global), in its language."""
    locale = get_locale()
    return captcha.new_question(_secret(), utcnow(), locale.language if locale else "es")


def textos_widget() -> dict[str, str]:
    """The widget's words in the page's language (template global), for its JSON attribute."""
    return {key: str(texto) for key, texto in WIDGET_TEXTOS.items()}


@bp.record_once
def _setup(state: Any) -> None:
    state.app.jinja_env.globals["captcha_pregunta"] = nueva_pregunta
    state.app.jinja_env.globals["captcha_textos"] = textos_widget

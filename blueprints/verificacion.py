"""/verificar (type a folio and code, or arrive from the QR) and its JSON twin; /api/v1/claves.

An unknown folio and a wrong code give the same answer, "no auténtica", in the same shape.
A document the portal cannot check (no keys at all, or not the one that sealed it) is a 503
that says so, never "no auténtica": a genuine document must not be called forged because of
how the portal was set up.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from blueprints.api import cacheable
from blueprints.constancias_servicio import ahora, servicio
from blueprints.errors import problem, render_error, wants_json
from blueprints.extensions import csrf, db, limiter
from blueprints.htmx_util import wants_fragment
from domain import folios, signing_config, verificacion

bp = Blueprint("verificacion", __name__)
log = logging.getLogger(__name__)
csrf.exempt(bp)  # only GETs: nothing here acts on a session

PAGE_LIMIT = "60 per minute"
API_LIMIT = "60 per minute"
NO_AUTENTICA = "No auténtica"
NO_AUTENTICA_DETALLE = (
    "No hay ninguna constancia con ese folio y ese código. Revisa que los escribiste igual que "
    "en el documento."
)
NO_DISPONIBLE_DETALLE = "No podemos firmar ni verificar documentos en este momento."


def _entrada(folio: str) -> tuple[str, str, dict[str, str]]:
    """The normalised folio and code, and a message per field that is missing or malformed."""
    folio = folios.normalizar_folio(folio)
    raw_code = request.args.get("c", "")[:128]
    codigo = folios.normalizar_codigo(raw_code)
    errors: dict[str, str] = {}
    if not folio:
        errors["folio"] = _("Escribe el folio, como NA-2026-000123.")
    elif not folios.FOLIO_RE.match(folio):
        errors["folio"] = _("El folio tiene dos letras, el año y un número: NA-2026-000123.")
    if not codigo:
        errors["c"] = _("Escribe el código de verificación que aparece junto al código QR.")
    elif len(codigo) != folios.CODIGO_LARGO:
        errors["c"] = _("El código tiene %(n)s letras y números.", n=folios.CODIGO_LARGO)
    return folio, codigo, errors


def _verificar(folio: str, codigo: str) -> verificacion.Verificacion:
    return verificacion.verificar(db.session, servicio().claves(), folio, codigo, ahora())


@bp.errorhandler(verificacion.ClaveNoDisponible)
@bp.errorhandler(signing_config.SigningKeyMissing)
@bp.errorhandler(signing_config.SigningKeyInvalid)
def _no_se_puede_verificar(exc: Exception) -> ResponseReturnValue:
    # Here rather than the constancias blueprint's handler: its page speaks of issuing.
    if isinstance(exc, verificacion.ClaveNoDisponible):
        # The key id only: no folio, code or holder (the operator needs none of them to fix it).
        log.error(
            "No se puede verificar una constancia firmada con la clave %s: el portal no la "
            "tiene. Agrega su clave pública a SIGNING_OLD_PUBLIC_KEYS o a %s/.",
            exc.kid,
            signing_config.old_keys_folder(servicio().instance),
        )
    else:  # fixed sentences and a key path: nothing personal
        log.error("Verificación no disponible (%s): %s", type(exc).__name__, exc)
    if wants_json() or wants_fragment():
        response = render_error(503, detail=NO_DISPONIBLE_DETALLE)
    else:
        # posts_nothing: no form here, so no CSRF token and no session cookie for one.
        page = render_template("verificacion/no_disponible.html", posts_nothing=True)
        response = Response(page, status=503)
    response.headers["Retry-After"] = "300"
    response.cache_control.no_store = True
    return response


def _page(folio: str, codigo: str, errors: dict[str, str], **context: Any) -> str:
    return render_template(
        "verificacion/verificar.html", folio=folio, codigo=codigo, errors=errors, **context
    )


@bp.get("/verificar")
@limiter.limit(PAGE_LIMIT)
def verificar() -> ResponseReturnValue:
    if "folio" not in request.args and "c" not in request.args:
        return _page("", "", {})
    return _resultado(request.args.get("folio", "")[:64])


@bp.get("/verificar/<folio>")
@limiter.limit(PAGE_LIMIT)
def verificar_folio(folio: str) -> ResponseReturnValue:
    if "c" not in request.args:  # a folio without its code: ask for the code, judge nothing
        return _page(folios.normalizar_folio(folio[:64]), "", {})
    return _resultado(folio[:64])


def _resultado(folio_text: str) -> ResponseReturnValue:
    folio, codigo, errors = _entrada(folio_text)
    if errors:
        return _page(folio, request.args.get("c", "")[:64], errors), 422
    result = _verificar(folio, codigo)
    page = _page(folio, codigo, {}, result=result)
    response = Response(page, status=200)
    response.cache_control.no_store = True
    return response


# --- JSON twin ------------------------------------------------------------------------------


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def verificacion_json(result: verificacion.Verificacion) -> dict[str, Any]:
    tipo = result.tipo
    return {
        "autentica": True,
        "folio": result.folio,
        "tipo": {"clave": tipo.clave, "titulo": tipo.titulo, "institucion": tipo.institucion}
        if tipo
        else None,
        "titular": result.titular,
        "emitida": _iso(result.emitida),
        "valida_hasta": _iso(result.valida_hasta),
        "estado": result.estado,
        "revocada": _iso(result.revocada),
        "vigente_hoy": result.vigente_hoy,
    }


# No folio at all is the OpenAPI's "folio ausente" 422, as /api/v1/curp/ is an empty CURP.
@bp.get("/api/v1/constancias/", defaults={"folio": ""})
@bp.get("/api/v1/constancias/<folio>")
@limiter.limit(API_LIMIT)
def api_constancia(folio: str) -> ResponseReturnValue:
    with force_locale("es"):  # the public API answers in Spanish, whatever the cookie says
        folio, codigo, errors = _entrada(folio[:64])
    if errors:
        response = problem(422, "Datos incompletos", " ".join(errors.values()))
        body = {**response.get_json(), "errors": errors}
        response.set_data(jsonify(body).get_data())
        return response
    result = _verificar(folio, codigo)
    response = (
        jsonify(verificacion_json(result))
        if result.autentica
        else problem(404, NO_AUTENTICA, NO_AUTENTICA_DETALLE)
    )
    response.cache_control.no_store = True
    return response


@bp.get("/api/v1/claves")
@limiter.limit(API_LIMIT)
def api_claves() -> ResponseReturnValue:
    keys = [
        {
            "kid": key.kid,
            "algorithm": "Ed25519",
            "public_key": key.raw_base64,
            "public_key_pem": key.pem,
            "active": key.active,
        }
        for key in servicio().claves().keys
    ]
    # The key rotation in docs/despliegue.md waits this long between publishing a new key and
    # signing with it, so that verifiers' copies of this list know it: change both together.
    return cacheable(keys, max_age=3600)

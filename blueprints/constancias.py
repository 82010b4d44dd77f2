"""/constancias/*: the public flows that issue signed PDFs (no afiliación, no derechohabiencia,
both at once), the resend, and the helpers the Oficina Virtual uses for the carnet.

Every issuance is one transaction: folio, ledger row, PDF drawn, email queued, commit. If any
step fails the whole thing rolls back, so no folio is taken for a document nobody received.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadData, URLSafeTimedSerializer

from blueprints.captcha import check_captcha
from blueprints.extensions import db, htmx, limiter
from blueprints.htmx_util import wants_fragment
from blueprints.mail import queue_email
from blueprints.secretos import secretos
from domain import constancia_tipos, constancias, curp, nss, registry, signing, verificacion
from domain.models import Constancia
from domain.outbox import mask_email
from domain.pdf import PdfError, Renderer

bp = Blueprint("constancias", __name__)
log = logging.getLogger(__name__)

LOOKUP_LIMIT = "30 per minute;300 per day"
ISSUE_LIMIT = "10 per minute;100 per day"
RESEND_LIMIT = "3 per hour"
RESEND_SALT = "reenvio-constancia"
RESEND_MAX_AGE = 26 * 3600  # longer than the day a no-derechohabiencia document lasts
SIGNING_VARS = ("SIGNING_KEY", "SIGNING_OLD_PUBLIC_KEYS")


class Servicio:
    """Per-app signing key, published keys and PDF renderer, loaded on first use."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        settings = app.extensions["settings"]
        self.emisor: str = settings.issuer_name
        self.demo: bool = settings.demo_mode
        self.instance = Path(app.instance_path)
        self.environ: Mapping[str, str] = {
            **os.environ,
            **{k: str(app.config[k]) for k in SIGNING_VARS if app.config.get(k)},
        }

    @cached_property
    def signer(self) -> signing.Signer:
        """The key for new documents; SigningKeyMissing outside demo mode without one."""
        return signing.load_signer(self.environ, self.instance, self.demo)

    @cached_property
    def keyring(self) -> signing.KeyRing:
        try:
            signer: signing.Signer | None = self.signer
        except signing.SigningKeyMissing:
            signer = None
        return signing.KeyRing.of(signer, signing.load_old_keys(self.environ, self.instance))

    @cached_property
    def renderer(self) -> Renderer:
        root = Path(self.app.root_path)
        return Renderer(
            root / "templates",
            root / "static" / "img",
            base_url=self.app.config["PUBLIC_BASE_URL"],
            demo=self.demo,
        )


def servicio() -> Servicio:
    service: Servicio = current_app.extensions["constancias"]
    return service


def ahora() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def descargar_pdf(row: Constancia) -> Response:
    """Draw ``row``, commit the transaction that issued it, and send it as a download.

    For the Oficina Virtual: ``descargar_pdf(constancias.emitir_carnet(db.session, ...))``.
    On any failure the issuance is rolled back and the error re-raised (PdfError is a 503).
    """
    try:
        pdf = servicio().renderer.pdf(row)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("Constancia emitida: %s", row.folio)
    tipo = constancia_tipos.POR_CLAVE[row.tipo]
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename={tipo.archivo}-{row.folio}.pdf"
    response.cache_control.no_store = True
    return response


@bp.record_once
def _setup(state: Any) -> None:
    app = state.app
    app.extensions["constancias"] = Servicio(app)

    def prepare_signing_key() -> None:
        # `make run` (demo prepare): create instance/signing_key.pem now, not on first request.
        app.extensions["constancias"].signer  # noqa: B018

    app.extensions.setdefault("prepare_hooks", []).append(prepare_signing_key)


@bp.app_errorhandler(signing.SigningKeyMissing)
@bp.app_errorhandler(signing.SigningKeyInvalid)
@bp.app_errorhandler(PdfError)
def _no_disponible(exc: Exception) -> ResponseReturnValue:
    # The messages are fixed Spanish sentences (and a key path): nothing personal to log.
    log.error("Constancias no disponibles (%s): %s", type(exc).__name__, exc)
    html = render_template(
        "constancias/no_disponible.html", sin_clave=not isinstance(exc, PdfError)
    )
    return html, 503, {"Retry-After": "300"}


# --- form input ---------------------------------------------------------------------------


def leer_codigo(
    errors: dict[str, str],
    field: str,
    validar: Callable[[str], str],
    nombre: str,
    vacio: Callable[[], str],
) -> tuple[str, Any]:
    """A CURP or NSS field: its normal form, or its text and the report that says what is wrong.

    ``validar`` is the module's ``validate``: its fast path settles a good code, and only a bad
    one pays for the full report (carried by the error). ``vacio`` gives the message for an
    empty field, looked up only when it is shown.
    """
    value = request.form.get(field, "")[:256]
    if not value.strip():
        errors[field] = vacio()
        return value, None
    try:
        return validar(value), None
    except (curp.InvalidCurp, nss.InvalidNss) as invalid:
        result = invalid.report
    errors[field] = ngettext(
        "Revisa tu %(nombre)s: tiene un problema.",
        "Revisa tu %(nombre)s: tiene %(num)d problemas.",
        len(result.errors),
        nombre=nombre,
    )
    return value, result


def leer_curp(errors: dict[str, str]) -> tuple[str, curp.CurpReport | None]:
    """The CURP field: its text and, when it is not valid, the report that says why."""
    return leer_codigo(errors, "curp", curp.validate, "CURP", _curp_vacia)


def _curp_vacia() -> str:
    return _("Escribe tu CURP: tiene 18 letras y números.")


def leer_email(errors: dict[str, str]) -> str:
    value = request.form.get("email", "")[:254].strip()
    if not value:
        errors["email"] = _("Escribe tu correo electrónico: ahí te enviamos la constancia.")
        return value
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        errors["email"] = _("Escribe un correo electrónico válido, como nombre@ejemplo.com.")
        return value


def leer_captcha(errors: dict[str, str]) -> None:
    message = check_captcha(request.form)
    if message:
        errors["captcha"] = message


# --- no afiliación (ISSSTE) ---------------------------------------------------------------


@bp.get("/constancias")
def indice() -> ResponseReturnValue:
    return render_template("constancias/indice.html")


@bp.route("/constancias/no-afiliacion", methods=["GET", "POST"])
@limiter.limit(LOOKUP_LIMIT, methods=["POST"])
def no_afiliacion() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    value, report, resultado = "", None, None
    if request.method == "POST":
        value, report = leer_curp(errors)
        if not errors:
            # A read on a pooled connection: no ORM session to open and tear down.
            with db.engine.connect() as connection:
                resultado = registry.estado_issste(connection, value, curp.today_in_mexico())
    context = {"value": value, "errors": errors, "report": report, "resultado": resultado}
    if not wants_fragment():
        page = render_template("constancias/no_afiliacion.html", **context)
        return page, 422 if errors else 200
    if resultado and htmx.target == "resultado":
        # The form stays as the person left it: only the answer is drawn and swapped.
        return render_template("constancias/_issste_resultado.html", **context)
    # Errors, or a form that asked for everything: the form and the answer, in their place.
    fragment = render_template("constancias/_no_afiliacion.html", **context)
    return fragment, {"HX-Retarget": "#tramite", "HX-Reswap": "innerHTML"}


def _issste(situacion: registry.Situacion) -> str:
    if situacion.issste_vigente:
        return "afiliado"
    return "sin_afiliacion" if situacion.persona else "sin_registro"


@bp.post("/constancias/no-afiliacion/descargar")
@limiter.limit(ISSUE_LIMIT)
def descargar_no_afiliacion() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    value, report = leer_curp(errors)
    context: dict[str, Any] = {"value": value, "errors": errors, "report": report}
    if errors:
        return render_template("constancias/no_afiliacion.html", resultado=None, **context), 422
    try:
        row = constancias.emitir_no_afiliacion(
            db.session, servicio().signer, value, ahora(), emisor=servicio().emisor
        )
    except constancias.Afiliado:
        db.session.rollback()
        page = render_template("constancias/no_afiliacion.html", resultado="afiliado", **context)
        return page, 409
    return descargar_pdf(row)


# --- no derechohabiencia (IMSS), both at once, resend -------------------------------------


def token_reenvio(folio: str, email: str, salt: str = RESEND_SALT) -> str:
    """A signed (not secret) note of where a document went, so a resend needs no session."""
    return URLSafeTimedSerializer(secretos(), salt=salt).dumps({"f": folio, "e": email})


def leer_token_reenvio(token: str, salt: str = RESEND_SALT) -> tuple[str, str] | None:
    """(folio, email) from a resend token, or None if it is forged or too old."""
    serializer = URLSafeTimedSerializer(secretos(), salt=salt)  # old keys too: a rotation
    try:
        data = serializer.loads(token[:2048], max_age=RESEND_MAX_AGE)
    except BadData:
        return None
    if isinstance(data, dict) and isinstance(data.get("f"), str) and isinstance(data.get("e"), str):
        return data["f"], data["e"]
    return None


def _folio_key() -> str:
    leido = leer_token_reenvio(request.form.get("token", ""))
    return "reenvio:" + (leido[0] if leido else "invalido")


def enviar_constancia(
    row: Constancia, email: str, pdf: bytes, template: str = "constancia_no_derechohabiencia"
) -> None:
    """Queue an emailed IMSS document with its PDF attached and its verification link."""
    tipo = constancia_tipos.POR_CLAVE[row.tipo]
    queue_email(
        email,
        template,
        # The document's official name stays Spanish in every language.
        _("Tu %(titulo)s del IMSS (folio %(folio)s)", titulo=tipo.titulo, folio=row.folio),
        attachments=[(f"{tipo.archivo}-{row.folio}.pdf", "application/pdf", pdf)],
        folio=row.folio,
        emitida=constancias.local(row.emitida),
        url_verificacion=constancias.url_verificacion(
            current_app.config["PUBLIC_BASE_URL"], row.folio, row.codigo
        ),
    )


def _resultado_envio(row: Constancia, email: str) -> dict[str, Any]:
    return {
        "estado": "enviada",
        "folio": row.folio,
        "entrega": row.entrega,
        "emitida": constancias.local(row.emitida),
        "token": token_reenvio(row.folio, email),
    }


def _emitir_imss(value: str, email: str) -> dict[str, Any]:
    """Issue and email the IMSS document, or say why not; commits."""
    service = servicio()
    try:
        row = constancias.emitir_no_derechohabiencia(
            db.session, service.signer, value, ahora(), emisor=service.emisor,
            entrega=mask_email(email),
        )  # fmt: skip
        enviar_constancia(row, email, service.renderer.pdf(row))
        db.session.commit()
    except constancias.Afiliado:
        db.session.rollback()
        return {"estado": "vigente"}
    except Exception:
        db.session.rollback()
        raise
    log.info("Constancia emitida y enviada: %s", row.folio)
    return _resultado_envio(row, email)


def _formulario_imss() -> tuple[dict[str, str], dict[str, str], curp.CurpReport | None]:
    errors: dict[str, str] = {}
    value, report = leer_curp(errors)
    email = leer_email(errors)
    leer_captcha(errors)
    return {"curp": value, "email": email}, errors, report


@bp.route("/constancias/no-derechohabiencia", methods=["GET", "POST"])
@limiter.limit(ISSUE_LIMIT, methods=["POST"])
def no_derechohabiencia() -> ResponseReturnValue:
    page = "constancias/no_derechohabiencia.html"
    if request.method == "GET":
        return render_template(page, form={}, errors={}, report=None, imss=None)
    form, errors, report = _formulario_imss()
    if errors:
        return render_template(page, form=form, errors=errors, report=report, imss=None), 422
    imss = _emitir_imss(form["curp"], form["email"])
    return render_template(page, form=form, errors={}, report=None, imss=imss)


@bp.route("/constancias/sin-seguridad-social", methods=["GET", "POST"])
@limiter.limit(ISSUE_LIMIT, methods=["POST"])
def sin_seguridad_social() -> ResponseReturnValue:
    page = "constancias/sin_seguridad_social.html"
    empty: dict[str, Any] = {"report": None, "imss": None, "issste": None}
    if request.method == "GET":
        return render_template(page, form={}, errors={}, **empty)
    form, errors, report = _formulario_imss()
    if errors:
        return render_template(page, form=form, errors=errors, **{**empty, "report": report}), 422
    situacion = registry.situacion(db.session, form["curp"], curp.today_in_mexico())
    issste = _issste(situacion)
    imss = _emitir_imss(form["curp"], form["email"])
    return render_template(page, form=form, errors={}, report=None, imss=imss, issste=issste)


@bp.post("/constancias/reenviar")
@limiter.limit(RESEND_LIMIT)
@limiter.limit(RESEND_LIMIT, key_func=_folio_key)
def reenviar() -> ResponseReturnValue:
    page = "constancias/reenvio.html"
    leido = leer_token_reenvio(request.form.get("token", ""))
    row = db.session.get(Constancia, leido[0]) if leido else None
    if leido is None or row is None or row.entrega != mask_email(leido[1]):
        return render_template(page, imss={"estado": "invalido"}), 400
    estado = verificacion.estado(row, ahora())
    if estado != "vigente":
        return render_template(page, imss={"estado": estado, "folio": row.folio}), 410
    try:
        enviar_constancia(row, leido[1], servicio().renderer.pdf(row))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("Constancia reenviada: %s", row.folio)
    return render_template(page, imss={**_resultado_envio(row, leido[1]), "reenviada": True})

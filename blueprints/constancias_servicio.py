"""What the constancia blueprints share to issue and deliver a document: the per-app signing
key and PDF renderer, the clock, the download, and the email with its resend token.

``blueprints.constancias`` installs the ``Servicio`` on the app; ``carnet``, ``imss``,
``verificacion`` and ``cli_constancias`` use it through ``servicio()``.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import cached_property
from pathlib import Path

from flask import Flask, Response, current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer

from blueprints.extensions import db
from blueprints.mail import queue_email
from blueprints.secretos import secretos
from domain import constancia_tipos, constancias, signing
from domain.models import Constancia
from domain.pdf import Renderer

# The logger name from before this module was cut out of blueprints.constancias: "Constancia
# emitida" lines stay where log searches by logger already look for them.
log = logging.getLogger("blueprints.constancias")

RESEND_SALT = "reenvio-constancia"
RESEND_MAX_AGE = 26 * 3600  # longer than the day a no-derechohabiencia document lasts


class Servicio:
    """Per-app signing key, published keys and PDF renderer, loaded on first use."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        settings = app.extensions["settings"]
        self.emisor: str = settings.issuer_name
        self.demo: bool = settings.demo_mode
        self.instance = Path(app.instance_path)
        self.signing_key: str | None = settings.signing_key
        self.old_keys: str = settings.signing_old_public_keys

    @cached_property
    def signer(self) -> signing.Signer:
        """The key for new documents; SigningKeyMissing outside demo mode without one."""
        return signing.load_signer(self.signing_key, self.instance, self.demo)

    @cached_property
    def keyring(self) -> signing.KeyRing:
        try:
            signer: signing.Signer | None = self.signer
        except signing.SigningKeyMissing:
            signer = None
        return signing.KeyRing.of(signer, signing.load_old_keys(self.old_keys, self.instance))

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

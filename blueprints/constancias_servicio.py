"""What the constancia blueprints share to issue and deliver a document: the per-app signing
key and PDF renderer, the clock, the download, and the email with its resend button.

A resend button's token is bound to its purpose (a salt per kind of document), expires, and
works once: its random nonce is spent in ``UsoUnico`` in the transaction that queues the email,
and the answer carries a new token, so the person can still ask again (within the limits).

``blueprints.constancias`` installs the ``Servicio`` on the app; ``carnet``, ``imss``,
``verificacion`` and ``cli_constancias`` use it through ``servicio()``.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from flask import Flask, Response, current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer

from blueprints.extensions import db
from blueprints.mail import queue_email
from blueprints.secretos import secretos
from domain import constancia_tipos, constancias, signing, signing_config, uso_unico
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
        return signing_config.load_signer(self.signing_key, self.instance, self.demo)

    @cached_property
    def keyring(self) -> signing.KeyRing:
        try:
            signer: signing.Signer | None = self.signer
        except signing_config.SigningKeyMissing:
            signer = None
        return signing.KeyRing.of(
            signer, signing_config.load_old_keys(self.old_keys, self.instance)
        )

    def claves(self) -> signing.KeyRing:
        """The keys that check seals; SigningKeyMissing when there is none at all.

        An empty ring would call every genuine document "no auténtica" and publish an empty
        list of keys, as if that were the truth rather than a portal set up without keys.
        """
        if not self.keyring.keys:
            raise signing_config.SigningKeyMissing(
                "No hay ninguna clave para verificar constancias: define SIGNING_KEY (y, tras "
                "rotarla, SIGNING_OLD_PUBLIC_KEYS o "
                f"{signing_config.old_keys_folder(self.instance)}/)."
            )
        return self.keyring

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


def descargar_pdf(row: Constancia, *, de_nuevo: bool = False) -> Response:
    """Draw ``row``, commit the transaction that issued it, and send it as a download.

    For the Oficina Virtual: ``descargar_pdf(constancias_vigencia.emitir_carnet(db.session, ...))``.
    On any failure the issuance is rolled back and the error re-raised (PdfError is a 503).
    ``de_nuevo``: a document issued before (blueprints/descarga_repetida), drawn again.
    """
    try:
        pdf = servicio().renderer.pdf(row)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("Constancia %s: %s", "descargada de nuevo" if de_nuevo else "emitida", row.folio)
    tipo = constancia_tipos.POR_CLAVE[row.tipo]
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename={tipo.archivo}-{row.folio}.pdf"
    response.cache_control.no_store = True
    return response


@dataclass(frozen=True, slots=True)
class TokenReenvio:
    """What a resend button says: which document went to which address, and its one use."""

    folio: str
    email: str
    uso: str  # the UsoUnico key its one resend spends
    expira: dt.datetime


def token_reenvio(folio: str, email: str, salt: str = RESEND_SALT) -> str:
    """A signed (not secret) note of where a document went, so a resend needs no session.

    The nonce makes every button its own, even two made in the same second.
    """
    data = {"f": folio, "e": email, "n": secrets.token_urlsafe(12)}
    return URLSafeTimedSerializer(secretos(), salt=salt).dumps(data)


def leer_token_reenvio(token: str, salt: str = RESEND_SALT) -> TokenReenvio | None:
    """What a resend token says, or None if it is forged, too old or made for another purpose."""
    serializer = URLSafeTimedSerializer(secretos(), salt=salt)  # old keys too: a rotation
    try:
        data, firmado = serializer.loads(
            token[:2048], max_age=RESEND_MAX_AGE, return_timestamp=True
        )
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    folio, email = data.get("f"), data.get("e")
    # A button shown before buttons worked once has no nonce: its folio and second stand in.
    nonce = data.get("n", f"{folio}@{int(firmado.timestamp())}")
    if not (isinstance(folio, str) and isinstance(email, str) and isinstance(nonce, str)):
        return None
    # A minute past the token's own end (itsdangerous counts whole seconds): the spent mark
    # must outlive the token, or a purge in between would let it work once more.
    expira = firmado + dt.timedelta(seconds=RESEND_MAX_AGE + 60)
    return TokenReenvio(folio, email, f"{salt}:{nonce}", expira)


def reenviar_una_vez(row: Constancia, leido: TokenReenvio, template: str) -> bool:
    """Email ``row`` again to the token's address and spend the token, in one transaction.

    False, with nothing sent, if the token was spent before: a replay, or the button pressed
    twice. Of two requests racing with one token, the database lets one spend it.
    """
    if uso_unico.usado(db.session, leido.uso):
        return False
    try:
        pdf = servicio().renderer.pdf(row)  # drawn before the write: SQLite has one writer
        if not uso_unico.apartar(db.session, leido.uso, leido.expira):
            return False
        enviar_constancia(row, leido.email, pdf, template)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return True


def enviar_constancia(
    row: Constancia, email: str, pdf: bytes, template: str = "constancia_no_derechohabiencia"
) -> None:
    """Queue an emailed IMSS document with its PDF attached and its verification link."""
    tipo = constancia_tipos.POR_CLAVE[row.tipo]
    queue_email(
        email,
        template,
        # Neutral: a subject shows on a locked phone, and the document's name would tell
        # anyone nearby whether this person has IMSS coverage. The message itself names it.
        _("Tu constancia (folio %(folio)s)", folio=row.folio),
        attachments=[(f"{tipo.archivo}-{row.folio}.pdf", "application/pdf", pdf)],
        folio=row.folio,
        emitida=constancias.local(row.emitida),
        url_verificacion=constancias.url_verificacion(
            current_app.config["PUBLIC_BASE_URL"], row.folio, row.codigo
        ),
    )

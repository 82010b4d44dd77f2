"""/dev/correos, in demo mode only: the file outbox as pages (list, text, HTML, attachments).

Apart from ``blueprints.mail``, which queues and delivers every email whatever the mode: these
pages only read what the file transport wrote, and answer 404 without ``DEMO_MODE``. The
blueprint keeps the name "mail" from when both shared a module, so the endpoints the dev/
templates link to (``mail.correos``, ``mail.correo``...) did not change.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template
from flask.typing import ResponseReturnValue

from domain import mailer

bp = Blueprint("mail", __name__)

URL_RE = re.compile(r"(https?://[^\s<>\"]+[^\s<>\".,;:!?)])")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@bp.before_request
def _demo_only() -> None:
    if not current_app.config["DEMO_MODE"]:
        abort(404)


def _outbox_dir() -> Path:
    return Path(current_app.extensions["settings"].outbox_dir)


def _read(nombre: str) -> EmailMessage:
    if not NAME_RE.fullmatch(nombre):
        abort(404)
    path = _outbox_dir() / f"{nombre}.eml"
    if not path.is_file():
        abort(404)
    return mailer.parse_message(path.read_bytes())


def _summary(nombre: str, message: EmailMessage) -> dict[str, Any]:
    return {
        "nombre": nombre,
        "asunto": str(message["Subject"] or ""),
        "para": str(message["To"] or ""),
        "fecha": str(message["Date"] or ""),
        "adjuntos": [part.get_filename() or "adjunto" for part in message.iter_attachments()],
        "idioma": _language(message),
    }


def _language(message: EmailMessage) -> str | None:
    """The language the message says it is written in, for its lang= on these pages (its
    subject and text are not in the page's language when the two differ); None if unsaid."""
    first = str(message["Content-Language"] or "").split(",")[0].strip()
    return first if LANGUAGE_TAG.fullmatch(first) else None


def _linkified(text: str) -> list[list[tuple[str, bool]]]:
    """Lines of (piece, is_url), so the template links the URLs without ``|safe``."""
    return [
        [(piece, bool(URL_RE.fullmatch(piece))) for piece in URL_RE.split(line) if piece]
        for line in text.splitlines()
    ]


@bp.get("/dev/correos")
def correos() -> ResponseReturnValue:
    folder = _outbox_dir()
    paths = sorted(folder.glob("*.eml"), reverse=True)[:200] if folder.is_dir() else []
    mensajes = [_summary(p.stem, mailer.parse_message(p.read_bytes())) for p in paths]
    smtp = current_app.extensions["settings"].mail_server
    return render_template("dev/correos.html", mensajes=mensajes, carpeta=folder, smtp=smtp)


@bp.get("/dev/correos/<nombre>")
def correo(nombre: str) -> ResponseReturnValue:
    message = _read(nombre)
    text = message.get_body(preferencelist=("plain",))
    texto = text.get_content() if text is not None else ""
    return render_template(
        "dev/correo.html",
        mensaje=_summary(nombre, message),
        message_id=str(message["Message-ID"] or ""),
        texto=_linkified(texto),
        tiene_html=message.get_body(preferencelist=("html",)) is not None,
    )


@bp.get("/dev/correos/<nombre>/html")
def correo_html(nombre: str) -> ResponseReturnValue:
    html = _read(nombre).get_body(preferencelist=("html",))
    if html is None:
        abort(404)
    # Served under the site's strict CSP: the message's inline styles are ignored, links work.
    return Response(html.get_content(), mimetype="text/html")


@bp.get("/dev/correos/<nombre>/adjuntos/<int:numero>")
def adjunto(nombre: str, numero: int) -> ResponseReturnValue:
    parts = list(_read(nombre).iter_attachments())
    if not 0 <= numero < len(parts):
        abort(404)
    part = parts[numero]
    filename = re.sub(r"[^\w.-]", "_", part.get_filename() or "adjunto")
    response = Response(part.get_payload(decode=True), mimetype=part.get_content_type())
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""What the email tests share: every email template, queued for real (blueprints.mail) with the
values its feature passes, and the parts of the message that comes out."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import force_locale

from blueprints.mail import queue_email, url_publica
from domain.mailer import parse_message

TO = "juana.perez@example.org"
TEMPLATES = sorted(
    p.stem
    for p in (Path(__file__).resolve().parents[2] / "templates" / "email").glob("*.txt")
    if p.stem != "base"
)
CONTEXT: dict[str, Any] = {
    "minutos": 15,
    "nuevo": "n***@example.org",
    "curp": "PXNE66****HMCXTN06",
    "numeros": ["12345678903"],
    "folio": "ND-2026-000001",
    "emitida": dt.datetime(2026, 11, 27, 9, 30),
    "url_verificacion": "http://127.0.0.1:5000/verificar/ND-2026-000001?c=SGGJ3JH23XF5",
    "por_solicitud": False,
}
LINKS = {
    "enlace": ("cuenta.activar", {"token": "eyJhYmMiOjF9.Zx1Y2w.abcdefghijklmnop"}),
    "recuperar": ("cuenta.recuperar", {}),
    "registro": ("cuenta.registro", {}),
    "entrar": ("cuenta.entrar", {}),
}


def queued(app: Flask, template: str, lang: str = "es", **extra: Any) -> EmailMessage:
    """The message ``queue_email`` writes for ``template`` in ``lang``, as it would be sent."""
    with app.test_request_context(), force_locale(lang):
        context = {name: url_publica(e, **v) for name, (e, v) in LINKS.items()}
        context.update(CONTEXT, **extra)
        correo = queue_email(TO, template, "Asunto de prueba", **context)
        return parse_message(correo.mensaje)  # the caller's commit would send these bytes


def parts(message: EmailMessage) -> tuple[str, str]:
    """(text, html) of a message, with "\\n" line ends."""
    found = []
    for subtype in ("plain", "html"):
        body = message.get_body((subtype,))
        assert body is not None, subtype
        found.append(str(body.get_content()).replace("\r\n", "\n"))
    return found[0], found[1]


def pie(text: str) -> str:
    """The text part's footer: what follows the signature separator."""
    assert "\n-- \n" in text, text
    return text.rpartition("\n-- \n")[2]

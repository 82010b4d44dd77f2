"""What the tests of closing an account share: its pages, the accounts left, the mail sent."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from blueprints import mail
from blueprints.extensions import db
from domain import mailer
from domain.models import Cuenta

URL = "/oficina/cerrar-cuenta"
DONE = "/oficina/cuenta-cerrada"


def accounts(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Cuenta.curp)))


def eml_to(app: Flask, address: str) -> list[str]:
    """Subjects of the .eml copies the file transport wrote for ``address``."""
    mail.wait_for_deliveries()
    outbox_dir = Path(app.instance_path) / "outbox"
    messages = [mailer.parse_message(p.read_bytes()) for p in outbox_dir.glob("*.eml")]
    return [str(m["Subject"]) for m in messages if m["To"] == address]

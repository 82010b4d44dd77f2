"""Closing an account deletes the mail sent for it (``Correo.cuenta_id``) at any address, and
keeps another account's mail to an address it only asked for (domain/cierre.py)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import cierre, mailer
from domain.mailer_transport import file_stem
from domain.models import Correo, Cuenta
from tests.domain.cierre_helpers import ANA, BETO, SECRETOS, account, mail


def para(correo: Correo, cuenta: Cuenta) -> Correo:
    correo.cuenta_id = cuenta.id
    return correo


def test_the_mail_sent_for_the_account_goes_at_every_address_and_no_one_else_s(
    sesion_vacia: Session, tmp_path: Path
) -> None:
    outbox_dir = tmp_path / "outbox"
    # Ana moved from an old address, and now asks for Beto's (she may not know it is his).
    ana = account(sesion_vacia, *ANA, email_pendiente=BETO[1])
    beto = account(sesion_vacia, *BETO)
    para(mail(sesion_vacia, outbox_dir, "ana.vieja@example.org"), ana)  # «Tu contraseña cambió»
    para(mail(sesion_vacia, outbox_dir, "ana.vieja@example.org", sent=False), ana)
    para(mail(sesion_vacia, outbox_dir, ANA[1]), ana)  # «Cambiaste el correo…», to her new one
    para(mail(sesion_vacia, outbox_dir, BETO[1]), ana)  # «Confirma tu nuevo correo»
    mail(sesion_vacia, outbox_dir, ANA[1])  # from before rows named their account
    kept = para(mail(sesion_vacia, outbox_dir, BETO[1]), beto)  # Beto's own
    para(mail(sesion_vacia, outbox_dir, "beto.antes@example.org"), beto)
    sesion_vacia.commit()
    kept_id, kept_file = kept.id, outbox_dir / f"{file_stem(kept.message_id)}.eml"

    hecho = cierre.cerrar(sesion_vacia, ana, outbox_dir, SECRETOS)
    sesion_vacia.commit()

    assert hecho is not None and (hecho.correos, hecho.archivos) == (5, 4)
    left = sesion_vacia.execute(sa.select(Correo.id, Correo.cuenta_id, Correo.destinatario))
    assert sorted(tuple(row) for row in left) == [
        (kept_id, beto.id, BETO[1]),
        (kept_id + 1, beto.id, "beto.antes@example.org"),
    ]
    files = sorted(outbox_dir.glob("*.eml"))
    assert kept_file in files
    assert sorted(str(mailer.parse_message(p.read_bytes())["To"]) for p in files) == [
        "beto.antes@example.org",
        BETO[1],
    ]

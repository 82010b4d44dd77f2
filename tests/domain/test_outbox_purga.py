"""`outbox purgar`'s rule: messages sent or given up on more than N days ago go, with their .eml
files; fresh ones stay, and a message still waiting is never touched, whatever its age."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import mailer_transport, outbox, outbox_estados, outbox_purga
from domain.models import Correo

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
DIAS = dt.timedelta(days=30)
VIEJO, RECIENTE = NOW - dt.timedelta(days=31), NOW - dt.timedelta(days=29)


def correo(session: Session, nombre: str, creado: dt.datetime, **estado: object) -> str:
    """A row named ``nombre`` (its Message-ID's left part); ``estado`` sets its columns."""
    valores: dict[str, object] = {"enviado": False, "intentos": 0, "siguiente_intento": creado}
    valores.update(estado)
    session.add(
        Correo(
            message_id=f"<{nombre}@portal.example>",
            destinatario="juana@example.org",
            asunto="Tu constancia",
            mensaje=b"Subject: Tu constancia\r\n\r\nNSS 12345678903\r\n",
            creado=creado,
            **valores,
        )
    )
    session.commit()
    return nombre


def eml(outbox_dir: Path, nombre: str, escrito: dt.datetime) -> Path:
    path = outbox_dir / f"{mailer_transport.file_stem(f'<{nombre}@portal.example>')}.eml"
    path.write_bytes(b"Subject: Tu constancia\r\n")
    os.utime(path, (escrito.timestamp(), escrito.timestamp()))
    return path


def quedan(session: Session) -> set[str]:
    ids = session.scalars(sa.select(Correo.message_id))
    return {mailer_transport.file_stem(message_id) for message_id in ids}


def test_old_sent_and_given_up_messages_go_with_their_files(
    sesion_vacia: Session, tmp_path: Path
) -> None:
    s = sesion_vacia
    enviado = correo(s, "enviado", VIEJO, enviado=True, enviado_en=VIEJO, intentos=1)
    correo(s, "agotado", VIEJO, intentos=outbox.MAX_ATTEMPTS)
    correo(s, "rechazado", VIEJO, intentos=outbox.REFUSED)
    esperando = correo(s, "esperando", VIEJO, intentos=3)  # still retried: never purged
    requeued = correo(s, "de-nuevo", VIEJO, intentos=0)  # put back in line by `outbox retry`
    # Its last attempt under way: the lease runs into the future.
    en_curso = correo(
        s,
        "en-curso",
        VIEJO,
        intentos=outbox.MAX_ATTEMPTS,
        siguiente_intento=NOW + outbox_estados.LEASE,
    )
    fresco = correo(s, "fresco", RECIENTE, enviado=True, enviado_en=RECIENTE, intentos=1)
    archivos = {nombre: eml(tmp_path, nombre, VIEJO) for nombre in (enviado, esperando)}
    archivos[fresco] = eml(tmp_path, fresco, RECIENTE)
    huerfano_viejo = eml(tmp_path, "sin-fila-viejo", VIEJO)  # its row went some other way
    huerfano_fresco = eml(tmp_path, "sin-fila-fresco", RECIENTE)
    nuestro = eml(tmp_path, "enviado-otra-vez", RECIENTE)  # whose row is purged below
    correo(s, "enviado-otra-vez", VIEJO, enviado=True, intentos=1)

    purga = outbox_purga.purgar(s, NOW, DIAS, tmp_path)

    assert purga == outbox_purga.Purga(correos=4, archivos=3)
    assert quedan(s) == {esperando, requeued, en_curso, fresco}
    assert not archivos[enviado].exists() and not nuestro.exists()
    assert not huerfano_viejo.exists()
    assert archivos[esperando].exists()  # a message waiting keeps even an old file
    assert archivos[fresco].exists() and huerfano_fresco.exists()
    # Nothing left to do the second time.
    assert outbox_purga.purgar(s, NOW, DIAS, tmp_path) == outbox_purga.Purga(0, 0)


def test_without_an_outbox_folder_only_rows_go(sesion_vacia: Session, tmp_path: Path) -> None:
    correo(sesion_vacia, "enviado", VIEJO, enviado=True, intentos=1)
    purga = outbox_purga.purgar(sesion_vacia, NOW, DIAS, tmp_path / "no-existe")
    assert purga == outbox_purga.Purga(correos=1, archivos=0)

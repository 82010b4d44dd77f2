"""`flask --app app outbox deliver [--watch]`: send the messages waiting in the outbox;
`flask --app app outbox retry`: put those given up on back in line;
`flask --app app outbox purgar [--dias N]`: delete the copies of those sent or given up on.

Each message is tried right after the commit that created it; this worker retries the rest
with exponential backoff. Run as many as you like: a message is claimed by one worker only.
Exit code of a single run: 0 when nothing failed, 1 when some message could not be sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from typing import Any

import click
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from blueprints import mail
from blueprints.cli_conexion import GrupoConBase
from blueprints.cli_esquema import requiere_esquema
from blueprints.extensions import db
from blueprints.mail import utcnow
from domain import mailer_transport, outbox, outbox_purga

log = logging.getLogger(__name__)
outbox_cli = GrupoConBase(
    "outbox", help="Correos en espera: entregarlos, reintentar y borrar los ya enviados."
)


def _summary(report: outbox.DeliveryReport) -> str:
    return (
        f"Enviados: {report.sent}; por reintentar: {report.retrying}; "
        f"abandonados: {report.abandoned}; en espera: {report.pending}"
    )


@outbox_cli.command("deliver")
@click.option("--watch", is_flag=True, help="Sigue entregando hasta que lo detengas (Ctrl+C).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=15.0,
    show_default=True,
    help="Segundos entre revisiones con --watch.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Correos como máximo por revisión.",
)
@requiere_esquema("correo", salvo_con="watch")
def deliver_command(watch: bool, interval: float, limit: int) -> None:
    """Entrega los correos pendientes (SMTP con MAIL_SERVER; si no, archivos .eml)."""
    transport = mail.transport(current_app._get_current_object())  # type: ignore[attr-defined]
    factory = sessionmaker(db.engine)
    if not watch:
        report = outbox.deliver_pending(factory, transport, utcnow(), limit)
        click.echo(_summary(report))
        raise SystemExit(1 if report.failed else 0)
    stop = threading.Event()
    previous = _stop_on_sigterm(stop)
    click.echo(f"Entregando correos cada {interval:g} s. Ctrl+C para terminar.")
    try:
        while not stop.is_set():
            round_report = _deliver_round(factory, transport, limit)
            if round_report and (round_report.sent or round_report.failed):
                click.echo(_summary(round_report))
            # A full batch means more are due: go on at once instead of sleeping.
            if not (round_report and round_report.sent + round_report.failed >= limit):
                stop.wait(interval)
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    click.echo("Detenido.")


@outbox_cli.command("retry")
@click.option(
    "--horas",
    type=click.IntRange(min=1),
    default=int(outbox.RETRY_WINDOW.total_seconds() // 3600),
    show_default=True,
    help="Solo los correos creados en estas últimas horas.",
)
@requiere_esquema("correo")
def retry_command(horas: int) -> None:
    """Vuelve a poner en espera los correos que agotaron sus intentos (tras corregir lo que los
    detuvo). Los que el servidor rechazó para siempre no vuelven."""
    requeued = outbox.requeue_abandoned(db.session, utcnow(), dt.timedelta(hours=horas))
    click.echo(f"De nuevo en espera: {requeued}. Los entrega `outbox deliver`.")


@outbox_cli.command("purgar")
@click.option(
    "--dias",
    type=click.IntRange(min=1),
    default=outbox_purga.DIAS,
    show_default=True,
    help="Borra los correos creados hace más de estos días.",
)
@requiere_esquema("correo")
def purgar_command(dias: int) -> None:
    """Borra las copias de los correos ya enviados o abandonados (con sus archivos .eml). Los
    que esperan su entrega no se tocan. Para cron, una vez al día."""
    outbox_dir = current_app.extensions["settings"].outbox_dir
    purga = outbox_purga.purgar(db.session, utcnow(), dt.timedelta(days=dias), outbox_dir)
    click.echo(
        f"Correos borrados: {purga.correos}; archivos .eml borrados: {purga.archivos}. "
        f"Los correos en espera no se tocan."
    )


def _deliver_round(
    factory: sessionmaker[Any], transport: mailer_transport.Transport, limit: int
) -> outbox.DeliveryReport | None:
    try:
        return outbox.deliver_pending(factory, transport, utcnow(), limit)
    except SQLAlchemyError:
        # The database may be restarting: keep the worker alive and try again next round.
        log.exception("No se pudo revisar la bandeja de salida")
        return None


def _stop_on_sigterm(stop: threading.Event) -> Any:
    """Finish the message in hand on SIGTERM (systemd, docker stop) instead of dying mid-send."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, lambda *_: stop.set())

"""Closing an account (domain/cierre.py): nothing of it is left but the ledger and the registry,
the institution's records; nothing of anyone else's goes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import cierre, intentos_sin_cuenta, mailer
from domain.models import Base, Constancia, Correo, Cuenta, IntentoSinCuenta, Persona
from tests.domain.cierre_helpers import ANA, BETO, NOW, SECRETOS, account, mail

# The institution's records: they stay, and hold the CURP by design.
KEPT = {"constancia", "persona", "afiliacion"}


def ledger_row(session: Session, curp: str, folio: str) -> None:
    session.add(
        Constancia(
            folio=folio, tipo="issste_vigencia", curp=curp, titular_nombre="ANA", datos="|x|",
            emitida=NOW, clave_id="k1", firma="f", codigo="ABCD1234EFGH",
            entrega="a***@example.org",
        )
    )  # fmt: skip


def count_failure(session: Session, curp: str) -> None:
    intentos_sin_cuenta.reservar(session, intentos_sin_cuenta.claves(SECRETOS, curp), NOW)


def traces(session: Session, curp: str, email: str) -> list[str]:
    """Every table.column outside KEPT that still holds the CURP or the address."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name in KEPT:
            continue
        for row in session.execute(sa.select(table)).mappings():
            for column, value in row.items():
                text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                if curp in text or email in text.lower():
                    found.append(f"{table.name}.{column}")
    return found


def world(session: Session, outbox_dir: Path) -> Cuenta:
    """Ana, closing her account, and Beto, who keeps his: their mail (sent, waiting, to an
    address Ana has not confirmed yet, a copy whose row was purged), their failed sign-ins,
    Ana's documents and her registry row."""
    ana = account(session, *ANA, email_pendiente="ana.nueva@example.org")
    account(session, *BETO)
    mail(session, outbox_dir, "ana@example.org")
    mail(session, outbox_dir, "ANA@example.org")  # typed otherwise in a public form
    mail(session, outbox_dir, "ana@example.org", sent=False)
    mail(session, outbox_dir, "ana.nueva@example.org")
    mail(session, outbox_dir, "beto@example.org")
    purged = mail(session, outbox_dir, "ana@example.org")
    session.expunge(purged)  # its row gone (purged), its copy left behind
    ledger_row(session, ANA[0], "ISV-2026-000001")
    session.add(
        Persona(
            curp=ANA[0], nombre="ANA", primer_apellido="PEREZ", segundo_apellido=None,
            fecha_nacimiento=dt.date(1966, 7, 20), sexo="M", entidad="MC",
        )
    )  # fmt: skip
    session.commit()
    count_failure(session, ANA[0])  # before she had an account, say
    count_failure(session, BETO[0])
    return ana


def test_closing_leaves_nothing_of_the_account_but_the_institution_s_records(
    sesion_vacia: Session, tmp_path: Path
) -> None:
    outbox_dir = tmp_path / "outbox"
    ana = world(sesion_vacia, outbox_dir)
    assert traces(sesion_vacia, *ANA) and len(list(outbox_dir.glob("*.eml"))) == 5

    hecho = cierre.cerrar(sesion_vacia, ana, outbox_dir, SECRETOS)
    sesion_vacia.commit()

    assert hecho == cierre.Cierre(
        email="ana@example.org", idioma="es", correos=4, archivos=4, intentos=1
    )
    sesion_vacia.expire_all()
    assert traces(sesion_vacia, *ANA) == []
    assert traces(sesion_vacia, "ana.nueva@example.org", "ana.nueva@example.org") == []
    # The copies go with the rows, and so does the one whose row was purged earlier.
    [left] = list(outbox_dir.glob("*.eml"))
    assert mailer.parse_message(left.read_bytes())["To"] == "beto@example.org"
    # Beto keeps everything; the ledger and the registry keep Ana's rows.
    [beto] = sesion_vacia.scalars(sa.select(Cuenta)).all()
    assert (beto.curp, beto.email, beto.intentos_fallidos) == (*BETO, 2)
    assert sesion_vacia.scalars(sa.select(Correo.destinatario)).all() == ["beto@example.org"]
    assert len(sesion_vacia.scalars(sa.select(IntentoSinCuenta)).all()) == 1
    [kept] = sesion_vacia.scalars(sa.select(Constancia)).all()
    assert (kept.folio, kept.curp) == ("ISV-2026-000001", ANA[0])
    assert sesion_vacia.get(Persona, ANA[0]) is not None


def test_an_account_closed_meanwhile_is_left_to_the_first_closing(
    sesion_vacia: Session, tmp_path: Path
) -> None:
    outbox_dir = tmp_path / "outbox"
    ana = world(sesion_vacia, outbox_dir)
    # Another request (a second press of the button) closed it and queued its notice.
    sesion_vacia.execute(sa.delete(Cuenta).where(Cuenta.id == ana.id))
    notice = mail(sesion_vacia, outbox_dir, "ana@example.org", sent=False)
    sesion_vacia.commit()

    assert cierre.cerrar(sesion_vacia, ana, outbox_dir, SECRETOS) is None
    sesion_vacia.commit()
    assert sesion_vacia.get(Correo, notice.id) is not None  # the first closing's notice stays
    assert len(list(outbox_dir.glob("*.eml"))) == 5


def test_a_closed_account_s_id_never_names_another(sesion_vacia: Session) -> None:
    # Sessions and emailed links name accounts by id: reused, a closed account's old cookie or
    # recovery link would open whoever registered next.
    ana = account(sesion_vacia, *ANA)
    sesion_vacia.commit()
    closed = ana.id
    assert cierre.cerrar(sesion_vacia, ana, Path("/nonexistent"), SECRETOS) is not None
    sesion_vacia.commit()
    assert account(sesion_vacia, *BETO).id > closed


def test_an_address_change_committed_meanwhile_goes_with_the_account(
    sesion_vacia: Session, tmp_path: Path
) -> None:
    outbox_dir = tmp_path / "outbox"
    ana = account(sesion_vacia, *ANA)
    sesion_vacia.commit()
    assert ana.email_pendiente is None  # read as the closing request reads it
    # Another device asks for a new address before the closing deletes the row.
    with Session(sesion_vacia.get_bind()) as otra:
        otra.execute(
            sa.update(Cuenta).where(Cuenta.id == ana.id).values(email_pendiente="ana.n@example.org")
        )
        mail(otra, outbox_dir, "ana.n@example.org")  # «Confirma tu nuevo correo»
        mail(otra, outbox_dir, ANA[1])  # «Pediste cambiar tu correo»
        otra.commit()

    hecho = cierre.cerrar(sesion_vacia, ana, outbox_dir, SECRETOS)
    sesion_vacia.commit()

    assert hecho is not None and (hecho.correos, hecho.archivos) == (2, 2)
    assert sesion_vacia.scalars(sa.select(Correo.destinatario)).all() == []
    assert list(outbox_dir.glob("*.eml")) == []

"""The registry's lookups, on SQLite and PostgreSQL: the one-query ISSSTE status agrees with the
full situation the other flows use, for every kind of record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import registry
from domain.models import Afiliacion, Persona

TODAY = dt.date(2026, 11, 26)
DAY = dt.timedelta(days=1)


def _persona(curp: str) -> Persona:
    return Persona(
        curp=curp,
        nombre="PRUEBA",
        primer_apellido="FICTICIA",
        segundo_apellido=None,
        fecha_nacimiento=dt.date(1980, 1, 1),
        sexo="M",
        entidad="DF",
    )


def _afiliacion(curp: str, institucion: str, **fields: object) -> Afiliacion:
    values: dict[str, object] = {
        "curp": curp,
        "institucion": institucion,
        "numero_afiliacion": f"{institucion}-{curp[:6]}",
        "tipo": "titular",
        "vigente": True,
    }
    values.update(fields)
    return Afiliacion(**values)


CASES = {
    # curp: (affiliations, expected ISSSTE status)
    "AAAA800101MDFXXX01": ((), "sin_afiliacion"),
    "BBBB800101MDFXXX02": ((("ISSSTE", {}),), "afiliado"),
    "CCCC800101MDFXXX03": ((("IMSS", {}),), "sin_afiliacion"),
    "DDDD800101MDFXXX04": ((("ISSSTE", {"vigente": False}),), "sin_afiliacion"),
    "EEEE800101MDFXXX05": ((("ISSSTE", {"vigente_hasta": TODAY - DAY}),), "sin_afiliacion"),
    "FFFF800101MDFXXX06": ((("ISSSTE", {"vigente_hasta": TODAY}),), "afiliado"),
    "GGGG800101MDFXXX07": ((("ISSSTE", {"vigente_desde": TODAY + DAY}),), "sin_afiliacion"),
    "HHHH800101MDFXXX08": (
        (("ISSSTE", {"vigente": False}), ("ISSSTE", {"vigente_desde": TODAY})),
        "afiliado",
    ),
}


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with Session(engine) as db:
        for curp, (afiliaciones, _expected) in CASES.items():
            db.add(_persona(curp))
            db.flush()
            for index, (institucion, fields) in enumerate(afiliaciones):
                fields = {"numero_afiliacion": f"{institucion}-{curp[:4]}-{index}", **fields}
                db.add(_afiliacion(curp, institucion, **fields))
        db.commit()
        yield db
    engine.dispose()


def test_issste_status_in_one_query_agrees_with_the_situation(session: Session) -> None:
    connection = session.connection()
    for curp, (_afiliaciones, expected) in CASES.items():
        assert registry.estado_issste(connection, curp, TODAY) == expected, curp
        situacion = registry.situacion(session, curp, TODAY)
        assert bool(situacion.issste_vigente) == (expected == "afiliado"), curp


def test_unknown_curp_has_no_record(session: Session) -> None:
    status = registry.estado_issste(session.connection(), "ZZZZ800101MDFXXX09", TODAY)
    assert status == "sin_registro"

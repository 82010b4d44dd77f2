"""The registry's lookups, on SQLite and PostgreSQL: the one-query ISSSTE status agrees with the
full situation the other flows use, for every kind of record (beneficiaries of lapsed titulares
included), and each lookup sends a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

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


def _familiar(titular: str, **fields: object) -> dict[str, object]:
    return {"tipo": "beneficiario", "titular_curp": titular, "parentesco": "hija", **fields}


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
    # Beneficiaries: rights only while their titular's hold (domain.derechos).
    "IIII100101MDFXXX09": ((("ISSSTE", _familiar("BBBB800101MDFXXX02")),), "afiliado"),
    "JJJJ100101MDFXXX10": ((("ISSSTE", _familiar("DDDD800101MDFXXX04")),), "sin_afiliacion"),
    "KKKK100101MDFXXX11": ((("ISSSTE", _familiar("EEEE800101MDFXXX05")),), "sin_afiliacion"),
    "LLLL100101MDFXXX12": ((("ISSSTE", _familiar("ZZZZ800101MDFXXX99")),), "sin_afiliacion"),
    "MMMM100101MDFXXX13": ((("ISSSTE", _familiar("CCCC800101MDFXXX03")),), "sin_afiliacion"),
    "NNNN100101MDFXXX14": ((("ISSSTE", _familiar("HHHH800101MDFXXX08")),), "afiliado"),
    "OOOO100101MDFXXX15": ((("ISSSTE", _familiar("IIII100101MDFXXX09")),), "sin_afiliacion"),
    "PPPP100101MDFXXX16": (
        (("ISSSTE", _familiar("BBBB800101MDFXXX02", vigente=False)),),
        "sin_afiliacion",
    ),
    "QQQQ100101MDFXXX17": (
        (("ISSSTE", _familiar("DDDD800101MDFXXX04")), ("ISSSTE", {})),
        "afiliado",  # a lapsed titular's relative with a job of their own
    ),
    "RRRR100101MDFXXX18": ((("IMSS", _familiar("CCCC800101MDFXXX03")),), "sin_afiliacion"),
    "SSSS100101MDFXXX19": ((("IMSS", _familiar("BBBB800101MDFXXX02")),), "sin_afiliacion"),
}
IMSS_VIGENTE = {"CCCC800101MDFXXX03", "RRRR100101MDFXXX18"}  # SSSS's titular is ISSSTE only


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


def test_imss_rights_follow_the_same_rule(session: Session) -> None:
    for curp in CASES:
        situacion = registry.situacion(session, curp, TODAY)
        assert bool(situacion.imss_vigente) == (curp in IMSS_VIGENTE), curp


def test_the_oficina_virtual_sees_the_current_titular_row_before_a_lapsed_one(
    session: Session,
) -> None:
    # HHHH: a lapsed ISSSTE titular row, then (a later id) one current from today.
    situacion = registry.situacion(session, "HHHH800101MDFXXX08", TODAY)
    lapsed, current = situacion.issste
    assert not registry.vigente(lapsed, TODAY) and lapsed.id < current.id
    assert situacion.issste_titular is current
    # With none current, the lapsed row still opens an account, whose pages say so.
    situacion = registry.situacion(session, "DDDD800101MDFXXX04", TODAY)
    assert situacion.issste_titular is situacion.issste[0]
    assert registry.situacion(session, "IIII100101MDFXXX09", TODAY).issste_titular is None


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs, from a session with nothing loaded."""
    session.expunge_all()
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_lookups_send_a_fixed_number_of_queries(session: Session) -> None:
    connection = session.connection()
    with statements(session) as sent:
        registry.estado_issste(connection, "NNNN100101MDFXXX14", TODAY)  # two titular rows
    assert len(sent) == 1
    with statements(session) as sent:
        registry.situacion(session, "BBBB800101MDFXXX02", TODAY)  # a titular: no titulares
    assert len(sent) == 2
    with statements(session) as sent:
        situacion = registry.situacion(session, "QQQQ100101MDFXXX17", TODAY)
        assert situacion.issste_vigente and situacion.titulares
        assert situacion.imss_vigente is None
    assert len(sent) == 3  # person, affiliations, every titular's rows at once


def test_unknown_curp_has_no_record(session: Session) -> None:
    status = registry.estado_issste(session.connection(), "ZZZZ800101MDFXXX09", TODAY)
    assert status == "sin_registro"


def test_a_titular_s_family_is_listed_per_institution(session: Session) -> None:
    # BBBB is an ISSSTE titular: IIII and PPPP are registered under him in the ISSSTE, SSSS
    # in the IMSS. A constancia of one institution names only that institution's family.
    titular = "BBBB800101MDFXXX02"
    issste = registry.beneficiarios(session, titular, "ISSSTE")
    imss = registry.beneficiarios(session, titular, "IMSS")
    assert [a.curp for a in issste] == ["IIII100101MDFXXX09", "PPPP100101MDFXXX16"]
    assert [a.curp for a in imss] == ["SSSS100101MDFXXX19"]
    assert {a.institucion for a in issste} == {"ISSSTE"} and imss[0].institucion == "IMSS"

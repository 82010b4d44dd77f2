"""The SQLite folio queue: held from the folio to the end of the transaction, then let go,
whatever ends it; never taken where it could deadlock or where it means nothing."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import folio_lock, folios
from domain.models import Base, FolioContador

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "folios.sqlite3"


@pytest.fixture
def engine(database: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"sqlite:///{database}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def is_locked(database: Path) -> bool:
    fd = os.open(folio_lock.lock_path(str(database)), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_held_from_the_folio_to_the_end_of_the_transaction(
    engine: sa.Engine, database: Path, end: str
) -> None:
    session = Session(engine)
    assert folios.siguiente_folio(session, "NA", 2026) == 1
    assert is_locked(database)
    getattr(session, end)()
    assert not is_locked(database)
    session.close()


def test_a_second_folio_in_the_same_transaction_does_not_wait_on_itself(
    engine: sa.Engine, database: Path
) -> None:
    with Session(engine) as session:
        assert folios.siguiente_folio(session, "NA", 2026) == 1
        assert folios.siguiente_folio(session, "NV", 2026) == 1
        session.commit()
        assert not is_locked(database)


def test_a_transaction_that_already_wrote_keeps_sqlite_own_wait(
    engine: sa.Engine, database: Path
) -> None:
    # It holds SQLite's write lock: queueing behind a process that waits on it would deadlock.
    with Session(engine) as session:
        session.add(FolioContador(prefijo="NV", anio=2026, ultimo=0))
        session.flush()
        folios.siguiente_folio(session, "NA", 2026)
        assert not is_locked(database)
        session.rollback()


def test_a_killed_holder_lets_the_next_issuer_in(engine: sa.Engine, database: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, sqlalchemy as sa; from sqlalchemy.orm import Session;"
            "from domain import folios;"
            f"s = Session(sa.create_engine('sqlite:///{database}'));"
            "folios.siguiente_folio(s, 'NA', 2026); print('held', flush=True);"
            "time.sleep(60)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert is_locked(database)
        holder.kill()
        holder.wait(timeout=10)
        # Its uncommitted number went with it: the next issuer gets the same one, no gap.
        with Session(engine) as session:
            assert folios.siguiente_folio(session, "NA", 2026) == 1
            session.commit()
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout:
            holder.stdout.close()


def test_postgresql_and_memory_databases_need_no_file(tmp_path: Path) -> None:
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        assert folios.siguiente_folio(session, "NA", 2026) == 1
        assert folio_lock.KEY not in session.info
    assert list(tmp_path.iterdir()) == []

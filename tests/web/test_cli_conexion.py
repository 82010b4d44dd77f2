"""The CLI on a database that cannot be reached: one Spanish line on stderr saying where it
looked (never the URL's password), exit status 1, no SQLAlchemy traceback.

Neither URL reaches a server: a closed port on this machine, and a SQLite file in a folder
that does not exist.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import ROOT
from blueprints.cli_conexion import sin_conexion
from tests.conftest import make_app
from tests.web.cli_helpers import PADRON, flask_command

CERRADO = "postgresql://postgres:secreto@127.0.0.1:1/nada"
SIN_SERVIDOR = (
    "Error: No se pudo conectar con la base de datos en 127.0.0.1:1: revisa DATABASE_URL y que "
    "el servidor esté encendido."
)
SIN_CARPETA = (
    "Error: No se pudo abrir la base de datos SQLite {tmp}/no-existe/base.sqlite3: revisa "
    "DATABASE_URL (o INSTANCE_PATH) y que su carpeta exista y se pueda escribir en ella."
)
BASES = {
    "postgresql-puerto-cerrado": (CERRADO, SIN_SERVIDOR),
    "sqlite-sin-carpeta": ("sqlite:///{tmp}/no-existe/base.sqlite3", SIN_CARPETA),
    # Relative: the file SQLite tried to open, in the instance folder.
    "sqlite-relativa": (
        "sqlite:///no-existe/base.sqlite3",
        SIN_CARPETA.replace("{tmp}/", "{tmp}/instance/"),
    ),
}
COMANDOS = [
    ["registry", "import", "{tmp}/padron.csv"],
    ["registry", "stats"],
    ["outbox", "deliver"],
    ["outbox", "retry"],
    ["constancias", "revocar", "NA-2026-000001", "--motivo", "Prueba"],
    ["demo", "seed", "--count", "3"],
    ["demo", "prepare"],
    ["db", "upgrade"],
    ["db", "current"],
]


@contextmanager
def _intentos_de_conexion() -> Iterator[list[object]]:
    """The connections any engine tries to open meanwhile, whether they open or not."""
    tries: list[object] = []

    def count(*args: object) -> None:
        tries.append(args)

    sa.event.listen(sa.Engine, "do_connect", count)
    try:
        yield tries
    finally:
        sa.event.remove(sa.Engine, "do_connect", count)


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("args", COMANDOS, ids=" ".join)
def test_a_command_says_in_one_line_that_the_database_is_unreachable(
    tmp_path: Path, base: str, args: list[str]
) -> None:
    url, expected = (text.format(tmp=tmp_path) for text in BASES[base])
    (tmp_path / "padron.csv").write_text(PADRON, "utf-8")
    app = make_app(tmp_path, url)
    with _intentos_de_conexion() as tries:
        result = app.test_cli_runner().invoke(args=[a.format(tmp=tmp_path) for a in args])
    # Once: the schema check that meets the error ends the command, which would wait again
    # (a TCP timeout each time, on a host that does not answer).
    assert len(tries) == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    # The import's progress label may come first; nothing else does.
    assert [line for line in result.stderr.splitlines() if line != "Importando"] == [expected]
    assert "secreto" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("args", [["registry", "stats"], ["db", "upgrade"]], ids=" ".join)
def test_the_real_flask_command_prints_no_traceback(
    tmp_path: Path, base: str, args: list[str]
) -> None:
    url, expected = (text.format(tmp=tmp_path) for text in BASES[base])
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "DEMO_MODE": "1",
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    done = flask_command(*args, env=env)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [expected], done.stderr
    assert done.stdout == ""


def test_only_a_failure_to_reach_the_database_is_told_so(tmp_path: Path) -> None:
    # A query that fails on a database that answers is a bug: its traceback must still show.
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'base.sqlite3'}")
    with engine.connect() as conn, pytest.raises(sa.exc.OperationalError) as caught:
        conn.execute(sa.text("SELECT * FROM no_existe"))
    engine.dispose()
    assert not sin_conexion(caught.value)
    unreachable = sa.create_engine(f"sqlite:///{tmp_path / 'no-existe' / 'base.sqlite3'}")
    with pytest.raises(sa.exc.OperationalError) as caught:
        unreachable.connect()
    unreachable.dispose()
    assert sin_conexion(caught.value)

"""The CLI on a database that was never migrated: a plain Spanish message naming the command
that fixes it, and a non-zero exit, instead of SQLAlchemy's «no such table» traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from blueprints import cli_outbox
from domain.models import Base
from tests.conftest import make_app
from tests.web.cli_helpers import PADRON

NEEDS_SCHEMA = [
    ["registry", "import", "{tmp}/padron.csv"],
    ["registry", "stats"],
    ["outbox", "deliver"],
    ["outbox", "retry"],
    ["constancias", "revocar", "NA-2026-000001", "--motivo", "Prueba"],
]


@pytest.mark.parametrize("args", NEEDS_SCHEMA, ids=" ".join)
def test_a_command_on_an_empty_database_says_to_migrate(tmp_path: Path, args: list[str]) -> None:
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'sin-migrar.sqlite3'}")
    (tmp_path / "padron.csv").write_text(PADRON, "utf-8")
    result = app.test_cli_runner().invoke(args=[a.format(tmp=tmp_path) for a in args])
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert "flask --app app db upgrade" in result.output
    assert "sin-migrar.sqlite3" in result.output and "Traceback" not in result.output


def test_a_database_missing_one_table_is_also_told_to_migrate(tmp_path: Path) -> None:
    # As after updating the code without running the new version's migration.
    url = f"sqlite:///{tmp_path / 'vieja.sqlite3'}"
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine, tables=[Base.metadata.tables["persona"]])
    engine.dispose()
    result = make_app(tmp_path, url).test_cli_runner().invoke(args=["registry", "stats"])
    assert result.exit_code == 1 and "flask --app app db upgrade" in result.output


def test_a_table_the_command_does_not_use_may_be_missing(tmp_path: Path) -> None:
    # New code restarted before `db upgrade`: the delivery worker needs only its outbox.
    url = f"sqlite:///{tmp_path / 'una-atras.sqlite3'}"
    engine = sa.create_engine(url)
    tables = [t for name, t in Base.metadata.tables.items() if name != "intento_sin_cuenta"]
    Base.metadata.create_all(engine, tables=tables)
    engine.dispose()
    result = make_app(tmp_path, url).test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output


def test_the_delivery_worker_still_waits_for_a_database_that_is_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Down, not unmigrated: the check must not stop a worker that systemd starts before the
    # database, which used to (and should) keep trying round after round.
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'no-existe' / 'base.sqlite3'}")
    rounds = []
    real_round = cli_outbox._deliver_round

    def counted(*args: object) -> object:
        rounds.append(1)
        if len(rounds) == 3:
            raise KeyboardInterrupt
        return real_round(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_outbox, "_deliver_round", counted)
    args = ["outbox", "deliver", "--watch", "--interval", "0.05"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert len(rounds) == 3 and result.output.rstrip().endswith("Detenido.")

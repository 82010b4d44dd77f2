"""Demo data and database migrations."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from blueprints.extensions import db
from domain import curp, demo, demo_personas, registry_import
from domain.models import Afiliacion, Base, Persona
from tests.conftest import fresh_postgresql, make_app
from tests.padron_helpers import csv_bytes


def test_generated_rows_are_valid_deterministic_and_cover_every_case() -> None:
    rows = list(demo.generate_rows(count=60, seed=5))
    assert rows == list(demo.generate_rows(count=60, seed=5))
    assert rows != list(demo.generate_rows(count=60, seed=6))
    assert all(curp.is_valid(row["curp"]) for row in rows)
    people = {row["curp"] for row in rows}
    assert len(people) >= 60
    kinds = {(r["institucion"], r["tipo"], r["vigente"]) for r in rows}
    assert {
        ("IMSS", "titular", "1"),
        ("IMSS", "titular", "0"),
        ("ISSSTE", "titular", "1"),
        ("ISSSTE", "pensionado", "1"),
        ("ISSSTE", "beneficiario", "1"),
        ("ISSSTE", "titular", "0"),
        ("", "", ""),
    } <= kinds
    # Obviously fictitious: every surname comes from the made-up list.
    assert {r["primer_apellido"] for r in rows} <= set(demo_personas.PRIMEROS)


def test_beneficiaries_point_at_their_titular() -> None:
    rows = list(demo.generate_rows(count=30, seed=1))
    titulares = {r["curp"] for r in rows if r["tipo"] == "titular" and r["institucion"] == "ISSSTE"}
    beneficiaries = [r for r in rows if r["tipo"] == "beneficiario"]
    assert beneficiaries
    assert all(r["titular_curp"] in titulares and r["parentesco"] for r in beneficiaries)


def test_families_of_lapsed_titulares_are_flagged_vigente_but_have_no_rights() -> None:
    rows = list(demo.generate_rows(count=30, seed=1))
    by_curp: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_curp.setdefault(row["curp"], []).append(row)
    for institucion, other in (("IMSS", "ISSSTE"), ("ISSSTE", "IMSS")):
        titulares = [
            r["titular_curp"]
            for r in rows
            if r["institucion"] == institucion and r["tipo"] == "beneficiario"
            if not any(t["vigente"] == "1" for t in by_curp[r["titular_curp"]]
                       if t["institucion"] == institucion)
        ]  # fmt: skip
        assert titulares, institucion
        for titular in titulares:  # they moved to the other institution, vigente there
            moved = [t for t in by_curp[titular] if t["institucion"] == other]
            assert [t["vigente"] for t in moved] == ["1"]


def test_demo_rows_pass_the_import_without_warnings() -> None:
    """Every NSS carries its holder's year of birth (a beneficiary's, their titular's)."""
    rows = list(demo.generate_rows(count=60, seed=5))
    result = registry_import.validate_file(io.BytesIO(csv_bytes(rows)))
    assert result.valid and result.warning_lines() == []


def test_seed_command_fills_every_case_and_prints_curps(app: Flask, runner) -> None:
    result = runner.invoke(args=["demo", "seed", "--count", "40", "--seed", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Persona)) >= 40
        examples = demo.examples(db.session)
    assert [e.key for e in examples] == [c.key for c in demo.CASES]
    for example in examples:
        assert example.curps[0] in result.output
    again = runner.invoke(args=["demo", "seed", "--count", "40", "--seed", "3"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Afiliacion)) == len(
            [r for r in demo.generate_rows(count=40, seed=3) if r["institucion"]]
        )


def test_demo_page_lists_curps_for_each_case(app: Flask, runner, client) -> None:
    runner.invoke(args=["demo", "seed", "--count", "20"])
    html = client.get("/demo").get_data(as_text=True)
    with app.app_context():
        for example in demo.examples(db.session):
            assert example.title in html
            assert example.curps[0] in html
    client.set_cookie("lang", "en")
    html = client.get("/demo").get_data(as_text=True)
    assert "Current IMSS affiliation, with the right to medical care." in html


def test_demo_is_refused_outside_demo_mode(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, ENV={"DEMO_MODE": "0"})
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "DEMO_MODE=1" in result.output
    assert app.test_client().get("/demo").status_code == 404


def _schema_diff(url: str) -> list[object]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    return diff


def _upgrade(tmp_path: Path, url: str) -> None:
    app = make_app(tmp_path, url)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output


def test_migrations_build_the_models_schema_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/migrated.sqlite3"
    _upgrade(tmp_path, url)
    assert _schema_diff(url) == []


@pytest.mark.postgres
def test_migrations_build_the_models_schema_on_postgresql(tmp_path: Path) -> None:
    with fresh_postgresql() as url:
        _upgrade(tmp_path, url)
        assert _schema_diff(url.replace("postgresql://", "postgresql+psycopg://", 1)) == []


def test_seed_on_a_fresh_checkout_makes_the_schema_first(tmp_path: Path) -> None:
    # The README's `DEMO_MODE=1 flask --app app demo seed ...`, before anything else was run.
    url = f"sqlite:///{tmp_path}/fresh.sqlite3"
    app = make_app(tmp_path, url)
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "20", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "CURP para probar" in result.output
    assert _schema_diff(url) == []


def test_prepare_migrates_seeds_once_and_prints_the_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.sqlite3"
    app = make_app(tmp_path, url)
    first = app.test_cli_runner().invoke(args=["demo", "prepare"])
    assert first.exit_code == 0, first.output
    assert "http://127.0.0.1:5000/" in first.output
    assert "creados" in first.output
    second = app.test_cli_runner().invoke(args=["demo", "prepare"])
    assert second.exit_code == 0
    assert "creados" not in second.output
    assert "http://127.0.0.1:5000/" in second.output

"""`flask registry import` and `flask registry stats`: exit codes, Spanish output, writes."""

from __future__ import annotations

import csv
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from blueprints.extensions import db
from domain import registry
from domain.hoy import today_in_mexico
from domain.registry_reader import COLUMNS
from tests.padron_helpers import (
    NO_AFFILIATION,
    csv_bytes,
    family,
    good_row,
    nss_born,
    other_year,
    write_csv,
)
from tests.web.cli_helpers import counts


def test_import_prints_a_summary_and_a_second_run_changes_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "padron.csv", family(), bom=True)
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Filas leídas: 4", "  añadidas: 4", "  actualizadas: 0", "  sin cambios: 0",
        "  rechazadas: 0",
    ]  # fmt: skip
    assert "Importando" in result.stderr
    assert counts(app) == (3, 3)
    again = runner.invoke(args=["registry", "import", str(path)])
    assert "  sin cambios: 4" in again.stdout and "  añadidas: 0" in again.stdout
    assert counts(app) == (3, 3)


def test_a_row_without_institution_ends_the_affiliation_once(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    def estado() -> str:
        with app.app_context():
            today = today_in_mexico()
            return registry.estado_issste(db.session.connection(), titular, today)

    titular = good_row(1)["curp"]
    runner.invoke(args=["registry", "import", str(write_csv(tmp_path / "p.csv", family()))])
    assert estado() == "afiliado"
    path = write_csv(tmp_path / "baja.csv", [good_row(1, **NO_AFFILIATION)])
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Filas leídas: 1", "  añadidas: 0", "  actualizadas: 1", "  sin cambios: 0",
        "  rechazadas: 0",
    ]  # fmt: skip
    assert estado() == "sin_afiliacion"
    assert counts(app) == (3, 3)  # ended, not deleted
    # The stats tell the ended from those never affiliated (the family's other member keeps
    # a vigente row: a beneficiary's rights end with the titular's, not the flag).
    stats = runner.invoke(args=["registry", "stats"]).stdout.splitlines()[0]
    assert stats == "Personas: 3 (sin afiliación: 1; sin ninguna afiliación vigente: 2)"
    again = runner.invoke(args=["registry", "import", str(path)])
    assert "  actualizadas: 0" in again.stdout and "  sin cambios: 1" in again.stdout
    assert estado() == "sin_afiliacion"


def test_vigente_and_without_affiliation_in_one_file_is_an_error(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", [good_row(1), good_row(1, **NO_AFFILIATION)])
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1
    assert "Línea 3, columna institucion: Con la institución vacía, esta fila dice" in (
        result.stderr
    )
    assert counts(app) == (0, 0)
    skipped = runner.invoke(args=["registry", "import", "--skip-invalid", str(path)])
    assert skipped.exit_code == 0, skipped.output
    assert "  añadidas: 1" in skipped.stdout and "  rechazadas: 1" in skipped.stdout
    assert counts(app) == (1, 1)


def test_a_bad_row_writes_nothing_and_exits_1(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "padron.csv", [*family(), good_row(9, vigente="quizá")])
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1
    assert "Línea 6, columna vigente: Debe ser 1 (vigente) o 0 (no vigente), no «quizá»." in (
        result.stderr
    )
    assert "No se importó nada: 1 de 5 filas tiene errores." in result.stderr
    assert "--skip-invalid" in result.stderr
    assert counts(app) == (0, 0)


def test_skip_invalid_imports_the_rest_and_exits_0(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = [*family(), good_row(9, vigente="quizá"), good_row(10, sexo="")]
    path = write_csv(tmp_path / "padron.csv", rows)
    result = runner.invoke(args=["registry", "import", "--skip-invalid", str(path)])
    assert result.exit_code == 0, result.output
    assert "  añadidas: 4" in result.stdout and "  rechazadas: 2" in result.stdout
    assert "Línea 6, columna vigente" in result.stderr
    assert "Línea 7, columna sexo" in result.stderr
    assert counts(app) == (3, 3)


def test_every_error_of_a_big_file_names_its_line_in_the_report(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    # 150 bad rows: the screen shows the first 100 and says how to get them all.
    rows = [*family(), *(good_row(100 + i, vigente="quizá") for i in range(150))]
    path = write_csv(tmp_path / "padron.csv", rows)
    shown = runner.invoke(args=["registry", "import", "--skip-invalid", str(path)])
    assert shown.exit_code == 0 and "… y 50 errores más." in shown.stderr
    assert "usa --errores REPORTE.csv" in shown.stderr
    report = tmp_path / "reporte.csv"
    result = runner.invoke(
        args=["registry", "import", "--skip-invalid", "--errores", str(report), str(path)]
    )
    assert result.exit_code == 0, result.output
    assert f"Todos los errores y avisos, con su línea: {report}" in result.stderr
    with report.open(encoding="utf-8", newline="") as out:
        listed = list(csv.DictReader(out))
    assert [int(r["linea"]) for r in listed] == list(range(6, 156))
    assert {(r["columna"], r["tipo"]) for r in listed} == {("vigente", "error")}
    assert listed[0]["mensaje"] == "Debe ser 1 (vigente) o 0 (no vigente), no «quizá»."


def test_the_report_lists_warnings_too_and_an_unwritable_one_stops_first(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = family()
    rows[0]["numero_afiliacion"] = other_year(nss_born(rows[0]))
    path = write_csv(tmp_path / "p.csv", rows)
    report = tmp_path / "r.csv"
    result = runner.invoke(args=["registry", "import", "--errores", str(report), str(path)])
    assert result.exit_code == 0, result.output
    with report.open(encoding="utf-8", newline="") as out:
        [row] = list(csv.DictReader(out))
    assert (row["linea"], row["columna"], row["tipo"]) == ("2", "numero_afiliacion", "aviso")
    nowhere = tmp_path / "no-existe" / "r.csv"
    refused = runner.invoke(args=["registry", "import", "--errores", str(nowhere), str(path)])
    assert refused.exit_code == 2 and "No se puede escribir el reporte" in refused.stderr


def test_warnings_are_listed_and_the_rows_imported(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = family()
    titular = rows[0]
    titular["numero_afiliacion"] = other_year(nss_born(titular))
    result = runner.invoke(args=["registry", "import", str(write_csv(tmp_path / "p.csv", rows))])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Filas leídas: 4", "  añadidas: 4", "  actualizadas: 0", "  sin cambios: 0",
        "  rechazadas: 0",
    ]  # fmt: skip
    assert "Avisos (no rechazan la fila, que se importa igual):" in result.stderr
    assert "  Línea 2, columna numero_afiliacion: El año de nacimiento del NSS" in result.stderr
    assert "Errores:" not in result.stderr
    assert counts(app) == (3, 3)


def test_unusable_files_exit_2_and_say_why(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    header = ",".join(c for c in COLUMNS if c != "tipo").replace("clinica", "clínica")
    misspelled = tmp_path / "encabezados.csv"
    misspelled.write_bytes(csv_bytes(family(), header=header))
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(csv_bytes(family()) + "Peña\r\n".encode("latin-1"))
    cases = [
        (misspelled, "Faltan las columnas: tipo, clinica."),
        (misspelled, "Sobran las columnas: «clínica» (¿quisiste decir «clinica»?)."),
        (latin1, "Línea 6: el archivo no está en UTF-8."),
        (tmp_path / "no-existe.csv", "No existe el archivo"),
        (tmp_path, "es una carpeta, no un archivo CSV."),
    ]
    for path, message in cases:
        result = runner.invoke(args=["registry", "import", str(path)])
        assert result.exit_code == 2, (path, result.output)
        assert message in result.stderr
        assert result.stdout == ""
    assert counts(app) == (0, 0)


def test_stats_counts_personas_afiliaciones_and_vigentes(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    empty = runner.invoke(args=["registry", "stats"])
    assert empty.exit_code == 0
    assert empty.stdout.splitlines() == [
        "Personas: 0 (sin afiliación: 0; sin ninguna afiliación vigente: 0)",
        "Afiliaciones: 0 (vigentes: 0)",
    ]
    rows = family()
    rows[0]["vigente"] = "0"
    runner.invoke(args=["registry", "import", str(write_csv(tmp_path / "p.csv", rows))])
    result = runner.invoke(args=["registry", "stats"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Personas: 3 (sin afiliación: 1; sin ninguna afiliación vigente: 1)",
        "Afiliaciones: 3 (vigentes: 2)",
        "  Institución Tipo           Afiliaciones  Vigentes",
        "  IMSS        titular                   1         0",
        "  ISSSTE      titular                   1         1",
        "  ISSSTE      beneficiario              1         1",
    ]

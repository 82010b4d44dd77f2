"""`flask registry import` on names that are not names and on text the constancias cannot print
(refused, with line and column), and on beneficiaries whose titular is nowhere (imported,
warned, and counted in the summary)."""

from __future__ import annotations

import csv
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from tests.padron_helpers import good_row, write_csv
from tests.web.cli_helpers import counts


def test_markup_in_a_name_refuses_the_row(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = [good_row(1, nombre="MARÍA DE LOS ÁNGELES"), good_row(2, nombre="<b>ANA</b>")]
    result = runner.invoke(args=["registry", "import", str(write_csv(tmp_path / "p.csv", rows))])
    assert result.exit_code == 1
    assert "  Línea 3, columna nombre: No puede llevar «<»: un nombre lleva solo letras" in (
        result.stderr
    )
    assert counts(app) == (0, 0)


def test_a_clinic_the_pdf_cannot_print_is_rejected_and_counted(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = [good_row(1, clinica="Clínica Nº 5 – Ñuñoa"), good_row(2, clinica="Clínica 北京")]
    path = write_csv(tmp_path / "p.csv", rows)
    result = runner.invoke(args=["registry", "import", "--skip-invalid", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "  Línea 3, columna clinica: Tiene «北» (U+5317), que las constancias imprimirían en "
        "blanco; cámbialo o bórralo."
    ) in result.stderr.splitlines()
    assert "  rechazadas: 1" in result.stdout.splitlines()
    assert counts(app) == (1, 1)


def test_a_beneficiary_without_titular_is_imported_and_the_summary_says_which(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    titular = good_row(1)
    rows = [
        titular,
        good_row(2, tipo="beneficiario", titular_curp=titular["curp"], parentesco="hija"),
        good_row(3, tipo="beneficiario", titular_curp=good_row(9)["curp"], parentesco="hijo"),
    ]
    report = tmp_path / "reporte.csv"
    path = write_csv(tmp_path / "p.csv", rows)
    result = runner.invoke(args=["registry", "import", "--errores", str(report), str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Filas leídas: 3", "  añadidas: 3", "  actualizadas: 0", "  sin cambios: 0",
        "  rechazadas: 0", "  beneficiarios sin titular: 1 (línea 4)",
    ]  # fmt: skip
    assert (
        "  Línea 4, columna titular_curp: Su titular no está en el archivo ni en el padrón como "
        "titular o pensionado del IMSS"
    ) in result.stderr
    with report.open(encoding="utf-8", newline="") as out:
        [row] = list(csv.DictReader(out))
    assert (row["linea"], row["columna"], row["tipo"]) == ("4", "titular_curp", "aviso")
    assert counts(app) == (3, 3)
    # Once the titular is in the registry, the same file says nothing more.
    runner.invoke(args=["registry", "import", str(write_csv(tmp_path / "t.csv", [good_row(9)]))])
    again = runner.invoke(args=["registry", "import", str(path)])
    assert "sin titular" not in again.output and "Avisos" not in again.stderr

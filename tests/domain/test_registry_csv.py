"""Registry CSV import: every rule, all-or-nothing writes, idempotence, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from domain import registry_file_checks
from domain.registry_import import import_file, import_rows, validate_file
from domain.registry_reader import COLUMNS, UnusableFile
from domain.registry_stats import registry_stats
from tests.padron_helpers import (
    NO_AFFILIATION,
    TODAY,
    csv_bytes,
    dump,
    family,
    good_row,
    make_curp,
    make_nss,
    nss_born,
    other_year,
    write_csv,
)


def bad_digit(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


@pytest.fixture
def session(sesion_vacia: Session) -> Session:
    return sesion_vacia  # no registry seeded (tests/domain/conftest.py seeds one for `session`)


def test_good_file_imports_every_row(session: Session, tmp_path: Path) -> None:
    rows = family()
    rows[0]["curp"] = " " + rows[0]["curp"].lower()
    rows[0]["nombre"] = "  Ana   María "
    rows[1].update(curp=rows[0]["curp"], nombre=rows[0]["nombre"])
    summary = import_file(session, write_csv(tmp_path / "p.csv", rows), today=TODAY)
    assert (summary.rows, summary.added, summary.updated, summary.unchanged) == (4, 4, 0, 0)
    assert summary.written and summary.valid and summary.error_lines() == []
    personas, afiliaciones = dump(session)
    assert [p[:2] for p in personas] == sorted(
        [(rows[0]["curp"].strip().upper(), "Ana María"), (good_row(2)["curp"], "NOMBRE CAA"),
         (good_row(3)["curp"], "NOMBRE DAA")]
    )  # fmt: skip
    beneficiario = afiliaciones[2]
    assert beneficiario[1:4] == (good_row(2)["curp"], "ISSSTE", "DEMO-0001")
    assert beneficiario[4:6] == ("beneficiario", True)
    assert beneficiario[-2:] == (good_row(1)["curp"], "hija")
    assert afiliaciones[0][6:] == (dt.date(2015, 1, 16), None, "Empresa Ficticia, S.A.",
                                   "UMF 901", None, None)  # fmt: skip
    assert len(afiliaciones) == 3


BAD_ROWS = [
    ("curp", {"curp": bad_digit(good_row(9)["curp"])}, "curp", "El dígito verificador debería ser"),
    ("curp-vacia", {"curp": ""}, "curp", "La CURP es obligatoria."),
    ("nombre", {"nombre": "  "}, "nombre", "El nombre es obligatorio."),
    ("nombre-largo", {"nombre": "A" * 121}, "nombre", "Tiene 121 caracteres; el máximo es 120."),
    ("apellido", {"primer_apellido": ""}, "primer_apellido", "El primer apellido es obligatorio."),
    ("segundo-largo", {"segundo_apellido": "B " * 61}, "segundo_apellido", "el máximo es 120"),
    ("fecha-formato", {"fecha_nacimiento": "16/01/1959"}, "fecha_nacimiento",
     "«16/01/1959» no es una fecha AAAA-MM-DD (como 1985-07-23)."),
    ("fecha-inexistente", {"fecha_nacimiento": "1959-02-30"}, "fecha_nacimiento",
     "La fecha 1959-02-30 no existe."),
    ("fecha-futura", {"curp": make_curp(9, dt.date(2027, 10, 10)),
     "fecha_nacimiento": "2027-10-10"}, "fecha_nacimiento",
     "La fecha de nacimiento 2027-10-10 está en el futuro."),
    ("fecha-curp", {"fecha_nacimiento": "1959-10-11"}, "fecha_nacimiento",
     "No coincide con la CURP, que dice 1959-10-10."),
    ("sexo", {"sexo": "F"}, "sexo", "Debe ser H (hombre), M (mujer) o X (no binario), no «F»."),
    ("sexo-curp", {"sexo": "m"}, "sexo", "No coincide con la CURP, que dice H en la posición 11."),
    ("entidad", {"entidad": "cx"}, "entidad",
     "«CX» no es una clave de entidad; ¿quisiste decir DF?"),
    ("entidad-otra", {"entidad": "ZZ"}, "entidad",
     "«ZZ» no es una clave de entidad; son dos letras, como DF o NE."),
    ("entidad-vacia", {"entidad": ""}, "entidad",
     "Falta la clave de entidad de nacimiento: dos letras, como DF o NE."),
    ("sexo-vacio", {"sexo": " "}, "sexo", "Falta: H (hombre), M (mujer) o X (no binario)."),
    ("entidad-curp", {"entidad": "JC"}, "entidad",
     "No coincide con la CURP, que dice DF en 12 y 13."),
    ("institucion", {"institucion": "PEMEX"}, "institucion",
     "Debe ser IMSS, ISSSTE o quedar vacía, no «PEMEX»."),
    ("sin-institucion", {"institucion": ""}, "numero_afiliacion",
     "Debe quedar vacía: la fila no tiene institución."),
    ("numero-vacio", {"numero_afiliacion": ""}, "numero_afiliacion",
     "Es obligatorio cuando hay institución."),
    ("nss", {"numero_afiliacion": bad_digit(make_nss(9))}, "numero_afiliacion",
     "El dígito verificador debería ser"),
    ("nss-corto", {"numero_afiliacion": "123"}, "numero_afiliacion", "El NSS tiene 11 números"),
    ("issste", {"institucion": "ISSSTE", "numero_afiliacion": "AB/12"}, "numero_afiliacion",
     "En el ISSSTE son de 1 a 20 letras A-Z, números o guiones."),
    ("tipo", {"tipo": "cotizante"}, "tipo",
     "Debe ser titular, pensionado o beneficiario, no «cotizante»."),
    ("vigente", {"vigente": "tal vez"}, "vigente",
     "Debe ser 1 (vigente) o 0 (no vigente), no «tal vez»."),
    ("vigente-desde", {"vigente_desde": "2015-13-01"}, "vigente_desde",
     "La fecha 2015-13-01 no existe."),
    ("vigencia", {"vigente_hasta": "2014-12-31"}, "vigente_hasta",
     "La vigencia termina (2014-12-31) antes de empezar (2015-01-16)."),
    ("clinica", {"clinica": "C" * 201}, "clinica", "Tiene 201 caracteres; el máximo es 200."),
    ("beneficiario-sin-titular", {"tipo": "beneficiario", "parentesco": "hijo"}, "titular_curp",
     "Un beneficiario necesita la CURP de su titular."),
    ("beneficiario-titular-invalido", {"tipo": "beneficiario", "parentesco": "hijo",
     "titular_curp": "XXXX"}, "titular_curp", "«XXXX»: "),
    ("beneficiario-de-si-mismo", {"tipo": "beneficiario", "parentesco": "hijo",
     "titular_curp": good_row(9)["curp"]}, "titular_curp",
     "Es la CURP del propio beneficiario; debe ser la del titular."),
    ("beneficiario-sin-parentesco", {"tipo": "beneficiario", "titular_curp": good_row(1)["curp"]},
     "parentesco", "Un beneficiario necesita el parentesco (cónyuge, hijo, hija, padre, madre…)."),
    ("parentesco-largo", {"tipo": "beneficiario", "titular_curp": good_row(1)["curp"],
     "parentesco": "p" * 41}, "parentesco", "Tiene 41 caracteres; el máximo es 40."),
    ("titular-con-parentesco", {"parentesco": "hijo"}, "parentesco",
     "Debe quedar vacía: solo se llena para beneficiarios."),
    ("titular-con-titular", {"titular_curp": good_row(1)["curp"]}, "titular_curp",
     "Debe quedar vacía: solo se llena para beneficiarios."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "column", "message"), [case[1:] for case in BAD_ROWS], ids=[c[0] for c in BAD_ROWS]
)
def test_a_bad_last_row_is_reported_and_nothing_is_written(
    session: Session, tmp_path: Path, changes: dict[str, str], column: str, message: str
) -> None:
    rows = [*family(), good_row(9, **changes)]
    summary = import_file(session, write_csv(tmp_path / "p.csv", rows), today=TODAY)
    assert not summary.written and summary.rejected == 1
    assert all(error.line == 6 for error in summary.errors)
    assert any(e.column == column and message in e.message for e in summary.errors), summary.errors
    assert f"Línea 6, columna {column}: " in "\n".join(summary.error_lines())
    assert dump(session) == ([], [])


def test_rules_across_rows(session: Session) -> None:
    rows = [
        good_row(1), good_row(1, institucion="ISSSTE", numero_afiliacion="A1"),
        good_row(2, vigente="0"),  # line 4
        good_row(1),  # line 5: the affiliation of line 2 again
        good_row(1, institucion="ISSSTE", numero_afiliacion="A2", nombre="OTRO"),  # line 6
        good_row(2, **NO_AFFILIATION),  # line 7: now without affiliation, as line 4 says: fine
        good_row(2, **NO_AFFILIATION),  # line 8: but not twice
        good_row(1, segundo_apellido=""),  # line 9
    ]  # fmt: skip
    summary = import_rows(session, rows, today=TODAY)
    assert [(e.line, e.column) for e in summary.errors] == [
        (5, "numero_afiliacion"), (6, "nombre"), (8, "curp"), (9, "segundo_apellido")
    ]  # fmt: skip
    assert summary.errors[0].message == (
        "Repite la afiliación de la línea 2 (misma CURP, institución y número de afiliación)."
    )
    assert summary.errors[1].message == (
        "No coincide con la línea 2 (misma CURP), que dice «NOMBRE BAA»."
    )
    assert summary.errors[2].message == "Repite la fila sin afiliación de la línea 7 (misma CURP)."
    assert summary.errors[3].message == (
        "No coincide con la línea 2 (misma CURP), que dice «FICTICIO»."
    )
    assert dump(session) == ([], [])


def test_disagreement_far_apart_is_still_found(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry_file_checks, "_RECENT", 2)  # only the hash of line 2 is left
    rows = [good_row(n) for n in range(1, 6)]
    rows.append(good_row(1, institucion="ISSSTE", numero_afiliacion="A2", nombre="OTRO"))
    summary = import_rows(session, rows, today=TODAY)
    assert [str(e) for e in summary.errors] == [
        "Línea 7, columna curp: Esta CURP aparece en la línea 2 con otros datos personales; "
        "deben ser iguales en todas sus filas."
    ]


def test_rows_with_a_wrong_number_of_cells_and_blank_rows() -> None:
    body = csv_bytes([good_row(1)]) + b"\r\n,,,\r\na,b\r\n"
    result = validate_file(io.BytesIO(body), today=TODAY)
    assert [str(e) for e in result.errors] == ["Línea 5: La fila tiene 2 columnas y deben ser 17."]
    assert (result.rows, result.rejected) == (2, 1)


def test_line_numbers_count_physical_lines() -> None:
    rows = [good_row(1, clinica="UMF\n901\nturno matutino"), good_row(2, sexo="Q")]
    result = validate_file(io.BytesIO(csv_bytes(rows)), today=TODAY)
    assert [(e.line, e.column) for e in result.errors] == [(5, "sexo")]


def test_bom_is_accepted(session: Session, tmp_path: Path) -> None:
    summary = import_file(session, write_csv(tmp_path / "p.csv", family(), bom=True), today=TODAY)
    assert (summary.added, summary.rejected) == (4, 0)


def test_importing_twice_changes_nothing(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", family())
    import_file(session, path, today=TODAY)
    before = dump(session)
    summary = import_file(session, path, today=TODAY)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 4)
    assert dump(session) == before


def test_a_changed_row_updates_its_record(session: Session, tmp_path: Path) -> None:
    rows = family()
    import_file(session, write_csv(tmp_path / "p.csv", rows), today=TODAY)
    rows[1]["clinica"] = "CMF Norte"
    rows[3]["segundo_apellido"] = ""
    summary = import_file(session, write_csv(tmp_path / "p.csv", rows), today=TODAY)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 2, 2)
    personas, afiliaciones = dump(session)
    assert [a[-3] for a in afiliaciones] == ["UMF 901", "CMF Norte", "UMF 901"]
    assert personas[[p[0] for p in personas].index(rows[3]["curp"])][3] is None


def test_skip_invalid_imports_the_good_rows(session: Session, tmp_path: Path) -> None:
    rows = [*family(), good_row(8, sexo="F"), good_row(9)]
    path = write_csv(tmp_path / "p.csv", rows)
    summary = import_file(session, path, today=TODAY, skip_invalid=True)
    assert (summary.added, summary.rejected, summary.written) == (5, 1, True)
    assert [(e.line, e.column) for e in summary.errors] == [(6, "sexo")]
    assert len(dump(session)[1]) == 4
    assert "5 añadidas" in summary.describe() and "1 rechazadas" in summary.describe()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (",".join(COLUMNS[:-1]), "Faltan las columnas: parentesco."),
        (",".join(COLUMNS) + ",notas", "Sobran las columnas: «notas»."),
        (",".join(COLUMNS).replace("clinica", "clínica"),
         "Sobran las columnas: «clínica» (¿quisiste decir «clinica»?)."),
        (",".join(COLUMNS) + ",curp", "Se repiten las columnas: curp."),
        (";".join(COLUMNS), "El archivo usa «;» como separador"),
        (",".join(COLUMNS) + ",", "Sobran las columnas: una sin nombre en la posición 18."),
    ],
)  # fmt: skip
def test_unusable_headers_name_the_columns(header: str, expected: str) -> None:
    with pytest.raises(UnusableFile) as caught:
        validate_file(io.BytesIO(csv_bytes(family(), header=header)), today=TODAY)
    assert expected in str(caught.value)


def test_headers_in_another_order_and_case_are_fine() -> None:
    out = io.StringIO()
    csv.writer(out).writerows([[c.upper() for c in COLUMNS][::-1], [*family()[0].values()][::-1]])
    assert validate_file(io.BytesIO(out.getvalue().encode()), today=TODAY).valid


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "El archivo está vacío: falta la fila de encabezados."),
        (csv_bytes([good_row(1)]) + "Peña".encode("latin-1") + b"\r\n",
         "Línea 3: el archivo no está en UTF-8. Guárdalo como «CSV UTF-8»."),
        (csv_bytes([good_row(1)]) + b'"UMF\r\n', "Línea 3: no se puede leer como CSV"),
        (csv_bytes([good_row(1)]) + b'a,"b"c\r\n', "Línea 3: no se puede leer como CSV"),
        (csv_bytes([good_row(1)]) + b"UMF\x00\r\n", "Línea 3: tiene un carácter nulo"),
        ("curp\r\n".encode("utf-16"), "Línea 1: tiene un carácter nulo"),
    ],
)  # fmt: skip
def test_unusable_files(data: bytes, expected: str) -> None:
    with pytest.raises(UnusableFile) as caught:
        validate_file(io.BytesIO(data), today=TODAY)
    assert str(caught.value).startswith(expected)


def test_unreadable_paths(session: Session, tmp_path: Path) -> None:
    with pytest.raises(UnusableFile, match="No existe el archivo"):
        import_file(session, tmp_path / "nada.csv")
    with pytest.raises(UnusableFile, match="es una carpeta"):
        import_file(session, tmp_path)


def test_errors_are_counted_but_only_100_listed() -> None:
    rows = [good_row(n, sexo="F") for n in range(150)]
    result = validate_file(io.BytesIO(csv_bytes(rows)), today=TODAY)
    assert (result.rejected, result.error_count, len(result.errors)) == (150, 150, 100)
    assert result.error_lines()[-1] == "… y 50 errores más."


# --- warnings: the NSS's year of birth (issue 9) -----------------------------------------------


def test_an_nss_born_another_year_is_a_warning_and_the_row_is_imported(
    session: Session, tmp_path: Path
) -> None:
    agrees, disagrees, unrecorded = good_row(1), good_row(2), good_row(3)
    agrees["numero_afiliacion"] = nss_born(agrees)
    disagrees["numero_afiliacion"] = other_year(nss_born(disagrees))
    unrecorded["numero_afiliacion"] = make_nss(3)  # 5-6 are 00: not recorded, not checked
    assert unrecorded["numero_afiliacion"][4:6] == "00"
    path = write_csv(tmp_path / "p.csv", [agrees, disagrees, unrecorded])
    summary = import_file(session, path, today=TODAY)
    assert summary.written and summary.valid and summary.error_lines() == []
    assert (summary.added, summary.rejected, summary.warning_count) == (3, 0, 1)
    nss_year, curp_year = disagrees["numero_afiliacion"][4:6], disagrees["curp"][4:6]
    assert summary.warning_lines() == [
        f"Línea 3, columna numero_afiliacion: El año de nacimiento del NSS ({nss_year}) no "
        f"coincide con el de la CURP ({curp_year}); se importa igual."
    ]
    assert len(dump(session)[1]) == 3
    # validate_file reports the same, and the warnings never make the file invalid.
    result = validate_file(io.BytesIO(path.read_bytes()), today=TODAY)
    assert result.valid and result.warning_lines() == summary.warning_lines()


def test_a_beneficiary_may_carry_the_titular_nss() -> None:
    titular = good_row(1)
    titular["numero_afiliacion"] = nss_born(titular)
    relative = good_row(22, tipo="beneficiario", titular_curp=titular["curp"], parentesco="hija")
    assert relative["curp"][4:6] != titular["curp"][4:6]
    relative["numero_afiliacion"] = titular["numero_afiliacion"]  # the titular's year: fine
    stranger = good_row(23, tipo="beneficiario", titular_curp=titular["curp"], parentesco="hijo")
    stranger["numero_afiliacion"] = other_year(titular["numero_afiliacion"])  # neither year
    result = validate_file(io.BytesIO(csv_bytes([titular, relative, stranger])), today=TODAY)
    assert result.valid and result.warning_count == 1
    [line] = result.warning_lines()
    assert line.startswith("Línea 4, columna numero_afiliacion: ")
    assert f"ni con el del titular ({titular['curp'][4:6]}); se importa igual." in line


def test_a_rejected_row_lists_its_errors_only_and_warnings_are_capped() -> None:
    rejected = good_row(1, sexo="F")
    rejected["numero_afiliacion"] = other_year(nss_born(rejected))
    result = validate_file(io.BytesIO(csv_bytes([rejected])), today=TODAY)
    assert (result.rejected, result.warning_count) == (1, 0)
    rows = [good_row(n) for n in range(1, 151)]
    for n, row in enumerate(rows, 1):
        row["numero_afiliacion"] = other_year(nss_born(row, n))
    result = validate_file(io.BytesIO(csv_bytes(rows)), today=TODAY)
    assert result.valid and (result.warning_count, len(result.warnings)) == (150, 100)
    assert result.warning_lines()[-1] == "… y 50 avisos más."


def test_ten_thousand_rows_after_a_late_failure(session: Session, tmp_path: Path) -> None:
    rows = [good_row(n) for n in range(10_000)]
    progress: list[int] = []
    late = write_csv(tmp_path / "late.csv", [*rows, good_row(10_000, vigente="2")])
    failed = import_file(session, late, today=TODAY, progress=progress.append)
    assert (failed.written, [e.line for e in failed.errors]) == (False, [10_002])
    assert sum(progress) == late.stat().st_size and len(progress) > 10
    assert dump(session) == ([], [])  # five chunks had been sent: all rolled back
    broken = tmp_path / "broken.csv"
    broken.write_bytes(csv_bytes(rows) + b"\xff\r\n")
    with pytest.raises(UnusableFile, match="Línea 10002: el archivo no está en UTF-8"):
        import_file(session, broken, today=TODAY)
    assert dump(session) == ([], [])
    summary = import_file(session, write_csv(tmp_path / "ok.csv", rows), today=TODAY)
    assert (summary.added, summary.rejected) == (10_000, 0)
    assert registry_stats(session)["afiliaciones"] == 10_000


def test_import_rows_takes_plain_or_numbered_dicts(session: Session) -> None:
    plain = import_rows(session, [good_row(1), good_row(2, sexo="Q")], today=TODAY)
    assert [e.line for e in plain.errors] == [3]
    numbered = import_rows(session, [(10, good_row(1)), (12, {"curp": "X"})], today=TODAY)
    assert [e.line for e in numbered.errors][:1] == [12]
    assert dump(session) == ([], [])


def test_stats(session: Session) -> None:
    rows = family()
    rows[1]["vigente"] = "no"
    import_rows(session, rows, today=TODAY)
    assert registry_stats(session) == {
        "personas": 3,
        "sin_afiliacion": 1,
        "sin_vigente": 1,
        "afiliaciones": 3,
        "vigentes": 2,
        "por_institucion_tipo": [
            {"institucion": "IMSS", "tipo": "titular", "afiliaciones": 1, "vigentes": 1},
            {"institucion": "ISSSTE", "tipo": "titular", "afiliaciones": 1, "vigentes": 0},
            {"institucion": "ISSSTE", "tipo": "beneficiario", "afiliaciones": 1, "vigentes": 1},
        ],
    }

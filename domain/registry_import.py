"""Import the registry CSV into ``persona`` and ``afiliacion``: all of it, or nothing.

One pass: rows are checked as they stream in (``registry_csv`` for each row,
``registry_file_checks`` for rules that need earlier rows) and written in chunks by
``registry_writer`` inside one transaction, committed at the end only if every row passed (or
``skip_invalid``). After the first bad row without ``skip_invalid`` writing stops, checking
goes on, and the transaction is rolled back.

Counts are per row: *added* if its affiliation (or, for a person-only row, the person) did
not exist, *updated* if anything in it differs from the database as the rows before it left
it, *unchanged* otherwise. A person-only row also counts as updated when it ends the person's
vigente affiliations (``registry_writer``). Nothing is ever deleted.

A beneficiary whose titular has no titular or pensionado row in the same institution, neither
in the file nor in the database, is imported with a warning and counted apart: it has no
rights until its titular comes (``domain.derechos``), which may be in a later file, so it is
not an error. Only the import looks at the database: ``validate_file`` does not report these.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import BinaryIO

from sqlalchemy.orm import Session

from domain.hoy import today_in_mexico
from domain.registry_csv import parse_row
from domain.registry_filas import Registro, RowError, RowWarning
from domain.registry_file_checks import FileChecks
from domain.registry_reader import Progress, RawRow, UnusableFile, read_csv
from domain.registry_resultado import MAX_LISTED, ImportSummary, ValidationResult
from domain.registry_writer import Writer

__all__ = [
    "MAX_LISTED",
    "ImportSummary",
    "UnusableFile",
    "ValidationResult",
    "import_file",
    "import_rows",
    "validate_file",
]

Row = Mapping[str, str] | tuple[int, Mapping[str, str]]
# Called with every error and warning as they are found, for a full report of a big file (the
# result keeps only the first MAX_LISTED of each, so that memory stays flat).
Report = Callable[[Sequence[RowError]], None]


def _numbered(rows: Iterable[Row | RawRow]) -> Iterator[RawRow]:
    for line, row in enumerate(rows, 2):
        if isinstance(row, RawRow):
            yield row
        elif isinstance(row, tuple):
            yield RawRow(row[0], row[1])
        else:
            yield RawRow(line, row)


def _check_and_write(
    rows: Iterable[RawRow],
    today: dt.date,
    skip_invalid: bool,
    writer: Writer | None,
    report: Report | None = None,
) -> ValidationResult:
    checks = FileChecks()
    count = rejected = error_count = warning_count = 0
    listed: list[RowError] = []
    warned: list[RowWarning] = []
    for raw in rows:
        count += 1
        errors = parse_row(raw, today)
        if isinstance(errors, Registro):
            row, errors = errors, checks.check(errors)
            if not errors:
                if row.warnings:  # only a passing row's: a rejected one lists its errors
                    warning_count += len(row.warnings)
                    warned.extend(row.warnings[: MAX_LISTED - len(warned)])
                    if report is not None:
                        report(row.warnings)
                if writer is not None:
                    writer.add(row)
                continue
        rejected += 1
        error_count += len(errors)
        listed.extend(errors[: MAX_LISTED - len(listed)])
        if report is not None:
            report(errors)
        if writer is not None and not skip_invalid:
            writer.discard()  # the import is lost; keep checking to list every error
    if writer is not None and writer.active:
        writer.flush()
    orphan_count, orphan_lines = 0, list[int]()
    for orphans in checks.sin_titular(writer.titulares) if writer is not None else ():
        orphan_count += len(orphans)
        orphan_lines.extend(orphan.line for orphan in orphans[: MAX_LISTED - len(orphan_lines)])
        warned.extend(orphans[: MAX_LISTED - len(warned)])
        if report is not None:
            report(orphans)
    return ValidationResult(
        *(count, rejected, error_count, tuple(listed), warning_count + orphan_count, tuple(warned)),
        *(orphan_count, tuple(orphan_lines)),
    )


def import_rows(
    session: Session,
    rows: Iterable[Row | RawRow],
    *,
    today: dt.date | None = None,
    skip_invalid: bool = False,
    report: Report | None = None,
) -> ImportSummary:
    """Check and write ``rows``; commit if all passed (or ``skip_invalid``), else roll back.

    A row is a mapping of ``COLUMNS`` to text (a missing column reads as empty), numbered from
    line 2, or a ``(line, mapping)`` pair. ``today`` (default: today in Mexico City) is the
    limit for birth dates.
    """
    writer = Writer(session)
    try:
        result = _check_and_write(
            _numbered(rows), today or today_in_mexico(), skip_invalid, writer, report
        )
        if writer.active:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    return ImportSummary(
        *(result.rows, result.rejected, result.error_count, result.errors),
        *(result.warning_count, result.warnings),
        *(result.sin_titular_count, result.sin_titular),
        added=writer.added,
        updated=writer.updated,
        unchanged=writer.unchanged,
        written=writer.active,
    )


def _open(path: str | os.PathLike[str]) -> BinaryIO:
    name = os.fspath(path)
    try:
        return open(name, "rb")  # closed by the caller's ``with``
    except FileNotFoundError:
        raise UnusableFile(f"No existe el archivo {name}.") from None
    except IsADirectoryError:
        raise UnusableFile(f"{name} es una carpeta, no un archivo CSV.") from None
    except PermissionError:
        raise UnusableFile(f"No hay permiso para leer {name}.") from None
    except OSError as exc:
        raise UnusableFile(f"No se puede abrir {name} (error {exc.errno}).") from None


def import_file(
    session: Session,
    path: str | os.PathLike[str],
    *,
    today: dt.date | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    report: Report | None = None,
) -> ImportSummary:
    """Import a registry CSV streamed from disk; raises ``UnusableFile`` (nothing written)."""
    with _open(path) as stream:
        return import_rows(
            session,
            read_csv(stream, progress),
            today=today,
            skip_invalid=skip_invalid,
            report=report,
        )


def validate_file(
    stream: Iterable[bytes], *, today: dt.date | None = None, progress: Progress | None = None
) -> ValidationResult:
    """Check a registry CSV (an open binary file) without touching any database (so without
    looking for the titulares of its beneficiaries)."""
    rows = read_csv(stream, progress)
    return _check_and_write(rows, today or today_in_mexico(), False, None)

"""Read the registry CSV as a stream of binary lines: its header contract, its encoding and
its shape, each problem named by line in Spanish. The rows' contents are checked in
``registry_csv``.

Pure: no Flask, no database. A 1,000,000-row file is read line by line, never held whole.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import NamedTuple

COLUMNS = (
    "curp", "nombre", "primer_apellido", "segundo_apellido", "fecha_nacimiento", "sexo",
    "entidad", "institucion", "numero_afiliacion", "tipo", "vigente", "vigente_desde",
    "vigente_hasta", "dependencia", "clinica", "titular_curp", "parentesco",
)  # fmt: skip
_PROGRESS_STEP = 1 << 16  # report progress every 64 KiB, not every line

Progress = Callable[[int], None]  # receives the number of bytes read since the last call


class UnusableFile(Exception):
    """The file cannot be read as a registry CSV at all: nothing in it is checked or written."""


class RawRow(NamedTuple):
    """A row as read: its line, its cells by column, and a problem with its shape, if any."""

    line: int
    cells: Mapping[str, str]
    problem: str | None = None


def show(value: str) -> str:
    return f"«{value[:40]}…»" if len(value) > 40 else f"«{value}»"


def _check_header(header: list[str]) -> list[str]:
    names = [name.strip().lower() for name in header]
    missing = [c for c in COLUMNS if c not in names]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    extra = []
    for position, name in enumerate(names, 1):
        if not name:
            extra.append(f"una sin nombre en la posición {position}")
        elif name not in COLUMNS:
            guess = difflib.get_close_matches(name, missing or COLUMNS, n=1)
            extra.append(show(name) + (f" (¿quisiste decir «{guess[0]}»?)" if guess else ""))
    if not (missing or extra or repeated):
        return names
    problems = ["Los encabezados no son los esperados."]
    if len(names) == 1 and ";" in names[0]:
        problems.append("El archivo usa «;» como separador: guárdalo separado por comas.")
    if missing:
        problems.append("Faltan las columnas: " + ", ".join(missing) + ".")
    if extra:
        problems.append("Sobran las columnas: " + ", ".join(extra) + ".")
    if repeated:
        problems.append("Se repiten las columnas: " + ", ".join(repeated) + ".")
    problems.append("La primera fila debe ser exactamente: " + ",".join(COLUMNS))
    raise UnusableFile("\n".join(problems))


def _decoded_lines(lines: Iterable[bytes], progress: Progress | None) -> Iterator[str]:
    # Decoding line by line (rather than through TextIOWrapper) names the exact bad line.
    unreported = 0
    for number, raw in enumerate(lines, 1):
        unreported += len(raw)
        if progress is not None and unreported >= _PROGRESS_STEP:
            progress(unreported)
            unreported = 0
        if b"\x00" in raw:  # PostgreSQL refuses NUL in text; it means a binary or UTF-16 file
            raise UnusableFile(f"Línea {number}: tiene un carácter nulo; ¿es de verdad un CSV?")
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise UnusableFile(
                f"Línea {number}: el archivo no está en UTF-8. Guárdalo como «CSV UTF-8»."
            ) from None
    if progress is not None and unreported:
        progress(unreported)


def read_csv(lines: Iterable[bytes], progress: Progress | None = None) -> Iterator[RawRow]:
    """Rows of a registry CSV given as binary lines (an open file); raises ``UnusableFile``.

    Blank rows are skipped; the order of the columns is free, their names are not.
    """
    reader = csv.reader(_decoded_lines(lines, progress), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise UnusableFile("El archivo está vacío: falta la fila de encabezados.")
        names = _check_header(header)
        end = reader.line_num
        for values in reader:
            start, end = end + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            problem = None
            if len(values) != len(names):
                problem = f"La fila tiene {len(values)} columnas y deben ser {len(names)}."
            yield RawRow(start, dict(zip(names, values, strict=False)), problem)
    except csv.Error:
        raise UnusableFile(
            f"Línea {reader.line_num}: no se puede leer como CSV (comillas sin cerrar o mal "
            "puestas, o un campo enorme)."
        ) from None
    except OSError as exc:
        raise UnusableFile(f"No se pudo terminar de leer el archivo ({exc.errno}).") from None

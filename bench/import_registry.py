"""Registry CSV import speed: generated rows into SQLite and, when reachable, PostgreSQL.

    python bench/import_registry.py [--rows 100000]

Writes a temporary CSV of valid rows (CURP and NSS with correct check digits; a mix of IMSS,
ISSSTE, beneficiaries, people in both and people without affiliation), then imports it with
``domain.registry_import.import_file`` twice per database: the first run adds every row, the
second finds them all unchanged. Each database runs in a child process so its peak RSS is its
own. PostgreSQL: BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/bench; the
database is created if missing and its tables recreated). Prints figures only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app  # noqa: E402, F401  # registers the SQLite pragmas the portal runs with
from domain import curp, nss  # noqa: E402
from domain.models import Base  # noqa: E402
from domain.registry_import import import_file  # noqa: E402
from domain.registry_reader import COLUMNS  # noqa: E402

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/bench"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"


def person(n: int) -> dict[str, str]:
    born = dt.date(1940 + n % 80, 1 + n % 12, 1 + n % 28)
    sexo, entidad = "HMX"[n % 3], sorted(curp.STATES)[n % 33]
    head = LETTERS[n % 26] + "AEIOU"[n // 26 % 5] + LETTERS[n // 130 % 26] + LETTERS[n // 3380 % 26]
    tail = "".join(CONSONANTS[n // 87880 // 21**i % 21] for i in range(3))
    first17 = f"{head}{born:%y%m%d}{sexo}{entidad}{tail}{'0' if born.year < 2000 else 'A'}"
    nombre = "NOMBRE " + "".join(LETTERS[n // 26**i % 26] for i in range(5))  # no digits
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        curp=first17 + curp.check_digit(first17), nombre=nombre, primer_apellido="PRUEBA",
        segundo_apellido="FICTICIO" if n % 4 else "", fecha_nacimiento=born.isoformat(),
        sexo=sexo, entidad=entidad,
    )  # fmt: skip
    return row


def affiliated(row: dict[str, str], n: int, institucion: str, **extra: str) -> dict[str, str]:
    numero = f"{n % 10**10:010d}"
    numero = numero + nss.check_digit(numero) if institucion == "IMSS" else f"ISS-{n}"
    return {
        **row, "institucion": institucion, "numero_afiliacion": numero, "tipo": "titular",
        "vigente": "1" if n % 5 else "0", "vigente_desde": "2015-01-16",
        "dependencia": "Dependencia Ficticia de Pruebas", "clinica": f"UMF {n % 90}", **extra,
    }  # fmt: skip


def generate(path: Path, rows: int) -> None:
    """``rows`` rows; of every 10 people 1 has no affiliation, 1 has two, 1 has a relative."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        n = written = 0
        while written < rows:
            n += 1
            row, kind = person(n), n % 10
            batch = [affiliated(row, n, "IMSS")] if kind < 6 else [row] if kind == 9 else []
            if kind in (6, 7, 8):
                batch.append(affiliated(row, n, "ISSSTE"))
            if kind == 8:
                batch.append(affiliated(row, n, "IMSS"))
            if kind == 7:
                n += 1
                relative = affiliated(person(n), n, "ISSSTE", tipo="beneficiario",
                                      titular_curp=row["curp"], parentesco="hijo(a)")  # fmt: skip
                batch.append({**relative, "numero_afiliacion": batch[0]["numero_afiliacion"]})
            writer.writerows(batch[: rows - written])
            written += len(batch[: rows - written])


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def child(url: str, path: Path) -> None:
    """Import twice into ``url`` and print the figures as JSON (runs in its own process)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    figures: dict[str, float] = {"rss_before_kib": rss_kib()}
    for run in ("first", "second"):
        with Session(engine) as session:
            started, cpu = time.perf_counter(), time.process_time()
            summary = import_file(session, path)
            figures[f"{run}_s"] = time.perf_counter() - started
            figures[f"{run}_cpu_s"] = time.process_time() - cpu
        assert summary.written and summary.rejected == 0, summary.error_lines()[:5]
        figures[f"{run}_rows"] = summary.rows
        figures[f"{run}_added"] = summary.added
        figures[f"{run}_unchanged"] = summary.unchanged
    figures["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    engine.dispose()
    print(json.dumps(figures))


def pg_ready(url: str) -> bool:
    """Create the bench database if the server is there and the database is not."""
    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(admin_url + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            query = sa.text("SELECT 1 FROM pg_database WHERE datname = :name")
            if conn.execute(query, {"name": name}).scalar() is None:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError:
        return False
    finally:
        admin.dispose()
    return True


def report(label: str, url: str, path: Path) -> None:
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(path)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    f = json.loads(out.splitlines()[-1])
    rows = f["first_rows"]
    print(f"{label}:")
    for run, what in (("first", f"{f['first_added']:,.0f} added"),
                      ("second", f"{f['second_unchanged']:,.0f} unchanged")):  # fmt: skip
        wall, cpu = f[f"{run}_s"], f[f"{run}_cpu_s"]
        print(f"  {run} import ({what}): {rows / wall:,.0f} rows/s "
              f"({wall:.1f} s; importing process CPU {cpu:.1f} s)")  # fmt: skip
    print(f"  RSS before import {f['rss_before_kib'] / 1024:.0f} MiB, "
          f"peak {f['peak_rss_kib'] / 1024:.0f} MiB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("URL", "CSV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp:
        path = Path(tmp) / "padron.csv"
        started = time.perf_counter()
        generate(path, args.rows)
        size = path.stat().st_size
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(f"{args.rows:,} rows, {size / 2**20:.1f} MiB CSV "
              f"(generated in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        report("SQLite (temporary file)", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", path)
        pg_url = os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)
        if pg_ready(pg_url):
            report(f"PostgreSQL ({pg_url})", pg_url, path)
        else:
            print(f"PostgreSQL ({pg_url}): not reachable, skipped")


if __name__ == "__main__":
    main()

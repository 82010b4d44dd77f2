"""Registry at scale: 1,000,000 people with 1,500,000 affiliations imported through the CLI,
then CURP lookup latency (p50/p99) on the loaded registry. SQLite and, when reachable,
PostgreSQL (BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/bench).

    python bench/registry_scale.py [--people 1000000]

Prints figures only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app  # noqa: E402, F401  # the SQLite pragmas the portal runs with
from bench.import_registry import PG_DEFAULT, affiliated, person, pg_ready  # noqa: E402
from domain import registry  # noqa: E402
from domain.models import Base  # noqa: E402
from domain.registry_reader import COLUMNS  # noqa: E402


def generate(path: Path, people: int) -> tuple[int, int]:
    """5 % without affiliation, 40 % with one, 55 % with two: 1.5 affiliations per person."""
    rows = affiliations = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for n in range(1, people + 1):
            row, kind = person(n), n % 20
            if kind == 0:
                batch = [row]
            elif kind < 9:
                batch = [affiliated(row, n, "IMSS" if kind % 2 else "ISSSTE")]
            else:
                batch = [affiliated(row, n, "IMSS"), affiliated(row, n, "ISSSTE")]
            writer.writerows(batch)
            rows += len(batch)
            affiliations += sum(1 for b in batch if b["institucion"])
    return rows, affiliations


def lookups(url: str, people: int, count: int = 5000) -> tuple[float, float]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    rng = random.Random(7)
    curps = [person(rng.randint(1, people))["curp"] for _ in range(count)]
    timings = []
    with Session(engine) as session:
        today = dt.date.today()
        for value in curps:
            started = time.perf_counter()
            found = registry.situacion(session, value, today)
            timings.append((time.perf_counter() - started) * 1000)
            assert found.persona is not None
            session.expunge_all()
    engine.dispose()
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99)]


def run(label: str, url: str, csv_path: Path, rows: int, people: int) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    env = {**os.environ, "DEMO_MODE": "1", "DATABASE_URL": url,
           "INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-scale-")}  # fmt: skip
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "app", "registry", "import",
         str(csv_path)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    p50, p99 = lookups(url, people)
    print(f"{label}: import {rows:,} rows in {elapsed:.0f} s = {rows / elapsed:,.0f} rows/s; "
          f"CURP lookup p50 {p50:.2f} ms, p99 {p99:.2f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        path = Path(tmp) / "padron.csv"
        rows, affiliations = generate(path, args.people)
        print(f"{args.people:,} people, {affiliations:,} affiliations, {rows:,} rows, "
              f"{path.stat().st_size / 2**20:.0f} MiB CSV")  # fmt: skip
        run("SQLite", f"sqlite:///{Path(tmp) / 'scale.sqlite3'}", path, rows, args.people)
        pg_url = os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT)
        if pg_ready(pg_url):
            run("PostgreSQL", pg_url, path, rows, args.people)
        else:
            print(f"PostgreSQL ({pg_url}): not reachable, skipped")


if __name__ == "__main__":
    main()

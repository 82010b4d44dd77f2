"""Constancia PDFs: xhtml2pdf against a reportlab-canvas floor, then documents/s over HTTP.

    .venv/bin/python bench/pdf.py [--renders 60] [--docs 1000] [--workers 2] [--threads 4]

1. In process: median ms per no-derechohabiencia document (a new folio, code and QR each time)
   drawn by ``domain.pdf.Renderer`` (xhtml2pdf, then the seal attached with pypdf), beside the
   same page drawn directly on a reportlab canvas in the same run: the floor.
2. Over HTTP: ``demo prepare`` fills a temporary SQLite database, gunicorn (sync workers) serves
   the app on 127.0.0.1 and an ephemeral port, a bounded thread pool POSTs
   /constancias/no-afiliacion/descargar ``--docs`` times; then a one-worker server issues 1,000
   documents and its worker's RSS is read from /proc. Servers are stopped by their PID.
Targets (printed, never asserted): within 4x of the floor; a worker's RSS under 100 MiB (PSS
printed beside it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import segno  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from reportlab.lib.pagesizes import letter  # noqa: E402
from reportlab.lib.utils import ImageReader, simpleSplit  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from domain import cadena_original, constancias, constancias_sin_derecho, pdf, sello, signing  # noqa: E402
from domain.models import Base, Constancia  # noqa: E402

BIN = ROOT / ".venv" / "bin"
APP = "app:create_app({'WTF_CSRF_ENABLED': False, 'RATELIMIT_ENABLED': False})"
CURP = "XEXX010101HNEXXXA4"
TARGET_RATIO, TARGET_MIB = 4.0, 100.0


def median_ms(job: Callable[[], object], renders: int, warmup: int = 5) -> float:
    for _ in range(warmup):
        job()
    times = []
    for _ in range(renders):
        start = time.perf_counter()
        job()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def reportlab_page(row: Constancia, base_url: str) -> bytes:
    """The same page on a reportlab canvas: header, title, table, QR box, cadena and seal."""
    c = cadena_original.leer_cadena(row.datos)
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=letter, pageCompression=1)
    width, height = letter
    left, right, y = 48, width - 48, height - 40
    page.drawImage(ImageReader(str(ROOT / "static/img/emblema-pdf.png")), left, y - 46, 46, 46)
    page.setFont("Helvetica-Bold", 13)
    page.drawString(left + 58, y - 16, c["emisor"])
    page.setFont("Helvetica", 9.5)
    page.drawString(left + 58, y - 30, "IMSS · Constancia de No Derechohabiencia")
    page.drawRightString(right, y - 16, "Folio " + row.folio)
    y -= 62
    page.line(left, y, right, y)
    page.rect(left, y - 30, right - left, 22)
    page.setFont("Helvetica-Bold", 13)
    page.drawCentredString(width / 2, y - 24, "DOCUMENTO DE DEMOSTRACIÓN — SIN VALIDEZ OFICIAL")
    page.setFont("Helvetica-Bold", 20)
    page.drawString(left, y - 58, "Constancia de No Derechohabiencia")
    y -= 80
    page.setFont("Helvetica", 12)
    text = (
        f"Se hace constar que la CURP {c['curp']} no tiene registro en el IMSS con derecho a "
        "servicio médico a la fecha de emisión."
    )
    for line in simpleSplit(text, "Helvetica", 12, right - left):
        page.drawString(left, y, line)
        y -= 15
    rows = [("Nombre", c["nombre"] or "Sin registro"), ("CURP", c["curp"]),
            ("Emitida", c["emitida"]), ("Validez", "Válida solo hoy, hasta las 23:59 h"),
            ("Folio", row.folio)]  # fmt: skip
    for label, value in rows:
        page.line(left, y, right, y)
        page.setFont("Helvetica-Bold", 11)
        page.drawString(left, y - 14, label)
        page.setFont("Helvetica", 12)
        page.drawString(left + 155, y - 14, value)
        y -= 22
    page.line(left, y, right, y)
    url = constancias.url_verificacion(base_url, row.folio, row.codigo)
    qr = ImageReader(io.BytesIO(_png(url)))
    y -= 140
    page.rect(left, y, right - left, 128)
    page.drawImage(qr, left + 6, y + 6, 116, 116)
    page.setFont("Helvetica-Bold", 11)
    page.drawString(left + 132, y + 100, "Verifica que este documento es auténtico")
    page.setFont("Courier", 8.5)
    page.drawString(left + 132, y + 70, url)
    y -= 20
    page.setFont("Courier", 6.8)
    for chunk in [*pdf.trozos(row.datos, 112), row.firma]:
        page.drawString(left, y, chunk)
        y -= 9
    page.showPage()
    page.save()
    return out.getvalue()


def _png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    return buffer.getvalue()


def in_process(renders: int) -> tuple[float, float, float]:
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    session, signer = Session(engine), signing.Signer.generate()
    base = "https://portal.example"
    renderer = pdf.Renderer(ROOT / "templates", ROOT / "static" / "img", base_url=base, demo=True)
    now = dt.datetime.now(dt.UTC)

    def issue() -> Constancia:
        return constancias_sin_derecho.emitir_no_derechohabiencia(
            session, signer, CURP, now, emisor="Bench"
        )

    xhtml = median_ms(lambda: renderer.pdf(issue()), renders)
    floor = median_ms(lambda: reportlab_page(issue(), base), renders)

    def floor_sealed() -> bytes:
        row = issue()
        seal = sello.Sello(row.datos, row.firma, row.clave_id)
        return sello.embed(reportlab_page(row, base), seal, title=row.folio)

    return xhtml, floor, median_ms(floor_sealed, renders)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(
    env: dict[str, str], workers: int, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "-b",
               f"127.0.0.1:{port}", "-w", str(workers), "-k", "sync", APP]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.1)
    server.send_signal(signal.SIGTERM)
    raise SystemExit(f"gunicorn did not start; see {log}")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def issue_over_http(url: str, docs: int, threads: int) -> tuple[float, int]:
    body = urllib.parse.urlencode({"curp": CURP}).encode()

    def post(_: int) -> bool:
        request = urllib.request.Request(url + "/constancias/no-afiliacion/descargar", data=body)
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status == 200 and response.read(5) == b"%PDF-"

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        ok = sum(pool.map(post, range(docs)))
    return docs / (time.perf_counter() - start), docs - ok


def worker_rss_mib(master: int) -> list[float]:
    return [rss for rss, _ in worker_memory_mib(master)]


def worker_memory_mib(master: int) -> list[tuple[float, float]]:
    """(RSS, PSS) of each worker. RSS is the target; PSS splits the pages a worker shares
    (libraries, the page cache) between the processes that map them, for information."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        kib = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:]}
        sizes.append((kib["Rss"] / 1024, kib["Pss"] / 1024))
    return sizes


def over_http(docs: int, workers: int, threads: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        env = {**os.environ, "DEMO_MODE": "1", "INSTANCE_PATH": tmp,
               "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "SECRET_KEY": "bench"}  # fmt: skip
        env.pop("REDIS_URL", None)
        prepare = [str(BIN / "flask"), "--app", "app", "demo", "prepare"]
        subprocess.run(prepare, cwd=ROOT, env=env, check=True, capture_output=True)
        server, url = start_gunicorn(env, workers, Path(tmp) / "gunicorn.log")
        try:
            issue_over_http(url, 20, threads)  # warm-up: imports and first renders
            rate, failed = issue_over_http(url, docs, threads)
        finally:
            stop(server)
        print(f"HTTP, {workers} sync workers, {threads} client threads: {rate:.1f} documents/s"
              f" over {docs} ({failed} failed)")  # fmt: skip
        server, url = start_gunicorn(env, 1, Path(tmp) / "gunicorn-1.log")
        try:
            for _ in range(20):
                urllib.request.urlopen(url + "/healthz", timeout=10).close()
            idle, idle_pss = max(worker_memory_mib(server.pid))
            issue_over_http(url, 1000, threads)
            rss, pss = max(worker_memory_mib(server.pid))
        finally:
            stop(server)
        verdict = "under" if rss < TARGET_MIB else "OVER"
        print(
            f"worker RSS: {idle:.1f} MiB before any document (the app; the PDF libraries load "
            f"with the first), {rss:.1f} MiB after 1,000 documents ({verdict} {TARGET_MIB:.0f} "
            f"MiB); PSS {idle_pss:.1f} and {pss:.1f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=60)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    xhtml, floor, floor_sealed = in_process(args.renders)
    ratio = xhtml / floor_sealed
    print(f"xhtml2pdf + seal: {xhtml:.1f} ms/document (median of {args.renders})")
    print(
        f"reportlab canvas: {floor:.1f} ms/document; with the seal attached: {floor_sealed:.1f} ms"
    )
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(
        f"ratio to the floor: {ratio:.2f}x ({verdict} the {TARGET_RATIO:.0f}x target; "
        f"{xhtml / floor:.2f}x against the bare canvas)"
    )
    if not args.skip_http:
        over_http(args.docs, args.workers, args.threads)


if __name__ == "__main__":
    main()

"""Page weight of the content pages and server time of a cached guide (prints; never asserts).

Budget for a guide's first load: at most 40 KB gzipped in total (HTML, CSS, JS, fonts, images)
and at most 5 requests. Resources are what the HTML references (stylesheets, scripts, images,
icons), each counted once, compressed with gzip level 6 (a common server default).

    .venv/bin/python bench/pageweight.py
"""

from __future__ import annotations

import gzip
import logging
import os
import statistics
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app
from blueprints import guides_contenido

BUDGET_KB = 40.0
BUDGET_REQUESTS = 5
# The heaviest guide (the CURP guide carries the CURP check), the start page, the FAQ, a legal page.
PAGES = (
    "/guias/carnet-digital-issste",
    "/guias/que-es-la-curp",
    "/",
    "/preguntas-frecuentes",
    "/aviso-de-privacidad",
)
RENDERS = 200
TARGET_MS = 5.0


class Resources(HTMLParser):
    """Collects the URLs a browser fetches on first load, in document order, without repeats."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        rel = set((a.get("rel") or "").split())
        url = None
        if tag == "link" and rel & {"stylesheet", "icon", "preload", "modulepreload"}:
            url = a.get("href")
        elif tag in ("script", "img", "source", "iframe", "video", "audio"):
            url = a.get("src")
        if url and url not in self.urls:
            self.urls.append(url)


def gz_kb(data: bytes) -> float:
    return len(gzip.compress(data, compresslevel=6)) / 1024


def weigh(client: object, path: str) -> tuple[float, int, bool]:
    response = client.get(path)  # type: ignore[attr-defined]
    html = response.data
    parser = Resources()
    parser.feed(html.decode("utf-8"))
    rows = [(path, len(html) / 1024, gz_kb(html))]
    third_party = False
    for url in parser.urls:
        if url.startswith(("http://", "https://", "//")):
            third_party = True
            rows.append((url + "  (THIRD PARTY)", 0.0, 0.0))
            continue
        body = client.get(url).data  # type: ignore[attr-defined]
        rows.append((url, len(body) / 1024, gz_kb(body)))
    print(f"\n{path}")
    for url, raw, packed in rows:
        print(f"  {packed:6.1f} KB gz  {raw:6.1f} KB raw  {url}")
    total = sum(packed for _url, _raw, packed in rows)
    ok = total <= BUDGET_KB and len(rows) <= BUDGET_REQUESTS and not third_party
    verdict = "within budget" if ok else "OVER BUDGET"
    print(
        f"  total {total:.1f} KB gz in {len(rows)} requests: {verdict} "
        f"(budget {BUDGET_KB:.0f} KB, {BUDGET_REQUESTS} requests, no third parties)"
    )
    return total, len(rows), ok


def timed(action: object) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per call; CPU time holds up on a busy machine."""
    action()  # type: ignore[operator]  # warm the template cache
    wall, cpu = [], []
    for _ in range(RENDERS):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()  # type: ignore[operator]
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def report(label: str, times: tuple[list[float], list[float]]) -> None:
    wall, cpu = times
    median, cpu_median = statistics.median(wall), statistics.median(cpu)
    p95 = sorted(wall)[int(len(wall) * 0.95) - 1]
    verdict = "within target" if min(median, cpu_median) < TARGET_MS else "OVER TARGET"
    print(
        f"  {label}: median {median:.2f} ms wall (p95 {p95:.2f}), {cpu_median:.2f} ms CPU: "
        f"{verdict} (< {TARGET_MS:.0f} ms)"
    )


def server_times(app: object, client: object, path: str) -> None:
    slug = path.rsplit("/", 1)[-1]

    def render() -> None:
        with app.test_request_context(path):  # type: ignore[attr-defined]
            guides_contenido.render_content(guides_contenido.guide_site().library.pages[slug])

    def request() -> None:
        assert client.get(path).status_code == 200  # type: ignore[attr-defined]

    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    print(f"\nServer time for {path} ({RENDERS} times in process, content cached)")
    if load > 1:
        print(f"  (busy machine: load {load:.1f} per CPU, so wall-clock times run high)")
    report("template render", timed(render))
    report("whole request through the app (logs to /dev/null)", timed(request))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["INSTANCE_PATH"] = tmp
        app = create_app(
            {
                "ENV": {
                    "DEMO_MODE": "1",
                    "SECRET_KEY": "bench",
                    "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                },
                "RATELIMIT_ENABLED": False,
            }
        )
        # Time the server, not the terminal: access logs still format, then go nowhere.
        sink = open(os.devnull, "w")  # noqa: SIM115
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(sink)
        client = app.test_client()
        print("Page weight (first load, empty cache)")
        verdicts = [weigh(client, path)[2] for path in PAGES]
        server_times(app, client, PAGES[0])
        guides_ok = all(ok for path, ok in zip(PAGES, verdicts, strict=True) if "/guias/" in path)
        print("\nGuide page budget:", "met" if guides_ok else "NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

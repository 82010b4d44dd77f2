"""Benchmark: what the CURP widget weighs, page plus everything it loads, raw and gzipped.

Run ``python bench/widget_weight.py``. Prints figures only; the 15 KB budget is asserted by
tests/web/test_embed.py. Sizes are taken at gzip levels 1 (nginx's default) and 6.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app

VALID = "PEGJ850315HJCRRN06"
STATES = {
    "vacío": "/embed/curp",
    "CURP válida (inglés, enlaces)": f"/embed/curp?curp={VALID}&lang=en&origin=https://a.example",
    "CURP con errores": "/embed/curp?curp=PEGJ851315HJCRRN07",
    "compacto, oscuro, sin enlaces": f"/embed/curp?curp={VALID}&compact=1&theme=dark&links=0",
}


def sizes(data: bytes) -> tuple[int, int, int]:
    return len(data), len(gzip.compress(data, 1)), len(gzip.compress(data, 6))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["INSTANCE_PATH"] = tmp
        app = create_app(
            {"TESTING": True, "ENV": {"DEMO_MODE": "1", "SECRET_KEY": "bench"}, "DEBUG": False}
        )
        client = app.test_client()
        print(f"{'estado':34} {'recurso':28} {'bytes':>7} {'gz1':>7} {'gz6':>7}")
        for state, url in STATES.items():
            html = client.get(url).get_data()
            rows = [("página", sizes(html))]
            for asset in re.findall(rb'(?:href|src)="(/static/[^"]+)"', html):
                with client.get(asset.decode()) as response:
                    rows.append((asset.decode(), sizes(response.get_data())))
            for name, (raw, gz1, gz6) in rows:
                print(f"{state:34} {name:28} {raw:7d} {gz1:7d} {gz6:7d}")
            raw, gz1, gz6 = (sum(r[1][i] for r in rows) for i in range(3))
            print(f"{state:34} {'TOTAL (límite 15360 gz)':28} {raw:7d} {gz1:7d} {gz6:7d}")
        with client.get("/static/embed.js") as response:
            raw, gz1, gz6 = sizes(response.get_data())
        print(f"{'sitio anfitrión':34} {'embed.js':28} {raw:7d} {gz1:7d} {gz6:7d}")


if __name__ == "__main__":
    main()

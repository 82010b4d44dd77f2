"""Load benchmark: wrk against gunicorn on 127.0.0.1, each endpoint beside a bare Flask endpoint
measured in the same run. Prints requests/s, p50, p99, errors and the ratio; asserts nothing.

    python bench/load.py [--seconds 5] [--database postgresql://postgres@127.0.0.1:5432/bench]

Targets on 2 cores (printed for reading, not enforced): the CURP API and the no-afiliación search
at 70 % or more of the bare endpoint; a guide page at 80 % or more; zero errors. wrk shares the
two cores with gunicorn, so absolute figures are lower bounds. The search is measured as htmx
sends it (the fragment) and as a browser without JavaScript does (the whole page). A bare
endpoint answering as many bytes as the guide page shows how much of the page's cost is its size.
"""

from __future__ import annotations

import argparse
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import bench_environment, gunicorn, line, post_script, wrk

VALID_CURP = "PXNE660720HMCXTN06"  # published CURP; not in the demo registry: "no afiliación"
GUIDE = "/guias/carnet-digital-issste"


def session_cookie(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        cookie = response.headers.get("Set-Cookie", "").split(";", 1)[0]
    return {"Cookie": cookie} if cookie else {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--database", default=None, help="PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()
    env = bench_environment(args.database)
    print(f"database: {'PostgreSQL' if args.database else 'SQLite'}; {args.seconds}s per endpoint")

    with gunicorn("bench.bench_app:app", env) as server:
        guide = server.url + GUIDE
        guide_bytes = len(urllib.request.urlopen(guide, timeout=10).read())
    with gunicorn("bench.bare_app:app", env) as bare_server:
        wrk(bare_server.url + "/bare", seconds=1)  # warm-up
        bare = wrk(bare_server.url + "/bare", seconds=args.seconds)
        # Not a target: how much of the guide page's cost is only its size on the wire.
        sized = wrk(bare_server.url + f"/bare/{guide_bytes}", seconds=args.seconds)
    print(line("bare Flask endpoint", bare))
    print(line(f"bare, {guide_bytes:,} bytes (reference)", sized, bare))

    search = "/constancias/no-afiliacion"
    with gunicorn("bench.bench_app:app", env) as server:
        guide = server.url + GUIDE
        api = server.url + f"/api/v1/curp/{VALID_CURP}"
        # A person searches from the form page, so the search carries the session cookie
        # that page set (with its CSRF token).
        cookie = session_cookie(server.url + search)
        wrk(guide, seconds=1)
        wrk(api, seconds=1)
        targets = [
            ("guide page (target 80%)", guide, None, 16),
            ("CURP API (target 70%)", api, None, 16),
            (
                "no-afiliación search, htmx (target 70%)",
                server.url + search,
                post_script(search, f"curp={VALID_CURP}", {"HX-Request": "true", **cookie}),
                16,
            ),
            (
                "no-afiliación search, no JavaScript",
                server.url + search,
                post_script(search, f"curp={VALID_CURP}", cookie),
                16,
            ),
            (
                "PDF issuance",
                server.url + search + "/descargar",
                post_script(search + "/descargar", f"curp={VALID_CURP}", cookie),
                4,
            ),
        ]
        for name, url, script, connections in targets:
            result = wrk(url, seconds=args.seconds, script=script, connections=connections)
            print(line(name, result, bare))
        rss = ", ".join(f"{mib:.1f}" for mib in server.worker_rss_mib())
        print(f"worker RSS after the PDF run (MiB): {rss}")


if __name__ == "__main__":
    main()

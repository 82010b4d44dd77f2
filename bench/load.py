"""Load benchmark: wrk against gunicorn on 127.0.0.1, each endpoint beside a bare Flask endpoint
measured in the same run. Prints requests/s, p50, p99, errors and the ratio; asserts nothing.

    python bench/load.py [--seconds 5] [--database postgresql://postgres@127.0.0.1:5432/bench]

Targets on 2 cores (printed for reading, not enforced): the CURP API and the no-afiliación search
at 70 % or more of the bare endpoint; a guide page at 80 % or more; zero errors. wrk shares the
two cores with gunicorn, so absolute figures are lower bounds. The portal runs as production
does: CSRF checked, rate limits on (in memory, or in Redis with --redis), behind one trusted
proxy, and every request comes from its own client address (bench.harness.script). The search
and the download carry the session cookie and CSRF token of the form page, as a browser's do;
the search is measured as htmx sends it (the result only) and as a browser without JavaScript
does (the whole page). A bare endpoint answering as many bytes as the guide page shows how
much of the page's cost is its size; bench/floor_app.py, the least a CSRF-checked search can
do on this stack, shows the ceiling for the search's ratio. Each line also gives the workers'
CPU time per request (from /proc), which, unlike requests per second, does not move with how wrk
shares the cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import bench_environment, form_session, gunicorn, line, paired, script, wrk
from domain.curp_rules import check_digit

VALID_CURP = "PEGJ850315HJCRRN06"  # invented; not in the demo registry: "no afiliación"
GUIDE = "/guias/carnet-digital-issste"


def invented_curps(count: int) -> list[str]:
    """``count`` valid CURPs of invented people born in 1985, none in the demo registry (its
    people are born from 1940 to 2007 but named from its own word lists, none starting «PEG»)."""
    found = []
    for day in range(count):
        born = dt.date(1985, 1, 1) + dt.timedelta(days=day % 365)
        head = f"PEGJ{born:%y%m%d}HJCRRN{day // 365 % 10}"
        found.append(head + check_digit(head))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--database", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--rounds", type=int, default=3, help="alternations per endpoint")
    parser.add_argument("--redis", default=None, help="Redis URL for rate limits (default: memory)")
    args = parser.parse_args()
    env = bench_environment(args.database)
    if args.redis:
        env["REDIS_URL"] = args.redis
    print(
        f"database: {'PostgreSQL' if args.database else 'SQLite'}; rate limits in "
        f"{'Redis' if args.redis else 'memory'}; {args.seconds}s per run, "
        f"each endpoint alternated {args.rounds}x with the bare one (median pair)"
    )

    search = "/constancias/no-afiliacion"
    with (
        gunicorn("bench.bare_app:app", env) as bare_server,
        gunicorn("bench.bench_app:app", env) as server,
        gunicorn("bench.floor_app:app", env) as floor_server,
    ):
        bare = bare_server.url + "/bare"
        guide = server.url + GUIDE
        guide_bytes = len(urllib.request.urlopen(guide, timeout=10).read())
        api = server.url + f"/api/v1/curp/{VALID_CURP}"
        # A person searches from the form page, so the search carries the session cookie
        # that page set and its CSRF token; htmx asks for the answer alone (HX-Target).
        cookie, token = form_session(server.url + search)
        form = f"csrf_token={token}&curp={VALID_CURP}"
        htmx = {"HX-Request": "true", "HX-Target": "resultado", **cookie}
        floor_cookie, floor_token = form_session(floor_server.url + "/buscar")
        floor_form = f"csrf_token={floor_token}&curp={VALID_CURP}"
        for url in (bare, guide, api, floor_server.url + "/healthz"):
            wrk(url, seconds=1)  # warm-up
        targets = [
            # Not a target: how much of the guide page's cost is only its size on the wire.
            (f"bare, {guide_bytes:,} bytes (reference)", bare_server, f"/bare/{guide_bytes}", None),
            ("guide page (target 80%)", server, GUIDE, None),
            ("CURP API (target 70%)", server, f"/api/v1/curp/{VALID_CURP}", None),
            # Not a target: the ceiling for any search done this way (bench/floor_app.py).
            (
                "least CSRF-checked search (reference)",
                floor_server,
                "/buscar",
                script("/buscar", floor_form, floor_cookie),
            ),
            (
                "no-afiliación search, htmx (target 70%)",
                server,
                search,
                script(search, form, htmx),
            ),
            (
                "no-afiliación search, no JavaScript",
                server,
                search,
                script(search, form, cookie),
            ),
        ]
        for name, answering, path, lua in targets:
            servers = (bare_server, answering)
            url = answering.url + path
            floor, result = paired(bare, url, lua, args.seconds, args.rounds, servers)
            print(line(name, result, floor))
        # Each download names another person: the same one asked for again within seconds
        # gets the folio already issued (blueprints/descarga_repetida.py), a redraw and not an
        # issuance, and this measures issuances.
        download = search + "/descargar"
        bodies = [f"csrf_token={token}&curp={c}" for c in invented_curps(2000)]
        lua = script(download, headers=cookie, bodies=bodies)
        issued = wrk(server.url + download, args.seconds, 4, lua, server)
        print(line("PDF issuance (4 connections)", issued))
        rss = ", ".join(f"{mib:.1f}" for mib in server.worker_rss_mib())
        print(f"worker RSS after the PDF run (MiB): {rss}")


if __name__ == "__main__":
    main()

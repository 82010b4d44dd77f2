"""Benchmark: our CURP ``validate`` against python-stdnum's, on the same seeded inputs.

Run ``python bench/curp.py``. Prints figures only (never fails on timings).
``bench_inprocess()`` returns the numbers so an HTTP benchmark can be added beside it.
"""

from __future__ import annotations

import random
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain import curp
from domain.curp_tables import INCONVENIENT_WORDS, STATES

SEED = 20240229
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"


def _valid(rng: random.Random) -> str:
    """A random CURP that both libraries accept: sex H or M, no inconvenient word."""
    while True:
        head = (
            rng.choice(LETTERS) + rng.choice("AEIOUX") + rng.choice(LETTERS) + rng.choice(LETTERS)
        )
        if head not in INCONVENIENT_WORDS:
            break
    year = rng.randint(1930, 2023)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    body = f"{head}{year % 100:02d}{month:02d}{day:02d}{rng.choice('HM')}"
    body += rng.choice(sorted(STATES)) + "".join(rng.choice(CONSONANTS) for _ in range(3))
    body += rng.choice("0123456789") if year < 2000 else rng.choice(LETTERS)
    return body + curp.check_digit(body)


def _broken(rng: random.Random, good: str) -> str:
    """A near miss of a valid CURP: what people actually type wrong."""
    kind = rng.randrange(5)
    if kind == 0:  # one character changed
        i = rng.randrange(18)
        return good[:i] + rng.choice(LETTERS + "0123456789") + good[i + 1 :]
    if kind == 1:  # wrong check digit
        return good[:17] + str((int(good[17]) + rng.randint(1, 9)) % 10)
    if kind == 2:  # impossible day
        return good[:8] + "3" + rng.choice("2345") + good[10:]
    if kind == 3:  # a character missing
        i = rng.randrange(18)
        return good[:i] + good[i + 1 :]
    return good[:10] + "F" + good[11:]  # F for femenino


def make_inputs(n: int = 2000, seed: int = SEED) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    valid = [_valid(rng) for _ in range(n)]
    invalid = [_broken(rng, rng.choice(valid)) for _ in range(n)]
    return valid, invalid


def _runner(func: Callable[[str], object], values: list[str]) -> Callable[[], None]:
    def run() -> None:
        for value in values:
            try:  # noqa: SIM105 - contextlib.suppress would add its own cost to every call
                func(value)
            except ValueError:
                pass

    return run


def rates(
    funcs: dict[str, Callable[[str], object]], values: list[str], repeat: int = 7
) -> dict[str, float]:
    """Validations per second of each function, best of ``repeat`` passes over ``values``.

    The passes alternate between the functions so that a busy machine slows them alike."""
    best = dict.fromkeys(funcs, float("inf"))
    runners = {name: _runner(func, values) for name, func in funcs.items()}
    for _ in range(repeat):
        for name, run in runners.items():
            best[name] = min(best[name], timeit.timeit(run, number=1))
    return {name: len(values) / seconds for name, seconds in best.items()}


def bench_inprocess(n: int = 2000, seed: int = SEED) -> dict[str, float]:
    from stdnum.mx import curp as stdnum_curp

    valid, invalid = make_inputs(n, seed)
    ours_rejects = sum(not curp.is_valid(v) for v in invalid)
    theirs_rejects = sum(not stdnum_curp.is_valid(v) for v in invalid)
    funcs: dict[str, Callable[[str], object]] = {
        "ours": curp.validate,
        "stdnum": stdnum_curp.validate,
    }
    figures = {"inputs_per_set": float(n)}
    for label, values in (("valid", valid), ("invalid", invalid)):
        for name, per_second in rates(funcs, values).items():
            figures[f"{name}_{label}_per_s"] = per_second
    figures["ours_invalid_rejected"] = float(ours_rejects)
    figures["stdnum_invalid_rejected"] = float(theirs_rejects)
    figures["ratio_valid"] = figures["ours_valid_per_s"] / figures["stdnum_valid_per_s"]
    figures["ratio_invalid"] = figures["ours_invalid_per_s"] / figures["stdnum_invalid_per_s"]
    return figures


def bench_http(seconds: int = 5, rounds: int = 3) -> None:
    """Requests/s of /api/v1/curp/{curp} under gunicorn, alternated with a bare Flask endpoint.

    The portal runs as production does (rate limits on, one trusted proxy), and each request
    comes from its own client address, as bench/load.py explains.
    """
    from bench.harness import bench_environment, gunicorn, line, paired, wrk

    env = bench_environment()
    with (
        gunicorn("bench.bare_app:app", env) as bare_server,
        gunicorn("bench.bench_app:app", env) as server,
    ):
        bare = bare_server.url + "/bare"
        url = server.url + "/api/v1/curp/PEGJ850315HJCRRN06"
        wrk(bare, seconds=1)
        wrk(url, seconds=1)
        floor, api = paired(bare, url, None, seconds, rounds, (bare_server, server))
    print(
        "HTTP under gunicorn (2 sync workers; wrk on the same cores; "
        f"median of {rounds} alternated pairs), target 70 % of bare:"
    )
    print("  " + line("bare Flask endpoint", floor))
    print("  " + line("GET /api/v1/curp/{curp}", api, floor))


def main() -> None:
    figures = bench_inprocess()
    n = int(figures["inputs_per_set"])
    print(f"CURP validate, in process, {n} seeded inputs per set (best of 7 alternating passes)")
    for label in ("valid", "invalid"):
        ours, theirs = figures[f"ours_{label}_per_s"], figures[f"stdnum_{label}_per_s"]
        ratio = figures[f"ratio_{label}"]
        print(
            f"  {label:>7}: ours {ours:>10,.0f}/s   stdnum {theirs:>10,.0f}/s   ratio {ratio:.2f}x"
        )
    print(
        f"  invalid set rejected: ours {int(figures['ours_invalid_rejected'])}/{n},"
        f" stdnum {int(figures['stdnum_invalid_rejected'])}/{n}"
    )
    bench_http()


if __name__ == "__main__":
    main()

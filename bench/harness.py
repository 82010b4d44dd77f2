"""Shared by the HTTP benchmarks: gunicorn on 127.0.0.1 and wrk against it, bounded in time.

Load goes to loopback only; every server started here is stopped by its PID.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in out.stdout.split()]

    def worker_cpu_seconds(self) -> float:
        """CPU time (user and system) the workers have used so far, from /proc."""
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def worker_rss_mib(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return sizes


def bench_environment(
    database_url: str | None = None, instance: Path | None = None
) -> dict[str, str]:
    """A demo instance with data, in ``instance`` or a temp folder, behind one trusted proxy
    (see ``clients``)."""
    instance = instance or Path(tempfile.mkdtemp(prefix="bench-instance-"))
    env = dict(os.environ)
    env.update(
        DEMO_MODE="1",
        INSTANCE_PATH=str(instance),
        SECRET_KEY="bench-secret",
        PROXY_COUNT="1",
        DATABASE_URL=database_url or f"sqlite:///{instance}/bench.sqlite3",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run(
        [str(BIN / "flask"), "--app", "bench.bench_app", "demo", "prepare"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return env


def wait_healthy(url: str, seconds: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Ask ``url``/healthz until it answers 200; TimeoutError after ``seconds`` (or as soon as
    ``process`` exits). A worker imports the app only once forked (preload_app is off), which a
    loaded machine can stretch past any one request's timeout: each try waits at most 2 s, and
    the ones queued meanwhile are retried until the deadline."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError as error:
            if time.monotonic() > deadline or (process is not None and process.poll() is not None):
                raise TimeoutError(f"{url}/healthz did not answer in {seconds} s") from error
            time.sleep(0.2)


@contextmanager
def gunicorn(
    app_spec: str, env: dict[str, str], workers: int = 2, stderr: IO[bytes] | None = None
) -> Iterator[Server]:
    """The server on a free port, its log (stderr) to ``stderr`` or nowhere."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            # Its default path is one per user: a second server would take it from the first.
            "--no-control-socket",
            app_spec,
        ],
        cwd=ROOT,
        env={"GUNICORN_MAX_REQUESTS": "0", **env},  # no recycling, unless the caller asks
        stdout=subprocess.DEVNULL,
        stderr=stderr or subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_healthy(url, 30, process)
        except TimeoutError:
            raise RuntimeError(f"gunicorn did not start for {app_spec}") from None
        yield Server(url, process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    # The workers' CPU time per request, when the server was given: unlike requests per second
    # it does not depend on how wrk, on the same cores, shares them.
    cpu_us: float | None = None


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str,
    seconds: int = 5,
    connections: int = 16,
    lua: str | None = None,
    server: Server | None = None,
) -> WrkResult:
    """``lua`` defaults to ``script()``: GET ``url``, each request from its own address. With
    the ``server`` that answers, the result has its workers' CPU time per request too."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian package wrk): apt-get install wrk")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-s", lua or script()]
    cpu_before = server.worker_cpu_seconds() if server else 0.0
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    cpu = server.worker_cpu_seconds() - cpu_before if server else None
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"(?m)^\s+50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"(?m)^\s+99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    cpu_us = cpu * 1e6 / requests if cpu is not None and requests else None
    return WrkResult(rps, p50, p99, errors, requests, cpu_us)


def script(
    path: str | None = None,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    bodies: Sequence[str] = (),
) -> str:
    """A wrk Lua script: every request from its own client address, as a load balancer would
    pass them on in X-Forwarded-For (so per-address rate limits are evaluated, never hit),
    optionally a form POST of ``body`` to ``path`` with extra request headers. ``bodies``, in
    place of ``body``: one after the other, a different one each request (cycling)."""
    lines = [f'wrk.headers["{k}"] = "{v}"' for k, v in (headers or {}).items()]
    if body is not None or bodies:
        lines += [
            'wrk.method = "POST"',
            f'wrk.body = "{body or bodies[0]}"',
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
        ]
    if bodies:
        lines.append("local bodies = {" + ", ".join(f'"{b}"' for b in bodies) + "}")
    if path:
        lines.append(f'wrk.path = "{path}"')
    lines += [
        "local n = 0",
        "request = function()",
        "  n = n + 1",
        '  wrk.headers["X-Forwarded-For"] = "10." .. math.floor(n / 65536) % 256 .. "." ..',
        '    math.floor(n / 256) % 256 .. "." .. n % 256',
    ]
    if bodies:
        lines.append("  wrk.body = bodies[(n - 1) % #bodies + 1]")
    lines += [
        "  return wrk.format()",
        "end",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    return handle.name


def form_session(url: str) -> tuple[dict[str, str], str]:
    """The session cookie and CSRF token a person gets with the form page at ``url``."""
    with urllib.request.urlopen(url, timeout=10) as response:
        cookie = response.headers.get("Set-Cookie", "").split(";", 1)[0]
        page = response.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if not cookie or not token:
        raise RuntimeError(f"{url} gave no session cookie or CSRF token")
    return {"Cookie": cookie}, token.group(1)


def paired(
    bare_url: str,
    url: str,
    lua: str | None,
    seconds: int,
    rounds: int = 3,
    servers: tuple[Server, Server] | None = None,
) -> tuple[WrkResult, WrkResult]:
    """The bare endpoint then ``url``, ``rounds`` times; the pair with the median ratio.

    Each figure beside its own bare run rather than one bare run at the start: on a shared
    machine the speed drifts by 10-20 % within a minute, which a single early figure would
    turn into the ratio. The median pair keeps one lucky or unlucky run from deciding it.
    """
    bare_server, server = servers or (None, None)
    pairs = []
    for _ in range(rounds):
        bare = wrk(bare_url, seconds, server=bare_server)
        pairs.append((bare, wrk(url, seconds, lua=lua, server=server)))
    pairs.sort(key=lambda pair: pair[1].rps / pair[0].rps)
    return pairs[len(pairs) // 2]


def line(name: str, result: WrkResult, bare: WrkResult | None = None) -> str:
    ratio = f"  {result.rps / bare.rps:5.0%} of bare ({bare.rps:.0f})" if bare else ""
    cpu = ""
    if result.cpu_us is not None:
        cpu = f"  cpu {result.cpu_us:5.0f} µs/req"
        if bare and bare.cpu_us:
            cpu += f" (bare {bare.cpu_us:.0f})"
    return (
        f"{name:<42} {result.rps:8.0f} req/s  p50 {result.p50_ms:6.2f} ms  "
        f"p99 {result.p99_ms:6.2f} ms  errors {result.errors}{ratio}{cpu}"
    )

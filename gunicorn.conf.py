"""Production settings for gunicorn, used by `make serve` (command line in docs/despliegue.md).

From the environment (table in docs/despliegue.md, section 3): GUNICORN_BIND, GUNICORN_WORKERS,
GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT, GUNICORN_MAX_REQUESTS,
FORWARDED_ALLOW_IPS, GUNICORN_CONTROL_SOCKET and PROMETHEUS_MULTIPROC_DIR. The rest is fixed
here: keepalive, max_requests_jitter, accesslog (off: the app writes its own, masked) and
preload_app (off: a reload must load new code). gunicorn's own GUNICORN_CMD_ARGS still
overrides any setting, as it does for every gunicorn.conf.py.
"""

import gc
import json
import logging
import multiprocessing
import os
import time

from gunicorn import glogging

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, one per core plus one: steadier p99 than gthread for these short requests, and
# PDF rendering is CPU-bound, where threads add nothing. Measured on 2 vCPU with wrk, 2 workers:
# a CURP form POST had p99 3.6 ms sync against 8.2 ms gthread (4 threads), and PDFs per second
# were the same (83 and 82).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 2
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Our own JSON access log (with masking) replaces gunicorn's, which would print raw paths.
accesslog = None
errorlog = "-"


class MasterJson(logging.Formatter):
    """The master's own lines (start, workers booted and lost, signals) as JSON with the keys of
    the app's lines, so that a log pipeline parses every line the service writes.

    Defined here rather than imported from blueprints.observability_logs: the master re-reads this
    file on a reload (HUP) but keeps every module it imported, and workers fork from it, so an
    imported formatter would pin old code into every new worker. The master sees no request,
    so there is nothing in its lines to mask; each worker installs the app's masking formatter
    in post_worker_init below.
    """

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": None,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


class JsonLogger(glogging.Logger):
    """gunicorn's logger, writing the master's lines with MasterJson (set again on HUP)."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(MasterJson())


logger_class = JsonLogger

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (for gunicornc) is one path per user by default: a second master on
# the same host (a blue/green switch, two sites) would take it from the first. One per bind
# address instead, in the folder gunicorn would use.
_runtime = os.environ.get("XDG_RUNTIME_DIR")
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or os.path.join(
    _runtime if _runtime and os.path.isdir(_runtime) else os.path.expanduser("~/.gunicorn"),
    "gunicorn-" + "".join(c if c.isalnum() else "-" for c in bind) + ".ctl",
)
preload_app = False


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            os.remove(os.path.join(directory, name))


def post_worker_init(worker):
    # The app's ~110,000 objects (modules, classes, functions) live as long as the worker, so
    # they leave the collector's view. A full collection then only walks what requests made,
    # and runs as often as that garbage calls for: a PDF leaves thousands of objects in
    # reference cycles, which otherwise wait for a full pass over every object to be freed
    # (~2 MiB less RSS after 1,000 documents, bench/pdf.py).
    gc.freeze()
    # From here on the worker's own lines (a request that broke the worker, with its URL; the
    # worker's exit) are JSON like the app's, and masked. Imported here, in the worker, which
    # has just loaded the app: a module the master imported would outlive a reload (HUP).
    from blueprints.observability_logs import JsonFormatter

    for handler in worker.log.error_log.handlers:
        handler.setFormatter(JsonFormatter())


def child_exit(server, worker):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess

        from blueprints.metrics_files import fold_dead_worker

        multiprocess.mark_process_dead(worker.pid)
        # Recycled workers (max_requests) would otherwise leave two files each, for good.
        fold_dead_worker(directory, worker.pid)

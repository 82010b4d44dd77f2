"""Structured JSON logs with a request id, and Prometheus metrics at /metrics.

Logs never carry a full CURP, NSS, email, token or password: once ``configure_logging`` has run,
every record is masked by ``domain.redact`` as it is made, whichever library emitted it, so
every handler gets it masked (an operator's syslog or file handler too); the access line is
built masked (``blueprints.edge``). Our JSON formatter masks any record that was not (made
before that, or by an app under test).
"""

from __future__ import annotations

import functools
import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from json.encoder import encode_basestring as _text  # as dumps(ensure_ascii=False)
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from blueprints.extensions import db, limiter
from domain import outbox
from domain.models import Constancia
from domain.redact import redact, redact_record

bp = Blueprint("observability", __name__)
REQUEST_ID_KEY = "portal.request_id"  # in the WSGI environ, set by blueprints.edge
# Work a request started that goes on outside it (the email sent right after its commit, in a
# thread of its own) logs under that request's id.
REQUEST_ID_OUTSIDE: ContextVar[str | None] = ContextVar("request_id", default=None)
ACCESS_LOGGER = "portal.access"  # blueprints.edge writes its lines already masked

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "portal_http_requests_total",
    "Solicitudes HTTP",
    ["method", "endpoint", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "portal_http_request_seconds",
    "Duración de las solicitudes",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "portal_rate_limit_hits_total",
    "Solicitudes rechazadas por límite",
    ["endpoint"],
    registry=REGISTRY,
)
# The other 429: sign-in paused after failed passwords (blueprints.cuenta, cuenta_activar). A
# lock on a CURP, not a limit on a client: a rise means someone guessing passwords.
SIGN_IN_PAUSED = Counter(
    "portal_entrada_bloqueada_total",
    "Entradas rechazadas por la pausa tras contraseñas equivocadas",
    ["endpoint"],
    registry=REGISTRY,
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (and exception).

    Every request writes one of these (the access line), so the line is assembled from its
    JSON-escaped parts rather than through ``json.dumps`` of a dict, and the time stamp is
    formatted once a second rather than once a line: together a third of the access line's
    cost (bench/load.py).
    """

    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._stamp = ""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if not getattr(record, "masked", False):  # made before configure_logging, or in a test
            message = redact(message)
        request_id = getattr(record, "request_id", None)
        line = self.line(record.created, record.levelname, record.name, message, request_id)
        if record.exc_info:
            text = record.exc_text or self.formatException(record.exc_info)
            exception = _text(redact(text))
            line = f'{line[:-1]},"exception":{exception}}}'
        return line

    def line(
        self, created: float, level: str, logger: str, message: str, request_id: object
    ) -> str:
        """The JSON line (without exception) for a masked message; callers hold the handler's
        lock."""
        second = int(created)
        if second != self._second:
            self._stamp = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(created))
            self._second = second
        return (
            f'{{"time":"{self._stamp}","level":{_text(level)},'
            f'"logger":{_text(logger)},"message":{_text(message)},'
            f'"request_id":{"null" if request_id is None else _text(str(request_id))}}}'
        )


def write_access(access: logging.Logger, message: str, request_id: str) -> None:
    """Log the access line of one request, already masked, at INFO.

    Every request writes one, so when logging is as ``configure_logging`` set it up (our JSON
    handler alone on the root, nothing on the access logger) the line goes straight to that
    handler's stream, formatted by the same ``JsonFormatter.line``: no LogRecord, no walk
    through loggers, filters and handlers. The access line cost a fifth of a guide page's time
    in the app; this halves it (bench/load.py). Any other setup (tests capturing logs, an
    operator's own handlers or filters), or a stream that fails, gets a normal record.
    """
    root = logging.root
    handler = root.handlers[0] if len(root.handlers) == 1 else None
    formatter = handler.formatter if handler else None
    if (
        isinstance(handler, logging.StreamHandler)
        and isinstance(formatter, JsonFormatter)
        and handler.level <= logging.INFO
        and all(isinstance(f, RequestIdFilter) for f in handler.filters)
        and access.propagate
        and not (access.handlers or access.filters or root.filters)
    ):
        try:
            with handler.lock:  # type: ignore[union-attr]
                text = formatter.line(time.time(), "INFO", access.name, message, request_id)
                handler.stream.write(text + handler.terminator)
                handler.flush()
            return
        except Exception:  # noqa: S110 - logging's own path below reports a broken stream
            pass
    record = access.makeRecord(
        access.name, logging.INFO, __file__, 0, message, (), None, extra={"request_id": request_id}
    )
    access.handle(record)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            # The edge puts the id in the WSGI environ; the access line passes it explicitly.
            if has_request_context():
                record.request_id = request.environ.get(REQUEST_ID_KEY)
            else:
                record.request_id = REQUEST_ID_OUTSIDE.get()
        return True


class MaskedRecords:
    """A log record factory: the one it wraps, then the record masked (and ``masked`` set),
    before any filter, handler or formatter, ours or an operator's, sees it."""

    def __init__(self, make: Callable[..., logging.LogRecord]) -> None:
        self.make = make

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.make(*args, **kwargs)
        # The access line, one a request, is built masked (blueprints.edge): masking it again,
        # here and in our formatter, added 4-10 µs a request once an operator adds a handler.
        if record.name != ACCESS_LOGGER:
            redact_record(record)
        record.masked = True
        return record


class RedactFilter(logging.Filter):
    """Masks a record in place, for loggers whose output we do not format ourselves."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), ()
        return True


def configure_logging(level: int = logging.INFO) -> None:
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, MaskedRecords):
        logging.setLogRecordFactory(MaskedRecords(factory))
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    # Our lines carry no process name: the logging HOWTO's "Optimization" advice is to stop
    # collecting it. Not the pid or the thread id, though (~1 µs a record between them; the
    # access line, set up as here, makes no record): without them every format that prints them
    # as numbers fails, gunicorn's own "[%(process)d]" first, with "--- Logging error ---" at
    # each worker exit. A missing process name prints as "None" and breaks nothing.
    logging.logMultiprocessing = False
    # Alembic names each of its plugins at INFO whenever it loads (`db upgrade`, `make run`):
    # setup chatter, not something an operator acts on.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


# Clients choose the method: anything unusual is counted as one label value, so a scanner
# sending made-up methods cannot grow the metrics without bound.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@functools.cache
def _children(method: str, endpoint: str, status: int) -> tuple[Any, Any]:
    # Label values are bounded (methods above, endpoints from the URL map, HTTP statuses), so
    # the labelled series can be looked up once each rather than under a lock per request.
    return REQUESTS.labels(method, endpoint, str(status)), LATENCY.labels(endpoint)


def record_request(
    method: str,
    endpoint: str,
    status: int,
    elapsed: float,
    limited: bool = False,
    paused: bool = False,
) -> None:
    """Count one finished request (called by ``blueprints.edge`` for every response).

    ``limited``: a rate limit refused it (``blueprints.ratelimit``: a view's limits, or a count
    per CURP, address or account). ``paused``: the sign-in pause after failed passwords
    answered it. Each mark is set by what answered, so a 429 of any other kind counts as
    neither.
    """
    requests, latency = _children(method if method in METHODS else "OTRO", endpoint, status)
    requests.inc()
    latency.observe(elapsed)
    if status == 429 and limited:
        RATE_LIMITED.labels(endpoint).inc()
    elif status == 429 and paused:
        SIGN_IN_PAUSED.labels(endpoint).inc()


class LedgerCollector:
    """Figures read from the database at scrape time, so every server reports the same truth."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        issued = GaugeMetricFamily(
            "portal_constancias_emitidas", "Constancias por tipo", labels=["tipo"]
        )
        # Waiting is what `outbox deliver` still tries ("en espera"): an alert on it clears
        # once delivery gives up. What it gave up on is counted apart, so it is not lost.
        waiting = GaugeMetricFamily("portal_correo_pendiente", "Correos por enviar")
        abandoned = GaugeMetricFamily(
            "portal_correo_abandonado", "Correos abandonados sin enviar", labels=["motivo"]
        )
        try:
            rows = db.session.execute(
                select(Constancia.tipo, func.count()).group_by(Constancia.tipo)
            )
            for tipo, count in rows:
                issued.add_metric([tipo], count)
            unsent = outbox.backlog(db.session)
            waiting.add_metric([], unsent.waiting)
            abandoned.add_metric(["intentos_agotados"], unsent.exhausted)
            abandoned.add_metric(["rechazado"], unsent.refused)
        except SQLAlchemyError:
            db.session.rollback()
        yield issued
        yield waiting
        yield abandoned


@bp.get("/metrics")
@limiter.exempt
def metrics() -> Response:
    token = current_app.config.get("METRICS_TOKEN") or ""
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    # Metrics are for the operator only: without a configured token the page does not exist.
    if not token or not hmac.compare_digest(offered.encode(), token.encode()):
        abort(404)
    registry = CollectorRegistry()
    registry.register(LedgerCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Under gunicorn each worker counts on its own; this sums them all.
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY) + generate_latest(registry)
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    if not app.testing:
        configure_logging()
    # The development server logs raw request lines (query strings with CURPs) on its own.
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(RedactFilter())
    app.register_blueprint(bp)

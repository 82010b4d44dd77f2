"""Our logging: JSON lines with a request id, and every record masked.

Logs never carry a full CURP, NSS, email, token or password: once ``configure_logging`` has run,
every record is masked by ``domain.redact`` as it is made, whichever library emitted it, so
every handler gets it masked (an operator's syslog or file handler too); the access line is
built masked (``blueprints.edge``). Our JSON formatter masks any record that was not (made
before that, or by an app under test). Apart from the metrics (``observability_metricas``):
gunicorn's workers, the mailer and the edge use these without the /metrics page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from json.encoder import encode_basestring as _text  # as dumps(ensure_ascii=False)
from typing import Any

from flask import has_request_context, request

from domain.redact import redact, redact_record

REQUEST_ID_KEY = "portal.request_id"  # in the WSGI environ, set by blueprints.edge
# Work a request started that goes on outside it (the email sent right after its commit, in a
# thread of its own) logs under that request's id.
REQUEST_ID_OUTSIDE: ContextVar[str | None] = ContextVar("request_id", default=None)
ACCESS_LOGGER = "portal.access"  # blueprints.edge writes its lines already masked


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

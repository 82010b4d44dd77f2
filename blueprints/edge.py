"""What every response gets, added at the WSGI edge: a request id, the security headers (and
the RateLimit ones of a limited route), the access log line and the request metrics.

A WSGI wrapper rather than Flask hooks: here the headers are a plain list to append to, where
``after_request`` hooks rewrite werkzeug's ``Headers`` one key at a time (a linear scan and a
case fold per key). On the hottest routes that work cost more than the route itself; see
bench/load.py. It also sees every response, including those Flask builds for routing errors.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from blueprints import ratelimit_respuesta, security
from blueprints.observability_logs import ACCESS_LOGGER, REQUEST_ID_KEY, write_access
from blueprints.observability_metricas import record_request
from domain.redact import redact, redact_request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

    from domain.settings import Settings

access = logging.getLogger(ACCESS_LOGGER)
REQUEST_ID = re.compile(r"[A-Za-z0-9\-]{8,64}")


class Edge:
    def __init__(self, app: WSGIApplication, settings: Settings) -> None:
        self.app = app
        self.headers = security.HeaderPolicy(settings)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        # The proxy's id is kept so lines join up across services; but a client can send one
        # too, and an id the log would have to mask (a CURP, an NSS) is not written as it came.
        keep = incoming and REQUEST_ID.fullmatch(incoming) and redact(incoming) == incoming
        rid = incoming if keep else secrets.token_hex(16)
        environ[REQUEST_ID_KEY] = rid
        seen: list[tuple[str, str]] = []

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            # Flask answers inside its request context: the request object werkzeug left in the
            # environ still holds the matched URL rule (matched before any hook runs, so a
            # request a hook refuses is named too). Flask clears it once the context ends.
            rule = getattr(environ.get("werkzeug.request"), "url_rule", None)
            seen.append((status, rule.endpoint if rule else "sin_ruta"))
            headers.append(("X-Request-ID", rid))
            if ratelimit_respuesta.HEADERS_KEY in environ:
                headers.extend(ratelimit_respuesta.headers(environ))
            self.headers.apply(environ, headers)
            return start_response(status, headers, exc_info)

        head = environ.get("REQUEST_METHOD") == "HEAD"
        if head:
            # A HEAD is answered as the GET it stands for. Flask would hand it to the view as a
            # HEAD, and a view that says "a GET shows the form, anything else is a submission"
            # would run the submission: with a body werkzeug parses, and without the CSRF check
            # or the limits of a POST.
            environ["REQUEST_METHOD"] = "GET"
        body = self.app(environ, start)
        if head:
            environ["REQUEST_METHOD"] = "HEAD"
            if hasattr(body, "close"):
                body.close()
            body = []  # the GET's headers, Content-Length included, without its body
        # Flask calls start_response before it returns the body, so the status is known here.
        status, endpoint = seen[-1] if seen else ("500", "sin_ruta")
        self._record(environ, int(status[:3]), endpoint, time.perf_counter() - started, rid)
        return body

    @staticmethod
    def _record(
        environ: WSGIEnvironment, status: int, endpoint: str, elapsed: float, rid: str
    ) -> None:
        method = environ.get("REQUEST_METHOD", "")
        limited = ratelimit_respuesta.REFUSED_KEY in environ
        paused = ratelimit_respuesta.PAUSED_KEY in environ
        record_request(method, endpoint, status, elapsed, limited, paused)
        if access.isEnabledFor(logging.INFO):
            line = f"{_request(method, environ)} {status} {elapsed * 1000:.1f}ms"
            write_access(access, line, rid)


def _request(method: str, environ: WSGIEnvironment) -> str:
    # Masked here, where the path and the query are still apart, so that every handler on the
    # access logger (an operator's syslog or file handler too) gets the line masked.
    # WSGI gives the path as latin-1 text; the log shows what the client typed.
    path: str = environ.get("PATH_INFO", "").encode("latin-1", "replace").decode("utf-8", "replace")
    return redact_request(method, path, environ.get("QUERY_STRING", ""))


def install(app: Flask, settings: Settings) -> None:
    app.wsgi_app = Edge(app.wsgi_app, settings)  # type: ignore[method-assign]

"""The /metrics page for the operator, and logging set up when the app is made.

What is logged and counted lives apart: ``observability_logs`` (JSON lines, masking, request
ids) and ``observability_metricas`` (Prometheus counters and the ledger's figures).
"""

from __future__ import annotations

import hmac
import logging
import os

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

from blueprints.extensions import limiter
from blueprints.observability_logs import RedactFilter, configure_logging
from blueprints.observability_metricas import REGISTRY, LedgerCollector

bp = Blueprint("observability", __name__)


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

"""Prometheus metrics: the request counters every response adds to, and the ledger's figures.

Apart from the logs (``observability_logs``) and the /metrics page (``observability``):
``blueprints.edge`` counts each request here, and the page only reads what this module holds.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from blueprints.extensions import db
from domain import outbox
from domain.models import Constancia

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
# The other 429: sign-in paused after failed passwords (blueprints.cuenta_entrar,
# cuenta_activar). A lock on a CURP, not a limit on a client: a rise means someone guessing
# passwords.
SIGN_IN_PAUSED = Counter(
    "portal_entrada_bloqueada_total",
    "Entradas rechazadas por la pausa tras contraseñas equivocadas",
    ["endpoint"],
    registry=REGISTRY,
)


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

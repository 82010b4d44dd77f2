"""What a rate-limited request leaves for its response: the RateLimit headers that
``blueprints.edge`` adds, the mark by which the metrics tell a limit's 429 from a view's own,
and the 429 itself with how long to wait."""

from __future__ import annotations

import math
import time
from typing import Any

from flask import has_request_context, request
from limits import RateLimitItem
from werkzeug.exceptions import TooManyRequests

HEADERS_KEY = "portal.ratelimit"  # in the WSGI environ: (limit, remaining, reset) for the edge
# In the WSGI environ once a limit refused the request, so the metrics count its 429 as a rate
# limit's: a view's own 429 (the sign-in pause after failed passwords) is not one.
REFUSED_KEY = "portal.ratelimit.refused"
# Set by the views that answer the sign-in pause after failed passwords, which has a metric of
# its own: a 429 that is neither (none today) is counted as a request, and nothing more.
PAUSED_KEY = "portal.entrada.pausada"


class RateLimitExceeded(TooManyRequests):
    def __init__(self, item: RateLimitItem, retry_after: int) -> None:
        super().__init__(f"Límite: {item}")
        self.limit = item
        self.retry_after = retry_after


def marcar_rechazo() -> None:
    """Mark the request as refused by a rate limit, for the metrics (REFUSED_KEY)."""
    if has_request_context():
        request.environ[REFUSED_KEY] = True


def marcar_pausa() -> None:
    """Mark the request as answered by the sign-in pause, for the metrics (PAUSED_KEY)."""
    if has_request_context():
        request.environ[PAUSED_KEY] = True


def seconds_until(reset: float) -> int:
    """Whole seconds until ``reset`` (epoch), rounded up: a client that waits exactly that
    long finds the window over, where rounding down sent it back for one more second."""
    return max(math.ceil(reset - time.time()), 1)


def headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The RateLimit headers of a limited response (added by ``blueprints.edge``), else none."""
    shown = environ.get(HEADERS_KEY)
    if shown is None:
        return []
    limit, remaining, reset = shown
    return [
        ("RateLimit-Limit", str(limit)),
        ("RateLimit-Remaining", str(remaining)),
        ("RateLimit-Reset", str(max(math.ceil(reset - time.time()), 0))),
    ]

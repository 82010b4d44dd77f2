"""Security headers, set in one place for every response (by ``blueprints.edge``).

Hand-written rather than flask-talisman: the widget routes need their own ``frame-ancestors``
while every other route refuses framing, and that per-route choice is a few lines here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import request

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from domain.settings import Settings

CSP_BASE = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
EMBEDDABLE_KEY = "portal.embeddable"
COMMON = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
# The public API: anyone may call it from a browser, never with cookies. By hand rather than
# flask-cors, which matched every response of the site against its resource patterns: here it
# is one prefix and one fixed set of headers.
API_PREFIX = "/api/v1/"
# ETag too: a caller on another origin can only send If-None-Match with an ETag it can read.
API_CORS = (
    ("Access-Control-Allow-Origin", "*"),
    (
        "Access-Control-Expose-Headers",
        "ETag, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After",
    ),
)
PREFLIGHT_MAX_AGE = ("Access-Control-Max-Age", "86400")
# htmx reads these on every response; unexposed, each read logs a console error cross-origin.
HTMX_RESPONSE_HEADERS = [
    "HX-Location",
    "HX-Push",
    "HX-Push-Url",
    "HX-Redirect",
    "HX-Refresh",
    "HX-Replace-Url",
    "HX-Reselect",
    "HX-Reswap",
    "HX-Retarget",
    "HX-Trigger",
    "HX-Trigger-After-Settle",
    "HX-Trigger-After-Swap",
]
# What the static export's fragment endpoints let other origins read: htmx's headers, and how
# long a person has to wait once over a limit.
OTHER_ORIGINS_EXPOSED = [
    *HTMX_RESPONSE_HEADERS,
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
]
OTHER_ORIGINS_KEY = "portal.other_origins"  # in the WSGI environ: a for_other_origins endpoint
# The static export's fragment endpoints (htmx_util.for_other_origins): any origin, no cookies.
OTHER_ORIGINS_CORS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", ", ".join(OTHER_ORIGINS_EXPOSED)),
)
# JSON is never rendered as a page: OWASP's REST Security Cheat Sheet asks an API for these
# alone, with a CSP that allows nothing. What governs documents (permissions, opener, the
# page's own sources) would only lengthen every answer of the busiest routes.
API_HEADERS = (
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)


def mark_embeddable(allowed: bool = True) -> None:
    """Let (or stop) the current response be framed by the origins the operator allows."""
    request.environ[EMBEDDABLE_KEY] = allowed


def embeddable(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view as framable by the origins in ``EMBED_ALLOWED_ORIGINS``."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark_embeddable()
        return view(*args, **kwargs)

    return wrapper


def embed_ancestors(settings: Settings) -> str:
    # 'self' keeps the live preview on /integracion working whatever the operator allows.
    if settings.embed_allowed_origins:
        return " ".join(("'self'", *settings.embed_allowed_origins))
    allowed = "'self' https:"
    if settings.demo_mode:
        allowed += " http://localhost:* http://127.0.0.1:*"
    return allowed


class HeaderPolicy:
    """The headers of every response, built once per app from its settings."""

    def __init__(self, settings: Settings) -> None:
        self.refuse_framing = (
            ("Content-Security-Policy", f"{CSP_BASE}; frame-ancestors 'none'"),
            ("X-Frame-Options", "DENY"),
            *COMMON,
        )
        self.allow_framing = (
            ("Content-Security-Policy", f"{CSP_BASE}; frame-ancestors {embed_ancestors(settings)}"),
            *COMMON,
        )

    def apply(self, environ: WSGIEnvironment, headers: list[tuple[str, str]]) -> None:
        api = environ.get("PATH_INFO", "").startswith(API_PREFIX)
        if api:
            headers.extend(API_HEADERS)
        else:
            framable = environ.get(EMBEDDABLE_KEY)
            headers.extend(self.allow_framing if framable else self.refuse_framing)
        if environ.get("wsgi.url_scheme") == "https":
            headers.append(HSTS)
        if environ.get("HTTP_HX_REQUEST"):
            vary_on_htmx(headers)
        if api:
            api_cors(environ, headers)
        elif environ.get(OTHER_ORIGINS_KEY):
            headers.extend(OTHER_ORIGINS_CORS)


def api_cors(environ: WSGIEnvironment, headers: list[tuple[str, str]]) -> None:
    headers.extend(API_CORS)
    if environ.get("REQUEST_METHOD") == "OPTIONS":
        # A preflight (a caller adding its own headers): the API only ever answers GET.
        headers.append(("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"))
        asked = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")[:1024]
        if asked:
            headers.append(("Access-Control-Allow-Headers", asked))
        headers.append(PREFLIGHT_MAX_AGE)


def vary_on_htmx(headers: list[tuple[str, str]]) -> None:
    """One URL answers htmx with a fragment and a browser with a page: caches must know."""
    for index, (name, value) in enumerate(headers):
        if name.lower() == "vary":
            if "hx-request" not in value.lower():
                headers[index] = (name, f"{value}, HX-Request")
            return
    headers.append(("Vary", "HX-Request"))

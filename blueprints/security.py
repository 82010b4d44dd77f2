"""Security headers, set in one place for every response.

Hand-written rather than flask-talisman: the widget routes need their own ``frame-ancestors``
while every other route refuses framing, and that per-route choice is a few lines here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, g, request

CSP_BASE = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def embeddable(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view as framable by the origins in ``EMBED_ALLOWED_ORIGINS``."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.embeddable = True
        return view(*args, **kwargs)

    return wrapper


def frame_ancestors() -> str:
    settings = current_app.extensions["settings"]
    if not g.get("embeddable"):
        return "'none'"
    # 'self' keeps the live preview on /integracion working whatever the operator allows.
    if settings.embed_allowed_origins:
        return " ".join(("'self'", *settings.embed_allowed_origins))
    allowed = "'self' https:"
    if settings.demo_mode:
        allowed += " http://localhost:* http://127.0.0.1:*"
    return allowed


def set_headers(response: Response) -> Response:
    ancestors = frame_ancestors()
    response.headers["Content-Security-Policy"] = f"{CSP_BASE}; frame-ancestors {ancestors}"
    if ancestors == "'none'":
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.headers.get("HX-Request"):
        response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_headers)

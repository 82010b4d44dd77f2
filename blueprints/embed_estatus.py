"""The widget's optional status lookup (EMBED_STATUS_LOOKUP=1): yes or no per institution,
rate limited per IP and per embedding site, with one budget for the widget and the JSON API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request

from blueprints.embed_opciones import parent_origin
from blueprints.extensions import db, limiter
from domain import curp, registry
from domain.hoy import today_in_mexico

# Tests lower these through app.config; an operator has no reason to.
STATUS_LIMIT_IP = "10 per minute;100 per day"
STATUS_LIMIT_ORIGIN = "600 per hour"


def lookup_enabled() -> bool:
    return bool(current_app.extensions["settings"].embed_status_lookup)


def embedding_origin() -> str:
    """Rate-limit key: the declared parent origin, else the Origin header, else the Referer's."""
    referer = urlsplit(request.headers.get("Referer", ""))
    for candidate in (
        request.args.get("origin"),
        request.headers.get("Origin"),
        f"{referer.scheme}://{referer.netloc}",
    ):
        found = parent_origin(candidate)
        if found:
            return found
    return "desconocido"


def status_not_asked() -> bool:
    """Exempts a request from the status budget: lookup off, or a widget page without it."""
    if not lookup_enabled():
        return True
    return request.endpoint == "embed.widget" and request.args.get("estatus") != "1"


def _limit(name: str, default: str) -> Any:
    return lambda: current_app.config.get(name, default)


def with_status_limits(view: Any) -> Any:
    """One budget per IP and one per embedding site, shared by the widget and the JSON API."""
    view = limiter.shared_limit(
        _limit("EMBED_STATUS_LIMIT_IP", STATUS_LIMIT_IP),
        scope="estatus-ip",
        exempt_when=status_not_asked,
    )(view)
    return limiter.shared_limit(
        _limit("EMBED_STATUS_LIMIT_ORIGIN", STATUS_LIMIT_ORIGIN),
        scope="estatus-origen",
        key_func=embedding_origin,
        exempt_when=status_not_asked,
    )(view)


def afiliacion_vigente(result: curp.CurpReport | None) -> dict[str, bool] | None:
    """Yes or no per institution (rights today, ``domain.derechos``); only booleans leave
    here, never a name."""
    if not (result and result.valid and result.curp):
        return None
    situacion = registry.situacion(db.session, result.curp, today_in_mexico())
    return {"IMSS": bool(situacion.imss_vigente), "ISSSTE": bool(situacion.issste_vigente)}

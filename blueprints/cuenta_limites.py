"""Per-key limits: how many requests may be about one CURP, email address or account.

Apart from the per-IP limits the views declare with ``@limiter.limit``: these count what a
request is about, from whatever IP it comes, under the limiter's "cuenta" scope, keyed by an
HMAC of it under SECRET_KEY. ``bloqueo_mensaje`` is what sign-in says while such a limit, or a
lock, holds it back.
Used by the account pages, the Oficina Virtual and the carnet.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import ngettext
from limits import parse

from blueprints.extensions import limiter
from blueprints.secretos import seudonimo_de


def _clave(nombre: str, clave: str) -> str:
    # Keyed, so the limiter's storage (Redis) never holds a CURP or an address, nor a plain
    # hash of one that trying every CURP would undo.
    return seudonimo_de(b"derechohabiencia/limite-cuenta", f"{nombre}:{clave.lower()}")


def _limites_activos() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def contar(nombre: str, clave: str, regla: str) -> bool:
    """Count one more request for ``clave`` (a CURP, an address); False once over ``regla``."""
    if not _limites_activos():
        return True
    return bool(limiter.hit(parse(regla), "cuenta", nombre, _clave(nombre, clave)))


def devolver(nombre: str, clave: str, regla: str) -> None:
    """Take back one request counted by ``contar`` that turned out not to count (a right
    password, counted before it was checked)."""
    if _limites_activos():
        limiter.give_back(parse(regla), "cuenta", nombre, _clave(nombre, clave))


def agotado(nombre: str, clave: str, regla: str) -> bool:
    """True when one more request for ``clave`` would go over ``regla`` (nothing counted)."""
    if not _limites_activos():
        return False
    return not limiter.test(parse(regla), "cuenta", nombre, _clave(nombre, clave))


def bloqueo_mensaje(minutos: int) -> str:
    return ngettext(
        "Por tu seguridad, pausamos la entrada con esta CURP después de varios intentos "
        "fallidos. Vuelve a intentarlo en %(num)d minuto o recupera tu contraseña.",
        "Por tu seguridad, pausamos la entrada con esta CURP después de varios intentos "
        "fallidos. Vuelve a intentarlo en %(num)d minutos o recupera tu contraseña.",
        minutos,
    )

"""The keys that may have signed something still alive: SECRET_KEY_FALLBACKS, then SECRET_KEY;
and the keyed pseudonyms made with SECRET_KEY (``seudonimo_de``).

Rotating SECRET_KEY (docs/despliegue.md) must not break what people already hold: a session,
an open form's CSRF token, an activation link, a resend button. itsdangerous signs with the last
key of a list and accepts any of them, so every signer here takes the whole list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from domain import seudonimos


def claves(config: Mapping[str, Any]) -> list[str]:
    """Every key in ``config`` that may have signed a live token, newest last."""
    return [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]


def secretos() -> list[str]:
    """``claves`` of the running app."""
    return claves(current_app.config)


def seudonimo_de(proposito: bytes, valor: str) -> str:
    """``domain.seudonimos.seudonimo`` of ``valor`` under the running app's SECRET_KEY.

    The current key only: what it names lives briefly (a rate limit's hour or day), so a
    rotation merely starts those counts afresh.
    """
    return seudonimos.seudonimo(current_app.config["SECRET_KEY"], proposito, valor)

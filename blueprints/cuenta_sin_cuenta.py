"""The "nobody here" emails: word to an address that /cuenta/recuperar finds no account for, or
that /cuenta/activar/reenviar finds nothing waiting for.

Neither route has a captcha, and each has its own budget per address (3 an hour). Without a
budget of their own these emails would let anyone have 6 unasked emails an hour sent to any
address, more by changing client address; so they share one, counted on top of each route's.
A real link (recovery, activation) never spends it nor is stopped by it.

Over it, nothing may tell: the page is the same, and so is the work behind it (two templates,
a row written, a commit, a delivery started), because the message is written as if to be sent
and then taken back in the same transaction (``mail.withdraw_email``). The one step added, a
delete by primary key, takes less than the time a response's journey varies by, and the
budget lets it happen at most 3 times an hour for an address.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from blueprints.cuenta_forms import enviar
from blueprints.cuenta_limites import agotado, contar
from blueprints.mail import url_publica, withdraw_email

SIN_CUENTA_RULE = "3 per hour"  # "nobody here" emails to one address, both routes together


def enviar_sin_cuenta(email: str) -> None:
    """A recovery link was asked for, but no account has ``email``."""
    asunto = _("Nadie tiene una cuenta con este correo")
    _a_nadie(email, "recuperar_sin_cuenta", asunto, registro=url_publica("cuenta.registro"))


def enviar_sin_pendiente(email: str) -> None:
    """An activation link was asked for, but no account waits for activation at ``email``."""
    _a_nadie(
        email,
        "sin_pendiente",
        _("Ninguna cuenta espera activarse con este correo"),
        entrar=url_publica("cuenta.entrar"),
        registro=url_publica("cuenta.registro"),
    )


def mirar_cupo(email: str) -> None:
    """For a real link: the same trip to the limiter's storage as ``_a_nadie``'s count, counting
    nothing, so a real link takes as long as word that nobody is there."""
    agotado("sin_cuenta", email, SIN_CUENTA_RULE)


def _a_nadie(to: str, template: str, asunto: str, **context: Any) -> None:
    correo = enviar(to, template, asunto, para=None, **context)
    if not contar("sin_cuenta", to, SIN_CUENTA_RULE):
        withdraw_email(correo)

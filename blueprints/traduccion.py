"""``traducir``: the current language's text of a domain message (``Mensaje`` or ``N_`` text).

Also the template filter ``|traducir`` (registered by ``blueprints.core``), for the pages that
show such a message.
"""

from __future__ import annotations

from flask_babel import gettext

from domain.mensajes import Mensaje


def traducir(texto: object) -> str:
    """Translate the template, then fill in the values (themselves translated when Mensajes).

    Plain values (a name, a number) are never looked up: they are the person's data.
    """
    if isinstance(texto, Mensaje):
        if not texto.valores:
            return gettext(texto.plantilla)
        valores = {
            key: traducir(value) if isinstance(value, Mensaje) else value
            for key, value in texto.valores.items()
        }
        return gettext(texto.plantilla, **valores)
    return gettext(str(texto)) if texto else ""


def traducir_todos(errors: dict[str, str]) -> dict[str, str]:
    """A form's errors, each translated."""
    return {field: traducir(message) for field, message in errors.items()}

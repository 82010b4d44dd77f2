"""Spanish messages the web layer can translate, without the domain knowing about languages.

The domain speaks Spanish. A fixed sentence is marked with ``N_`` so pybabel extracts it
(``-k N_``); a sentence built from values is a ``Mensaje``: it *is* the Spanish ``str`` (so the
JSON API, logs and tests see exactly the text they always saw) and also keeps its template and
values apart, so ``blueprints.traduccion.traducir`` can translate the template and put the
values back. Values that are words (a field's name, a month) are Mensajes too.
"""

from __future__ import annotations

from collections.abc import Sequence


def N_(text: str) -> str:
    """Mark ``text`` for extraction into the catalog; return it unchanged.

    >>> N_("Hombre")
    'Hombre'
    """
    return text


class Mensaje(str):
    """A Spanish sentence that remembers the template and values it was made from.

    >>> m = Mensaje(N_("Escribe %(campo)s."), campo=Mensaje(N_("tu nombre")))
    >>> m, m.plantilla, m.valores["campo"].plantilla
    ('Escribe tu nombre.', 'Escribe %(campo)s.', 'tu nombre')
    """

    __slots__ = ("plantilla", "valores")
    plantilla: str
    valores: dict[str, object]

    def __new__(cls, plantilla: str, **valores: object) -> Mensaje:
        mensaje = super().__new__(cls, plantilla % valores if valores else plantilla)
        mensaje.plantilla = plantilla
        mensaje.valores = valores
        return mensaje


def unir(separador: str, partes: Sequence[str], final: str = "") -> Mensaje:
    """Parts joined by punctuation that needs no translation; each part keeps its own.

    >>> unir(". ", [Mensaje(N_("uno")), "dos"], final=".")
    'uno. dos.'
    """
    valores = {f"p{i}": parte for i, parte in enumerate(partes)}
    juntas = separador.replace("%", "%%").join(f"%(p{i})s" for i in range(len(partes)))
    return Mensaje(juntas + final.replace("%", "%%"), **valores)

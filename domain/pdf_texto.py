"""The words of a constancia PDF that are not its template's: dates and times as people write
them, the lines the long values wrap into, and the file's own properties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from domain.constancia_tipos import Tipo
from domain.constancias import local

MESES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre")  # fmt: skip

# The file's Subject: what the document is for, which the title (its name) does not say.
ASUNTO = (
    "Constancia con sello digital. Se verifica con su folio y su código en la página "
    "Verificar un documento del portal."
)

# Each picture of the templates in drawing order, as a screen reader hears it in the tagged file
# (domain.pdf_etiquetas): the emblem beside the issuer is decoration; the QR code is not. A
# document longer than a page draws the QR code again on each page: one description still, since
# only the last page's is tagged.
FIGURAS = (
    "",
    "Código QR para verificar esta constancia en el portal. Lleva a la dirección escrita a su "
    "lado.",
)


def fecha(value: dt.date | dt.datetime | str | None) -> str:
    """A date as people write it.

    >>> fecha(dt.date(2026, 3, 7)), fecha("2026-11-26"), fecha("")
    ('7 de marzo de 2026', '26 de noviembre de 2026', '')
    """
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} de {MESES[value.month - 1]} de {value.year}"


def hora(value: dt.datetime | str) -> str:
    """Hours and minutes in Mexico City time: ``10:05 h``."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{local(moment):%H:%M} h"


def trozos(text: str, size: int) -> list[str]:
    """``text`` cut every ``size`` characters, so a long line wraps without changing a character.

    >>> trozos("abcdefg", 3)
    ['abc', 'def', 'g']
    """
    return [text[i : i + size] for i in range(0, len(text), size)]


def renglones(text: str, anchos: Sequence[float], ancho: float) -> list[str]:
    """``text`` in lines no wider than ``ancho`` (``anchos``: each character's width), none
    beginning or ending with a space, each as long as that allows.

    Cut here, not by the PDF: a line of a PDF drops a space at either end, and the cadena
    original must print exactly as signed, so it wraps beside a space only where a line has no
    other place to end. Its font is proportional, so the cut is by width.

    >>> renglones("ab cd ef", [1] * 8, 3), renglones("abcdefg", [1] * 7, 3)
    (['a', 'b c', 'd e', 'f'], ['abc', 'def', 'g'])
    >>> renglones("a    b", [1] * 6, 2), renglones("WiW", [3, 1, 3], 4)
    (['a ', '  ', ' b'], ['Wi', 'W'])
    """
    lines, start = [], 0
    while start < len(text):
        end, used = start, 0.0
        while end < len(text) and (end == start or used + anchos[end] <= ancho):
            used += anchos[end]
            end += 1
        if end < len(text):
            inner = (i for i in range(end, start, -1) if " " not in text[i - 1 : i + 1])
            end = next(inner, end)
        lines.append(text[start:end])
        start = end
    return lines


def titulo_pdf(tipo: Tipo, folio: str, *, demo: bool) -> str:
    """The file's title: viewers show it (DisplayDocTitle), screen readers announce it.

    It names the institution, since both institutes issue a Vigencia de Derechos, and never the
    person: a file's properties travel where its page does not (file lists, search indexes).

    >>> from domain.constancia_tipos import VIGENCIA_IMSS
    >>> titulo_pdf(VIGENCIA_IMSS, "VI-2026-000001", demo=True)
    'Constancia de Vigencia de Derechos del IMSS, folio VI-2026-000001 (DEMOSTRACIÓN)'
    """
    demostracion = " (DEMOSTRACIÓN)" if demo else ""
    return f"{tipo.titulo} del {tipo.institucion}, folio {folio}{demostracion}"

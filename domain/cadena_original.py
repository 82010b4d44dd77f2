"""The cadena original: the exact text of a constancia that is signed.

It is stored in the ledger (``datos``), printed at the foot of the PDF and embedded in it. Its
shape, version 1::

    ||v=1|doc=NA|folio=NA-2026-000001|emisor=...|curp=...|nombre=...|emitida=...|...||

Keys are fixed ASCII words in a fixed order per kind; each value has its whitespace collapsed
to single spaces and ``%`` and ``|`` written as ``%25`` and ``%7C``, so the text splits back
into the same fields. Times are ISO 8601 in Mexico City time with their offset.

>>> cadena({"v": "1", "nombre": "ANA  100%|X"})
'||v=1|nombre=ANA 100%25%7CX||'
>>> leer_cadena("||v=1|nombre=ANA 100%25%7CX||")
{'v': '1', 'nombre': 'ANA 100%|X'}
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

FORMATO = "1"  # the "v" field: the version of the shape above


def _valor(value: str) -> str:
    return " ".join(value.split()).replace("%", "%25").replace("|", "%7C")


def cadena(campos: Mapping[str, str]) -> str:
    """The canonical text of ``campos`` in their given order."""
    return "||" + "|".join(f"{k}={_valor(v)}" for k, v in campos.items()) + "||"


def leer_cadena(text: str) -> dict[str, str]:
    """The fields of a canonical text; ValueError if it is not one."""
    if not (text.startswith("||") and text.endswith("||")) or len(text) < 5:
        raise ValueError("no es una cadena original")
    campos: dict[str, str] = {}
    for part in text[2:-2].split("|"):
        key, sep, value = part.partition("=")
        if not sep or not key.isidentifier() or key in campos:
            raise ValueError("no es una cadena original")
        campos[key] = unquote(value, errors="strict")
    return campos

"""Each sentence is one message with placeholders, never pieces glued in Spanish word order:
a translation can put a link or an address where its own language wants it."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

ROOT = Path(__file__).resolve().parents[2]

# Sentences that were glued from pieces, and the one message each is now.
SENTENCES = {
    "cuenta/registro.html": (
        "Lee los %(terminos)s y el %(aviso)s: dicen qué datos usamos y para qué."
    ),
    "constancias/_issste_resultado.html": (
        'Descargar constancia <span class="visually-hidden">de No Afiliación</span> (PDF)'
    ),
    "cuenta/confirmar_correo.html": (
        "Desde ahora usaremos %(correo)s para tu cuenta de la Oficina Virtual."
    ),
    "oficina/correo.html": "Ahora usas %(correo)s.",
    "curp/_generated.html": "Consulta tu CURP completa en %(sitio)s.",
    "imss/nss.html": "Más detalles en la %(guia)s.",
    "imss/vigencia.html": "Más detalles en la %(guia)s.",
    "constancias/no_afiliacion.html": "Más detalles en la %(guia)s.",
    "constancias/no_derechohabiencia.html": "Más detalles en la %(guia)s.",
}
PIECES = ("Lee los", "y el", ": dicen qué datos usamos y para qué.", "de No Afiliación",
          "Desde ahora usaremos", "para tu cuenta de la Oficina Virtual.", "Ahora usas",
          "Consulta tu CURP completa en", "Más detalles en la")  # fmt: skip


@pytest.mark.parametrize(("template", "sentence"), SENTENCES.items())
def test_each_sentence_is_one_message(template: str, sentence: str) -> None:
    msgids = {
        message
        for _line, message, _comments, _context in extract_from_file(
            "jinja2", ROOT / "templates" / template
        )
    }
    assert sentence in msgids
    assert msgids.isdisjoint(PIECES)

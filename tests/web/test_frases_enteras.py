"""Each sentence is one message with placeholders, never pieces glued in Spanish word order:
a translation can put a link or an address where its own language wants it."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

ROOT = Path(__file__).resolve().parents[2]

# Sentences that were glued from pieces, and the one message each is now.
SENTENCES = [
    ("cuenta/registro.html",
     "Lee los %(terminos)s y el %(aviso)s: dicen qué datos usamos y para qué."),
    ("constancias/_issste_resultado.html",
     'Descargar constancia (PDF)<span class="visually-hidden">: de No Afiliación</span>'),
    ("cuenta/confirmar_correo.html",
     "Desde ahora usaremos %(correo)s para tu cuenta de la Oficina Virtual."),
    ("oficina/correo.html", "Ahora usas %(correo)s."),
    ("curp/_generated.html", "Consulta tu CURP completa en %(sitio)s."),
    ("imss/nss.html", "Más detalles en la %(guia)s."),
    ("imss/vigencia.html", "Más detalles en la %(guia)s."),
    ("constancias/no_afiliacion.html", "Más detalles en la %(guia)s."),
    ("constancias/no_derechohabiencia.html", "Más detalles en la %(guia)s."),
    ("cuenta/correo_confirmado.html", "Desde ahora te escribimos a %(correo)s."),
    ("cuenta/correo_enviado.html", "Te enviamos un mensaje a %(correo)s."),
    ("cuenta/correo_enviado.html",
     "%(enlace)s con el correo correcto. Mientras no actives tu cuenta, puedes cambiarlo así."),
    ("cuenta/reenviar.html", "Te enviaremos un enlace nuevo a %(correo)s."),
    ("cuenta/enlace_invalido.html", "Te enviaremos un enlace nuevo a %(correo)s."),
    ("cuenta/recuperar_enviado.html",
     "Si hay una cuenta con %(correo)s, le enviamos un enlace para elegir una contraseña nueva."),
    ("cuenta/correo_ocupado.html",
     "%(correo)s ya es el correo de otra cuenta de la Oficina Virtual. "
     "Cada cuenta necesita su propio correo."),
    ("constancias/_imss_resultado.html", "Lo que te sirve es la %(constancia)s."),
    ("curp/generate.html",
     "Los dos últimos caracteres los asigna RENAPO, así que para tener tu CURP completa y "
     "oficial consúltala en %(sitio)s."),
    ("integracion/index.html",
     "Con el iframe sin script, escribe la dirección de tu sitio arriba y escucha tú los "
     "mensajes: %(altura)s y %(aviso)s."),
    ("integracion/index.html", "Revisa siempre que «event.origin» sea %(origen)s."),
    ("verificacion/verificar.html",
     "Las claves públicas con que firmamos los documentos están en %(claves)s."),
    ("carnet/_persona.html", "Descargar constancia de %(nombre)s (PDF)"),
]  # fmt: skip
PIECES = ("Lee los", "y el", ": dicen qué datos usamos y para qué.", "de No Afiliación",
          "Desde ahora usaremos", "para tu cuenta de la Oficina Virtual.", "Ahora usas",
          "Consulta tu CURP completa en", "Más detalles en la",
          "Desde ahora te escribimos a", "Te enviamos un mensaje a",
          "con el correo correcto. Mientras no actives tu cuenta, puedes cambiarlo así.",
          "Te enviaremos un enlace nuevo a", "Si hay una cuenta con",
          "le enviamos un enlace para elegir una contraseña nueva.",
          "ya es el correo de otra cuenta de la Oficina Virtual. Cada cuenta necesita su propio "
          "correo.", "Lo que te sirve es la",
          "Los dos últimos caracteres los asigna RENAPO, así que para tener tu CURP completa y "
          "oficial consúltala en",
          "Con el iframe sin script, escribe la dirección de tu sitio arriba y escucha tú los "
          "mensajes:", "y", "Revisa siempre que «event.origin» sea",
          "Las claves públicas con que firmamos los documentos están en",
          "Descargar constancia de %(nombre)s")  # fmt: skip


@pytest.mark.parametrize(("template", "sentence"), SENTENCES)
def test_each_sentence_is_one_message(template: str, sentence: str) -> None:
    msgids = {
        message
        for _line, message, _comments, _context in extract_from_file(
            "jinja2", ROOT / "templates" / template
        )
    }
    assert sentence in msgids
    assert msgids.isdisjoint(PIECES)

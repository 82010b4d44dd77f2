"""Draw a constancia as a PDF (xhtml2pdf; one page, more for an IMSS vigencia with many
beneficiaries), then tag it for screen readers and seal it with ``domain.sello``.

Hardening: templates are autoescaped whatever Flask does; the QR code and the emblem are inlined
as ``data:`` PNGs and the resource policy refuses every remote fetch and every local read
outside our image folder; xhtml2pdf's own limits stop a render that runs long, and a wall-clock
guard stops waiting for one (including the time queued behind xhtml2pdf's process-wide lock).

The seal (the signed data attached to the file, read back and verified offline) is
``domain.sello``'s: ``Renderer.pdf`` draws the document here and hands it to ``sello.embed``.

Memory (issue #6): the PDF libraries are imported inside the functions that use them, so the
web app (and the blueprints that import this module) pays for them only once a document is
drawn, and without the optional modules they would bring for features no constancia uses
(see ``domain.sello.sin_extras``).
"""

from __future__ import annotations

import base64
import functools
import io
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain import pdf_fuentes
from domain.cadena_original import leer_cadena
from domain.constancia_tipos import POR_CLAVE
from domain.constancias import url_verificacion
from domain.models import Constancia
from domain.pdf_texto import ASUNTO, FIGURAS, fecha, hora, renglones, titulo_pdf
from domain.pdf_texto import trozos as trozos  # bench/pdf.py's floor cuts lines with it
from domain.sello import Sello, embed, sin_extras

if TYPE_CHECKING:
    from pypdf import PdfWriter

log = logging.getLogger("domain.pdf")

# xhtml2pdf parses its whole user-agent stylesheet on every render; ours needs only this much
# of it (the PDF templates use html, body, div, h1, p, strong, img and br), ~20% faster.
UA_CSS = """
html { font-family: DejaVuSans; font-size: 10px; font-weight: normal; color: #000000; margin: 0;
       padding: 0; line-height: 150%; border: 1px none; display: inline; width: auto;
       height: auto; white-space: normal; }
b, strong { font-weight: bold; }
h1 { font-weight: bold; }
body, div, h1, p { display: block; }
h1, p { margin: 1em 0; }
"""


class PdfError(RuntimeError):
    """The document could not be drawn (too slow, or xhtml2pdf failed)."""


def qr_data_uri(url: str) -> str:
    """The verification address as a black-on-white QR code (error level M), PNG data URI."""
    import segno

    return str(segno.make(url, error="m").png_data_uri(scale=4, border=2))


def _renglones(text: str, puntos: float, ancho: float) -> list[str]:
    """``text`` cut into lines ``ancho`` points wide at most, in the templates' font."""
    from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

    fuente = pdf_fuentes.TEXTO
    return renglones(text, [stringWidth(char, fuente, puntos) for char in text], ancho)


@functools.cache
def _xhtml2pdf() -> Any:
    """``CreatePDF`` and the resource policy names, imported (and reportlab set up) once."""
    sin_extras()
    from reportlab import rl_config  # type: ignore[import-untyped]
    from xhtml2pdf import pisa  # type: ignore[import-untyped]
    from xhtml2pdf.config import resources  # type: ignore[import-untyped]

    # Binary streams instead of ASCII85 text: reportlab's ASCII85 encoder is pure Python here,
    # so this is ~8% faster and ~17% smaller. Process-wide, and nothing else here draws PDFs.
    rl_config.useA85 = 0
    return SimpleNamespace(
        CreatePDF=pisa.CreatePDF,
        RenderLimitError=resources.RenderLimitError,
        ResourceAccessPolicy=resources.ResourceAccessPolicy,
    )


class Renderer:
    """Turns ledger rows into PDFs; one per app, safe to share between threads."""

    def __init__(
        self,
        templates_dir: Path,
        assets_dir: Path,
        *,
        base_url: str,
        demo: bool,
        fonts_dir: Path | None = None,
        max_render_seconds: float = 10.0,
        wall_clock_seconds: float = 25.0,
    ) -> None:
        self.env = Environment(
            loader=FileSystemLoader(templates_dir),
            autoescape=True,  # always, whatever the file name: a name is text, never markup
            undefined=StrictUndefined,
            auto_reload=False,
        )
        self.env.filters.update(fecha=fecha, hora=hora, renglones=_renglones)
        self.assets_dir = assets_dir
        self.emblema = "data:image/png;base64," + base64.b64encode(
            (assets_dir / "emblema-pdf.png").read_bytes()
        ).decode("ascii")
        self.base_url = base_url
        self.demo = demo
        # static/fonts beside static/img unless told: the TTFs the templates embed.
        pdf_fuentes.registrar((fonts_dir or assets_dir.parent / "fonts").resolve())
        # A render takes ~25 ms; the limits are for a pathological one or a swamped machine.
        # The wall clock (which counts the wait behind other renders) stays under gunicorn's
        # 30 s worker timeout, so the person gets a Spanish 503 rather than a dropped connection.
        self.wall_clock_seconds = wall_clock_seconds
        self.policy = _xhtml2pdf().ResourceAccessPolicy.server(
            base_dir=assets_dir,
            allow_remote=False,
            max_render_seconds=max_render_seconds,
            max_document_bytes=512 * 1024,
            max_resources=4,
            max_image_pixels=4_000_000,
            max_depth=60,
        )

    def context(self, row: Constancia) -> dict[str, Any]:
        campos = leer_cadena(row.datos)
        url = url_verificacion(self.base_url, row.folio, row.codigo)
        return {
            "tipo": POR_CLAVE[row.tipo],
            "c": campos,
            "folio": row.folio,
            "datos": row.datos,
            "firma": row.firma,
            "kid": row.clave_id,
            "codigo": row.codigo,
            "url": url,
            "qr": qr_data_uri(url),
            "emblema": self.emblema,
            "demo": self.demo,
            "titulo_pdf": titulo_pdf(POR_CLAVE[row.tipo], row.folio, demo=self.demo),
        }

    def html(self, row: Constancia) -> str:
        context = self.context(row)
        return self.env.get_template(context["tipo"].plantilla).render(context)

    def pdf(self, row: Constancia) -> bytes:
        """The finished PDF: drawn, sealed data attached, metadata set."""
        html = self.html(row)
        drawn = _with_deadline(lambda: self._draw(html), self.wall_clock_seconds)
        tipo, seal = POR_CLAVE[row.tipo], Sello(row.datos, row.firma, row.clave_id)
        return embed(
            drawn,
            seal,
            title=titulo_pdf(tipo, row.folio, demo=self.demo),
            subject=ASUNTO,
            keywords=f"constancia, {tipo.institucion}, {tipo.titulo}, {row.folio}",
            antes=_etiquetar,
        )

    def _draw(self, html: str) -> bytes:
        xhtml2pdf = _xhtml2pdf()
        out = io.BytesIO()
        try:
            status = xhtml2pdf.CreatePDF(
                html, dest=out, resource_policy=self.policy, encoding="utf-8", default_css=UA_CSS
            )
        except xhtml2pdf.RenderLimitError as exc:
            raise PdfError("El documento tardó demasiado en dibujarse.") from exc
        if status.err:
            raise PdfError("No se pudo dibujar el documento.")
        return out.getvalue()


def _etiquetar(writer: PdfWriter) -> None:
    """Tag the drawn pages for screen readers; a document the tagger does not know stays
    untagged, since a constancia without tags is still better than none (tests tag every kind,
    an IMSS vigencia that runs onto a second page too: tests/domain/test_pdf_paginas.py)."""
    from domain import pdf_etiquetas  # it imports pypdf, which sello.embed has just loaded
    from domain.pdf_marcas import NoEtiquetable

    try:
        pdf_etiquetas.etiquetar(writer, FIGURAS)
    except NoEtiquetable as exc:
        log.warning("PDF sin etiquetas: %s", exc)  # the tagger's own words, never the page's
    except Exception as exc:
        # A bug in the tagger must not stop a person's document: the marks it may have left
        # without their tree change nothing drawn. Only the error's kind is logged; its text
        # could quote the page's content.
        log.error("PDF sin etiquetas: %s al etiquetar", type(exc).__name__)


_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """One drawing thread per process (xhtml2pdf draws one document at a time anyway)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():  # a forked worker needs its own thread
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf"))
        return _pool[1]


def _with_deadline(job: Any, seconds: float) -> bytes:
    future = _executor().submit(job)
    try:
        result: bytes = future.result(timeout=seconds)
    except FutureTimeout as exc:
        future.cancel()  # if still queued; a running render stops at its own time limit
        raise PdfError("El documento tardó demasiado en dibujarse.") from exc
    return result

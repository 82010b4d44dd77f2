"""The font a constancia PDF embeds, registered with reportlab once per process.

The PDF's standard fonts (Helvetica, Courier) are not embedded and draw WinAnsi only: a name the
forms accept («DVOŘÁK», «NGUYỄN») or a clinic from the registry printed with ■, on the page and in
the cadena original. The templates name DejaVu Sans instead, cut down to Latin
(static/fonts/README.md), and reportlab embeds the glyphs each document uses.

Registered here, not with @font-face in the template, and only its regular and bold faces
(measured with bench/pdf.py): with @font-face xhtml2pdf finds and hashes each font file on every
render, and the page still names Helvetica, unembedded, for the canvas's first state; a third,
monospaced face for the cadena took the worker past its memory target. Registered once, no
document reads a file, and the canvas starts in DejaVu Sans. Like ``domain.pdf``'s other
reportlab settings this is process-wide, and nothing else here draws PDFs.
"""

from __future__ import annotations

import functools
from pathlib import Path

from domain.sello import sin_extras

TEXTO, NEGRITA = "DejaVuSans", "DejaVuSans-Bold"  # reportlab's names for the two faces
FUENTES = {TEXTO: "DejaVuSans.ttf", NEGRITA: "DejaVuSans-Bold.ttf"}  # their files in static/fonts


@functools.cache
def registrar(fonts_dir: Path) -> None:
    """Make ``font-family: DejaVuSans`` (and its bold) known to reportlab and xhtml2pdf."""
    sin_extras()
    from reportlab import rl_config  # type: ignore[import-untyped]
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
    from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
    from xhtml2pdf import default  # type: ignore[import-untyped]

    for name, file in FUENTES.items():
        pdfmetrics.registerFont(TTFont(name, str(fonts_dir / file)))
    # What CSS font-weight: bold finds through the family.
    pdfmetrics.registerFontFamily(
        TEXTO, normal=TEXTO, bold=NEGRITA, italic=TEXTO, boldItalic=NEGRITA
    )
    # The families xhtml2pdf knows by name (lower case), which each document copies.
    default.DEFAULT_FONT[TEXTO.lower()] = TEXTO
    rl_config.canvas_basefontname = TEXTO

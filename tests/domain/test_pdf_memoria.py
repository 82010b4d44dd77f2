"""Issue #6, what a worker holds for PDFs: importing domain.pdf or domain.sello (as the
blueprints do) loads no PDF library, and drawing, sealing and checking a document loads neither
svglib (with lxml) nor cryptography. In a fresh interpreter, since this one has imported
everything already."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import datetime as dt
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import constancias_sin_derecho, pdf, sello, signing
from domain.models import Base

print(sorted(m for m in ("xhtml2pdf", "reportlab", "pypdf", "segno", "PIL") if m in sys.modules))
engine = sa.create_engine("sqlite://")
Base.metadata.create_all(engine)
session, signer = Session(engine), signing.Signer.generate()
renderer = pdf.Renderer(Path("templates"), Path("static/img"), base_url="https://x", demo=True)
now = dt.datetime.now(dt.UTC)
row = constancias_sin_derecho.emitir_no_derechohabiencia(
    session, signer, "XEXX010101HNEXXXA4", now, emisor="P"
)
assert sello.verificar_pdf(renderer.pdf(row), signing.KeyRing.of(signer)).autentica
print(sorted(m for m in ("xhtml2pdf", "svglib", "lxml", "cryptography") if sys.modules.get(m)))
"""


def test_pdf_libraries_load_on_the_first_document_and_without_unused_extras() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["[]", "['xhtml2pdf']"]

"""``pdf_glifos.RANGOS`` is what the embedded fonts draw: their cmaps, range by range, and the
``U=`` list static/fonts/README.md cuts them with. Re-cut fonts fail here until all three agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

from domain import pdf_fuentes, pdf_glifos

FONTS = Path(__file__).resolve().parents[2] / "static" / "fonts"


def rangos(codes: set[int]) -> list[tuple[int, int]]:
    """Consecutive code points joined into (first, last) ranges."""
    found: list[tuple[int, int]] = []
    for code in sorted(codes):
        if found and found[-1][1] == code - 1:
            found[-1] = (found[-1][0], code)
        else:
            found.append((code, code))
    return found


@pytest.mark.parametrize("archivo", sorted(pdf_fuentes.FUENTES.values()))
def test_the_ranges_are_what_each_font_draws(archivo: str) -> None:
    face = TTFont(archivo, str(FONTS / archivo)).face
    # Glyph 0 is .notdef, the empty box: reportlab lists U+FFFF mapped to it from the cmap's end.
    drawn = {code for code, glyph in face.charToGlyph.items() if glyph}
    assert rangos(drawn) == list(pdf_glifos.RANGOS)


def test_the_readme_cuts_the_fonts_with_these_ranges() -> None:
    readme = (FONTS / "README.md").read_text("utf-8")
    [unicodes] = re.findall(r'^U="([^"]*)"$', readme, re.MULTILINE)
    cut = [tuple(int(c, 16) for c in (r.split("-") * 2)[:2]) for r in unicodes[2:].split(",U+")]
    assert cut == list(pdf_glifos.RANGOS)


def test_the_first_character_without_a_glyph_is_named() -> None:
    assert pdf_glifos.sin_glifo("Bệnh viện Đakovo «Şişli» № 3 – 5‰ €") is None
    assert pdf_glifos.sin_glifo("UMF 3 Москва 北京") == "М"
    assert pdf_glifos.sin_glifo("JOSE\u0350") == "\u0350"  # a combining mark DejaVu lacks
    assert pdf_glifos.sin_glifo("") is None

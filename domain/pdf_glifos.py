"""The characters a constancia PDF can print: those its font (static/fonts, cut down to Latin)
has a glyph for.

Any other character prints blank, and the cadena original on the page then no longer reads as
the signed one. ``RANGOS`` is the fonts' cmap, range by range, and the ``U=`` list that
static/fonts/README.md cuts them with; tests/domain/test_pdf_glifos.py holds all three equal.
Where a block looks whole but is not (the combining marks, Latin Extended Additional), the gaps
are DejaVu's own: it has no glyph there to keep.
"""

from __future__ import annotations

RANGOS: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x024F),  # Latin-1, Extended-A and Extended-B
    (0x02BB, 0x02BC),  # the apostrophes ʻ ʼ
    (0x02C6, 0x02DD),  # loose accents
    (0x0300, 0x034F),  # combining marks, as far as DejaVu has them
    (0x0351, 0x0353),
    (0x0357, 0x0358),
    (0x035A, 0x035A),
    (0x035C, 0x0362),
    (0x1E00, 0x1EFB),  # Latin Extended Additional, Vietnamese included
    (0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    (0x2030, 0x203A),  # ‰, primes, ‹ ›
    (0x20AC, 0x20AC),  # €
    (0x2116, 0x2116),  # №
    (0xA78B, 0xA78C),  # the saltillo Ꞌ ꞌ
)
# A set of characters: the import asks it of every character of every row.
_IMPRIMIBLES = frozenset(chr(c) for start, end in RANGOS for c in range(start, end + 1))


def sin_glifo(text: str) -> str | None:
    """The first character of ``text`` the PDF's font cannot draw; None if it draws them all.

    >>> sin_glifo("Clínica Nº 5 – Ñuñoa"), sin_glifo("NGUYỄN"), sin_glifo("Clínica 北京")
    (None, None, '北')
    """
    return next((char for char in text if char not in _IMPRIMIBLES), None)

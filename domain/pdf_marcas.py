"""Mark a drawn page's content for a tagged PDF: each text object (BT … ET, one paragraph as
xhtml2pdf draws them) and each picture becomes a marked-content sequence with its MCID, and the
rules, boxes and decorative pictures become artifacts; so does what the page only repeats of
another (pagination artifacts: the fixed boxes xhtml2pdf draws again on every page).

A tokenizer over the decoded stream, not pypdf's ContentStream, which builds an object per
operand and then rewrites every operator: its parse alone took ~3 ms a page against ~1 ms for
all of this (the time budget of bench/pdf.py is tight). It knows strings, so a ``(…BT…)``
shown on the page is never taken for an operator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Sizes of the PDF templates (templates/pdf/base.html): h1 is 20pt, and the only paragraph all
# in bold at the body's 11pt is the verification box's title; everything else is a paragraph.
TITULO_MIN_PT = 18.0
SUBTITULO_PT = 11.0

_TOKEN = re.compile(
    rb"\((?:[^\\()]|\\.)*\)"  # a string without nested parentheses (reportlab escapes them)
    rb"|<<|>>|<[^<>]*>|[\[\]{}]"
    rb"|/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*"
    rb"|%[^\r\n]*"
    rb"|[^\x00\t\n\x0c\r ()<>\[\]{}/%]+"
    rb"|\(",  # a string with nested parentheses, scanned by hand
    re.DOTALL,
)
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
_CONSTRUYE = frozenset(b"m l c v y h re".split())
_PINTA = frozenset(b"S s f F f* B B* b b* n".split())
_MUESTRA = frozenset(b"Tj TJ ' \"".split())
_REPETIDO = "/Pagination"  # a mark's role while it is still an artifact of pagination


class NoEtiquetable(ValueError):
    """A page this does not know how to tag, so the caller keeps the drawing untagged.

    Only these refusals say why in their message, and it never quotes the page's content: any
    other error while tagging may (``float`` of an operand, say), so only its kind is logged.
    """


@dataclass(frozen=True, slots=True)
class Hoja:
    """A leaf of the structure tree: its role and, for a picture, its alternative text."""

    rol: str
    alt: str = ""


def _cierre(data: bytes, start: int) -> int:
    """The end of the string opening at ``start``, with nested parentheses counted."""
    depth, i = 0, start
    while i < len(data):
        char = data[i]
        if char == 0x5C:  # backslash: the next byte is escaped
            i += 1
        elif char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise NoEtiquetable("A string in the page's content is not closed.")


@dataclass
class _Texto:
    """What one text object shows: whether any glyph, at which largest size, all in bold."""

    inicio: int
    visible: bool = False
    mayor: float = 0.0
    negrita: bool = True


def _rol(texto: _Texto) -> str:
    if not texto.visible:
        return "/Artifact"
    if texto.mayor >= TITULO_MIN_PT:
        return "/H1"
    return "/H2" if texto.negrita and texto.mayor == SUBTITULO_PT else "/P"


def marcar(
    data: bytes,
    negritas: frozenset[bytes],
    imagenes: frozenset[bytes],
    figuras: Iterator[str],
    repite: int | None = None,
) -> tuple[bytes, list[Hoja]]:
    """``data`` (a page's decoded content) marked, and its leaves in drawing order (MCID order).

    ``negritas`` are the bold fonts' resource names, ``imagenes`` the image XObjects' names, and
    ``figuras`` yields each picture's alternative text in drawing order ("" for a decorative
    one), across pages: this takes one for each picture of the page that is not a repeat.
    ``repite``: where the page begins to repeat what another page draws, byte for byte to its
    end. From the first top-level ``q … Q`` group after it that draws a picture (the QR code,
    first of the fixed boxes) every group is drawn there too, at the same place, so its marks
    are pagination artifacts, read once on the other page.

    >>> marcar(b"q 0 0 m 5 0 l S Q BT /F1 20 Tf (Hola) Tj ET BT ET",
    ...        frozenset(), frozenset(), iter([]))  # doctest: +NORMALIZE_WHITESPACE
    (b'q /Artifact BMC 0 0 m 5 0 l S EMC Q /H1 <</MCID 0>> BDC BT /F1 20 Tf (Hola) Tj ET EMC
       /Artifact BMC BT ET EMC', [Hoja(rol='/H1', alt='')])
    """
    marcas: list[tuple[int, int, str, str]] = []  # start, end, role, alt
    args: list[bytes] = []
    operandos = trazo = -1
    texto: _Texto | None = None
    fuente, puntos, pos = b"", 0.0, 0
    repite = len(data) if repite is None else repite
    grupo = profundidad = 0  # where the top-level q … Q group began; how deep in q … Q

    grupos: list[int] = []  # where each mark's top-level group (or the mark itself) begins

    def marca(start: int, end: int, rol: str) -> None:
        grupos.append(grupo if profundidad > 0 else start)
        marcas.append((start, end, rol, ""))

    while match := _TOKEN.search(data, pos):
        start, pos, token = match.start(), match.end(), match.group()
        if token == b"(":
            pos = _cierre(data, start)
            token = data[start:pos]
        first = token[0]
        if first in b"(<[]{/" or _NUMBER.fullmatch(token) or token in (b"true", b"false", b"null"):
            operandos = start if operandos < 0 else operandos
            args.append(token)
            continue
        if first == 0x25:  # a comment
            continue
        op, desde = token, start if operandos < 0 else operandos
        if op == b"BT":
            texto = _Texto(start)
        elif op == b"ET" and texto is not None:
            marca(texto.inicio, pos, _rol(texto))
            texto = None
        elif op == b"Tf" and len(args) >= 2:
            fuente, puntos = args[-2][1:], float(args[-1])
        elif op in _MUESTRA and texto is not None and any(_visible(a) for a in args):
            texto.visible = True
            texto.mayor = max(texto.mayor, puntos)
            texto.negrita = texto.negrita and fuente in negritas
        elif op == b"Do" and args and args[-1][1:] in imagenes:
            marca(desde, pos, "/Figure")
        elif op in _CONSTRUYE and trazo < 0:
            trazo = desde
        elif op in _PINTA and trazo >= 0:
            marca(trazo, pos, "/Artifact")
            trazo = -1
        elif op == b"sh":
            marca(desde, pos, "/Artifact")
        elif op == b"q":
            grupo = start if profundidad <= 0 else grupo
            profundidad += 1
        elif op == b"Q":
            profundidad -= 1
        elif op in (b"BI", b"Do"):
            raise NoEtiquetable("The page draws an inline image or a form: not tagged.")
        operandos, args = -1, []
    # The repeat begins with the fixed boxes, the QR code first: a body line that happened to
    # end both pages the same, at the same place, just before them, is still read on each.
    qr = next(
        (g for g, m in zip(grupos, marcas, strict=True) if g >= repite and m[2] == "/Figure"), None
    )
    if qr is not None:
        marcas = [(a, b, _REPETIDO, alt) if g >= qr else (a, b, rol, alt)
                  for g, (a, b, rol, alt) in zip(grupos, marcas, strict=True)]  # fmt: skip
    return _envolver(data, _con_alt(marcas, figuras))


def _visible(operand: bytes) -> bool:
    """Whether a shown string (an operand of Tj, or an item of TJ's array) has a glyph other
    than a space: xhtml2pdf shows lone spaces around inline images.

    >>> [_visible(s) for s in (b"( )", b"(a)", b"<2020>", b"<0041>", b"-250", b"[")]
    [False, True, False, True, False, False]
    """
    if operand.startswith(b"("):
        return bool(operand[1:-1].replace(b"\\040", b"").strip(b" "))
    if operand.startswith(b"<") and not operand.startswith(b"<<"):
        digits = b"".join(operand[1:-1].split())
        return any(digits[i : i + 2] != b"20" for i in range(0, len(digits), 2))
    return False


def _con_alt(
    marcas: list[tuple[int, int, str, str]], figuras: Iterator[str]
) -> list[tuple[int, int, str, str]]:
    """Each picture given its alternative text, a decorative one made an artifact."""
    for i, (start, end, rol, _) in enumerate(marcas):
        if rol == "/Figure":
            alt = next(figuras, None)
            if alt is None:
                raise NoEtiquetable("The document draws more pictures than it describes.")
            marcas[i] = (start, end, "/Figure" if alt else "/Artifact", alt)
    return marcas


def _envolver(data: bytes, marcas: list[tuple[int, int, str, str]]) -> tuple[bytes, list[Hoja]]:
    parts: list[bytes] = []
    hojas: list[Hoja] = []
    pos = 0
    for start, end, rol, alt in marcas:
        if rol == "/Artifact":
            opening = b"/Artifact BMC "
        elif rol == _REPETIDO:
            opening = b"/Artifact <</Type /Pagination>> BDC "
        else:
            opening = b"%s <</MCID %d>> BDC " % (rol.encode(), len(hojas))
            hojas.append(Hoja(rol, alt))
        parts += [data[pos:start], opening, data[start:end], b" EMC"]
        pos = end
    parts.append(data[pos:])
    return b"".join(parts), hojas

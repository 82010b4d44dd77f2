"""Marking a page's content: what is a paragraph, a heading, a figure or an artifact, read from
the operators alone, never from text that only looks like one."""

from __future__ import annotations

import pytest

from domain.pdf_marcas import Hoja, NoEtiquetable, marcar

BOLD, IMAGES = frozenset({b"F1"}), frozenset({b"Im1", b"Im2"})


def test_text_that_looks_like_operators_stays_inside_its_paragraph() -> None:
    page = rb"BT /F2 12 Tf (ET BT \) EMC \(x) Tj (a (nested) ET) Tj <4554> Tj ET"
    marked, leaves = marcar(page, BOLD, IMAGES, iter([]))
    assert marked == b"/P <</MCID 0>> BDC " + page + b" EMC"
    assert leaves == [Hoja("/P")]


def test_roles_come_from_size_and_boldness() -> None:
    page = (
        b"BT /F1 20 Tf (Title) Tj ET "  # h1, 20pt
        b"BT /F1 11 Tf (Box title) Tj ET "  # all bold at the body's 11pt
        b"BT /F1 11 Tf (Label:) Tj /F2 11 Tf ( value) Tj ET "  # bold and regular
        b"BT /F1 13 Tf [(Folio) -250 (1)] TJ ET "  # bold, larger
        b"BT /F1 20 Tf ( ) Tj ( ) Tj ET BT 1 0 0 1 0 0 Tm T* ET"  # nothing to read
    )
    _, leaves = marcar(page, BOLD, IMAGES, iter([]))
    assert [leaf.rol for leaf in leaves] == ["/H1", "/H2", "/P", "/P"]


def test_rules_and_a_decorative_picture_are_artifacts_and_the_qr_a_figure() -> None:
    page = b"q 0 0 0 RG n 0 0 m 5 0 l S Q q 1 0 0 1 0 0 cm /Im1 Do Q 0 0 5 5 re f /Im2 Do"
    marked, leaves = marcar(page, BOLD, IMAGES, iter(["", "Código QR"]))
    assert marked == (
        b"q 0 0 0 RG n /Artifact BMC 0 0 m 5 0 l S EMC Q q 1 0 0 1 0 0 cm /Artifact BMC /Im1 Do"
        b" EMC Q /Artifact BMC 0 0 5 5 re f EMC /Figure <</MCID 0>> BDC /Im2 Do EMC"
    )
    assert leaves == [Hoja("/Figure", "Código QR")]


@pytest.mark.parametrize(
    ("page", "figuras"),
    [
        (b"/Form1 Do", []),  # a form could hold text of its own
        (b"BI /W 1 /H 1 ID x EI", []),  # an inline image's data is not tokens
        (b"/Im1 Do /Im2 Do", [""]),  # a picture it cannot describe
        (b"BT (never closed) Tj (x ET", []),
    ],
)
def test_a_page_it_does_not_know_is_refused(page: bytes, figuras: list[str]) -> None:
    with pytest.raises(NoEtiquetable):
        marcar(page, BOLD, IMAGES, iter(figuras))


def test_what_a_page_repeats_of_another_is_a_pagination_artifact_and_takes_no_description() -> None:
    body = b"q 1 0 0 1 0 500 cm BT /F2 12 Tf (Hijo 8) Tj ET Q "
    boxes = b"q 1 0 0 1 0 100 cm /Im2 Do BT /F1 11 Tf (Verifica) Tj ET 0 0 5 5 re f Q"
    figuras = iter(["Código QR"])
    marked, leaves = marcar(body + boxes, BOLD, IMAGES, figuras, repite=len(body))
    assert leaves == [Hoja("/P")]
    assert marked.endswith(
        b"q 1 0 0 1 0 100 cm /Artifact <</Type /Pagination>> BDC /Im2 Do EMC"
        b" /Artifact <</Type /Pagination>> BDC BT /F1 11 Tf (Verifica) Tj ET EMC"
        b" /Artifact <</Type /Pagination>> BDC 0 0 5 5 re f EMC Q"
    )
    assert next(figuras) == "Código QR"  # still there for the page where the QR code is read


def test_a_group_that_begins_before_the_repeat_is_the_page_s_own() -> None:
    # The same bytes at the end of a group that began earlier may be drawn elsewhere.
    page = b"q 1 0 0 1 0 500 cm BT /F2 12 Tf (Hijo) Tj ET BT /F2 12 Tf (Hijo) Tj ET Q"
    _, leaves = marcar(page, BOLD, IMAGES, iter([]), repite=page.index(b"BT /F2", 30))
    assert leaves == [Hoja("/P"), Hoja("/P")]


def test_a_body_line_both_pages_end_with_before_the_boxes_is_read_on_each() -> None:
    # Two beneficiaries alike, at the same place on both pages: the bytes repeat from there, but
    # the repeat the other page reads is only that of the fixed boxes, from the QR code on.
    body = b"q 1 0 0 1 0 500 cm BT /F2 12 Tf (Hijo 1) Tj ET Q "
    same = b"q 1 0 0 1 0 300 cm BT /F2 12 Tf (HIJO PRUEBA) Tj ET Q "
    boxes = b"q 1 0 0 1 0 100 cm /Im2 Do BT /F1 11 Tf (Verifica) Tj ET Q"
    marked, leaves = marcar(body + same + boxes, BOLD, IMAGES, iter([]), repite=len(body))
    assert leaves == [Hoja("/P"), Hoja("/P")]
    assert b"/P <</MCID 1>> BDC BT /F2 12 Tf (HIJO PRUEBA) Tj ET EMC" in marked
    assert marked.count(b"/Pagination") == 2

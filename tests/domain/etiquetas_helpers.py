"""What the tests of tagged constancias share: the renderer, the same document untagged, and
the tree read back as a screen reader walks it, each leaf with the text it marks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from domain import pdf, sello
from domain.models import Constancia

ROOT = Path(__file__).resolve().parents[2]
# What paints: text, pictures, paths (a page's every mark must be tagged or an artifact).
PAINTS = {b"Tj", b"TJ", b"'", b'"', b"Do", b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b",
          b"b*", b"sh", b"BI"}  # fmt: skip


def renderer(*, demo: bool) -> pdf.Renderer:
    return pdf.Renderer(
        ROOT / "templates", ROOT / "static" / "img", base_url="https://portal.example", demo=demo
    )


def untagged(drawn: pdf.Renderer, row: Constancia) -> bytes:
    """The same document sealed as it was before tagging: the drawing alone."""
    seal = sello.Sello(row.datos, row.firma, row.clave_id)
    return sello.embed(drawn._draw(drawn.html(row)), seal, title="x")


def leaves(reader: PdfReader) -> list[DictionaryObject]:
    root = reader.trailer["/Root"]
    [document] = root["/StructTreeRoot"]["/K"]
    assert document["/S"] == "/Document"
    return [kid.get_object() for kid in document["/K"]]


def page_of(reader: PdfReader, leaf: DictionaryObject) -> int:
    pages = [page.indirect_reference.idnum for page in reader.pages]
    return pages.index(leaf.raw_get("/Pg").idnum)


def squeeze(text: str) -> str:
    """Without whitespace: the cadena wraps wherever a line ends, mid-word too."""
    return "".join(text.split())


def text_by_mcid(page: Any) -> dict[int, str]:
    """The text each marked-content sequence of the page shows, as pypdf extracts it."""
    current: list[int | None] = [None]
    found: dict[int, str] = {}

    def before(op: bytes, args: list[Any], cm: Any, tm: Any) -> None:
        if op == b"BDC":
            current[0] = args[1].get("/MCID") if isinstance(args[1], dict) else None
        elif op == b"EMC":
            current[0] = None

    def text(chunk: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if current[0] is not None:
            found[current[0]] = found.get(current[0], "") + chunk

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {mcid: " ".join(chunk.split()) for mcid, chunk in found.items()}


def lectura(reader: PdfReader) -> list[tuple[str, str]]:
    """Each leaf of the tree in its order: its role and the text it marks on its page."""
    texts = [text_by_mcid(page) for page in reader.pages]
    return [(e["/S"], texts[page_of(reader, e)].get(e["/K"], "")) for e in leaves(reader)]


def marks(reader: PdfReader, number: int) -> tuple[list[int], int]:
    """Page ``number``'s MCIDs in drawing order and how many pagination artifacts it has; every
    mark it paints is inside exactly one tag or artifact."""
    page = reader.pages[number]
    content = ContentStream(page["/Contents"].get_object(), reader)
    mcids, repeats, depth = [], 0, 0
    for args, op in content.operations:
        if op == b"BDC" and args[0] == "/Artifact":
            assert args[1] == {"/Type": "/Pagination"}
            repeats += 1
        elif op == b"BDC":
            mcids.append(args[1]["/MCID"])
        if op in (b"BDC", b"BMC"):
            depth += 1
        elif op == b"EMC":
            depth -= 1
        elif op in PAINTS:
            assert depth == 1, op
    assert depth == 0
    return mcids, repeats


def check_parent_tree(reader: PdfReader) -> None:
    """Each page's StructParents is its key in the ParentTree, whose array holds the page's
    leaves by MCID (from 0 on each page); the tree's leaves are those arrays one after another.
    """
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    assert tree["/ParentTreeNextKey"] == len(reader.pages) == len(nums) // 2
    in_order = []
    for number, page in enumerate(reader.pages):
        assert page["/StructParents"] == nums[2 * number] == number
        assert page["/Tabs"] == "/S"
        mcids, _ = marks(reader, number)
        assert mcids == list(range(len(mcids)))  # each once, in order
        parents = [ref.get_object() for ref in nums[2 * number + 1]]
        assert [parent["/K"] for parent in parents] == mcids
        assert all(page_of(reader, parent) == number for parent in parents)
        in_order += parents
    assert in_order == leaves(reader)

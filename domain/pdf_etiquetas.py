"""Tag a drawn constancia for screen readers: its pages' content marked (``domain.pdf_marcas``)
and one structure tree over them, the headings, paragraphs and the QR code's figure in reading
order, which is the order xhtml2pdf draws them (the fixed boxes, verification and seal, last).

xhtml2pdf and reportlab cannot tag, so the file is tagged after drawing and before sealing, in
the writer ``domain.sello.embed`` fills; pypdf is already loaded for the seal, so tagging costs
no new library in a worker's memory (issue #6). Like pypdf, this module is imported only once a
document is drawn (``domain.pdf._etiquetar``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from domain.pdf_marcas import Hoja, NoEtiquetable, marcar

LANG = "es-MX"  # if the drawing did not set one (the templates say lang="es")


def etiquetar(writer: PdfWriter, figuras: Sequence[str]) -> None:
    """Mark every page's content and attach one structure tree over them to the document.

    ``figuras``: each picture's alternative text in drawing order across the pages, "" for a
    decorative one, not counting the pictures a page only repeats (below).
    Raises NoEtiquetable for a document this does not know how to tag (a form or an inline
    image, another number of pictures): the caller keeps the untagged drawing then.

    xhtml2pdf draws the fixed boxes (the QR code, the verification box, the seal) again at the
    foot of every page, the same bytes at the same place. They are tagged on the last page and
    are pagination artifacts on the others: a screen reader hears them once, and the tree's
    order is then the drawing order, page after page (the body, then those boxes), so it never
    goes back a page. The letterhead is in the flow: only the first page draws it.
    """
    pages = list(writer.pages)
    drawn = [_contenido(page) for page in pages]
    datas = [stream.get_data() for stream in drawn]
    pendientes, last = iter(figuras), len(pages) - 1
    marked: list[tuple[bytes, list[Hoja]]] = []
    for i, (page, data) in enumerate(zip(pages, datas, strict=True)):
        # The last page (a one-page document's only one) is compared with none.
        repite = None if i == last else len(data) - _sufijo_comun(data, datas[last])
        resources = _dict(page["/Resources"])
        fonts, xobjects = _dict(resources.get("/Font")), _dict(resources.get("/XObject"))
        negritas = [k for k, v in fonts.items() if str(_dict(v).get("/BaseFont")).endswith("-Bold")]
        imagenes = [k for k, v in xobjects.items() if _dict(v).get("/Subtype") == "/Image"]
        marked.append(marcar(data, _nombres(negritas), _nombres(imagenes), pendientes, repite))
    if next(pendientes, None) is not None:
        raise NoEtiquetable("The document draws fewer pictures than it describes.")

    # Only once every page is known is any of them changed.
    tree = _elemento(writer, "/StructTreeRoot", {})
    document = _elemento(writer, "/StructElem", {"/S": "/Document", "/P": tree})
    leaves, parents = ArrayObject(), ArrayObject()
    for key, (page, stream, (data, hojas)) in enumerate(zip(pages, drawn, marked, strict=True)):
        stream.set_data(data)
        own = ArrayObject()  # the page's MCIDs restart at 0: MCID i is own[i]
        for mcid, hoja in enumerate(hojas):
            leaf = {"/S": hoja.rol, "/P": document, "/Pg": page.indirect_reference, "/K": mcid}
            if hoja.alt:
                leaf["/Alt"] = TextStringObject(hoja.alt)
            own.append(_elemento(writer, "/StructElem", leaf))
        leaves.extend(own)
        parents.extend([NumberObject(key), own])  # the page's StructParents is its key
        _poner(page, {"/StructParents": key, "/Tabs": "/S"})  # tab order: the structure's (UA)
    _dict(document)[NameObject("/K")] = leaves
    _poner(_dict(tree), {"/K": ArrayObject([document]),
                         "/ParentTree": _elemento(writer, "", {"/Nums": parents}),
                         "/ParentTreeNextKey": len(pages)})  # fmt: skip
    root = writer.root_object
    marked_info = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
    _poner(root, {"/StructTreeRoot": tree, "/MarkInfo": marked_info})
    if not root.get("/Lang"):
        root[NameObject("/Lang")] = TextStringObject(LANG)


def _contenido(page: PageObject) -> StreamObject:
    stream = page["/Contents"].get_object()
    if not isinstance(stream, StreamObject):
        raise NoEtiquetable("A page's content is not one stream.")
    return stream


def _sufijo_comun(a: bytes, b: bytes) -> int:
    """How many bytes ``a`` and ``b`` end with in common.

    >>> _sufijo_comun(b"xyz Q q box Q", b"ab Q q box Q"), _sufijo_comun(b"a", b"b")
    (10, 0)
    """
    ma, mb = memoryview(a), memoryview(b)
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # a common suffix's own suffixes are common too: a binary search
        mid = (lo + hi + 1) // 2
        if ma[len(a) - mid :] == mb[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _dict(obj: object) -> DictionaryObject:
    """A dictionary of the file, resolved; an empty one for a key that is missing."""
    resolved = obj.get_object() if isinstance(obj, PdfObject) else obj
    return resolved if isinstance(resolved, DictionaryObject) else DictionaryObject()


def _nombres(keys: list[str]) -> frozenset[bytes]:
    return frozenset(key[1:].encode("latin-1") for key in keys)


def _poner(target: DictionaryObject, values: Mapping[str, object]) -> None:
    """Set PDF values given as Python ones: "/Name" strings become names, ints numbers."""
    for key, value in values.items():
        if isinstance(value, str) and value.startswith("/"):
            value = NameObject(value)
        elif isinstance(value, int):
            value = NumberObject(value)
        target[NameObject(key)] = value


def _elemento(writer: PdfWriter, tipo: str, values: Mapping[str, object]) -> IndirectObject:
    """A new dictionary of ``/Type`` ``tipo`` (none if "") added to the file, by reference."""
    element = DictionaryObject()
    _poner(element, {"/Type": tipo} if tipo else {})
    _poner(element, values)
    # pypdf 7.1.1 has no public way to add a new object and get its reference: clone() keeps a
    # new dictionary direct, and add_page and the like add only what they are named for.
    return writer._add_object(element)

"""Tag a drawn constancia for screen readers: its page's content marked (``domain.pdf_marcas``)
and a structure tree over it, the headings, paragraphs and the QR code's figure in reading
order, which is the order xhtml2pdf draws them (the fixed boxes, verification and seal, last).

xhtml2pdf and reportlab cannot tag, so the file is tagged after drawing and before sealing, in
the writer ``domain.sello.embed`` fills; pypdf is already loaded for the seal, so tagging costs
no new library in a worker's memory (issue #6). Like pypdf, this module is imported only once a
document is drawn (``domain.pdf._etiquetar``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pypdf import PdfWriter
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

from domain.pdf_marcas import marcar

LANG = "es-MX"  # if the drawing did not set one (the templates say lang="es")


def etiquetar(writer: PdfWriter, figuras: Sequence[str]) -> None:
    """Mark the one page's content and attach its structure tree to the document.

    ``figuras``: each picture's alternative text in drawing order, "" for a decorative one.
    Raises ValueError for a page this does not know how to tag (more than one page, a form or
    an inline image, another number of pictures): the caller keeps the untagged drawing then.
    """
    if len(writer.pages) != 1:
        raise ValueError("Only a one-page document is tagged.")
    page = writer.pages[0]
    resources = _dict(page["/Resources"])
    fonts, xobjects = _dict(resources.get("/Font")), _dict(resources.get("/XObject"))
    negritas = [k for k, v in fonts.items() if str(_dict(v).get("/BaseFont")).endswith("-Bold")]
    imagenes = [k for k, v in xobjects.items() if _dict(v).get("/Subtype") == "/Image"]
    stream = page["/Contents"].get_object()
    if not isinstance(stream, StreamObject):
        raise ValueError("The page's content is not one stream.")
    data, hojas = marcar(stream.get_data(), _nombres(negritas), _nombres(imagenes), figuras)
    stream.set_data(data)

    tree = _elemento(writer, "/StructTreeRoot", {})
    document = _elemento(writer, "/StructElem", {"/S": "/Document", "/P": tree})
    leaves = ArrayObject()
    for mcid, hoja in enumerate(hojas):
        leaf = {"/S": hoja.rol, "/P": document, "/Pg": page.indirect_reference, "/K": mcid}
        if hoja.alt:
            leaf["/Alt"] = TextStringObject(hoja.alt)
        leaves.append(_elemento(writer, "/StructElem", leaf))
    _dict(document)[NameObject("/K")] = leaves
    # The page's MCIDs, in order, point back at their leaves: key 0 is the page's StructParents.
    parents = _elemento(writer, "", {"/Nums": ArrayObject([NumberObject(0), ArrayObject(leaves)])})
    _poner(_dict(tree), {"/K": ArrayObject([document]), "/ParentTree": parents,
                         "/ParentTreeNextKey": 1})  # fmt: skip
    _poner(page, {"/StructParents": 0, "/Tabs": "/S"})  # tab order: the structure's (PDF/UA)
    root = writer.root_object
    marked = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
    _poner(root, {"/StructTreeRoot": tree, "/MarkInfo": marked})
    if not root.get("/Lang"):
        root[NameObject("/Lang")] = TextStringObject(LANG)


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
    return writer._add_object(element)

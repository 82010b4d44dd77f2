"""The seal of a constancia PDF: embed the signed data in the drawn file, read it back, verify it.

The signed data travels inside the PDF as the attached file ``constancia.json``
(``{"formato", "algoritmo", "kid", "datos", "firma"}``), so ``flask constancias verificar``
can check a file offline with the published keys. Drawing the page is ``domain.pdf``'s job.

Memory (issue #6): pypdf is imported inside the functions that use it, so the web app (and the
modules that import this one) pays for it only once a document is sealed or read, and without
the optional modules the PDF libraries would bring for features no constancia uses (see
``sin_extras``, which ``domain.pdf`` calls too before it loads xhtml2pdf).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.cadena_original import leer_cadena
from domain.signing import ALGORITHM, KeyRing

if TYPE_CHECKING:
    from pypdf import PdfWriter

ATTACHMENT = "constancia.json"
FORMAT = "derechohabiencia-constancia/1"
MAX_PDF_BYTES = 2 * 1024 * 1024
# What the drawn file's own properties keep: when and with what it was made.
_KEPT = ("/CreationDate", "/ModDate", "/Producer")


def sin_extras() -> None:
    """Refuse two optional imports of the PDF libraries, unless this process already made them.

    Both are imported inside try/except ImportError, and both cost every worker memory for a
    feature no constancia uses. svglib draws SVG images (ours are PNG) and brings lxml,
    cssselect2 and tinycss2: ~6 MiB. pypdf's AES provider loads ``cryptography``: ~10 MiB, for
    encrypted PDFs only; ours never are, and an AES-encrypted upload becomes "no readable seal"
    (pypdf's own provider still reads RC4-encrypted files).
    """
    for name in ("svglib", "pypdf._crypt_providers._cryptography"):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Sello:
    """What is embedded in a PDF: the signed text, its signature and the key id."""

    datos: str
    firma: str
    kid: str
    algoritmo: str = ALGORITHM


def embed(
    pdf: bytes,
    sello: Sello,
    *,
    title: str,
    subject: str = "",
    keywords: str = "",
    antes: Callable[[PdfWriter], None] | None = None,
) -> bytes:
    """Attach the seal as ``constancia.json`` and set the file's properties: title, subject and
    keywords as given, the issuer (the cadena's ``emisor``) as author and creator; none empty.

    ``antes`` changes the drawn file first (``domain.pdf`` tags it), in the same writer: one
    parse and one write of the file for both, ~4 ms less a document than a pass of its own."""
    sin_extras()
    from pypdf import PdfWriter
    from pypdf.generic import BooleanObject, NameObject

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    if antes is not None:
        antes(writer)
    payload = {
        "formato": FORMAT,
        "algoritmo": sello.algoritmo,
        "kid": sello.kid,
        "datos": sello.datos,
        "firma": sello.firma,
    }
    writer.add_attachment(ATTACHMENT, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    emisor = leer_cadena(sello.datos).get("emisor", "")
    drawn = {k: v for k, v in (writer.metadata or {}).items() if k in _KEPT}
    ours = {"/Title": title, "/Author": emisor, "/Creator": emisor, "/Subject": subject,
            "/Keywords": keywords}  # fmt: skip
    # Replaced whole: the drawing library leaves an empty /Keywords and "(unspecified)" as the
    # creator, and repeats the title as the subject.
    writer.metadata = {**drawn, **{k: v for k, v in ours.items() if v}}
    # Viewers (and screen readers announcing the window) show the title, not the file's name.
    preferences = writer.create_viewer_preferences()
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extraer(pdf: bytes) -> Sello | None:
    """The seal attached to a PDF, or None if there is none or the file is not a PDF."""
    if len(pdf) > MAX_PDF_BYTES:
        return None
    sin_extras()
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    try:
        files = PdfReader(io.BytesIO(pdf)).attachments.get(ATTACHMENT) or []
        payload = json.loads(files[0]) if len(files) == 1 else None
    except (PdfReadError, DependencyError, ValueError, KeyError, TypeError, OSError):
        return None
    if not isinstance(payload, dict) or payload.get("formato") != FORMAT:
        return None
    fields = [payload.get(k) for k in ("datos", "firma", "kid", "algoritmo")]
    if not all(isinstance(v, str) for v in fields):
        return None
    datos, firma, kid, algoritmo = (str(v) for v in fields)
    return Sello(datos, firma, kid, algoritmo)


def texto(pdf: bytes) -> str:
    """The visible text of every page, whitespace collapsed."""
    sin_extras()
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@dataclass(frozen=True, slots=True)
class ResultadoPdf:
    autentica: bool
    campos: dict[str, str]
    motivo: str
    # The seal names a key the ring lacks: not checked, which is not the same as forged (a key
    # retired without keeping its public half, or a portal without keys).
    clave_desconocida: str = ""


def verificar_pdf(pdf: bytes, keyring: KeyRing) -> ResultadoPdf:
    """Offline check: the attached seal verifies with a known key, and the page shows its data."""
    sello = extraer(pdf)
    if sello is None:
        return ResultadoPdf(False, {}, "El archivo no contiene un sello de constancia legible.")
    shown = "".join(ch for ch in sello.kid if ch.isascii() and ch.isalnum())[:16]
    if sello.algoritmo != ALGORITHM:
        return ResultadoPdf(False, {}, f"El sello usa una clave desconocida ({shown}).")
    if keyring.get(sello.kid) is None:
        motivo = f"El sello usa una clave que no tenemos ({shown or 'sin identificador'})."
        return ResultadoPdf(False, {}, motivo, clave_desconocida=shown or "?")
    if not keyring.verify(sello.kid, sello.datos, sello.firma):
        return ResultadoPdf(False, {}, "El sello digital no corresponde a los datos: fue alterado.")
    try:
        campos = leer_cadena(sello.datos)
    except ValueError:
        return ResultadoPdf(False, {}, "La cadena original no tiene el formato esperado.")
    if campos.get("kid") != sello.kid:
        return ResultadoPdf(False, {}, "La clave del sello no es la de la cadena original.")
    from pypdf.errors import DependencyError, PdfReadError

    try:
        visible = texto(pdf)
    except (PdfReadError, DependencyError, ValueError, KeyError, TypeError, OSError):
        visible = ""
    # The foot of the page prints the cadena original, which holds every sealed value: left in,
    # it alone would vouch for a page whose body shows another name or CURP. Whitespace is
    # ignored on both sides because the printed cadena wraps wherever a line ends, mid-word too.
    cuerpo = "".join(visible.split()).replace("".join(sello.datos.split()), "")
    printed = [campos.get("folio", ""), campos.get("curp", ""), campos.get("nombre", "")]
    if not all("".join(value.split()) in cuerpo for value in printed):
        return ResultadoPdf(False, campos, "El texto visible no coincide con los datos sellados.")
    return ResultadoPdf(True, campos, "")

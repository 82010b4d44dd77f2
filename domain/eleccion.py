"""The start page's chooser: two questions at most lead to the documents that fit.

Pure data and one function, so that the page (blueprints/guides.py), its tests and the static
export read the same answers.

>>> [d.clave for d in elegir({"para": "no-tengo", "piden": "issste"}).documentos]
['no-afiliacion']
>>> elegir({"para": "tengo"}).pregunta, elegir({"para": "tengo", "paso": "trabajo"}).error
('trabajo', True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Documento:
    clave: str
    tramite: str  # where the procedure starts
    guia: str  # the slug of its guide
    # When only the titular starts it: the guide's section that tells family members what to do.
    familiares: str = ""


@dataclass(frozen=True)
class Seccion:
    """A section of a guide that pages link to: the guide's slug and its heading's id."""

    guia: str
    ancla: str


# Where the carnet guide tells family members that the titular's account issues their carnet:
# the chooser and the account pages link here (templates/components/guias.html). The id comes
# from the heading's text, so a renamed heading is changed here, once.
BENEFICIARIOS = Seccion("carnet-digital-issste", "constancias-para-tus-beneficiarios")

DOCUMENTOS = {
    d.clave: d
    for d in (
        Documento(
            "carnet-issste",
            "/cuenta/registro",
            BENEFICIARIOS.guia,
            familiares=BENEFICIARIOS.ancla,  # the titular's account issues it
        ),
        Documento("vigencia-imss", "/constancias/vigencia-imss", "vigencia-imss"),
        Documento(
            "no-derechohabiencia", "/constancias/no-derechohabiencia", "no-derechohabiencia-imss"
        ),
        Documento("no-afiliacion", "/constancias/no-afiliacion", "no-afiliacion-issste"),
        Documento(
            "sin-seguridad-social", "/constancias/sin-seguridad-social", "no-afiliacion-issste"
        ),
        Documento("nss", "/imss/nss", "nss-imss"),
    )
}
# First answer ("para") -> the second question to ask, if any.
SEGUNDA = {"tengo": "trabajo", "no-tengo": "piden"}
# (para, second answer) -> the documents that fit.
RESPUESTAS = {
    ("tengo", "gobierno"): ("carnet-issste",),
    ("tengo", "empresa"): ("vigencia-imss",),
    ("tengo", "no-se"): ("vigencia-imss", "carnet-issste"),
    ("no-tengo", "imss"): ("no-derechohabiencia",),
    ("no-tengo", "issste"): ("no-afiliacion",),
    ("no-tengo", "ambas"): ("sin-seguridad-social",),
    ("nss", ""): ("nss",),
}


@dataclass(frozen=True)
class Paso:
    """A question still to answer (with the answers so far), or the documents that fit."""

    pregunta: str | None = None
    respuestas: Mapping[str, str] = field(default_factory=dict)
    error: bool = False
    documentos: tuple[Documento, ...] = ()


def elegir(args: Mapping[str, str]) -> Paso:
    """The next question, or the documents that fit the answers in the query string.

    ``paso`` names the question the form just asked, so a missing answer is an error only
    after the person submitted it.
    """
    para = args.get("para", "")
    if not any(para == first for first, _second in RESPUESTAS):
        return Paso("para", error=args.get("paso") == "para")
    segunda = SEGUNDA.get(para, "")
    detalle = args.get(segunda, "") if segunda else ""
    if (para, detalle) not in RESPUESTAS:
        return Paso(segunda, {"para": para}, error=args.get("paso") == segunda)
    return Paso(documentos=tuple(DOCUMENTOS[c] for c in RESPUESTAS[(para, detalle)]))


def arbol() -> dict[str, tuple[str, dict[str, tuple[Documento, ...]]]]:
    """Every answer at once, for a page that cannot ask the server (the static export).

    First answer -> (the second question, or "" when there is none; second answer -> documents).

    >>> [d.clave for d in arbol()["no-tengo"][1]["issste"]]
    ['no-afiliacion']
    >>> segunda, salidas = arbol()["nss"]
    >>> segunda, [d.clave for d in salidas[""]]
    ('', ['nss'])
    """
    tree: dict[str, tuple[str, dict[str, tuple[Documento, ...]]]] = {}
    for para, detalle in RESPUESTAS:
        segunda = SEGUNDA.get(para, "")
        _pregunta, salidas = tree.setdefault(para, (segunda, {}))
        salidas[detalle] = elegir({"para": para, segunda: detalle}).documentos
    return tree

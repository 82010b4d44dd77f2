"""The kinds of constancia: each one's folio prefix, title, institution, PDF template and name.

``TIPOS`` finds a kind by the prefix of a folio (``doc=`` in the cadena original), ``POR_CLAVE``
by the ``tipo`` a ledger row stores.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tipo:
    """One kind of document: its folio prefix, title, institution and PDF template."""

    clave: str
    prefijo: str
    titulo: str
    institucion: str
    plantilla: str
    archivo: str  # download file name stem


NO_AFILIACION = Tipo(
    "no_afiliacion_issste",
    "NA",
    "Constancia de No Afiliación",
    "ISSSTE",
    "pdf/no_afiliacion_issste.html",
    "constancia-no-afiliacion",
)
NO_DERECHOHABIENCIA = Tipo(
    "no_derechohabiencia_imss",
    "ND",
    "Constancia de No Derechohabiencia",
    "IMSS",
    "pdf/no_derechohabiencia_imss.html",
    "constancia-no-derechohabiencia",
)
VIGENCIA_ISSSTE = Tipo(
    "vigencia_issste",
    "VD",
    "Constancia de Vigencia de Derechos",
    "ISSSTE",
    "pdf/vigencia_issste.html",
    "constancia-vigencia-derechos",
)
# IMSS Constancia de Vigencia de Derechos, issued by emitir_vigencia_imss.
VIGENCIA_IMSS = Tipo(
    "vigencia_imss",
    "VI",
    "Constancia de Vigencia de Derechos",
    "IMSS",
    "pdf/vigencia_imss.html",
    "constancia-vigencia-imss",
)
TIPOS = {t.prefijo: t for t in (NO_AFILIACION, NO_DERECHOHABIENCIA, VIGENCIA_ISSSTE, VIGENCIA_IMSS)}
POR_CLAVE = {t.clave: t for t in TIPOS.values()}

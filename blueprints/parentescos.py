"""The registry's parentesco words, shown in the reader's language.

The registry writes a beneficiary's relationship to the titular as free text ("cónyuge",
"hijo(a)", "HIJA"), so the known ones are matched without case, accents or spaces; any other
is the registry's own word, shown as it came.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l

ETIQUETAS = {
    "conyuge": _l("cónyuge"),
    "esposa": _l("esposa"),
    "esposo": _l("esposo"),
    "concubina": _l("concubina"),
    "concubino": _l("concubino"),
    "concubinario": _l("concubino"),
    "hijo": _l("hijo"),
    "hija": _l("hija"),
    "hijo(a)": _l("hijo o hija"),
    "hijo/a": _l("hijo o hija"),
    "hijo o hija": _l("hijo o hija"),
    "padre": _l("padre"),
    "madre": _l("madre"),
}


def _clave(valor: str) -> str:
    sin_acentos = unicodedata.normalize("NFKD", valor.casefold())
    letras = "".join(c for c in sin_acentos if not unicodedata.combining(c))
    return " ".join(letras.split()).replace(" (", "(").replace("( ", "(").replace(" )", ")")


def parentesco(valor: str | None) -> str:
    """The label for a registry parentesco, translated when it is one we know."""
    if not valor:
        return ""
    etiqueta = ETIQUETAS.get(_clave(valor))
    return str(etiqueta) if etiqueta is not None else valor

"""Template globals shared by every page (navigation, language, issuer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, current_app
from flask_babel import format_date, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from jinja2.ext import _make_new_gettext, _make_new_ngettext

# (endpoint, label): entries whose feature is not installed are left out, so the menu never
# links to a page that does not exist.
MAIN_NAV = (
    ("guides.index", _l("Inicio")),
    ("curp.check", _l("Revisar CURP")),
    ("constancias.indice", _l("Constancias")),
    ("verificacion.verificar", _l("Verificar documento")),
    ("guides.faq", _l("Preguntas frecuentes")),
    ("cuenta.entrar", _l("Oficina Virtual")),
)
FOOTER = (
    ("/aviso-de-privacidad", _l("Aviso de privacidad")),
    ("/terminos-de-uso", _l("Términos de uso")),
    ("/accesibilidad", _l("Accesibilidad")),
    ("/integracion", _l("Integración para sitios")),
)


def current_lang() -> str:
    locale = get_locale()
    return locale.language if locale else "es"


def main_nav() -> list[tuple[str, str]]:
    endpoints = current_app.view_functions
    return [(e, str(label)) for e, label in MAIN_NAV if e in endpoints]


def footer_links() -> list[tuple[str, str]]:
    paths: frozenset[str] | None = current_app.extensions.get("rule_paths")
    if paths is None:  # the URL map is complete once the app serves; read it once
        paths = frozenset(rule.rule for rule in current_app.url_map.iter_rules())
        current_app.extensions["rule_paths"] = paths
    return [(href, str(label)) for href, label in FOOTER if href in paths]


def issuer_name() -> str:
    return str(current_app.extensions["settings"].issuer_name)


def fecha(value: dt.date | None) -> str:
    """A date as people write it: 27 de marzo de 1985."""
    return format_date(value, format="long") if value else ""


def request_gettext() -> dict[str, Any]:
    """``_``/``gettext``/``ngettext`` bound to this request's catalog, for one render.

    flask-babel's template callables look the catalog up again for every string (four context
    lookups and a locale-to-text conversion each); a page has dozens of strings. Jinja's own
    newstyle wrappers are reused so escaping and ``%`` formatting behave exactly as before.
    """
    translations = get_translations()
    return {
        "gettext": _make_new_gettext(translations.ugettext),
        "ngettext": _make_new_ngettext(translations.ungettext),
    }


def init_app(app: Flask) -> None:
    app.context_processor(request_gettext)
    app.jinja_env.filters["fecha"] = fecha
    app.jinja_env.globals.update(
        current_lang=current_lang,
        main_nav=main_nav,
        footer_links=footer_links,
        issuer_name=issuer_name,
    )

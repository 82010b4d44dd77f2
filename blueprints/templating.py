"""Template globals shared by every page (navigation, language, issuer and its contact)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from babel.dates import format_time
from babel.lists import format_list
from flask import Flask, current_app, request, session, url_for
from flask_babel import format_date, get_locale, get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2.ext import _make_new_gettext, _make_new_ngettext
from markupsafe import Markup, escape

from blueprints.sesiones import limite
from blueprints.traduccion import traducir
from domain.constancias import local
from domain.curp_tables import STATES, state_label
from domain.eleccion import BENEFICIARIOS
from domain.settings import Settings
from domain.settings_valores import contact_href

log = logging.getLogger(__name__)

# (endpoint, label, section): entries whose feature is not installed are left out, so the menu
# never links to a page that does not exist. An entry is current on its own page and on every
# page of the blueprints in its section: the Oficina Virtual links to the sign-in page for
# everyone (guide pages are the same for everyone), which sends a signed-in person to /oficina.
MAIN_NAV: tuple[tuple[str, Any, frozenset[str]], ...] = (
    ("guides.index", _l("Inicio"), frozenset()),
    ("curp.check", _l("Revisar CURP"), frozenset()),
    ("constancias.indice", _l("Constancias"), frozenset()),
    ("verificacion.verificar", _l("Verificar documento"), frozenset()),
    ("guides.faq", _l("Preguntas frecuentes"), frozenset()),
    ("cuenta.entrar", _l("Oficina Virtual"), frozenset({"cuenta", "oficina", "carnet"})),
)
FOOTER = (
    ("/aviso-de-privacidad", _l("Aviso de privacidad")),
    ("/terminos-de-uso", _l("Términos de uso")),
    ("/accesibilidad", _l("Accesibilidad")),
    ("/integracion", _l("Integración para sitios")),
)
# Pages written only in Spanish (content/): in another language, links to them say so, as every
# link to a guide does (components/en_espanol.html).
SOLO_EN_ESPANOL = frozenset(
    {"guides.faq", "/aviso-de-privacidad", "/terminos-de-uso", "/accesibilidad"}
)


def current_lang() -> str:
    locale = get_locale()
    return locale.language if locale else "es"


class NavItem(NamedTuple):
    endpoint: str
    label: str
    current: str | None  # aria-current: "page" on its own page, "true" elsewhere in its section
    espanol: bool = False  # the page exists only in Spanish


def main_nav() -> list[NavItem]:
    endpoints = current_app.view_functions
    here, section = request.endpoint, request.blueprint
    return [
        NavItem(
            e,
            str(label),
            "page" if here == e else "true" if section in sections else None,
            e in SOLO_EN_ESPANOL,
        )
        for e, label, sections in MAIN_NAV
        if e in endpoints
    ]


def signed_in() -> bool:
    """Whether an account is signed in on this request: the header then offers "Salir".

    Anonymous sessions answer from the cookie alone; only a session holding an account loads it
    (once per request, flask-login keeps it), so an ended session is not offered "Salir".
    Pages that others share (guides, errors, the export) must never ask: see base.html.
    """
    if "_user_id" not in session or "cuenta.salir" not in current_app.view_functions:
        return False
    return bool(current_user.is_authenticated)


def footer_links() -> list[tuple[str, str, bool]]:
    """(href, label, whether the page exists only in Spanish) of each installed footer page."""
    paths: frozenset[str] | None = current_app.extensions.get("rule_paths")
    if paths is None:  # the URL map is complete once the app serves; read it once
        paths = frozenset(rule.rule for rule in current_app.url_map.iter_rules())
        current_app.extensions["rule_paths"] = paths
    return [(href, str(label), href in SOLO_EN_ESPANOL) for href, label in FOOTER if href in paths]


def issuer_name() -> str:
    return str(current_app.extensions["settings"].issuer_name)


class Contacto(NamedTuple):
    """The footer's address and contact links (None: not configured, so not shown)."""

    domicilio: str | None
    contacto: tuple[str, str] | None  # (href, text)
    datos_personales: tuple[str, str] | None  # the same as contacto when PRIVACY_CONTACT is unset
    domicilio_ficticio: bool = False  # the demo's: base.html says so in the page's language


def issuer_contact() -> Contacto:
    settings: Settings = current_app.extensions["settings"]

    def link(value: str | None) -> tuple[str, str] | None:
        return (contact_href(value), value) if value else None

    return Contacto(
        settings.issuer_address,
        link(settings.issuer_contact),
        link(settings.privacy_contact),
        settings.address_is_fictitious,
    )


def entidad(code: str) -> str:
    """The entity of birth as the pages name it, in the page's language: "Fuera de México".

    STATES keeps RENAPO's catalogue names (the API returns them); names English writes the
    same way (Jalisco) have no label of their own.
    """
    return traducir(state_label(code)) if code in STATES else code


def guia_beneficiarios() -> str:
    """The carnet guide's section for family members (domain.eleccion.BENEFICIARIOS)."""
    return url_for("guides.guide", slug=BENEFICIARIOS.guia, _anchor=BENEFICIARIOS.ancla)


def titulo_completo(titulo: str) -> Markup:
    """What a <title> says: the page's own title, then the portal's name. base.html writes it,
    and so does the <title> an htmx fragment brings along (blueprints/htmx_util.py).

    A title is plain text: the markup a message carries for the page's body (an official
    Spanish name marked lang="es" in English) is left out, its words kept.
    """
    return Markup("{} · {}").format(escape(titulo).striptags(), gettext("Derechohabiencia"))


def fecha(value: dt.date | None) -> str:
    """A date as people write it: 27 de marzo de 1985."""
    return format_date(value, format="long") if value else ""


def hora(value: dt.datetime) -> str:
    """A time in central Mexico as the page's language writes it: 14:30, 2:30 PM.

    Spanish keeps the portal's clock (two-digit hours, as the PDFs print them; the sentence
    adds the "h"); another language writes its own locale's short time, as people read it.
    """
    moment = local(value)
    locale = get_locale()
    if locale is None or locale.language == "es":
        return f"{moment:%H:%M}"
    # CLDR's narrow no-break space before "PM" is missing from some mail clients' fonts.
    return format_time(moment, "short", locale=locale).replace("\u202f", "\u00a0")


MARCA = re.compile(r"\x00(\d+)\x00")


def lista(items: Iterable[Any], cada: Callable[[Any], Any] | None = None) -> Markup:
    """Items joined as the page's language lists them: "A, B y C", "A, B, and C".

    ``cada`` (a macro, say) renders each item first. Items are escaped unless they are markup
    already (a link); the joining words are CLDR's, text like any other, so they are escaped
    around numbered marks that the items then replace.
    """
    partes = [escape(cada(item) if cada else item) for item in items]
    marcas = [f"\x00{n}\x00" for n in range(len(partes))]
    junto = escape(format_list(marcas, locale=get_locale() or "es"))
    return Markup(MARCA.sub(lambda m: partes[int(m[1])], junto))  # noqa: S704 - escaped above


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
    settings: Settings = app.extensions["settings"]
    if settings.missing_contact:
        # Once per process: the privacy notice and the accessibility statement tell people the
        # footer shows these, and without them it cannot (nothing made up is shown instead).
        log.warning(
            "Falta definir %s: el aviso de privacidad dice que el pie de página muestra el "
            "domicilio y el medio de contacto de la institución (docs/despliegue.md, sección 2).",
            " y ".join(settings.missing_contact),
        )
    app.context_processor(request_gettext)
    app.jinja_env.filters["fecha"] = fecha
    app.jinja_env.filters["hora"] = hora
    app.jinja_env.filters["lista"] = lista
    app.jinja_env.filters["entidad"] = entidad
    app.jinja_env.filters["titulo_completo"] = titulo_completo
    app.jinja_env.globals.update(
        current_lang=current_lang,
        main_nav=main_nav,
        signed_in=signed_in,
        footer_links=footer_links,
        issuer_name=issuer_name,
        issuer_contact=issuer_contact,
        guia_beneficiarios=guia_beneficiarios,
        limite_sesion=limite,
    )

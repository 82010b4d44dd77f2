"""Broken links in the content: internal links checked against the pages and the portal's paths.

Apart from ``domain.guides`` because serving a page never needs it: the content's tests run it
over the whole library, so a renamed page or heading fails a build, not a reader.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Final

from domain.guides import Library

# Procedure pages that content may link to; content pages are known through the library itself.
PORTAL_PATHS: Final = frozenset(
    {
        "/",
        "/curp",
        "/curp/no-la-conozco",
        "/cuenta/registro",
        "/cuenta/entrar",
        "/cuenta/recuperar",
        "/oficina",
        "/oficina/constancia-vigencia",
        "/oficina/contrasena",
        "/oficina/cerrar-cuenta",
        "/constancias/no-afiliacion",
        "/constancias/no-derechohabiencia",
        "/constancias/sin-seguridad-social",
        "/constancias/vigencia-imss",
        "/imss/nss",
        "/verificar",
    }
)


def check_links(library: Library, known_paths: AbstractSet[str] = PORTAL_PATHS) -> list[str]:
    """Broken internal links as "slug: href": unknown path, or an anchor the target lacks."""
    by_url = {p.url: p for p in library.pages.values()}
    broken: list[str] = []
    for page in sorted(library.pages.values(), key=lambda p: p.source):
        for href in page.internal_links:
            path, _, anchor = href.partition("#")
            path = path.partition("?")[0]
            target = by_url.get(path) if path else page
            known = target is not None or path in known_paths
            if not known or (anchor and (target is None or anchor not in target.anchors)):
                broken.append(f"{page.slug}: {href}")
    return broken

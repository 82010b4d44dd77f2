"""The links of the static export (blueprints/freeze.py): where each one must point once a page
is a plain file on a static host, and which of static/ the exported pages load.

Links to exported pages become relative file paths, which work on any host, under any folder,
even opened from disk; every other link becomes absolute to the backend. The FAQ filter's
fragment, inserted into the exported FAQ page, is fixed the same way (blueprints/guides.py).
The export's 404.html, shown at whatever path was missing, links only the backend
(backend_links).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from html import escape, unescape
from urllib.parse import urljoin, urlsplit

STATIC_PREFIX = "/static/"
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|action|hx-get)=")([^"]*)(")')


def exported_file(path: str, pages: frozenset[str]) -> str:
    """The file a URL path is written to: "/guias/x" -> "/guias/x/index.html".

    A directory index is what every static host serves without configuration.
    """
    return path.rstrip("/") + "/index.html" if path in pages else path


def static_link(value: str, page: str, pages: frozenset[str], backend: str) -> str:
    """One link (an escaped attribute value) of the exported page at URL path `page`."""
    raw = unescape(value)
    if not raw or raw.startswith("#") or raw.startswith("//") or urlsplit(raw).scheme:
        return value
    target = urlsplit(urljoin(page, raw))
    path = target.path
    if path.endswith("/index.html"):  # Frozen-Flask's relative url_for() adds it to "/"
        path = path.removesuffix("index.html")
    fragment = f"#{target.fragment}" if target.fragment else ""
    # The export holds only the assets its pages load (linked_assets), so a page's link to
    # static/ always finds its file.
    exported = path in pages or path.startswith(STATIC_PREFIX)
    if exported and not target.query:  # a static file cannot answer a query string
        here = posixpath.dirname(exported_file(page, pages))
        return escape(posixpath.relpath(exported_file(path, pages), here) + fragment)
    query = f"?{target.query}" if target.query else ""
    return escape(f"{backend}{path}{query}{fragment}")


def static_links(html: str, page: str, pages: frozenset[str], backend: str) -> str:
    """Every href, src, action and hx-get of an exported page, fixed for the static host."""
    return _each_link(html, lambda value: static_link(value, page, pages, backend))


def backend_link(value: str, page: str, backend: str) -> str:
    """One link (an escaped attribute value) of the page at URL path `page`, absolute to the
    backend: "/static/css/site.css" -> "https://portal.example/static/css/site.css"."""
    raw = unescape(value)
    if not raw or raw.startswith("#") or raw.startswith("//") or urlsplit(raw).scheme:
        return value  # a fragment is in the page itself, wherever it is served from
    return escape(backend + urljoin(page, raw))


def backend_links(html: str, page: str, backend: str) -> str:
    """Every href, src, action and hx-get of a page made absolute to the backend."""
    return _each_link(html, lambda value: backend_link(value, page, backend))


def _each_link(html: str, fix: Callable[[str], str]) -> str:
    def one(match: re.Match[str]) -> str:
        return match.group(1) + fix(match.group(2)) + match.group(3)

    return _URL_ATTRIBUTE.sub(one, html)


def linked_assets(html: str, page: str) -> set[str]:
    """The files of static/ (paths inside it) that the page at URL path `page` links to.

    Our stylesheet and scripts load nothing themselves (no url() or import), so the pages' own
    links name every asset the export needs.
    """
    assets = set()
    for match in _URL_ATTRIBUTE.finditer(html):
        target = urlsplit(urljoin(page, unescape(match.group(2))))
        if not target.netloc and target.path.startswith(STATIC_PREFIX):
            assets.add(target.path.removeprefix(STATIC_PREFIX))
    return assets

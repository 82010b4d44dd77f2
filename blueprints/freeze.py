"""`flask --app app freeze`: the start page, guides, FAQ and legal pages, the sitemap, robots.txt
and static/ written as plain files for any static host.

Frozen-Flask renders every page through the app, with ``FROZEN`` set so the templates point
forms and htmx at the backend (PUBLIC_BASE_URL). Its relative URLs only cover ``url_for()`` in
templates; the Markdown bodies and base.html also hold root-relative links, and most of the
portal (procedures, the language switch) exists only on the backend. So every exported page is
then rewritten: links to exported files become relative file paths (which work on any host,
under any folder, even opened from disk), and every other link becomes absolute to the backend.

DEMO_MODE decides, as everywhere, whether pages carry the demo banner: an institution exports
without it. The export signs nothing, so any SECRET_KEY will do (`make freeze` passes a
throwaway one when none is set); create_app still asks for one, as for every other command.
"""

from __future__ import annotations

import posixpath
import re
import warnings
from collections.abc import Iterator
from html import escape, unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_frozen import Freezer, MissingURLGeneratorWarning

FEEDS = ("/sitemap.xml", "/robots.txt")
LOOPBACK = ("127.0.0.1", "localhost", "::1", "0.0.0.0")  # noqa: S104 (a name, not a bind)
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|action|hx-get)=")([^"]*)(")')


class StaticSite(Freezer):  # type: ignore[misc]
    """Freezes only the content pages, each as ``<path>/index.html``."""

    def __init__(self, app: Flask, pages: frozenset[str]) -> None:
        # No automatic URLs: forms, the API and the Oficina Virtual need the backend.
        super().__init__(app, with_no_argument_rules=False, log_url_for=False)
        self.pages = pages
        self.register_generator(self.content_urls)

    def content_urls(self) -> Iterator[str]:
        yield from sorted(self.pages)
        yield from FEEDS

    def urlpath_to_filepath(self, path: str) -> str:
        return str(super().urlpath_to_filepath(exported_file(path, self.pages)))


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
    exported = path in pages or path in FEEDS or path.startswith("/static/")
    if exported and not target.query:  # a static file cannot answer a query string
        here = posixpath.dirname(exported_file(page, pages))
        return escape(posixpath.relpath(exported_file(path, pages), here) + fragment)
    query = f"?{target.query}" if target.query else ""
    return escape(f"{backend}{path}{query}{fragment}")


def static_links(html: str, page: str, pages: frozenset[str], backend: str) -> str:
    """Every href, src, action and hx-get of an exported page, fixed for the static host."""

    def fix(match: re.Match[str]) -> str:
        link = static_link(match.group(2), page, pages, backend)
        return match.group(1) + link + match.group(3)

    return _URL_ATTRIBUTE.sub(fix, html)


def export_site(app: Flask, destination: Path) -> list[Path]:
    """Write the static site into `destination`; return the files written, relative to it."""
    pages = frozenset(url for url, _updated in app.extensions["guides"].sitemap)
    backend = app.config["PUBLIC_BASE_URL"]
    app.config.update(
        FREEZER_DESTINATION=str(destination),
        FREEZER_RELATIVE_URLS=True,
        FREEZER_REMOVE_EXTRA_FILES=True,
    )
    freezer = StaticSite(app, pages)
    app.config["FROZEN"] = True
    try:
        with warnings.catch_warnings():
            # Leaving the other endpoints out is the point, not an oversight.
            warnings.simplefilter("ignore", MissingURLGeneratorWarning)
            built = list(freezer.freeze_yield())
    finally:
        app.config["FROZEN"] = False
    for url, path in built:
        if url in pages:
            file = destination / path
            file.write_text(static_links(file.read_text("utf-8"), url, pages, backend), "utf-8")
    return sorted(Path(path) for _url, path in built)


@click.command("freeze")
@click.option(
    "--destination",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Carpeta donde se escribe el sitio estático.",
)
@with_appcontext
def freeze_command(destination: Path) -> None:
    """Exporta las guías, las preguntas frecuentes y las páginas legales como sitio estático."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    destination = destination.resolve()
    # Frozen-Flask deletes what it did not write: never let it loose on an unrelated folder.
    previous_export = (destination / "sitemap.xml").is_file()
    if destination.is_dir() and any(destination.iterdir()) and not previous_export:
        raise click.ClickException(
            f"{destination} no está vacía y no es una exportación anterior. Elige otra."
        )
    backend = app.config["PUBLIC_BASE_URL"]
    if urlsplit(backend).hostname in LOOPBACK:
        click.echo(
            f"Aviso: PUBLIC_BASE_URL es {backend}. Los formularios y enlaces a trámites de las "
            "páginas exportadas apuntarán ahí; define PUBLIC_BASE_URL con la dirección pública.",
            err=True,
        )
    if app.config["DEMO_MODE"]:
        # base.html shows the demo banner, with links to /demo and /dev/correos, which only a
        # demo backend answers. An institution's export runs without DEMO_MODE.
        click.echo(
            "Aviso: exportación de demostración (DEMO_MODE activo). Cada página lleva el aviso "
            "de datos ficticios y enlaza /demo y /dev/correos; para publicar, exporta sin "
            "DEMO_MODE.",
            err=True,
        )
    files = export_site(app, destination)
    click.echo(f"{len(files)} archivos escritos en {destination}")


def init_app(app: Flask) -> None:
    app.cli.add_command(freeze_command)

"""`flask --app app freeze`: the start page, guides, FAQ and legal pages, and the files of
static/ they load, written as plain files for any static host.

Frozen-Flask renders every page through the app, with ``FROZEN`` set so the templates point
forms and htmx at the backend (PUBLIC_BASE_URL). Its relative URLs only cover ``url_for()`` in
templates; the Markdown bodies and base.html also hold root-relative links, and most of the
portal (procedures, the language switch) exists only on the backend. So every exported page is
then rewritten (blueprints/freeze_links.py): links to exported files become relative file paths,
and every other link becomes absolute to the backend. The rest of static/ (the widget's embed.js,
the captcha, the session timer) only works from the backend, so it stays out.

Static hosts answer a missing path with the 404.html at the export's root (GitHub Pages,
Netlify, an S3 website, nginx's error_page): the export has one, the portal's own «No
encontramos esta página» (not_found_page).

No sitemap.xml or robots.txt: both only mean something at the root of a known host (a sitemap
lists absolute URLs of its own host; robots.txt is read only from "/"), and the export may be
served from any host and folder. Each exported page names the backend's page as canonical, and
the backend serves both files for its own URLs.

DEMO_MODE decides, as everywhere, whether pages carry the demo banner: an institution exports
without it. The export signs nothing, so any SECRET_KEY will do (`make freeze` passes a
throwaway one when none is set); create_app still asks for one, as for every other command.
"""

from __future__ import annotations

import logging
import shutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_frozen import Freezer, MissingURLGeneratorWarning
from werkzeug.security import safe_join

from blueprints.errors import render_error
from blueprints.freeze_links import backend_links, exported_file, linked_assets, static_links
from blueprints.observability_logs import ACCESS_LOGGER

# Files only an export of ours has: Frozen-Flask deletes what it did not write, so it only ever
# replaces one of them.
EXPORT_MARKS = ("index.html", "preguntas-frecuentes/index.html")
NOT_FOUND = "404.html"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "0.0.0.0")  # noqa: S104 (a name, not a bind)


class StaticSite(Freezer):  # type: ignore[misc]
    """Freezes only the content pages, each as ``<path>/index.html``."""

    def __init__(self, app: Flask, pages: frozenset[str]) -> None:
        # No automatic URLs: forms, the API and the Oficina Virtual need the backend. No static/
        # either: export_site copies only the files the pages load.
        super().__init__(
            app, with_static_files=False, with_no_argument_rules=False, log_url_for=False
        )
        self.pages = pages
        self.register_generator(self.content_urls)

    def content_urls(self) -> Iterator[str]:
        yield from sorted(self.pages)

    def urlpath_to_filepath(self, path: str) -> str:
        return str(super().urlpath_to_filepath(exported_file(path, self.pages)))


def export_site(app: Flask, destination: Path) -> list[Path]:
    """Write the static site into `destination`; return the files written, relative to it."""
    pages = app.extensions["guides"].paths
    backend = app.config["PUBLIC_BASE_URL"]
    app.config.update(
        FREEZER_DESTINATION=str(destination),
        FREEZER_RELATIVE_URLS=True,
        FREEZER_REMOVE_EXTRA_FILES=True,
    )
    freezer = StaticSite(app, pages)
    app.config["FROZEN"] = True
    try:
        with warnings.catch_warnings(), without_access_log():
            # Leaving the other endpoints out is the point, not an oversight.
            warnings.simplefilter("ignore", MissingURLGeneratorWarning)
            built = list(freezer.freeze_yield())
            # After the freeze, which deletes every file it did not write itself.
            (destination / NOT_FOUND).write_text(not_found_page(app, backend), "utf-8")
    finally:
        app.config["FROZEN"] = False
    assets: set[str] = set()
    for url, path in built:
        file = destination / path
        html = file.read_text("utf-8")
        assets |= linked_assets(html, url)
        file.write_text(static_links(html, url, pages, backend), "utf-8")
    copied = [copy_asset(app, destination, asset) for asset in sorted(assets)]
    return sorted([*(Path(path) for _url, path in built), Path(NOT_FOUND), *copied])


def not_found_page(app: Flask, backend: str) -> str:
    """The backend's 404 page, as the static host's answer to any path it does not have."""
    with app.test_request_context(f"/{NOT_FOUND}"):
        # Its language link leads to the English start page, not to this file's path, which
        # the backend does not have.
        html = render_error(404, idioma_vuelve_a="/").get_data(as_text=True)
    # The host serves this one file at whatever path was missing (/guias/x/y.html): a relative
    # link would be read from that path, a root-relative one only works when the export sits
    # at the host's root, and it may be published under a folder (a GitHub Pages project
    # site). A link absolute to the backend works from anywhere, and the backend serves the
    # same stylesheet and pages (each exported page names the backend's as canonical). With
    # the backend down the page loses its style, not its words.
    return backend_links(html, f"/{NOT_FOUND}", backend)


@contextmanager
def without_access_log() -> Iterator[None]:
    """No access line for the export's own requests: one per page, they only bury its warnings
    for whoever runs it (the command ends with a summary line instead)."""
    access = logging.getLogger(ACCESS_LOGGER)
    level = access.level
    access.setLevel(logging.WARNING)  # blueprints/edge.py writes its lines at INFO
    try:
        yield
    finally:
        access.setLevel(level)


def copy_asset(app: Flask, destination: Path, asset: str) -> Path:
    """Copy one file of static/ into the export; return its path there."""
    source = safe_join(str(app.static_folder), asset)
    if source is None:
        raise click.ClickException(f"Una página enlaza static/{asset}, fuera de static/.")
    target = Path("static", asset)
    (destination / target).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination / target)
    return target


def looks_like_export(destination: Path) -> bool:
    return all((destination / mark).is_file() for mark in EXPORT_MARKS)


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
    if destination.is_dir() and any(destination.iterdir()) and not looks_like_export(destination):
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
    pages = sum(file.suffix == ".html" and file.name != NOT_FOUND for file in files)
    assets = sum(file.parts[0] == "static" for file in files)
    click.echo(
        f"{pages} páginas, {NOT_FOUND} y {assets} archivos de static/ escritos en {destination}"
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(freeze_command)

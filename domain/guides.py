"""Guides, FAQ and legal pages: Markdown files with YAML front matter, parsed once into a Library.

Markdown is rendered with markdown-it's `js-default` preset, which escapes raw HTML, so a
`<script>` in a content file shows up as text. The template supplies the page's only `h1`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from domain.guides_faq import FaqEntry as FaqEntry  # re-exported for the web layer
from domain.guides_faq import (
    faq_entries_from,
    search_entries,
    set_heading_ids,
    split_links,
    tokens_text,
)

KINDS: Final = frozenset({"guia", "faq", "legal"})
INSTITUTIONS: Final = frozenset({"IMSS", "ISSSTE", "ambas", "ninguna"})
DESCRIPTION_MAX: Final = 160

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

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?(.*)\Z", re.S | re.M)
_SLUG = re.compile(r"\A[a-z0-9]+(?:-[a-z0-9]+)*\Z")


class ContentError(ValueError):
    """A content file is malformed; the message names the file and, when known, the field."""

    def __init__(self, source: str, problem: str, field: str | None = None) -> None:
        self.source = source
        self.field = field
        where = f"{source}: field '{field}'" if field else source
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Page:
    """One rendered content file."""

    slug: str
    kind: str
    title: str
    description: str
    institution: str
    updated: dt.date
    order: int
    url: str
    html: str
    toc: tuple[tuple[str, str], ...]
    anchors: frozenset[str]
    internal_links: tuple[str, ...]
    external_links: tuple[str, ...]
    text: str
    source: str


@dataclass(frozen=True)
class Library:
    """Every content page, parsed once; the web layer keeps one instance."""

    pages: Mapping[str, Page]
    guides: tuple[Page, ...]
    faq_entries: tuple[FaqEntry, ...]

    def by_url(self, url: str) -> Page | None:
        """The page served at `url`, if any."""
        return next((p for p in self.pages.values() if p.url == url), None)

    def of_kind(self, kind: str) -> tuple[Page, ...]:
        """Pages of one kind, ordered by `order`."""
        return tuple(sorted((p for p in self.pages.values() if p.kind == kind), key=_order))

    def related(self, slug: str, limit: int = 3) -> tuple[Page, ...]:
        """Other guides about the same institution (or both), same institution first."""
        page = self.pages[slug]

        def matches(other: Page) -> bool:
            pair = (page.institution, other.institution)
            return other.institution == page.institution or "ambas" in pair

        found = [g for g in self.guides if g.slug != slug and matches(g)]
        found.sort(key=lambda g: (g.institution != page.institution, g.order, g.slug))
        return tuple(found[:limit])

    def previous_next(self, slug: str) -> tuple[Page | None, Page | None]:
        """The guides before and after `slug` in reading order; (None, None) for other pages."""
        if self.pages[slug].kind != "guia":
            return None, None
        i = [g.slug for g in self.guides].index(slug)
        before = self.guides[i - 1] if i > 0 else None
        after = self.guides[i + 1] if i + 1 < len(self.guides) else None
        return before, after

    def search_faq(self, query: str) -> tuple[FaqEntry, ...]:
        """FAQ entries containing every word of `query`, ignoring accents and case."""
        return search_entries(self.faq_entries, query)


def load_library(content_dir: Path) -> Library:
    """Parse every `*.md` file in `content_dir`; raise ContentError on the first bad file."""
    if not content_dir.is_dir():
        raise ContentError(str(content_dir), "content directory not found")
    md = MarkdownIt("js-default").enable("table")
    pages: dict[str, Page] = {}
    faq: tuple[FaqEntry, ...] = ()
    for path in sorted(content_dir.glob("*.md")):
        page, tokens = _load_page(md, path)
        if page.slug in pages:
            raise ContentError(path.name, f"duplicate slug {page.slug!r}", "slug")
        if page.kind == "faq":
            if any(p.kind == "faq" for p in pages.values()):
                raise ContentError(path.name, "only one faq page is allowed", "kind")
            faq = faq_entries_from(md, tokens)
        pages[page.slug] = page
    guides = tuple(sorted((p for p in pages.values() if p.kind == "guia"), key=_order))
    return Library(pages=MappingProxyType(pages), guides=guides, faq_entries=faq)


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


def _order(page: Page) -> tuple[int, str]:
    return page.order, page.slug


def _load_page(md: MarkdownIt, path: Path) -> tuple[Page, list[Token]]:
    source = path.name
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise ContentError(source, "front matter (between '---' lines) is missing")
    meta = _FrontMatter(match.group(1), source)
    slug, kind = meta.text("slug"), meta.text("kind", KINDS)
    if not _SLUG.match(slug):
        raise ContentError(source, "must be lower-case ASCII words joined by hyphens", "slug")
    description = meta.text("description")
    if len(description) > DESCRIPTION_MAX:
        raise ContentError(source, f"longer than {DESCRIPTION_MAX} characters", "description")
    env: dict[str, Any] = {}
    tokens = md.parse(match.group(2), env)
    try:
        toc, anchors = set_heading_ids(tokens)
    except ValueError as exc:
        raise ContentError(source, str(exc)) from exc
    internal, external = split_links(tokens)
    page = Page(
        slug=slug,
        kind=kind,
        title=meta.text("title"),
        description=description,
        institution=meta.text("institution", INSTITUTIONS),
        updated=meta.date("updated"),
        order=meta.integer("order"),
        url={"guia": f"/guias/{slug}", "faq": "/preguntas-frecuentes"}.get(kind, f"/{slug}"),
        html=md.renderer.render(tokens, md.options, env),
        toc=tuple(toc),
        anchors=frozenset(anchors),
        internal_links=internal,
        external_links=external,
        text=tokens_text(tokens),
        source=source,
    )
    return page, tokens


class _FrontMatter:
    """Typed access to one file's front matter; every error names the file and the field."""

    def __init__(self, yaml_text: str, source: str) -> None:
        self.source = source
        try:
            raw = yaml.safe_load(yaml_text)
        except yaml.YAMLError as exc:
            raise ContentError(source, f"front matter is not valid YAML: {exc}") from exc
        if not isinstance(raw, dict):
            raise ContentError(source, "front matter must be a mapping")
        self.raw: dict[Any, Any] = raw

    def _get(self, field: str) -> object:
        value = self.raw.get(field)
        if value is None:
            raise ContentError(self.source, "is missing", field)
        return value

    def text(self, field: str, allowed: AbstractSet[str] = frozenset()) -> str:
        value = self._get(field)
        if not isinstance(value, str) or not value.strip():
            raise ContentError(self.source, "must be non-empty text", field)
        if allowed and value.strip() not in allowed:
            raise ContentError(self.source, f"must be one of {sorted(allowed)}", field)
        return value.strip()

    def integer(self, field: str) -> int:
        value = self._get(field)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ContentError(self.source, "must be an integer", field)
        return value

    def date(self, field: str) -> dt.date:
        value = self._get(field)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # reported below as a wrong type
                value = dt.date.fromisoformat(value)
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ContentError(self.source, "must be a date written YYYY-MM-DD", field)
        return value

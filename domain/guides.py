"""Guides, FAQ and legal pages: Markdown files with YAML front matter, parsed once into a Library.

Markdown is rendered with markdown-it's `js-default` preset, which escapes raw HTML, so a
`<script>` in a content file shows up as text. The template supplies the page's only `h1`.
Reading a file's front matter is ``domain.guides_front_matter``; checking the pages' links,
``domain.guides_enlaces``; the FAQ's entries and search, ``domain.guides_faq``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

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
from domain.guides_front_matter import (
    DESCRIPTION_MAX,
    INSTITUTIONS,
    KINDS,
    SLUG,
    ContentError,
    read_front_matter,
)


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


def _order(page: Page) -> tuple[int, str]:
    return page.order, page.slug


def _load_page(md: MarkdownIt, path: Path) -> tuple[Page, list[Token]]:
    source = path.name
    meta, body = read_front_matter(path.read_text(encoding="utf-8"), source)
    slug, kind = meta.text("slug"), meta.text("kind", KINDS)
    if not SLUG.match(slug):
        raise ContentError(source, "must be lower-case ASCII words joined by hyphens", "slug")
    description = meta.text("description")
    if len(description) > DESCRIPTION_MAX:
        raise ContentError(source, f"longer than {DESCRIPTION_MAX} characters", "description")
    env: dict[str, Any] = {}
    tokens = md.parse(body, env)
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

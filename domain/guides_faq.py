"""The Markdown side of the guides: heading ids, links, plain text, and the FAQ entries with
their accent-insensitive search. `domain.guides` builds pages and the library on top of it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"\w+")
_TILDE = "\u0303"  # the combining tilde NFKD splits off ñ


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, so "Afiliación" and "afiliacion" compare equal.

    >>> fold("Afiliación, CONTRASEÑA y pingüino")
    'afiliacion, contrasena y pinguino'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_search(text: str) -> str:
    """Lower-case `text` and strip its accents but keep ñ, which in Spanish is its own letter.

    Folding ñ into n would make "año" find "ano" and a search for "ñ" find every entry.

    >>> fold_search("Afiliación, CONTRASEÑA y pingüino")
    'afiliacion, contraseña y pinguino'
    >>> fold_search("n\\u0303o\\u0303")  # ñ typed as n plus a combining tilde
    'ño'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (
        c
        for i, c in enumerate(decomposed)
        if not unicodedata.combining(c) or (c == _TILDE and i > 0 and decomposed[i - 1] == "n")
    )
    return unicodedata.normalize("NFC", "".join(kept))


def search_pattern(word: str) -> re.Pattern[str]:
    """The pattern one folded query word looks for: a typed ñ finds only ñ, a typed n finds
    n or ñ, since many phones and keyboards make ñ hard to type ("nino" finds "niño").

    >>> bool(search_pattern("nino").search("niño")), bool(search_pattern("niño").search("nino"))
    (True, False)
    """
    return re.compile(re.escape(word).replace("n", "[nñ]"))


def slugify(text: str) -> str:
    """Turn a heading into an ASCII id: no accents, lower case, words joined by hyphens.

    >>> slugify("¿Qué es la CURP?")
    'que-es-la-curp'
    >>> slugify("¿¡!?")
    'seccion'
    """
    return _NOT_SLUG.sub("-", fold(text)).strip("-") or "seccion"


def inline_text(token: Token) -> str:
    """Plain text of an `inline` token: its words and code, without markup."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def tokens_text(tokens: Iterable[Token]) -> str:
    """Plain text of a token stream, one block per line."""
    lines: list[str] = []
    for token in tokens:
        if token.type == "inline":
            lines.append(inline_text(token))
        elif token.type in ("code_block", "fence"):
            lines.append(token.content.rstrip("\n"))
    return "\n".join(line for line in lines if line)


def set_heading_ids(tokens: Sequence[Token]) -> tuple[list[tuple[str, str]], set[str]]:
    """Give every heading a unique ASCII id and return the h2s as (id, text) plus all ids.

    Raises ValueError on an h1: the template renders the page title as the only h1.
    """
    toc: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, token in enumerate(tokens):
        if token.type == "th_open":
            token.attrSet("scope", "col")  # Markdown tables only have header cells in <thead>.
        if token.type != "heading_open":
            continue
        if token.tag == "h1":
            raise ValueError("h1 headings are not allowed; the page title is the h1")
        text = inline_text(tokens[i + 1])
        base = slugify(text)
        anchor, n = base, 1
        while anchor in seen:
            n += 1
            anchor = f"{base}-{n}"
        seen.add(anchor)
        token.attrSet("id", anchor)
        if token.tag == "h2":
            toc.append((anchor, text))
    return toc, seen


def split_links(tokens: Iterable[Token]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The hrefs of all links, split into internal ("/path", "#id") and external ones."""
    internal: list[str] = []
    external: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                local = href.startswith(("/", "#")) and not href.startswith("//")
                (internal if local else external).append(href)
    return tuple(internal), tuple(external)


@dataclass(frozen=True)
class FaqEntry:
    """One question of the FAQ page: its anchor id, the question, and the rendered answer."""

    id: str
    question: str
    answer_html: str
    answer_text: str
    # Question and answer already folded (fold_search), so a search does not fold every entry
    # again.
    search_text: str = field(default="", repr=False, compare=False)


def faq_entries_from(md: MarkdownIt, tokens: Sequence[Token]) -> tuple[FaqEntry, ...]:
    """Split a rendered FAQ page into entries: each `h2` is a question, the blocks after it its
    answer (up to the next `h2`). Heading ids must already be set on the tokens."""
    starts = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    entries: list[FaqEntry] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(tokens)
        answer = list(tokens[start + 3 : end])  # skip heading_open, inline, heading_close
        env: dict[str, Any] = {}
        question, answer_text = inline_text(tokens[start + 1]), tokens_text(answer)
        entries.append(
            FaqEntry(
                id=str(tokens[start].attrGet("id") or ""),
                question=question,
                answer_html=md.renderer.render(answer, md.options, env),
                answer_text=answer_text,
                search_text=fold_search(f"{question}\n{answer_text}"),
            )
        )
    return tuple(entries)


def search_entries(entries: Iterable[FaqEntry], query: str) -> tuple[FaqEntry, ...]:
    """Entries whose question or answer contains every word of `query`, in their order.

    Matching ignores accents and case, but not ñ (see `search_pattern`: "contrasena" finds
    "contraseña", "ñ" finds only ñ); words match anywhere. A query with no words matches
    every entry.
    """
    patterns = [search_pattern(word) for word in _WORD.findall(fold_search(query))]
    found: list[FaqEntry] = []
    for entry in entries:
        haystack = entry.search_text or fold_search(f"{entry.question}\n{entry.answer_text}")
        if all(pattern.search(haystack) for pattern in patterns):
            found.append(entry)
    return tuple(found)

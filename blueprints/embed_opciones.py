"""What a site that embeds the CURP widget may choose (language, theme, size, links, the parent
origin, events), read from the widget's query string and written back into it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from blueprints.extensions import LANGUAGES

ORIGIN_RE = re.compile(r"https?://(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:]+\])(?::\d{1,5})?")
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "si", "sí"})
THEMES = ("light", "dark")


def parent_origin(value: str | None) -> str | None:
    """A declared origin as browsers write it (``https://host[:port]``), or None."""
    text = (value or "").strip().lower().rstrip("/")
    return text if ORIGIN_RE.fullmatch(text) else None


def _flag(value: str | None, default: bool = False) -> bool:
    return default if value is None or not value.strip() else value.strip().lower() in TRUE_WORDS


@dataclass(frozen=True, slots=True)
class WidgetOptions:
    """What an embedding site may choose, read from the widget's query string."""

    lang: str = "es"
    theme: str = "light"
    compact: bool = False
    links: bool = True
    origin: str | None = None  # the parent page: the only target of postMessage
    events: bool = False
    share_curp: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> WidgetOptions:
        share = _flag(args.get("share_curp"))
        return cls(
            lang=args.get("lang", "es") if args.get("lang") in LANGUAGES else "es",
            theme=args.get("theme", "light") if args.get("theme") in THEMES else "light",
            compact=_flag(args.get("compact")),
            links=_flag(args.get("links"), default=True),
            origin=parent_origin(args.get("origin")),
            events=_flag(args.get("events")) or share,
            share_curp=share,
        )

    def query(self) -> dict[str, str]:
        """Only what differs from the defaults: the widget's query string and hidden fields."""
        pairs = {
            "lang": self.lang if self.lang != "es" else None,
            "theme": self.theme if self.theme != "light" else None,
            "compact": "1" if self.compact else None,
            "links": None if self.links else "0",
            "origin": self.origin,
            "events": "1" if self.events and not self.share_curp else None,
            "share_curp": "1" if self.share_curp else None,
        }
        return {k: v for k, v in pairs.items() if v}

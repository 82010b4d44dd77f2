"""A content file's front matter: the YAML between '---' lines, read into typed fields.

Apart from ``domain.guides``, which renders the Markdown, because this is about what the author
wrote by hand: each field is checked for its type and allowed values, and every error names
the file and the field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Set as AbstractSet
from typing import Any, Final

import yaml

KINDS: Final = frozenset({"guia", "faq", "legal"})
INSTITUTIONS: Final = frozenset({"IMSS", "ISSSTE", "ambas", "ninguna"})
DESCRIPTION_MAX: Final = 160

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?(.*)\Z", re.S | re.M)
SLUG = re.compile(r"\A[a-z0-9]+(?:-[a-z0-9]+)*\Z")


class ContentError(ValueError):
    """A content file is malformed; the message names the file and, when known, the field."""

    def __init__(self, source: str, problem: str, field: str | None = None) -> None:
        self.source = source
        self.field = field
        where = f"{source}: field '{field}'" if field else source
        super().__init__(f"{where}: {problem}")


def read_front_matter(text: str, source: str) -> tuple[FrontMatter, str]:
    """The front matter of a content file's ``text``, and the Markdown after it."""
    match = FRONT_MATTER.match(text)
    if match is None:
        raise ContentError(source, "front matter (between '---' lines) is missing")
    return FrontMatter(match.group(1), source), match.group(2)


class FrontMatter:
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

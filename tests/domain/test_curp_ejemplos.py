"""The CURPs the portal shows as examples are invented ones: never a real person's (two public
figures' were the hint of every CURP field), and still valid, so that typing one works."""

from __future__ import annotations

import re
from pathlib import Path

from domain import curp

ROOT = Path(__file__).resolve().parents[2]
# Two real people's CURPs, by their first ten characters (initials and birth date), so that a
# variant of one (another homonym digit, a typo made on purpose) is caught too.
REAL = ("PXNE660720", "LOOA531113")
# What people read (pages, content, docs) and what the code shows as examples (docstrings).
PUBLISHED = ("templates", "content", "docs", "domain", "blueprints", "bench", "README.md")
CURP_SHAPE = re.compile(r"\b[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d\b")


def published_files() -> list[Path]:
    found: list[Path] = []
    for name in PUBLISHED:
        path = ROOT / name
        if path.is_file():
            found.append(path)
        else:
            found += [p for p in path.rglob("*") if p.is_file() and p.suffix != ".pyc"]
    return sorted(found)


def compacted(path: Path) -> str:
    """The file's text without the gaps a CURP may be written with, in capitals."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return re.sub(r"[\s_-]", "", text).upper()


def test_no_real_persons_curp_is_published() -> None:
    files = published_files()
    assert len(files) > 100  # the folders are where this test thinks they are
    found = [
        (str(path.relative_to(ROOT)), real)
        for path in files
        for real in REAL
        if real in compacted(path)
    ]
    assert found == []


def test_the_examples_on_pages_and_guides_are_valid_curps() -> None:
    examples = {
        found
        for folder in ("templates", "content")
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
        for found in CURP_SHAPE.findall(path.read_text(encoding="utf-8"))
    }
    assert "PEGJ850315HJCRRN06" in examples  # the hint of every CURP field and the guide's
    for example in examples:
        assert curp.is_valid(example), example

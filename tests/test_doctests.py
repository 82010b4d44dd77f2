"""Every doctest in the project runs under `make test`: a module with examples outside pytest's
testpaths (as blueprints/ was) would keep them unchecked however wrong they went."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".git", ".venv", "build", "node_modules", "static", "migrations"}
EXAMPLE = re.compile(r"^\s*>>> ", re.MULTILINE)


def _with_examples() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if not SKIPPED.intersection(parts) and EXAMPLE.search(path.read_text("utf-8")):
            found.append(path.relative_to(ROOT))
    return found


def test_every_module_with_doctests_is_collected_with_doctest_modules() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]
    options = config["ini_options"]
    assert "--doctest-modules" in options["addopts"].split()
    testpaths = [Path(p) for p in options["testpaths"]]
    with_examples = _with_examples()
    assert Path("domain/curp.py") in with_examples  # the scan sees doctests where they are
    outside = [p for p in with_examples if not any(p.is_relative_to(t) for t in testpaths)]
    assert outside == []

"""No module under tests/ imports a test_ module: what tests share lives in helpers modules
named for what they hold (tests/captcha_helpers.py, tests/web/cuenta_helpers.py, ...).

Importing one test file from another runs its module-level setup twice over, ties a test to the
layout of another, and hides the shared helper where nobody looks for one.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported(node: ast.Import | ast.ImportFrom, package: list[str]) -> list[str]:
    """The dotted names an import statement reaches, its imported names included (``from
    tests.web import test_x``), relative imports resolved from ``package``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module.split(".") if node.module else []
    if node.level:
        base = package[: len(package) - node.level + 1] + base
    module = ".".join(base)
    return [module, *(f"{module}.{alias.name}" for alias in node.names)]


def imports_of_test_modules(root: Path) -> list[str]:
    """Each import, anywhere under ``root``, of a test_ module: ``file:line module``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        package = ["tests", *path.relative_to(root).parent.parts]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = _imported(node, package)
            test_modules = [n for n in names if any(p.startswith("test_") for p in n.split("."))]
            if test_modules:
                found.append(f"{path.relative_to(root)}:{node.lineno} {test_modules[0]}")
    return found


def test_no_test_module_imports_another() -> None:
    assert imports_of_test_modules(TESTS) == []


def test_the_check_sees_every_way_of_importing_one(tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    (web / "test_a.py").write_text(
        "from tests.web.test_b import x\n"
        "import tests.web.test_b\n"
        "from tests.web import test_b\n"
        "from .test_b import y\n"
        "def f():\n"
        "    from tests.domain.test_c import z\n"
    )
    (web / "ayudas.py").write_text("from tests.web.cuenta_helpers import signed_in\n")
    found = imports_of_test_modules(tmp_path)
    assert [line.split()[0] for line in found] == [f"web/test_a.py:{n}" for n in (1, 2, 3, 4, 6)]

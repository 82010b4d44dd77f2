"""Which Alembic revisions the code expects, and whether a database has them applied.

The scripts are read as text, not imported, and Alembic is not loaded: it brings mako, pygments
and every SQL dialect, ~11 MiB in each worker that never migrates (issue #6). The tests check
that this reading agrees with Alembic's own.

>>> revs = Revisiones.de([("a", None), ("b", "a"), ("c", "b")])
>>> sorted(revs.cabezas), revs.estado({"c"}), revs.estado({"b"}), revs.estado(set())
(['c'], 'ok', 'migrations_pending', 'not_migrated')
>>> revs.estado({"d"})  # a newer version of the code migrated it: this one still runs
'ok'
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# The files Alembic loads as revisions: *.py, but not __init__.py nor an editor's lock file.
_SCRIPT = re.compile(r"(?!\.#|__init__)[^/]*\.py$")


@dataclass(frozen=True, slots=True)
class Revisiones:
    """Every revision the scripts define, and the heads (those no other revision follows)."""

    todas: frozenset[str]
    cabezas: frozenset[str]

    @classmethod
    def de(cls, pares: Iterable[tuple[str, str | tuple[str, ...] | None]]) -> Revisiones:
        """From (revision, down_revision) pairs; a merge's down_revision is a tuple."""
        todas: set[str] = set()
        anteriores: set[str] = set()
        for revision, abajo in pares:
            todas.add(revision)
            if isinstance(abajo, str):
                anteriores.add(abajo)
            elif abajo:
                anteriores.update(abajo)
        return cls(frozenset(todas), frozenset(todas - anteriores))

    def estado(self, aplicadas: set[str]) -> str:
        """ok, not_migrated (no revision recorded) or migrations_pending.

        A recorded revision these scripts do not know was applied by a newer version of the
        code: during a rolling deploy this version keeps answering until it is replaced.
        """
        if not aplicadas:
            return "not_migrated"
        if self.cabezas <= aplicadas or aplicadas - self.todas:
            return "ok"
        return "migrations_pending"


def leer(versions: Path) -> Revisiones:
    """The revisions of the scripts in ``versions`` (``migrations/versions``)."""
    pares = []
    for script in sorted(versions.iterdir()):
        if _SCRIPT.fullmatch(script.name):
            valores = _asignaciones(script.read_text(encoding="utf-8"))
            revision = valores.get("revision")
            if isinstance(revision, str):
                pares.append((revision, _abajo(valores.get("down_revision"))))
    return Revisiones.de(pares)


def _asignaciones(source: str) -> dict[str, object]:
    """The module-level constants a script assigns (``x = ...`` or ``x: T = ...``)."""
    valores: dict[str, object] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                valores[target.id] = ast.literal_eval(value)
            except (ValueError, TypeError):
                continue
    return valores


def _abajo(value: object) -> str | tuple[str, ...] | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (tuple, list)):
        return tuple(str(v) for v in value)
    return None

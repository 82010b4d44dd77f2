"""What checking a registry file found, and what importing it did: the counts, the first
problems kept for display, and the Spanish lines the console prints of them."""

from __future__ import annotations

from dataclasses import dataclass

from domain.registry_filas import RowError, RowWarning

MAX_LISTED = 100  # errors (and, apart, warnings) kept for display; all of them are counted


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _listed(found: tuple[RowError, ...], count: int, one: str, many: str) -> list[str]:
    lines = [str(problem) for problem in found]
    if count > len(found):
        lines.append(f"… y {_plural(count - len(found), one, many)}.")
    return lines


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """What checking the rows found: rows read, rows rejected, errors, and warnings (rows that
    pass but are worth a look; they never reject a row). The first 100 of each are kept."""

    rows: int
    rejected: int
    error_count: int
    errors: tuple[RowError, ...]
    warning_count: int
    warnings: tuple[RowWarning, ...]
    sin_titular_count: int  # beneficiaries whose titular is in neither the file nor the database
    sin_titular: tuple[int, ...]  # the first 100 of their lines

    @property
    def valid(self) -> bool:
        return self.rejected == 0

    def error_lines(self) -> list[str]:
        """The kept errors as Spanish lines, plus how many more there were."""
        return _listed(self.errors, self.error_count, "error más", "errores más")

    def warning_lines(self) -> list[str]:
        """The kept warnings as Spanish lines, plus how many more there were."""
        return _listed(self.warnings, self.warning_count, "aviso más", "avisos más")

    def sin_titular_line(self) -> str | None:
        """How many beneficiaries have no titular, and on which lines; None when none.

        >>> result = ValidationResult(9, 0, 0, (), 2, (), 2, (4, 7))
        >>> result.sin_titular_line()
        'beneficiarios sin titular: 2 (líneas 4, 7)'
        """
        count, lines = self.sin_titular_count, self.sin_titular
        if not count:
            return None
        listed = ", ".join(str(line) for line in lines)
        if count > len(lines):
            listed += f" y {count - len(lines)} más"
        return (
            f"beneficiarios sin titular: {count} ({'línea' if count == 1 else 'líneas'} {listed})"
        )


@dataclass(frozen=True, slots=True)
class ImportSummary(ValidationResult):
    """Rows added, updated and unchanged (zero unless ``written``) besides the checks' result.

    A row with warnings counts like any other: it is imported."""

    added: int
    updated: int
    unchanged: int
    written: bool

    def describe(self) -> str:
        """One Spanish sentence for the console."""
        if not self.written:
            return (
                f"{_plural(self.rows, 'fila revisada', 'filas revisadas')}, "
                f"{self.rejected} con errores: no se escribió nada."
            )
        return (
            f"{_plural(self.rows, 'fila', 'filas')}: {self.added} añadidas, "
            f"{self.updated} actualizadas, {self.unchanged} sin cambios, "
            f"{self.rejected} rechazadas"
            + (f"; {line}." if (line := self.sin_titular_line()) else ".")
        )

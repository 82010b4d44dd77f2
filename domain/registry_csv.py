"""The registry CSV's rows, each checked on its own, in Spanish.

Pure: no Flask, no database. ``registry_reader`` reads the file into rows,
``registry_file_checks`` adds the checks that need earlier rows,
``registry_writer`` writes what passes, and ``registry_import`` runs both over a whole file. A
row is a mapping from the column names in ``COLUMNS`` to text; what it becomes (``Registro``,
or ``RowError`` for each problem) is defined in ``registry_filas``.
"""

from __future__ import annotations

import datetime as dt
import re

from domain import curp, curp_generate, nss, pdf_glifos
from domain.curp_tables import SEX_LABELS, STATE_LOOKALIKES, STATES
from domain.models import INSTITUCIONES, TIPOS
from domain.registry_filas import AfiliacionData, PersonaData, Registro, RowError, RowWarning
from domain.registry_reader import COLUMNS, RawRow, show

AFILIACION_COLUMNS = COLUMNS[COLUMNS.index("institucion") :]
# The contract says 1/0; spreadsheets also write sí/no or TRUE/FALSE, which mean the same.
VIGENTE = {"1": True, "0": False, "sí": True, "si": True, "no": False, "true": True, "false": False}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISSSTE_NUMBER = re.compile(r"[A-Z0-9-]{1,20}")


class _Cells:
    """One row's cells and the problems found while reading them."""

    def __init__(self, row: RawRow) -> None:
        self.line = row.line
        self.cells = {column: " ".join(value.split()) for column, value in row.cells.items()}
        self.errors: list[RowError] = []
        self.warnings: list[RowWarning] = []

    def text(self, column: str) -> str:
        """The cell without leading, trailing or repeated spaces ("" when the column is absent)."""
        return self.cells.get(column, "")

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    def warn(self, column: str, message: str) -> None:
        self.warnings.append(RowWarning(self.line, column, message))

    def wrong(self, column: str, value: str, expected: str) -> None:
        self.fail(
            column, f"Debe ser {expected}, no {show(value)}." if value else f"Falta: {expected}."
        )

    def words(self, column: str, limit: int, missing: str | None = None) -> str | None:
        value = self.text(column)
        if not value and missing:
            self.fail(column, missing)
        elif len(value) > limit:
            self.fail(column, f"Tiene {len(value)} caracteres; el máximo es {limit}.")
        elif hidden := next((char for char in value if not char.isprintable()), None):
            # Control and format characters (bidi overrides, zero-width ones) would reach the
            # constancias unseen, or turn a name around on the page.
            code = f"U+{ord(hidden):04X}"
            self.fail(column, f"Tiene un carácter invisible o de control ({code}); bórralo.")
        return value or None

    def printed(self, column: str, limit: int, missing: str | None = None) -> str | None:
        """Text a constancia prints: only characters its font draws (``pdf_glifos``)."""
        before = len(self.errors)
        value = self.words(column, limit, missing)
        if value is not None and len(self.errors) == before:
            self.undrawable(column, value)
        return value

    def undrawable(self, column: str, value: str) -> None:
        # Without a glyph the character prints blank, and the cadena original on the page
        # no longer reads as the signed one.
        if (char := pdf_glifos.sin_glifo(value)) is not None:
            code = f"U+{ord(char):04X}"
            message = f"Tiene «{char}» ({code}), que las constancias imprimirían en blanco"
            self.fail(column, message + "; cámbialo o bórralo.")

    def name(self, column: str, missing: str | None = None) -> str | None:
        """A name part, checked as the forms check one (``curp_generate.name_intruder``)."""
        before = len(self.errors)
        value = self.words(column, 120, missing)
        if value is None or len(self.errors) > before:
            return value
        intruder = curp_generate.name_intruder(value)
        if intruder == "":
            self.fail(column, f"{show(value)} no tiene ninguna letra.")
        elif intruder is not None:
            self.fail(
                column,
                f"No puede llevar «{intruder}»: un nombre lleva solo letras (con o sin acento, "
                "Ñ, Ü), espacios y los signos . - ' /.",
            )
        else:  # the rule lets through combining marks of other scripts, which print blank
            self.undrawable(column, value)
        return value

    def date(self, column: str, missing: str | None = None) -> dt.date | None:
        value = self.text(column)
        if not value:
            if missing:
                self.fail(column, missing)
            return None
        if not _DATE.fullmatch(value):
            self.fail(column, f"{show(value)} no es una fecha AAAA-MM-DD (como 1985-07-23).")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(column, f"La fecha {value} no existe.")
            return None

    def curp(self, column: str, today: dt.date, missing: str) -> str | None:
        value = self.text(column)
        if not value:
            self.fail(column, missing)
            return None
        try:
            return curp.validate(value, today)
        except curp.InvalidCurp as exc:
            self.fail(column, f"{show(value)}: " + " ".join(p.message for p in exc.report.errors))
            return None


def _curp_birth_date(clave: str) -> dt.date:
    century = 1900 if clave[16].isdigit() else 2000
    return dt.date(century + int(clave[4:6]), int(clave[6:8]), int(clave[8:10]))


def _persona(c: _Cells, today: dt.date) -> PersonaData | None:
    clave = c.curp("curp", today, "La CURP es obligatoria.")
    nombre = c.name("nombre", "El nombre es obligatorio.")
    primer = c.name("primer_apellido", "El primer apellido es obligatorio.")
    segundo = c.name("segundo_apellido")
    born = c.date("fecha_nacimiento", "La fecha de nacimiento es obligatoria.")
    if born is not None and born > today:
        c.fail("fecha_nacimiento", f"La fecha de nacimiento {born} está en el futuro.")
    sexo = c.text("sexo").upper()
    if sexo not in SEX_LABELS:
        c.wrong("sexo", sexo, "H (hombre), M (mujer) o X (no binario)")
    entidad = c.text("entidad").upper()
    if not entidad:
        c.fail("entidad", "Falta la clave de entidad de nacimiento: dos letras, como DF o NE.")
    elif entidad not in STATES:
        alt = STATE_LOOKALIKES.get(entidad)
        hint = f"¿quisiste decir {alt}?" if alt else "son dos letras, como DF o NE."
        c.fail("entidad", f"{show(entidad)} no es una clave de entidad; {hint}")
    if clave is not None:
        in_curp = _curp_birth_date(clave)
        if born is not None and born != in_curp:
            c.fail("fecha_nacimiento", f"No coincide con la CURP, que dice {in_curp}.")
        if sexo in SEX_LABELS and sexo != clave[10]:
            c.fail("sexo", f"No coincide con la CURP, que dice {clave[10]} en la posición 11.")
        if entidad in STATES and entidad != clave[11:13]:
            c.fail("entidad", f"No coincide con la CURP, que dice {clave[11:13]} en 12 y 13.")
    if clave is None or nombre is None or primer is None or born is None or c.errors:
        return None
    return PersonaData(clave, nombre, primer, segundo, born, sexo, entidad)


def _numero(c: _Cells, institucion: str) -> str:
    value = c.text("numero_afiliacion").upper()
    if not value:
        c.fail("numero_afiliacion", "Es obligatorio cuando hay institución.")
    elif institucion == "IMSS":
        try:
            return nss.validate(value)
        except nss.InvalidNss as exc:
            c.fail("numero_afiliacion", " ".join(p.message for p in exc.report.errors))
    elif institucion == "ISSSTE" and not _ISSSTE_NUMBER.fullmatch(value):
        c.fail("numero_afiliacion", "En el ISSSTE son de 1 a 20 letras A-Z, números o guiones.")
    return value


def _nss_birth_year(c: _Cells, numero: str, own: str, titular: str | None) -> None:
    """Issue 9: an NSS whose year of birth (5-6) disagrees with the CURP's is a warning, not an
    error (``nss.birth_year_mismatch``: those digits are often unreliable; 00 is not checked).
    A beneficiary may carry their titular's NSS, so either CURP's year will do."""
    if nss.birth_year_mismatch(numero, own) is None:
        return
    if titular is not None and nss.birth_year_mismatch(numero, titular) is None:
        return
    message = f"El año de nacimiento del NSS ({numero[4:6]}) no coincide con el de la CURP"
    message += f" ({own[4:6]})" + (f" ni con el del titular ({titular[4:6]})" if titular else "")
    c.warn("numero_afiliacion", message + "; se importa igual.")


def _afiliacion(c: _Cells, own: str | None, today: dt.date) -> AfiliacionData | None:
    institucion = c.text("institucion").upper()
    if institucion not in INSTITUCIONES:
        c.wrong("institucion", institucion, "IMSS, ISSSTE o quedar vacía")
    numero = _numero(c, institucion)
    tipo = c.text("tipo").lower()
    if tipo not in TIPOS:
        c.wrong("tipo", tipo, "titular, pensionado o beneficiario")
    vigente = VIGENTE.get(c.text("vigente").lower())
    if vigente is None:
        c.wrong("vigente", c.text("vigente"), "1 (vigente) o 0 (no vigente)")
    desde, hasta = c.date("vigente_desde"), c.date("vigente_hasta")
    if desde is not None and hasta is not None and desde > hasta:
        c.fail("vigente_hasta", f"La vigencia termina ({hasta}) antes de empezar ({desde}).")
    dependencia, clinica = c.printed("dependencia", 200), c.printed("clinica", 200)
    titular = parentesco = None
    if tipo == "beneficiario":
        titular = c.curp("titular_curp", today, "Un beneficiario necesita la CURP de su titular.")
        if titular is not None and titular == own:
            c.fail("titular_curp", "Es la CURP del propio beneficiario; debe ser la del titular.")
        missing = "Un beneficiario necesita el parentesco (cónyuge, hijo, hija, padre, madre…)."
        parentesco = c.printed("parentesco", 40, missing)
    else:
        for column in ("titular_curp", "parentesco"):
            if c.text(column):
                c.fail(column, "Debe quedar vacía: solo se llena para beneficiarios.")
    if c.errors or vigente is None:
        return None
    if institucion == "IMSS" and own is not None:
        _nss_birth_year(c, numero, own, titular)
    return AfiliacionData(
        institucion, numero, tipo, vigente, desde, hasta, dependencia, clinica, titular, parentesco
    )


def parse_row(row: RawRow, today: dt.date) -> Registro | list[RowError]:
    """The normalised row (with its warnings), or every error found in it (each with line and
    column)."""
    if row.problem:
        return [RowError(row.line, None, row.problem)]
    c = _Cells(row)
    persona = _persona(c, today)
    afiliacion = None
    if c.text("institucion"):
        afiliacion = _afiliacion(c, persona.curp if persona else None, today)
    else:
        for column in AFILIACION_COLUMNS[1:]:
            if c.text(column):
                c.fail(column, "Debe quedar vacía: la fila no tiene institución.")
    if persona is None or c.errors:
        return c.errors
    return Registro(row.line, persona, afiliacion, tuple(c.warnings))

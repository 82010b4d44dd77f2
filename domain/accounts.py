"""Oficina Virtual accounts: the registration form and who may register.

Pure: no Flask and no database session. The registry answer (``Situacion``) and today's date
come in as arguments, so every rule here runs in a plain unit test. Passwords are checked in
domain/contrasenas.py and failed sign-ins counted in domain/bloqueo.py.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from domain import curp as curp_rules
from domain.buzones import email_problem
from domain.contrasenas import password_problem
from domain.curp_cotejo import cotejar
from domain.curp_generate import CurpDataError, person_data
from domain.curp_tables import fold
from domain.mensajes import N_, Mensaje, unir
from domain.models import Cuenta
from domain.registry import Situacion

FIELDS = (
    "curp",
    "nombre",
    "primer_apellido",
    "segundo_apellido",
    "fecha_nacimiento",
    "email",
    "telefono",
    "password",
    "acepto",
)
_PHONE_SEPARATORS = re.compile(r"[\s().\-]")
REGISTRY_LABELS = {
    "nombre": N_("Tu nombre"),
    "primer_apellido": N_("Tu primer apellido"),
    "segundo_apellido": N_("Tu segundo apellido"),
    "fecha_nacimiento": N_("Tu fecha de nacimiento"),
}


# --- The registration form -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Solicitud:
    """A registration form whose every field is well formed (not yet checked in the registry).

    Printed (a log line, a traceback's locals, a debugger) it shows none of what was typed."""

    curp: str = field(repr=False)
    nombre: str = field(repr=False)
    primer_apellido: str = field(repr=False)
    segundo_apellido: str = field(repr=False)
    fecha_nacimiento: dt.date = field(repr=False)
    email: str = field(repr=False)
    telefono: str = field(repr=False)
    password: str = field(repr=False)

    @property
    def names(self) -> tuple[str, str, str]:
        return (self.nombre, self.primer_apellido, self.segundo_apellido)


def curp_problem(value: str) -> tuple[str, str | None]:
    """The normalised CURP and, when it is not valid, what is wrong with it."""
    if not value.strip():
        return "", N_("Escribe tu CURP.")
    result = curp_rules.report(value)
    if result.valid and result.curp:
        return result.curp, None
    return result.normalised[:18], unir(" ", [p.message for p in result.errors[:2]])


def phone_problem(value: str) -> tuple[str, str | None]:
    """Ten digits, accepting spaces, dashes, parentheses and a leading +52."""
    digits = _PHONE_SEPARATORS.sub("", value)
    if digits.startswith("+52"):
        digits = digits[3:]
    if not digits:
        return "", N_("Escribe tu número de teléfono.")
    if not digits.isascii() or not digits.isdigit():
        return value.strip(), N_("Escribe solo los 10 dígitos de tu teléfono, como 55 1234 5678.")
    if len(digits) != 10:
        return digits, Mensaje(
            N_("Tu teléfono debe tener 10 dígitos y escribiste %(n)s."), n=len(digits)
        )
    return digits, None


def revisar_solicitud(
    form: Mapping[str, str], today: dt.date
) -> tuple[Solicitud | None, dict[str, str]]:
    """Check the shape of every field; return the request, or a message per field (in order)."""
    found: dict[str, str | None] = {}
    curp, found["curp"] = curp_problem(form.get("curp", ""))
    born = dt.date.min
    try:
        data = person_data(
            form.get("nombre", ""),
            form.get("primer_apellido", ""),
            form.get("segundo_apellido", ""),
            form.get("fecha_nacimiento", ""),
            None,
            None,
            today,
            partial=True,
        )
        born = data.fecha_nacimiento
    except CurpDataError as exc:
        found.update(exc.errors)
    email, found["email"] = email_problem(form.get("email", ""))
    phone, found["telefono"] = phone_problem(form.get("telefono", ""))
    names = [form.get(k, "") for k in ("nombre", "primer_apellido", "segundo_apellido")]
    password = form.get("password", "")
    found["password"] = password_problem(password, curp, names)
    if not form.get("acepto"):
        found["acepto"] = N_("Para crear tu cuenta, acepta los términos y el aviso de privacidad.")
    errors = {k: message for k in FIELDS if (message := found.get(k))}
    if errors:
        return None, errors
    solicitud = Solicitud(
        curp=curp,
        nombre=" ".join(form["nombre"].split()),
        primer_apellido=" ".join(form["primer_apellido"].split()),
        segundo_apellido=" ".join(form.get("segundo_apellido", "").split()),
        fecha_nacimiento=born,
        email=email,
        telefono=phone,
        password=password,
    )
    return solicitud, {}


# --- Who may register ----------------------------------------------------------------------


class Aviso(enum.Enum):
    """Why a well-formed request cannot open an account, to explain the next step."""

    NO_REGISTRADO = "no_registrado"  # not an ISSSTE titular or pensionado
    BENEFICIARIO = "beneficiario"  # the titular requests their constancia


@dataclass(frozen=True, slots=True)
class Revision:
    errors: dict[str, str]
    aviso: Aviso | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _same(a: str | None, b: str | None) -> bool:
    return " ".join(fold(a or "").split()) == " ".join(fold(b or "").split())


def revisar_registro(situacion: Situacion, solicitud: Solicitud) -> Revision:
    """May this person open an account? The CURP must be an ISSSTE titular or pensionado and
    the name and birth date must agree with the registry; the cotejo says which part is off."""
    persona = situacion.persona
    if situacion.issste_titular is None or persona is None:
        if situacion.issste:
            return Revision(
                {"curp": N_("Tu CURP está registrada como familiar (beneficiario) en el ISSSTE.")},
                Aviso.BENEFICIARIO,
            )
        message = N_("No encontramos tu CURP entre los trabajadores y pensionados del ISSSTE.")
        return Revision({"curp": message}, Aviso.NO_REGISTRADO)
    wrong = [
        field
        for field, typed, registered in (
            ("nombre", solicitud.nombre, persona.nombre),
            ("primer_apellido", solicitud.primer_apellido, persona.primer_apellido),
            ("segundo_apellido", solicitud.segundo_apellido, persona.segundo_apellido),
        )
        if not _same(typed, registered)
    ]
    if solicitud.fecha_nacimiento != persona.fecha_nacimiento:
        wrong.append("fecha_nacimiento")
    if not wrong:
        return Revision({})
    return Revision({field: _mismatch_message(field, solicitud) for field in wrong})


def _mismatch_message(field: str, solicitud: Solicitud) -> str:
    try:
        found = cotejar(solicitud.curp, *solicitud.names, solicitud.fecha_nacimiento)
    except (CurpDataError, curp_rules.InvalidCurp):
        found = ()
    hint = next((d.message for d in found if d.field == field), None)
    return Mensaje(
        N_("%(campo)s no coincide con el registro del ISSSTE. %(pista)s"),
        campo=Mensaje(REGISTRY_LABELS[field]),
        pista=hint or Mensaje(N_("Escríbelo como aparece en tu CURP.")),
    )


class Accion(enum.Enum):
    CREAR = "crear"  # nobody uses this CURP or address
    REEMPLAZAR = "reemplazar"  # this CURP's account was never activated: start it over
    AVISAR = "avisar"  # taken: tell the owners by email, and show the usual page


def decidir_registro(por_curp: Cuenta | None, por_email: Cuenta | None) -> Accion:
    """What to do with a valid request, given the accounts that hold its CURP or its address."""
    if por_curp is None and por_email is None:
        return Accion.CREAR
    pending = por_curp is not None and not por_curp.activa
    if pending and (por_email is None or por_email is por_curp):
        return Accion.REEMPLAZAR
    return Accion.AVISAR

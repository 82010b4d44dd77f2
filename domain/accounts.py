"""Oficina Virtual accounts: the registration form, who may register, passwords and lockout.

Pure: no Flask and no database session. The registry answer (``Situacion``), today's date and
the current time come in as arguments, so every rule here runs in a plain unit test.

>>> password_problem("abc")
'Tu contraseña debe tener al menos 7 caracteres: le faltan 4.'
>>> password_problem("password1")
'Esa contraseña está entre las 10,000 más usadas y es fácil de adivinar. Elige otra.'
>>> password_problem("casa-PRUEBA-azul", names=("Juan", "Prueba"))
'Tu contraseña no puede contener tu nombre ni tus apellidos (PRUEBA).'
>>> "una palabra o un nombre muy común" in password_problem("Corazón2024!")
True
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from domain import curp as curp_rules
from domain.curp_generate import CurpDataError, cotejar, person_data
from domain.curp_tables import fold
from domain.mensajes import N_, Mensaje, unir
from domain.models import Cuenta
from domain.palabras_comunes import common_passwords, es_palabra_comun
from domain.registry import Situacion

MIN_PASSWORD = 7
MAX_PASSWORD = 128  # scrypt takes any length; a cap keeps one request from costing more
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCK_TIME = dt.timedelta(minutes=15)
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


# --- Passwords -------------------------------------------------------------------------------


def _name_words(names: Iterable[str]) -> list[str]:
    words = (w for name in names for w in fold(name or "").replace("-", " ").split())
    return [w for w in words if len(w) >= 3]  # "DE", "LA", "LI" would forbid half the alphabet


def password_problem(password: str, curp: str = "", names: Iterable[str] = ()) -> str | None:
    """Why ``password`` cannot be used, in Spanish; None when it can."""
    if not password or not password.strip():
        return N_("Escribe una contraseña.")
    if len(password) < MIN_PASSWORD:
        missing = MIN_PASSWORD - len(password)
        return Mensaje(
            N_("Tu contraseña debe tener al menos %(minimo)s caracteres: le faltan %(faltan)s."),
            minimo=MIN_PASSWORD,
            faltan=missing,
        )
    if len(password) > MAX_PASSWORD:
        return Mensaje(
            N_("Tu contraseña es demasiado larga: usa a lo más %(maximo)s caracteres."),
            maximo=MAX_PASSWORD,
        )
    if password.lower() in common_passwords():
        return N_(
            "Esa contraseña está entre las 10,000 más usadas y es fácil de adivinar. Elige otra."
        )
    folded = fold(password)
    compacted = curp_rules.compact(curp) if curp else ""
    if len(compacted) == 18 and (compacted in folded or compacted[:10] in folded):
        return N_("Tu contraseña no puede contener tu CURP.")
    for word in _name_words(names):
        if word in folded:
            return Mensaje(
                N_("Tu contraseña no puede contener tu nombre ni tus apellidos (%(palabra)s)."),
                palabra=word,
            )
    if es_palabra_comun(password):  # after the names: "Pedro2024" hears the precise reason
        return N_(
            "Esa contraseña es una palabra o un nombre muy común (aunque lleve números o"
            " signos) y es fácil de adivinar. Prueba con una frase de tres o cuatro palabras."
        )
    return None


# --- The registration form -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Solicitud:
    """A registration form whose every field is well formed (not yet checked in the registry)."""

    curp: str
    nombre: str
    primer_apellido: str
    segundo_apellido: str
    fecha_nacimiento: dt.date
    email: str
    telefono: str
    password: str

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


def email_problem(value: str) -> tuple[str, str | None]:
    """The address in lower case and, when it cannot receive our mail, why."""
    value = value.strip()
    if not value:
        return "", N_("Escribe tu correo electrónico.")
    if len(value) > 254:
        return "", N_("Tu correo es demasiado largo: revisa que esté bien escrito.")
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        if "@" not in value:
            return value, N_("Escribe tu correo completo, con @: por ejemplo, nombre@ejemplo.com.")
        if not value.split("@", 1)[0].isascii():
            return value, N_("Antes de la @ tu correo no puede llevar acentos ni ñ: revísalo.")
        return value, N_("Escribe un correo válido, como nombre@ejemplo.com.")
    return (checked.ascii_email or checked.normalized).lower(), None


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


# --- Failed sign-ins -----------------------------------------------------------------------


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes: we store UTC, so naive means UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Intentos:
    """An account's failed sign-ins: how many since the first one, and any lock."""

    fallidos: int = 0
    primer_fallo: dt.datetime | None = None
    bloqueada_hasta: dt.datetime | None = None


def bloqueada(bloqueada_hasta: dt.datetime | None, now: dt.datetime) -> bool:
    until = as_utc(bloqueada_hasta)
    return until is not None and until > now


def minutos_restantes(bloqueada_hasta: dt.datetime | None, now: dt.datetime) -> int:
    """Whole minutes, rounded up, until the lock ends (0 when not locked).

    >>> t = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    >>> minutos_restantes(t + dt.timedelta(minutes=14, seconds=1), t)
    15
    """
    until = as_utc(bloqueada_hasta)
    if until is None or until <= now:
        return 0
    return math.ceil((until - now).total_seconds() / 60)


def tras_fallo(actual: Intentos, now: dt.datetime) -> Intentos:
    """The state after one more failure: the 5th within 15 minutes locks for 15 minutes.

    >>> t = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    >>> state = Intentos()
    >>> for minute in range(5):
    ...     state = tras_fallo(state, t + dt.timedelta(minutes=minute))
    >>> state.bloqueada_hasta == t + dt.timedelta(minutes=19)
    True
    """
    first = as_utc(actual.primer_fallo)
    if first is None or now - first >= FAILURE_WINDOW:
        count, first = 1, now
    else:
        count = actual.fallidos + 1
    if count >= MAX_FAILURES:
        return Intentos(0, None, now + LOCK_TIME)
    return Intentos(count, first, None)

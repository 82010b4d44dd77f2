"""The form fields the constancia pages share (CURP, NSS through ``leer_codigo``, email,
captcha): each reader fills ``errors`` with a message per field, in the person's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import ngettext

from blueprints import envio_repetido
from blueprints.traduccion import traducir
from domain import buzones, curp, nss


def leer_codigo(
    errors: dict[str, str],
    field: str,
    validar: Callable[[str], str],
    nombre: str,
    vacio: Callable[[], str],
) -> tuple[str, Any]:
    """A CURP or NSS field: its normal form, or its text and the report that says what is wrong.

    ``validar`` is the module's ``validate``: its fast path settles a good code, and only a bad
    one pays for the full report (carried by the error). ``vacio`` gives the message for an
    empty field, looked up only when it is shown. The field's message is the first problem
    itself, and the error summary says it with the field's name (``ProblemaDeCampo``); the
    report beside the field explains every one.
    """
    value = request.form.get(field, "")[:256]
    if not value.strip():
        errors[field] = vacio()
        return value, None
    try:
        return validar(value), None
    except (curp.InvalidCurp, nss.InvalidNss) as invalid:
        result = invalid.report
    errors[field] = ProblemaDeCampo(problema_del_campo(result.errors, nombre), nombre)
    return value, result


class ProblemaDeCampo(str):
    """A CURP's or NSS's message beside its field, and ``resumen``: the same, named, for the
    error summary ("NSS: El dígito verificador…"). The summary is read away from the fields,
    where the two codes' problems read alike; beside the field, its label names it.
    """

    __slots__ = ("resumen",)
    resumen: str

    def __new__(cls, mensaje: str, nombre: str) -> ProblemaDeCampo:
        problema = super().__new__(cls, mensaje)
        problema.resumen = _("%(campo)s: %(problema)s", campo=nombre, problema=mensaje)
        return problema


def problema_del_campo(problemas: Sequence[Any], nombre: str) -> str:
    """The first problem's message, in the person's language, and how many more there are."""
    primero = traducir(problemas[0].message)
    if len(problemas) == 1:
        return primero
    return ngettext(
        "%(problema)s Tu %(nombre)s tiene %(num)d problema más: lo explicamos junto al campo.",
        "%(problema)s Tu %(nombre)s tiene %(num)d problemas más: los explicamos junto al campo.",
        len(problemas) - 1,
        problema=primero,
        nombre=nombre,
    )


def leer_curp(errors: dict[str, str]) -> tuple[str, curp.CurpReport | None]:
    """The CURP field: its text and, when it is not valid, the report that says why."""
    return leer_codigo(errors, "curp", curp.validate, "CURP", _curp_vacia)


def _curp_vacia() -> str:
    return _("Escribe tu CURP: tiene 18 letras y números.")


def leer_email(errors: dict[str, str]) -> str:
    """The address the document goes to, by the rule and in the words of every form that asks
    for one (``buzones.email_problem``); as typed when it has a problem."""
    value = request.form.get("email", "")[:256]  # longer still gets "demasiado largo"
    if not value.strip():
        errors["email"] = _("Escribe tu correo electrónico: ahí te enviamos la constancia.")
        return ""
    email, problem = buzones.email_problem(value)
    if problem:
        errors["email"] = traducir(problem)
        return value.strip()
    return email


def leer_captcha(
    errors: dict[str, str], al_revisar: Callable[[], None] | None = None
) -> envio_repetido.Envio:
    """The captcha's error, if any, and whether this form was sent a moment ago with it
    (``envio_repetido``: the view gives that post's answer again and records its own with
    ``envio_repetido.responder``); ``al_revisar`` runs before an answer is checked (a limit)."""
    envio = envio_repetido.revisar(request.form, al_revisar)
    if envio.error:
        errors["captcha"] = envio.error
    return envio

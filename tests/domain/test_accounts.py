"""domain.accounts: the registration form and who may register."""

from __future__ import annotations

import datetime as dt

import pytest

from domain import accounts
from domain.accounts import Accion, Aviso
from domain.curp_generate import generate
from domain.models import Afiliacion, Cuenta, Persona
from domain.registry import Situacion

TODAY = dt.date(2026, 11, 26)
CURP = generate("Juan", "Prueba", "Ficcion", "1980-05-17", "H", "JC").hint
FORM = {
    "curp": CURP.lower(),
    "nombre": " Juan ",
    "primer_apellido": "Prueba",
    "segundo_apellido": "Ficción",
    "fecha_nacimiento": "1980-05-17",
    "email": "Juan.Prueba@Example.org",
    "telefono": "(55) 1234-5678",
    "password": "tres tristes tigres",
    "acepto": "1",
}


# --- The registration form -----------------------------------------------------------------


def test_a_good_form_becomes_a_request() -> None:
    solicitud, errors = accounts.revisar_solicitud(FORM, TODAY)
    assert errors == {}
    assert solicitud is not None
    assert solicitud.curp == CURP
    assert solicitud.email == "juan.prueba@example.org"
    assert solicitud.telefono == "5512345678"
    assert solicitud.nombre == "Juan"
    assert solicitud.fecha_nacimiento == dt.date(1980, 5, 17)


def test_a_request_printed_shows_nothing_that_was_typed() -> None:
    solicitud, _ = accounts.revisar_solicitud(FORM, TODAY)
    printed = f"{solicitud!r} {solicitud!s}"
    for typed in (CURP, "juan.prueba@example.org", "5512345678", "tres tristes tigres", "Prueba"):
        assert typed not in printed


def test_an_empty_form_has_one_message_per_required_field_in_order() -> None:
    solicitud, errors = accounts.revisar_solicitud({}, TODAY)
    assert solicitud is None
    assert list(errors) == [
        "curp",
        "nombre",
        "primer_apellido",
        "fecha_nacimiento",
        "email",
        "telefono",
        "password",
        "acepto",
    ]
    assert errors["curp"] == "Escribe tu CURP."
    assert errors["email"] == "Escribe tu correo electrónico."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("curp", "PXNE66", "faltan 12 caracteres"),
        ("curp", "PXNE661320HMCXTN06", "mes 13"),
        ("fecha_nacimiento", "2099-01-01", "futura"),
        ("fecha_nacimiento", "31/02/1980", "no existe"),
        ("email", "juan", "con @"),
        ("email", "juan@localhost", "correo válido"),
        ("email", "juañ@example.org", "acentos ni ñ"),
        ("telefono", "55 1234", "escribiste 6"),
        ("telefono", "55-12-AB-56-78", "solo los 10 dígitos"),
        ("nombre", "J@an", "solo letras"),
    ],
)
def test_bad_fields_get_a_spanish_message(field: str, value: str, message: str) -> None:
    _, errors = accounts.revisar_solicitud({**FORM, field: value}, TODAY)
    assert message in errors[field]


def test_phone_accepts_the_country_code() -> None:
    assert accounts.phone_problem("+52 55 1234 5678") == ("5512345678", None)


def test_terms_must_be_accepted() -> None:
    _, errors = accounts.revisar_solicitud({**FORM, "acepto": ""}, TODAY)
    assert list(errors) == ["acepto"]


def test_junk_never_raises() -> None:
    for junk in ("\x00", "🙂" * 300, "<script>", "A" * 10_000, "%00"):
        form = dict.fromkeys(accounts.FIELDS, junk)
        solicitud, errors = accounts.revisar_solicitud(form, TODAY)
        assert solicitud is None and errors


# --- Who may register ----------------------------------------------------------------------


def _persona(**changes: object) -> Persona:
    values: dict[str, object] = dict(
        curp=CURP,
        nombre="JUAN",
        primer_apellido="PRUEBA",
        segundo_apellido="FICCION",
        fecha_nacimiento=dt.date(1980, 5, 17),
        sexo="H",
        entidad="JC",
    )
    values.update(changes)
    return Persona(**values)


def _afiliacion(tipo: str, vigente: bool = True) -> Afiliacion:
    return Afiliacion(
        curp=CURP, institucion="ISSSTE", numero_afiliacion="DEMO1", tipo=tipo, vigente=vigente
    )


def _situacion(persona: Persona | None, *afiliaciones: Afiliacion) -> Situacion:
    return Situacion(persona=persona, imss=(), issste=afiliaciones, today=TODAY)


def _solicitud(**changes: str) -> accounts.Solicitud:
    solicitud, errors = accounts.revisar_solicitud({**FORM, **changes}, TODAY)
    assert solicitud is not None, errors
    return solicitud


@pytest.mark.parametrize("tipo", ["titular", "pensionado"])
def test_titulares_and_pensionados_may_register(tipo: str) -> None:
    revision = accounts.revisar_registro(_situacion(_persona(), _afiliacion(tipo)), _solicitud())
    assert revision.ok and revision.aviso is None


def test_a_titular_no_longer_vigente_may_still_register_to_see_their_status() -> None:
    situacion = _situacion(_persona(), _afiliacion("titular", vigente=False))
    assert accounts.revisar_registro(situacion, _solicitud()).ok


def test_a_beneficiary_is_told_the_titular_requests_their_constancia() -> None:
    situacion = _situacion(_persona(), _afiliacion("beneficiario"))
    revision = accounts.revisar_registro(situacion, _solicitud())
    assert revision.aviso is Aviso.BENEFICIARIO
    assert "beneficiario" in revision.errors["curp"]


@pytest.mark.parametrize("persona", [None, _persona()])
def test_someone_not_in_the_issste_registry_is_sent_to_their_dependencia(
    persona: Persona | None,
) -> None:
    revision = accounts.revisar_registro(_situacion(persona), _solicitud())
    assert revision.aviso is Aviso.NO_REGISTRADO
    assert "No encontramos tu CURP" in revision.errors["curp"]


def test_names_compare_without_accents_case_or_extra_spaces() -> None:
    situacion = _situacion(_persona(segundo_apellido="FICCIÓN"), _afiliacion("titular"))
    solicitud = _solicitud(nombre="  juan ", segundo_apellido="ficcion")
    assert accounts.revisar_registro(situacion, solicitud).ok


def test_a_mistyped_surname_is_explained_with_the_cotejo() -> None:
    situacion = _situacion(_persona(), _afiliacion("titular"))
    revision = accounts.revisar_registro(situacion, _solicitud(primer_apellido="Brueba"))
    assert list(revision.errors) == ["primer_apellido"]
    message = revision.errors["primer_apellido"]
    assert message.startswith("Tu primer apellido no coincide con el registro del ISSSTE.")
    assert "La letra 1 no corresponde a tu primer apellido (BRUEBA)" in message


def test_a_wrong_birth_date_points_at_its_positions() -> None:
    situacion = _situacion(_persona(), _afiliacion("titular"))
    revision = accounts.revisar_registro(situacion, _solicitud(fecha_nacimiento="1980-05-18"))
    assert list(revision.errors) == ["fecha_nacimiento"]
    assert "posición 10" in revision.errors["fecha_nacimiento"]


def test_a_mismatch_the_curp_cannot_explain_gets_a_plain_message() -> None:
    # The CURP only keeps the first letter of the name: "JUANA" fits it, but not the registry.
    situacion = _situacion(_persona(), _afiliacion("titular"))
    revision = accounts.revisar_registro(situacion, _solicitud(nombre="Juana"))
    assert revision.errors == {
        "nombre": "Tu nombre no coincide con el registro del ISSSTE. "
        "Escríbelo como aparece en tu CURP."
    }


def test_a_missing_second_surname_is_a_mismatch_when_the_registry_has_one() -> None:
    situacion = _situacion(_persona(), _afiliacion("titular"))
    revision = accounts.revisar_registro(situacion, _solicitud(segundo_apellido=""))
    assert list(revision.errors) == ["segundo_apellido"]


def _cuenta(id_: int, activa: bool) -> Cuenta:
    return Cuenta(id=id_, curp=CURP, email=f"c{id_}@example.org", activa=activa)


def test_decidir_registro() -> None:
    pending, active, other = _cuenta(1, False), _cuenta(2, True), _cuenta(3, False)
    assert accounts.decidir_registro(None, None) is Accion.CREAR
    assert accounts.decidir_registro(pending, None) is Accion.REEMPLAZAR
    assert accounts.decidir_registro(pending, pending) is Accion.REEMPLAZAR
    assert accounts.decidir_registro(pending, other) is Accion.AVISAR
    assert accounts.decidir_registro(active, None) is Accion.AVISAR
    assert accounts.decidir_registro(active, active) is Accion.AVISAR
    assert accounts.decidir_registro(None, active) is Accion.AVISAR
    assert accounts.decidir_registro(None, pending) is Accion.AVISAR

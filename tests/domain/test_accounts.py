"""domain.accounts: password rules, the registration form, who may register, lockout arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from domain import accounts, palabras_comunes
from domain.accounts import Accion, Aviso, Intentos
from domain.curp_generate import generate
from domain.models import Afiliacion, Cuenta, Persona
from domain.registry import Situacion

TODAY = dt.date(2026, 11, 26)
T0 = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)
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


# --- Passwords -------------------------------------------------------------------------------


def test_the_shipped_list_has_ten_thousand_passwords() -> None:
    common = palabras_comunes.common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "qwerty", "iloveyou"} <= common
    assert all(p == p.strip() and not p.startswith("#") for p in common)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("", "Escribe una contraseña."),
        ("       ", "Escribe una contraseña."),
        ("abc12", "le faltan 2"),
        ("x" * 129, "a lo más 128"),
        ("password", "10,000 más usadas"),
        ("PassWord1", "10,000 más usadas"),
        ("iloveyou", "10,000 más usadas"),
        (f"mi{CURP.lower()}!", "tu CURP"),
        (f"{CURP[:10]}xyz", "tu CURP"),
        ("el-señor-PRUEBA", "(PRUEBA)"),
        ("holajuan2026", "(JUAN)"),
        ("ficcion-total", "(FICCION)"),
    ],
)
def test_password_rules_say_why(password: str, why: str) -> None:
    problem = accounts.password_problem(password, CURP, ("Juan", "Prueba", "Ficción"))
    assert problem is not None
    assert why in problem


@pytest.mark.parametrize(
    "password", ["tres tristes tigres", "Lumbre-de-Otoño-7", "abcdefgh-xyz", "de la Luz 2026"]
)
def test_good_passwords_pass(password: str) -> None:
    assert accounts.password_problem(password, CURP, ("Juan", "Prueba", "Ficción")) is None


def test_short_name_words_do_not_forbid_everything() -> None:
    # "LI" or "DE" would rule out half the dictionary; only words of 3 letters or more count.
    assert accounts.password_problem("delicias del mar", CURP, ("Li", "De", "")) is None


COMMON_WORD = "es una palabra o un nombre muy común (aunque lleve números o signos)"


@pytest.mark.parametrize(
    "password",
    [
        "Corazón2024!",  # accent, digits and a symbol after the word
        "corazon123",
        "123teamo",  # digits before; a phrase written as one word
        "teamo2024",
        "mexico!!",
        "mexico2025!",
        "contraseña1",
        "Contrasena1",  # the ñ typed as n
        "Guadalupe1985",  # first names: Mexican, and Spanish
        "ALEJANDRA.2000",
        "Francisco#77",
        "Vergüenza2024",  # diaeresis
        "  mariposa  ",
        "c0raz0n2024",  # leetspeak inside the word
        "m3xic0!",  # and at its end: the 0 belongs to the word, the ! does not
        "4m0r#1234",
        "$0l3dad99",
        "fe1icidad",  # 1 read as l
    ],
)
def test_a_common_word_with_digits_or_symbols_around_it_is_refused(password: str) -> None:
    problem = accounts.password_problem(password, CURP, ("Juan", "Prueba", "Ficción"))
    assert problem is not None
    assert COMMON_WORD in problem
    assert password.strip() not in problem  # never echoed


@pytest.mark.parametrize(
    "password",
    [
        "derechohabiencia",
        "Derechohabiente1",
        "issste123",
        "IMSS2024!",
        "curp2024",
        "Constancia1",
        "vigencia2025",
        "afiliación",
        "carnet2025",
        "renapo123",
        "oficinavirtual",
        "p@ssw0rd2024",
    ],
)
def test_the_portal_s_own_words_are_refused(password: str) -> None:
    problem = accounts.password_problem(password, CURP, ("Juan", "Prueba", "Ficción"))
    assert problem is not None and COMMON_WORD in problem


@pytest.mark.parametrize(
    "password",
    [
        "casa perro luna sol",  # a phrase of common words
        "corazón de melón 2024",
        "Teamo-mucho-Lupita",
        "micorazonsiemprecanta",  # holds words but is not one
        "gato2024perro",
        "carnet.digital.issste",
        "x7#Qm!2pLz",
        "Tlacuache_Zafiro_93",
    ],
)
def test_phrases_and_passwords_that_only_contain_a_word_pass(password: str) -> None:
    assert accounts.password_problem(password, CURP, ("Juan", "Prueba", "Ficción")) is None


def test_a_name_is_reported_as_the_name_before_as_a_common_word() -> None:
    problem = accounts.password_problem("Juan2024!", CURP, ("Juan", "Prueba", "Ficción"))
    assert problem == "Tu contraseña no puede contener tu nombre ni tus apellidos (JUAN)."


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


# --- Lockout -------------------------------------------------------------------------------


def _fail(times: int, every: dt.timedelta, state: Intentos | None = None) -> Intentos:
    state = state or Intentos()
    for i in range(times):
        state = accounts.tras_fallo(state, T0 + i * every)
    return state


def test_four_failures_do_not_lock() -> None:
    state = _fail(4, dt.timedelta(minutes=1))
    assert state == Intentos(4, T0, None)


def test_the_fifth_failure_within_fifteen_minutes_locks_for_fifteen_minutes() -> None:
    state = _fail(5, dt.timedelta(minutes=3))
    locked_at = T0 + dt.timedelta(minutes=12)
    assert state == Intentos(0, None, locked_at + dt.timedelta(minutes=15))
    assert accounts.bloqueada(state.bloqueada_hasta, locked_at + dt.timedelta(minutes=14))
    assert not accounts.bloqueada(state.bloqueada_hasta, locked_at + dt.timedelta(minutes=15))
    assert accounts.minutos_restantes(state.bloqueada_hasta, locked_at) == 15


def test_failures_spread_over_more_than_fifteen_minutes_start_a_new_window() -> None:
    state = _fail(5, dt.timedelta(minutes=4))  # the 5th is 16 minutes after the 1st
    assert state.bloqueada_hasta is None
    assert state.fallidos == 1


def test_naive_datetimes_from_sqlite_count_as_utc() -> None:
    naive = Intentos(4, T0.replace(tzinfo=None), None)
    state = accounts.tras_fallo(naive, T0 + dt.timedelta(minutes=1))
    assert state.bloqueada_hasta == T0 + dt.timedelta(minutes=16)
    assert accounts.bloqueada(state.bloqueada_hasta.replace(tzinfo=None), T0)
    assert accounts.minutos_restantes(None, T0) == 0

"""/oficina/constancia-vigencia: the carnet digital (ISSSTE Constancia de Vigencia de Derechos).

A "check your answers" page lists the titular and each beneficiary registered under them, as
the registry has them, and one download button per person with rights today. The button names
a person by CURP; the field only picks the person, and ``constancias_vigencia.emitir_carnet``
with the account's CURP decides whether that person is the titular's to ask for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from blueprints import descarga_repetida
from blueprints.constancias_servicio import ahora, descargar_pdf, servicio
from blueprints.cuenta_forms import CURP_SHAPE
from blueprints.cuenta_limites import contar
from blueprints.extensions import db
from blueprints.formulario_sin_token import confirmar_sin_token
from domain import constancias, constancias_vigencia, derechos, registry
from domain.constancia_tipos import VIGENCIA_ISSSTE
from domain.curp import compact
from domain.hoy import today_in_mexico
from domain.models import Afiliacion, Cuenta

bp = Blueprint("carnet", __name__)

ISSUE_RULE = "20 per hour"  # documents asked for by one account, whoever they are for
PAGE = "carnet/vigencia.html"


@dataclass(frozen=True, slots=True)
class Derechohabiente:
    """One person on the page: their registry row and whether a carnet can be issued today."""

    afiliacion: Afiliacion
    puede: bool  # emitir_carnet would not refuse it as not vigente
    propia: bool  # their own affiliation is current (False: it lapsed, or only the titular's)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.cache_control.no_store = True  # personal data: never in a shared cache
    return response


def _cuenta() -> Cuenta:
    cuenta: Cuenta = current_user.cuenta
    return cuenta


def _revision(curp: str, today: dt.date) -> dict[str, Any]:
    """The titular and their beneficiaries, with what each may download today."""
    estado = registry.situacion(db.session, curp, today)
    # A beneficiary's rights come from the titular's, whose rows are the account's own:
    # derechos.tiene_derecho is the rule emitir_carnet applies too.
    propia = estado.issste_titular
    titular = None
    if propia is not None:
        vigente = registry.vigente(propia, today)
        titular = Derechohabiente(propia, derechos.tiene_derecho(propia, today, ()), vigente)
    familia = []
    for afiliacion in registry.beneficiarios(db.session, curp, "ISSSTE"):
        puede = derechos.tiene_derecho(afiliacion, today, estado.issste)
        familia.append(Derechohabiente(afiliacion, puede, registry.vigente(afiliacion, today)))
    return {"persona": estado.persona, "titular": titular, "familia": familia}


def _pagina(
    problema: dict[str, Any] | None = None, status: int = 200, **extra: Any
) -> tuple[str, int]:
    context = _revision(_cuenta().curp, today_in_mexico())
    return render_template(PAGE, problema=problema, **context, **extra), status


def _elegida(curp: str, titular_curp: str, today: dt.date) -> Afiliacion | None:
    """The ISSSTE affiliation the form asked for, preferring one registered under the account.

    It may belong to someone else: emitir_carnet is what refuses it (NoCorresponde).
    """
    estado = registry.situacion(db.session, curp, today)
    if curp == titular_curp and estado.issste_titular is not None:
        return estado.issste_titular
    candidatas = sorted(
        estado.issste,
        key=lambda a: (a.titular_curp != titular_curp, not registry.vigente(a, today), a.id),
    )
    return candidatas[0] if candidatas else None


@bp.get("/oficina/constancia-vigencia")
@login_required
def constancia_vigencia() -> ResponseReturnValue:
    return _pagina()


@bp.post("/oficina/constancia-vigencia")
@login_required
def descargar() -> ResponseReturnValue:
    cuenta = _cuenta()
    pedida = compact(request.form.get("curp", "")[:64])
    forma = CURP_SHAPE.fullmatch(pedida)
    now = ahora()
    descarga = descarga_repetida.pedir(VIGENCIA_ISSSTE, pedida, now) if forma else None
    if descarga and descarga.anterior:  # asked again at once: the same carnet, no issue limit
        return descargar_pdf(descarga.anterior, de_nuevo=True)
    if not contar("carnet", str(cuenta.id), ISSUE_RULE):
        page, status = _pagina({"clave": "limite"}, 429)
        return page, status, {"Retry-After": "3600"}
    if descarga is None:
        return _no_corresponde()  # also keeps NUL bytes and other junk away from the database
    afiliacion = _elegida(pedida, cuenta.curp, constancias.local(now).date())
    if afiliacion is None:
        return _no_corresponde()
    service = servicio()
    try:
        row = constancias_vigencia.emitir_carnet(
            db.session, service.signer, afiliacion, now,
            emisor=service.emisor, titular_curp=cuenta.curp,
        )  # fmt: skip
    except constancias.NoCorresponde:
        db.session.rollback()
        return _no_corresponde()
    except constancias.NoVigente:
        return _no_vigente(afiliacion, constancias.local(now).date())
    response = descargar_pdf(row)
    descarga_repetida.anotar(descarga, row)
    return response


def _no_corresponde() -> ResponseReturnValue:
    return render_template("carnet/no_corresponde.html"), 403


def _no_vigente(afiliacion: Afiliacion, today: dt.date) -> ResponseReturnValue:
    propia = registry.vigente(afiliacion, today)
    problema = {
        # Their own affiliation is current: it is the titular's that lapsed.
        "clave": "titular_no_vigente" if propia else "no_vigente",
        "nombre": afiliacion.persona.nombre_completo,
        "es_titular": afiliacion.curp == _cuenta().curp,
        "hasta": afiliacion.vigente_hasta,
    }
    db.session.rollback()
    return _pagina(problema, 422)


@confirmar_sin_token("carnet.descargar", con_sesion=True)
def _confirmar_carnet(**motivo: Any) -> ResponseReturnValue:
    # Sent with a stale token while the session lives: the page with its buttons again, nothing
    # typed and nothing issued yet. After the session ended, errors sends them to sign in.
    page, _status = _pagina(**motivo)
    return page

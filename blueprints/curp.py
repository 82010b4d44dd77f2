"""/curp: check a CURP as you type; /curp/resultado: the same check for the static export's
guides on another origin; /curp/no-la-conozco: the first 16 characters from your data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from blueprints.errors import confirmar_sin_token, enviado
from blueprints.extensions import limiter
from blueprints.htmx_util import (
    for_other_origins,
    opened_as_page,
    page_or_fragment,
    trigger_name,
    wants_fragment,
)
from blueprints.traduccion import traducir_todos
from domain import curp, curp_generate
from domain.curp_tables import SEX_LABELS, STATES

bp = Blueprint("curp", __name__)

CHECK_LIMIT = "120 per minute"

SEXOS = tuple(SEX_LABELS.items())  # the labels are marked for the catalog; the page translates
GENERATE_FIELDS = (
    "nombre",
    "primer_apellido",
    "segundo_apellido",
    "fecha_nacimiento",
    "sexo",
    "entidad",
)


def generate_from(fields: Mapping[str, str]) -> curp_generate.GeneratedCurp:
    """Shared by the page and the API; raises CurpDataError with one message per field."""
    return curp_generate.generate(
        nombre=fields["nombre"],
        primer_apellido=fields["primer_apellido"],
        segundo_apellido=fields["segundo_apellido"] or None,
        fecha_nacimiento=fields["fecha_nacimiento"],
        sexo=fields["sexo"],
        entidad=fields["entidad"],
    )


def check_context(value: str, typing: bool) -> dict[str, Any]:
    """What /curp and the widget show: while typing, a short value is progress, not an error."""
    result = curp.report(value) if value.strip() else None
    in_progress = bool(
        typing
        and result
        and result.normalised
        and len(result.normalised) < 18
        and all(p.code == "length" for p in result.errors)
    )
    facts = result.facts() if result and result.valid else None
    return {"value": value, "result": result, "facts": facts, "in_progress": in_progress}


@bp.get("/curp")
@limiter.limit(CHECK_LIMIT)
def check() -> ResponseReturnValue:
    value = request.args.get("curp", "")[:256]
    typing = trigger_name() == "curp" or request.args.get("typing") == "1"
    return page_or_fragment("curp/check.html", "curp/_result.html", **check_context(value, typing))


@bp.get("/curp/resultado")
@for_other_origins
@limiter.limit(CHECK_LIMIT)
def result_fragment() -> ResponseReturnValue:
    """/curp's answer for the CURP check in the static export's guides: always the fragment,
    with links absolute to this portal, since it lands on another origin."""
    value = request.args.get("curp", "")[:256]
    if opened_as_page():
        return redirect(url_for(".check", curp=value or None))
    context = check_context(value, typing=request.args.get("typing") == "1")
    return render_template(
        "curp/_result.html", portal=current_app.config["PUBLIC_BASE_URL"], **context
    )


@bp.route("/curp/no-la-conozco", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
def generate() -> ResponseReturnValue:
    form = {name: request.form.get(name, "")[:120].strip() for name in GENERATE_FIELDS}
    errors: dict[str, str] = {}
    generated = None
    if request.method == "POST":
        try:
            generated = generate_from(form)
        except curp_generate.CurpDataError as exc:
            errors = traducir_todos(exc.errors)  # the API shares the domain's Spanish
    context = _generate_context(form, errors, generated)
    if wants_fragment():
        return render_template("curp/_generated.html", **context)
    status = 422 if errors else 200
    return render_template("curp/generate.html", **context), status


def _generate_context(
    form: dict[str, str], errors: dict[str, str], generated: curp_generate.GeneratedCurp | None
) -> dict[str, Any]:
    entidades = sorted(STATES.items(), key=lambda item: item[1])
    return {
        "form": form, "errors": errors, "generated": generated,
        "sexos": SEXOS, "entidades": entidades,
    }  # fmt: skip


@confirmar_sin_token("curp.generate")
def _confirmar_generate() -> ResponseReturnValue:
    # Sent without a good token (left open over an hour): the data comes back, not calculated.
    form = {name: enviado(name)[:120] for name in GENERATE_FIELDS}
    context = _generate_context(form, {}, None)
    return render_template("curp/generate.html", confirmar=True, **context)

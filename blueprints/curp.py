"""/curp: check a CURP as you type; /curp/resultado: the same check for the static export's
guides on another origin; /curp/no-la-conozco: the first 16 characters from your data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from blueprints.extensions import limiter
from blueprints.fecha_formulario import pedir_fecha_completa
from blueprints.formulario_sin_token import confirmar_sin_token, enviado
from blueprints.htmx_util import (
    for_other_origins,
    fragment_for,
    opened_as_page,
    swap_target,
    swaps_land_on,
    trigger_name,
    wants_fragment,
)
from blueprints.templating import entidad
from blueprints.traduccion import traducir_todos
from domain import curp, curp_generate
from domain.curp_tables import SEX_LABELS, STATES

bp = Blueprint("curp", __name__)

CHECK_LIMIT = "120 per minute"
PAGE = "curp/check.html"

BLANK_CURP = _l("Escribe tu CURP.")
SEXOS = tuple(SEX_LABELS.items())  # the labels are marked for the catalog; the page translates
GENERATE_FIELDS = (
    "nombre",
    "primer_apellido",
    "segundo_apellido",
    "fecha_nacimiento",
    "sexo",
    "entidad",
)


def generate_from(
    fields: Mapping[str, str], iso_date_only: bool = False
) -> curp_generate.GeneratedCurp:
    """Shared by the page and the API; raises CurpDataError with one message per field."""
    return curp_generate.generate(
        nombre=fields["nombre"],
        primer_apellido=fields["primer_apellido"],
        segundo_apellido=fields["segundo_apellido"] or None,
        fecha_nacimiento=fields["fecha_nacimiento"],
        sexo=fields["sexo"],
        entidad=fields["entidad"],
        iso_date_only=iso_date_only,
    )


def check_context(value: str, typing: bool, submitted: bool = False) -> dict[str, Any]:
    """What /curp and the widget show: while typing, a short value is progress, not an error;
    an empty field sent with "Revisar" is one (a first visit, with no ``curp`` at all, is not)."""
    blank = not value.strip()
    result = None if blank else curp.report(value)
    errors = {"curp": BLANK_CURP} if blank and submitted and not typing else {}
    in_progress = bool(
        typing
        and result
        and result.normalised
        and len(result.normalised) < 18
        and all(p.code == "length" for p in result.errors)
    )
    facts = result.facts() if result and result.valid else None
    return {
        "value": value,
        "result": result,
        "facts": facts,
        "in_progress": in_progress,
        "errors": errors,
    }


def submitted_curp() -> tuple[str, bool]:
    """The ``curp`` query value, and whether the form sent it (even empty)."""
    return request.args.get("curp", "")[:256], "curp" in request.args


@bp.get("/curp")
@limiter.limit(CHECK_LIMIT)
def check() -> ResponseReturnValue:
    value, submitted = submitted_curp()
    typing = trigger_name() == "curp" or request.args.get("typing") == "1"
    context = check_context(value, typing, submitted)
    # This page's form (not the check inside a guide, which has only a result region): an error
    # marks the field itself, so the form comes back whole; and a form showing an error is
    # swapped whole again, which clears it (htmx keeps the focus and the caret in the field,
    # and site.js gives "Revisar" back its focus). The answer goes out of band into the live
    # region beside the form, which stays in the page and so says it.
    # Its swaps bring the page's title ("Error: " with an error); a guide keeps its own.
    target = swap_target()
    if target == "revision" or (target == "resultado" and context["errors"]):
        fragment = fragment_for(PAGE, "curp/_revision.html", oob=True, **context)
        headers = {"HX-Retarget": "#revision", "HX-Reswap": "innerHTML", "Vary": "HX-Target"}
        return fragment, headers
    if target == "resultado":
        html = fragment_for(PAGE, "curp/_result.html", **context)
    elif wants_fragment():
        html = render_template("curp/_result.html", **context)
    else:
        html = render_template(PAGE, **context)
    return html, {"Vary": "HX-Target"}


# The check inside a guide (#resultado-curp) leaves the guide's title, alerts included.
swaps_land_on(PAGE, "curp.check", targets=frozenset({"revision", "resultado"}))


@bp.get("/curp/resultado")
@for_other_origins
@limiter.limit(CHECK_LIMIT)
def result_fragment() -> ResponseReturnValue:
    """/curp's answer for the CURP check in the static export's guides: always the fragment,
    with links absolute to this portal, since it lands on another origin."""
    value, submitted = submitted_curp()
    if opened_as_page():
        return redirect(url_for(".check", curp=value if submitted else None))
    context = check_context(value, request.args.get("typing") == "1", submitted)
    html = render_template(
        "curp/_result.html", portal=current_app.config["PUBLIC_BASE_URL"], **context
    )
    response = Response(html, mimetype="text/html")
    # Its words follow the "lang" cookie, as the guide pages' do: without Cache-Control a shared
    # cache may still keep the answer (heuristic freshness), so it must key on the cookie; and
    # the same URL opened in the address bar is a redirect, as for the FAQ filter.
    response.vary.add("Cookie")
    response.vary.add("Sec-Fetch-Dest")
    return response


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
            # The API shares the domain's Spanish; the date is asked for as the form's control.
            errors = traducir_todos(pedir_fecha_completa(exc.errors))
    context = _generate_context(form, errors, generated)
    if not wants_fragment():
        status = 422 if errors else 200
        return render_template("curp/generate.html", **context), status
    if generated and swap_target() == "resultado":
        return fragment_for("curp/generate.html", "curp/_generated.html", **context)
    # Errors mark each field, so the form comes back whole, as without JavaScript (and a form
    # showing errors asks for everything, which clears them).
    fragment = fragment_for("curp/generate.html", "curp/_calculo.html", **context)
    return fragment, {"HX-Retarget": "#calculo", "HX-Reswap": "innerHTML"}


swaps_land_on("curp/generate.html", "curp.generate")


def _generate_context(
    form: dict[str, str], errors: dict[str, str], generated: curp_generate.GeneratedCurp | None
) -> dict[str, Any]:
    # Named as the pages name them, in the page's language ("Fuera de México").
    entidades = sorted(((code, entidad(code)) for code in STATES), key=lambda item: item[1])
    return {
        "form": form, "errors": errors, "generated": generated,
        "sexos": SEXOS, "entidades": entidades,
    }  # fmt: skip


@confirmar_sin_token("curp.generate")
def _confirmar_generate(**motivo: Any) -> ResponseReturnValue:
    # Sent without a good token (left open over an hour): the data comes back, not calculated.
    form = {name: enviado(name)[:120] for name in GENERATE_FIELDS}
    context = _generate_context(form, {}, None)
    return render_template("curp/generate.html", **motivo, **context)

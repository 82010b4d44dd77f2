"""The public JSON API under /api/v1/: no personal data, CORS for any origin, rate limited."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from blueprints.api_spec import openapi_document
from blueprints.curp import GENERATE_FIELDS, generate_from
from blueprints.errors import problem
from blueprints.extensions import csrf, limiter
from domain import curp, curp_generate

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # stateless and cookie-less: nothing here acts on a session

API_LIMIT = "120 per minute"
DAY = 86400


def _problems(items: tuple[curp.Problem, ...]) -> list[dict[str, Any]]:
    # Spanish whatever `lang` the caller sends, as the OpenAPI document promises: clients may
    # match on the text, and a day-cached answer must not depend on a cookie. Pages translate.
    return [{"code": p.code, "positions": list(p.positions), "message": p.message} for p in items]


def curp_json(value: str) -> dict[str, Any]:
    result = curp.report(value)
    facts = result.facts() if result.valid else None
    return {
        "input": result.input,
        "curp": result.curp if result.valid else None,
        "valid": result.valid,
        "errors": _problems(result.errors),
        "warnings": _problems(result.warnings),
        "birth_date": facts.birth_date.isoformat() if facts else None,
        "sex": facts.sex if facts else None,
        "state": {"code": facts.state_code, "name": facts.state_name} if facts else None,
    }


def cacheable(data: Any, max_age: int = DAY, shared: bool = True) -> Response:
    """``data`` as JSON that caches may keep ``max_age`` seconds, with an ETag (304 if unchanged);
    only the client's own cache when not ``shared``.

    Built directly rather than with jsonify + make_conditional: on the hottest route of the API
    those two cost more than the CURP check itself, and only If-None-Match applies here.
    """
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    etag = hashlib.blake2b(body, digest_size=12).hexdigest()
    scope = "public" if shared else "private"
    headers = {"Cache-Control": f"{scope}, max-age={max_age}", "ETag": f'"{etag}"'}
    if "HTTP_IF_NONE_MATCH" in request.environ and request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    return Response(body, headers=headers, mimetype="application/json")


@bp.get("/api/v1/curp/", defaults={"value": ""})  # nothing typed is an input too: 200
@bp.get("/api/v1/curp/<path:value>")
@limiter.limit(API_LIMIT)
def curp_validation(value: str) -> ResponseReturnValue:
    if value.rstrip("/") == "generar":
        abort(404)  # the generation's path with a slash: a 404, as every route's here
    # The answer depends only on the text and on today's date, so a day of caching is safe.
    return cacheable(curp_json(value[:1024]))


@bp.get("/api/v1/curp/generar")
@limiter.limit(API_LIMIT)
def curp_generation() -> ResponseReturnValue:
    args = {k: request.args.get(k, "")[:120] for k in GENERATE_FIELDS}
    try:
        # AAAA-MM-DD only, as documented: a client's 02/01/1990 may mean 1 February.
        generated = generate_from(args, iso_date_only=True)
    except curp_generate.CurpDataError as exc:
        # Each message names its parameter: several say the same words ("Usa solo letras…").
        detail = " ".join(f"{campo}: {mensaje}" for campo, mensaje in exc.errors.items())
        response = problem(422, "Datos incompletos o imposibles", detail)
        response.set_data(json.dumps({**response.get_json(), "errors": exc.errors}))
        return response
    # The URL and the answer hold names and a birth date: the asker's cache only.
    return cacheable(
        {
            "prefix": generated.prefix,
            "hint": generated.hint,
            "note": generated.renapo_note,
            "explanation": [
                {"positions": b.positions, "value": b.value, "text": b.text}
                for b in generated.explanation
            ],
        },
        shared=False,
    )


@bp.get("/api/v1/openapi.json")
@limiter.exempt
def openapi() -> ResponseReturnValue:
    return cacheable(openapi_document(), max_age=3600)


@bp.get("/api/docs")
@limiter.exempt
def docs() -> ResponseReturnValue:
    return render_template("api/docs.html", spec=openapi_document())

"""Pages that belong to no feature: health check, language switch, demo CURPs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from blueprints.destino import destino_seguro
from blueprints.extensions import LANGUAGES, db, limiter
from blueprints.parentescos import parentesco
from blueprints.traduccion import traducir
from domain import demo, migraciones

bp = Blueprint("core", __name__)
# Every page that shows a domain message (CURP explanation, NSS problems, demo cases) uses it.
bp.add_app_template_filter(traducir, "traducir")
# A beneficiary's relationship, as /oficina and the carnet page show it.
bp.add_app_template_filter(parentesco, "parentesco")


@bp.record_once
def _revisiones(state: Any) -> None:
    # Once per process: the scripts do not change under a running server.
    versions = Path(state.app.root_path) / "migrations" / "versions"
    state.app.extensions["migraciones"] = migraciones.leer(versions)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> ResponseReturnValue:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    # A server deployed before `db upgrade` would pass a bare SELECT 1, and then fail on
    # every page that reads a missing table or column.
    try:
        aplicadas = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:  # no such table: never migrated
        db.session.rollback()
        aplicadas = set()
    estado = current_app.extensions["migraciones"].estado(aplicadas)
    if estado != "ok":
        detail = "Faltan migraciones: corre flask --app app db upgrade."
        return jsonify(status="error", database=estado, detail=detail), 503
    return jsonify(status="ok", database="ok")


@bp.get("/idioma")
def idioma() -> ResponseReturnValue:
    lang = request.args.get("lang", "es")
    if lang not in LANGUAGES:
        abort(404)
    if current_user.is_authenticated and current_user.cuenta.idioma != lang:
        # The owner chose it: the account's alerts (domain/models.Cuenta.idioma) follow.
        current_user.cuenta.idioma = lang
        db.session.commit()
    response = redirect(destino_seguro(request.args.get("next"), "/"))
    response.set_cookie(
        "lang",
        lang,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/demo")
def demo_page() -> ResponseReturnValue:
    if not current_app.config["DEMO_MODE"]:
        abort(404)
    examples = demo.examples(db.session)
    return render_template("core/demo.html", examples=examples)

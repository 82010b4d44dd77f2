"""The app plus one public form protected by the captcha, for the tests of the captcha itself
(web and browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, render_template, request
from jinja2 import ChoiceLoader, DictLoader

from blueprints.captcha import check_captcha
from blueprints.extensions import db
from tests.conftest import make_app

FORM = """{% from "components/forms.html" import field, error_summary %}
{% from "components/captcha.html" import captcha_field %}
{{ error_summary(errors) }}
{% if enviado %}<p class="panel panel--ok" id="enviado">Recibido</p>{% endif %}
<form method="post" action="{{ request.path }}" novalidate
  {%- if con_htmx %} hx-post="{{ request.path }}" hx-target="#zona"{% endif %}>
  {% call field("nombre", "Nombre", value=nombre, errors=errors) %}{% endcall %}
  {{ captcha_field(errors) }}
  <button type="submit">Enviar</button>
</form>"""
TEMPLATES = {
    "_prueba_form.html": FORM,
    # Just the component, outside the site's layout.
    "prueba.html": '<!doctype html><html lang="es"><head><meta charset="utf-8">'
    "<title>Formulario de prueba</title>"
    '<link rel="stylesheet" href="/static/css/site.css">'
    '<link rel="icon" href="/static/img/emblema.svg" type="image/svg+xml"></head>'
    '<body><main id="contenido" class="wrap"><h1>Formulario de prueba</h1>'
    '{% include "_prueba_form.html" %}</main></body></html>',
    # The same form in the real layout (htmx, site.js), swapped by htmx when con_htmx.
    "prueba_sitio.html": '{% extends "base.html" %}{% block title %}Formulario de prueba'
    "{% endblock %}{% block content %}<h1>Formulario de prueba</h1>"
    '<div id="zona" aria-live="polite">{% include "_prueba_form.html" %}</div>{% endblock %}',
}
CHEAP = {"CAPTCHA_POW_COST": 10, "CAPTCHA_POW_COUNTER": (5, 40)}


def form_app(tmp_path: Path, database_url: str, **overrides: Any) -> Flask:
    """The app plus one public form protected by the captcha, as features will use it."""
    app = make_app(tmp_path, database_url, **{**CHEAP, **overrides})
    assert app.jinja_loader is not None
    app.jinja_env.loader = ChoiceLoader([DictLoader(TEMPLATES), app.jinja_loader])

    @app.route("/prueba/formulario", methods=["GET", "POST"])
    @app.route("/prueba/formulario-sitio", methods=["GET", "POST"], endpoint="sitio")
    @app.route("/prueba/formulario-htmx", methods=["GET", "POST"], endpoint="con_htmx")
    def formulario() -> tuple[str, int]:
        errors: dict[str, str] = {}
        if request.method == "POST":
            error = check_captcha(request.form)
            if error:
                errors["captcha"] = error
            elif request.form.get("nombre") == "falla":
                db.session.rollback()  # the caller's own work fails after the captcha passed
                errors["nombre"] = "No se pudo guardar"
        template = "prueba.html" if request.path.endswith("formulario") else "prueba_sitio.html"
        html = render_template(
            "_prueba_form.html" if request.headers.get("HX-Request") else template,
            con_htmx=request.path.endswith("-htmx"),
            errors=errors,
            nombre=request.form.get("nombre", ""),
            enviado=request.method == "POST" and not errors,
        )
        # htmx 2 swaps only 2xx responses: a fragment with errors is still a 200.
        return html, 422 if errors and not request.headers.get("HX-Request") else 200

    return app


def page(client: Any) -> str:
    return client.get("/prueba/formulario").get_data(as_text=True)

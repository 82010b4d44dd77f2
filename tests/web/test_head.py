"""A HEAD is the GET it stands for (blueprints/edge.py): it never runs a form's submission.

Views tell the form page from its submission by ``request.method == "GET"``; a HEAD used to
take the submission's branch, with a body werkzeug parsed, and without the CSRF check or the
limits a POST has: an unlimited NSS lookup, constancias past their limit, an email change
confirmed by a link checker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from blueprints.extensions import db
from domain.models import Constancia, Correo, Cuenta, UsoUnico
from tests.conftest import make_app
from tests.web.cuenta_helpers import PASSWORD, correos, crear_cuenta, cuenta, enlace, entrar, seed

CURP = "PXNE660720HMCXTN06"
FORM = {
    "curp": CURP,
    "email": "alguien@example.org",
    "password": PASSWORD,
    "actual": PASSWORD,
    "nss": "12345678903",
}
HTMX = {"HX-Request": "true"}  # as a form's htmx would send it, for the views that look


def _rows(app: Flask) -> tuple[int, ...]:
    with app.app_context():
        count = sa.func.count()
        return tuple(
            db.session.scalar(sa.select(count).select_from(model))
            for model in (Correo, Constancia, Cuenta, UsoUnico)
        )


def _forms(app: Flask) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if {"GET", "POST"} <= (rule.methods or set()):
            url = rule.rule
            for argument in rule.arguments:
                url = url.replace(f"<{argument}>", "x").replace(f"<string:{argument}>", "x")
            urls.append(url)
    return sorted(urls)


def test_a_head_with_a_body_answers_as_the_get_and_changes_nothing(
    tmp_path: Path, database_url: str
) -> None:
    # As production runs: CSRF checked and limits on, so a submission would have shown.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)
    seed(app)
    client = app.test_client()
    forms = _forms(app)
    assert "/imss/nss" in forms and "/constancias/no-derechohabiencia" in forms
    before = _rows(app)
    for url in forms:
        got = client.get(url, headers=HTMX)
        head = client.head(url, data=FORM, headers=HTMX)
        assert head.status_code == got.status_code, url
        assert head.get_data() == b"", url
        # A POST's limit would have shown in the headers.
        limited = "RateLimit-Remaining" in head.headers
        assert limited == ("RateLimit-Remaining" in got.headers), url
    assert _rows(app) == before


def test_a_link_checker_s_head_does_not_confirm_an_email_change(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "titular@example.org")
    client = app.test_client()
    assert entrar(client, curp).status_code == 303
    asked: Any = client.post("/oficina/correo", data={**FORM, "email": "nuevo@example.org"})
    assert asked.status_code == 303
    path = enlace(correos(app, "nuevo@example.org")[0])
    assert app.test_client().head(path).status_code == 200
    found = cuenta(app, curp)
    assert (found.email, found.email_pendiente) == ("titular@example.org", "nuevo@example.org")
    assert app.test_client().post(path).status_code == 200  # the link still works, once

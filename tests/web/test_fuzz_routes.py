"""Random and hostile values posted to every route: never a 500.

Runs against whatever routes the app has, so each new form is covered the day it lands.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import (
    PG_URL,
    create_schema,
    make_app,
    service_missing,
    sqlite_database,
    truncate_all,
)

HOSTILE = [
    "",
    " ",
    "\x00",
    "\x1b[31m",
    "A" * 5000,
    "ñ" * 300,
    "😀🙂",
    "' OR 1=1 --",
    "'; DROP TABLE persona; --",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "../../etc/passwd",
    "%00",
    "-1",
    "99999999999999999999999",
    "2026-02-30",
    "PXNE660720HMCXTN06",
    "pxne660720hmcxtn06",
    "ana@example.org",
    "no-es-correo@",
    "1",
    "true",
]
FIELDS = [
    "curp",
    "email",
    "nss",
    "nombre",
    "primer_apellido",
    "segundo_apellido",
    "fecha_nacimiento",
    "sexo",
    "entidad",
    "telefono",
    "password",
    "password_actual",
    "acepto",
    "captcha",
    "q",
    "folio",
    "c",
    "lang",
    "next",
    "motivo",
    "token",
    "beneficiario",
    "tema",
    "idioma",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
forms = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)


def _routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/static"):
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            # A rule's defaults fill some of its arguments (/api/v1/curp/ is an empty CURP).
            placeholders = sorted(set(rule.arguments) - set(rule.defaults or {}))
            found.append((rule.rule, method, placeholders))
    return sorted(found)


def _url(rule: str, arguments: list[str], value: str) -> str:
    url = rule
    for _ in arguments:
        start = url.index("<")
        end = url.index(">", start)
        url = url[:start] + (quote(value, safe="") or "x") + url[end + 1 :]
    return url


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def fuzz_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    if request.param == "sqlite":
        url = sqlite_database(tmp / "fuzz.sqlite3")
    else:
        if not PG_URL:
            service_missing("PostgreSQL (TEST_DATABASE_URL)")
        engine = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        create_schema(engine)
        truncate_all(engine)
        engine.dispose()
        url = PG_URL
    app = make_app(tmp, url, PROPAGATE_EXCEPTIONS=False)
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "20", "--seed", "4"])
    assert result.exit_code == 0, result.output
    yield app
    from blueprints.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_every_route_survives_hostile_input(fuzz_app: Flask) -> None:
    client = fuzz_app.test_client()
    routes = _routes(fuzz_app)
    assert len(routes) > 5

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(path_value=values, form=forms)
    def check(path_value: str, form: dict[str, str]) -> None:
        for rule, method, arguments in routes:
            url = _url(rule, arguments, path_value)
            if method == "GET":
                response = client.get(url, query_string=form)
            else:
                response = client.post(
                    url, data=form, headers={"HX-Request": "true"} if len(form) % 2 else {}
                )
            assert response.status_code < 500, (method, url, form, response.status_code)

    check()

"""The static export, on its own origin, when the backend refuses it for going over a limit:
the person reads how long to wait where the answer would have been, not "we could not check"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from blueprints import curp as curp_views
from blueprints import guides
from tests.browser.conftest import LiveServer, assert_no_axe_violations
from tests.browser.curp_helpers import VALID_CURP
from tests.browser.export_helpers import backend_app, freeze, static_host

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def export_and_limited_backend(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Flask]]:
    tmp = tmp_path_factory.mktemp("export-limited")
    app = backend_app(tmp)
    backend = LiveServer(app)
    build = freeze(app, backend.url, tmp / "build")
    app.extensions["ratelimit"].enabled = True  # after the export, which asks nothing of it
    with static_host(build) as static, backend:
        yield static, app


def spend(app: Flask, path: str, limit: str) -> None:
    """This machine's whole budget for ``path`` (the browser asks from the same address)."""
    client = app.test_client()
    for _ in range(int(limit.split()[0])):
        client.get(path, environ_base={"REMOTE_ADDR": "127.0.0.1"})


def test_exported_curp_check_over_the_limit_says_how_long_to_wait(
    phone: Any, export_and_limited_backend: tuple[str, Flask]
) -> None:
    static, app = export_and_limited_backend
    spend(app, "/curp/resultado?curp=X", curp_views.CHECK_LIMIT)
    phone.goto(static + "/guias/que-es-la-curp/index.html")
    field = phone.get_by_label("CURP", exact=True)
    field.fill(VALID_CURP)
    field.press("Enter")
    result = phone.locator("#resultado-curp")
    expect(result.locator("h2")).to_have_text("Demasiadas solicitudes")
    expect(result).to_contain_text("Espera un minuto y vuelve a intentarlo.")
    expect(result).not_to_contain_text("No pudimos revisar tu CURP")
    assert_no_axe_violations(phone)


def test_exported_faq_filter_over_the_limit_says_how_long_to_wait(
    desktop: Any, export_and_limited_backend: tuple[str, Flask]
) -> None:
    static, app = export_and_limited_backend
    spend(app, "/preguntas-frecuentes/buscar?q=x", guides.SEARCH_LIMIT)
    desktop.goto(static + "/preguntas-frecuentes/index.html")
    desktop.locator("#campo-q").fill("cuenta")
    desktop.locator("#campo-q").press("Enter")
    results = desktop.locator("#resultados-faq")
    expect(results).to_contain_text("Espera un minuto y vuelve a intentarlo.")

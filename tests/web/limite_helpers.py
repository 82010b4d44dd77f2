"""What the tests of forms a rate limit refuses without JavaScript share
(blueprints/formulario_al_limite.py): an app with its limits and CSRF on, the form page's token,
the checks of the page that comes back, and the same form sent again from that page.

Used by test_formulario_al_limite*.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from blueprints.ratelimit_memory import MemoryCounter
from domain import curp
from tests.conftest import make_app
from tests.web.cuenta_helpers import PASSWORD, crear_cuenta

RESUMEN = "Hiciste muchas solicitudes en poco tiempo. Espera"


def app_limitada(tmp_path: Path, database_url: str, **overrides: Any) -> Flask:
    return make_app(
        tmp_path, database_url, RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=True, **overrides
    )


def token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the page at ``path``, as a person's browser would send it."""
    page = lxml_html.fromstring(client.get(path).get_data(as_text=True))
    [value] = page.xpath('(//form[@method="post"]//input[@name="csrf_token"])[1]/@value')
    return str(value)


def con_sesion(app: Flask, curp: str, email: str) -> FlaskClient:
    """A client signed in to a new active account (its form's token sent, as CSRF asks)."""
    crear_cuenta(app, curp, email)
    client = app.test_client()
    data = {"csrf_token": token(client, "/cuenta/entrar"), "curp": curp, "password": PASSWORD}
    assert client.post("/cuenta/entrar", data=data).status_code == 303
    return client


def otra_curp(n: int) -> str:
    """A valid CURP nobody has (an invalid one is only explained, never counted)."""
    first17 = f"PXNE66{1 + n // 28:02d}{1 + n % 28:02d}HMCXTN0"
    return first17 + curp.check_digit(first17)


def agotar(client: FlaskClient, path: str, veces: int, data: dict[str, str]) -> list[int]:
    """Post ``data`` ``veces`` times (each counted by the form's limit); the statuses."""
    return [client.post(path, data=data).status_code for _ in range(veces)]


def olvidar_limites(app: Flask) -> None:
    """Every window spent so far forgotten, as when the wait is over."""
    app.extensions["ratelimit"].primary = MemoryCounter()


def valor(form: Any, name: str) -> str | None:
    """What a field of ``form`` holds: an input's value, the radio or option chosen."""
    inputs = form.xpath(f'.//input[@name="{name}"][not(@type="radio") or @checked]')
    if inputs:
        return str(inputs[0].get("value") or "")
    chosen = form.xpath(f'.//select[@name="{name}"]/option[@selected]/@value')
    return str(chosen[0]) if chosen else None


def rechazada(
    response: Any, accion: str, enviados: dict[str, str], secretos: tuple[str, ...] = ()
) -> Any:
    """Check the page a limit answered with: 429 and Retry-After, "Error: " first in its title,
    the error summary at its top, the (first) form posting to ``accion`` with what was sent in
    it, its ``secretos`` empty and a CSRF token. The form (lxml)."""
    assert response.status_code == 429, response.status_code
    assert int(response.headers["Retry-After"]) > 0
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    assert doc.findtext(".//title").startswith("Error: "), doc.findtext(".//title")
    [resumen] = doc.xpath('//main/div[@id="aviso"]/div[@class="error-summary"]')
    assert resumen.get("role") == "alert" and resumen.get("tabindex") == "-1"
    assert resumen.findtext("h2") == "Hay un problema"
    assert RESUMEN in " ".join(resumen.text_content().split())
    form = doc.xpath(f'(//form[@method="post"][@action="{accion}"])[1]')[0]
    for name, sent in enviados.items():
        assert valor(form, name) == sent, name
    for name in secretos:
        [field] = form.xpath(f'.//input[@name="{name}"]')
        kept = field.get("checked") if field.get("type") == "checkbox" else field.get("value")
        assert kept is None or kept == "", name
    assert valor(form, "csrf_token")
    return form


def campos(form: Any) -> dict[str, str]:
    """What ``form`` would send as it is on the page (unchecked boxes aside)."""
    data: dict[str, str] = {}
    for field in form.xpath(".//input[@name]"):
        if field.get("type") not in ("checkbox", "radio") or field.get("checked") is not None:
            data[field.get("name")] = field.get("value") or ""
    for select in form.xpath(".//select[@name]"):
        data[select.get("name")] = valor(form, select.get("name")) or ""
    return data


def otra_vez(client: FlaskClient, form: Any, **escritos: str) -> Any:
    """The form sent again from the page the limit answered with, its token included, with
    what the person types again (a password, the captcha's answer)."""
    return client.post(form.get("action"), data={**campos(form), **escritos})


def pagina(response: Any) -> str:
    return str(response.get_data(as_text=True))

"""One htmx swap fills the template context once (blueprints/htmx_util.fragment_for): the page's
<title> and the fragment are rendered from the same context, and the fragment still sends
Flask's template signals, as render_template would."""

from __future__ import annotations

from typing import Any

from flask import Flask, before_render_template, template_rendered
from flask.testing import FlaskClient

HX = {"HX-Request": "true"}


def count_context_processor_runs(app: Flask) -> list[int]:
    runs: list[int] = []

    @app.context_processor
    def contar() -> dict[str, Any]:
        runs.append(1)
        return {"vuelta": len(runs)}

    return runs


def test_a_swap_runs_the_context_processors_once(app: Flask, client: FlaskClient) -> None:
    runs = count_context_processor_runs(app)
    headers = {**HX, "HX-Target": "resultado"}
    response = client.post("/constancias/no-afiliacion", data={"curp": ""}, headers=headers)
    assert response.get_data(as_text=True).startswith("<title>Error: ")
    assert len(runs) == 1
    client.post("/constancias/no-afiliacion", data={"curp": ""})  # the full page: once as well
    assert len(runs) == 2


def test_the_fragment_sends_the_template_signals_with_the_filled_context(
    app: Flask, client: FlaskClient
) -> None:
    count_context_processor_runs(app)
    heard: list[tuple[str, str, Any]] = []

    def before(sender: Flask, template: Any, context: dict[str, Any], **_: Any) -> None:
        heard.append(("before", template.name, context.get("vuelta")))

    def after(sender: Flask, template: Any, context: dict[str, Any], **_: Any) -> None:
        heard.append(("after", template.name, context.get("vuelta")))

    with (
        before_render_template.connected_to(before, app),
        template_rendered.connected_to(after, app),
    ):
        response = client.get("/curp?curp=", headers={**HX, "HX-Target": "resultado"})
    assert response.get_data(as_text=True).startswith("<title>Error: Revisa tu CURP")
    # The title is only the page's block, not a render of the page: no signal for it.
    assert heard == [("before", "curp/_revision.html", 1), ("after", "curp/_revision.html", 1)]
